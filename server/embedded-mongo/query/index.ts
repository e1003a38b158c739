// The query engine (decision 0004): filters, sort orders and find projections.
export { compileFilter, type FilterOptions, type Matcher } from './filter';
export { compileSort, compileSortKeys } from './sort';
export { compileProjection } from './projection';
