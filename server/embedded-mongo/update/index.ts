// The update engine: update operators, positional and filtered positional paths, replacements
// and the document an upsert starts from (decision 0004).
export { compileUpdate, isOperatorUpdate, MAX_DOCUMENT_SIZE, type ApplyOptions, type CompiledUpdate, type UpdateOptions, type UpdateResult } from './compile';
export { upsertSeed } from './upsert';
export { sameDocument } from './leaf';
export { formatIdOf, formatValue } from './format';
export { checkStorableId } from './tree';
export { setOwnField } from './paths';
