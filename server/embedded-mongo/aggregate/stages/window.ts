// $setWindowFields: window functions over sorted partitions.
//
// Each output is computed per document over a window of its partition: documents [l, u]
// (positions relative to the current one), range [l, u] (sortBy values relative to the current
// one, with a unit for dates), or by default the whole partition. Accumulators are the $group
// ones; $rank, $denseRank, $documentNumber, $shift, $locf, $linearFill, $derivative, $integral,
// $expMovingAvg, $covariancePop and $covarianceSamp are window-only.
import type { Document } from 'bson';
import { bsonType, compareValues, getField, isNumeric, isPlainObject, makeDouble, toNumber } from '../../bson/index';
import { CommandError } from '../../errors';
import { parseAccumulatorField, type AccumulatorSpec } from '../accumulators/index';
import { compileExpression, type Evaluator, type Variables } from '../expressions/index';
import { setFieldThroughArrays } from '../paths';
import { DOCUMENTS_PER_PAUSE, PAUSE, type Pause, type Stream } from '../pause';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';
import { sortedPartitions } from './partitions';
import { validateSortSpec } from './sort';
import { addToDate, parseTimeUnit, type TimeUnit } from './time-units';

type Bound = 'unbounded' | 'current' | number;
interface Window {
  kind: 'documents' | 'range';
  lower: Bound;
  upper: Bound;
  unit?: TimeUnit;
}

interface Partition {
  docs: Document[];
  vars: Variables;
  /** The single sortBy field's values (range windows, $derivative, $integral, $linearFill). */
  sortValues: unknown[];
  /** 1 or -1: the direction of the single sortBy field. */
  direction: number;
  /** Whether documents i-1 and i have equal sortBy keys ($rank, $denseRank). */
  tiedWithPrevious: boolean[];
}

type WindowFunction = (partition: Partition, windowOf: (i: number) => [number, number]) => Generator<Pause, unknown[], void>;

/** Wraps a computation per document, pausing every few hundred documents of the partition. */
function perDocument(compute: (partition: Partition, i: number, windowOf: (i: number) => [number, number]) => unknown): WindowFunction {
  return function* (partition, windowOf) {
    const out: unknown[] = [];
    for (let i = 0; i < partition.docs.length; i += 1) {
      out.push(compute(partition, i, windowOf));
      if ((i + 1) % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
    }
    return out;
  };
}

/** A computation over the whole partition at once (linear in its size). */
function whole(compute: (partition: Partition) => unknown[]): WindowFunction {
  // eslint-disable-next-line require-yield
  return function* (partition) {
    return compute(partition);
  };
}

interface Output {
  field: string[];
  compute: WindowFunction;
  window: Window | undefined;
}

const MS_PER_UNIT: Record<string, number> = { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

function parseBound(value: unknown, kind: Window['kind']): Bound {
  if (value === 'unbounded' || value === 'current') return value;
  if (isNumeric(value)) {
    const n = toNumber(value);
    if (kind === 'documents' && !Number.isInteger(n)) throw new CommandError(5371601, "Numeric document-based bounds must be an integer");
    return n;
  }
  throw new CommandError(5371601, `Window bounds must be 'unbounded', 'current', or a number, found ${bsonType(value)}`);
}

function parseWindow(spec: unknown, hasSort: boolean, singleSortField: boolean): Window {
  if (!isPlainObject(spec)) throw new CommandError(5371601, "'window' field must be an object");
  for (const key of Object.keys(spec)) {
    if (!['documents', 'range', 'unit'].includes(key)) throw new CommandError(5371601, `'window' field can only contain 'documents' or 'range' and 'unit', found '${key}'`);
  }
  if ((spec.documents === undefined) === (spec.range === undefined)) {
    throw new CommandError(5371601, "'window' field must specify exactly one of 'documents' or 'range'");
  }
  const kind = spec.documents !== undefined ? 'documents' : 'range';
  const bounds = spec[kind];
  if (!Array.isArray(bounds) || bounds.length !== 2) throw new CommandError(5371601, `Window bounds must be a 2-element array: ${kind}`);
  const window: Window = { kind, lower: parseBound(bounds[0], kind), upper: parseBound(bounds[1], kind) };
  if (spec.unit !== undefined) {
    if (kind === 'documents') throw new CommandError(5371601, "'unit' is only valid with 'range' windows");
    window.unit = parseTimeUnit(spec.unit, 5371601, '$setWindowFields');
  }
  const order = (bound: Bound): number => (bound === 'unbounded' ? Number.NEGATIVE_INFINITY : bound === 'current' ? 0 : bound);
  if (window.lower !== 'unbounded' && window.upper !== 'unbounded' && order(window.lower) > order(window.upper)) {
    throw new CommandError(5339900, 'Lower bound must not exceed upper bound');
  }
  const bounded = window.lower !== 'unbounded' || window.upper !== 'unbounded';
  if (bounded && !hasSort) throw new CommandError(5339901, 'Document-based bounds require a sortBy');
  if (kind === 'range' && !singleSortField) throw new CommandError(5339902, 'Range-based window require sortBy a single field');
  return window;
}

export function parseSetWindowFields(spec: unknown, parse: ParseContext): CompiledStage {
  if (!isPlainObject(spec)) throw new CommandError('FailedToParse', 'the $setWindowFields stage specification must be an object');
  for (const key of Object.keys(spec)) {
    if (!['partitionBy', 'sortBy', 'output'].includes(key)) throw new CommandError(40415, `BSON field '$setWindowFields.${key}' is an unknown field.`);
  }
  if (!isPlainObject(spec.output)) throw new CommandError(40414, "BSON field '$setWindowFields.output' is missing but a required field");
  const compileOptions = { ...(parse.collator ? { collator: parse.collator } : {}), variableNames: parse.variableNames };
  const partitionBy = spec.partitionBy === undefined ? undefined : compileExpression(spec.partitionBy, compileOptions);
  const sortBy = spec.sortBy === undefined ? undefined : validateSortSpec(spec.sortBy);
  const sortFields = sortBy ? Object.keys(sortBy) : [];
  const sortField = sortFields.length === 1 ? sortFields[0] : undefined;
  const outputs: Output[] = Object.entries(spec.output).map(([field, outputSpec]) =>
    parseOutput(field, outputSpec, { hasSort: sortBy !== undefined, sortField, compileOptions, parse }),
  );
  return {
    name: '$setWindowFields',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const { partitions, compareDocs: bySort } = yield* sortedPartitions(input, partitionBy, sortBy, context);
      let emitted = 0;
      for (const docs of partitions) {
        const partition: Partition = {
          docs,
          vars: context.variables,
          sortValues: sortField ? docs.map((doc) => getField(doc, sortField)) : [],
          direction: sortField && sortBy ? toNumber(sortBy[sortField]) : 1,
          tiedWithPrevious: docs.map((doc, i) => i > 0 && bySort(docs[i - 1]!, doc) === 0),
        };
        const results = yield* computeOutputs(partition, outputs);
        for (let i = 0; i < docs.length; i += 1) {
          let out = docs[i]!;
          outputs.forEach((output, o) => {
            out = setFieldThroughArrays(out, output.field, 0, () => results[o]![i]) as Document;
          });
          yield out;
          if (++emitted % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
        }
      }
    },
  };
}

function* computeOutputs(partition: Partition, outputs: readonly Output[]): Generator<Pause, unknown[][], void> {
  const results: unknown[][] = [];
  for (const output of outputs) {
    const windowOf = windowFinder(partition, output.window);
    results.push(yield* output.compute(partition, windowOf));
    yield PAUSE;
  }
  return results;
}

/** The [first, last] positions of document i's window (first > last when empty). */
function windowFinder(partition: Partition, window: Window | undefined): (i: number) => [number, number] {
  const n = partition.docs.length;
  if (!window) return () => [0, n - 1];
  if (window.kind === 'documents') {
    const at = (bound: Bound, i: number, isLower: boolean): number =>
      bound === 'unbounded' ? (isLower ? 0 : n - 1) : bound === 'current' ? i : i + bound;
    return (i) => [Math.max(0, at(window.lower, i, true)), Math.min(n - 1, at(window.upper, i, false))];
  }
  const values = partition.sortValues;
  const shifted = (value: unknown, by: number): unknown => {
    if (window.unit) {
      if (!(value instanceof Date)) throw new CommandError(5429513, `Invalid range: Expected the sortBy field to be a Date, but it was ${bsonType(value)}`);
      return addToDate(value, window.unit, by);
    }
    if (!isNumeric(value)) throw new CommandError(5429414, `Invalid range: Expected the sortBy field to be a number, but it was ${bsonType(value)}`);
    return toNumber(value) + by;
  };
  // Values are sorted (ascending or descending): the documents in range are contiguous.
  const descending = partition.direction < 0;
  const firstWhere = (test: (j: number) => boolean): number => {
    let low = 0;
    let high = n;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (test(middle)) high = middle;
      else low = middle + 1;
    }
    return low;
  };
  return (i) => {
    const current = values[i];
    const low = window.lower === 'unbounded' ? undefined : shifted(current, window.lower === 'current' ? 0 : window.lower);
    const high = window.upper === 'unbounded' ? undefined : shifted(current, window.upper === 'current' ? 0 : window.upper);
    const aboveLow = (j: number): boolean => low === undefined || compareValues(values[j], low) >= 0;
    const belowHigh = (j: number): boolean => high === undefined || compareValues(values[j], high) <= 0;
    const first = descending ? firstWhere(belowHigh) : firstWhere(aboveLow);
    const end = descending ? firstWhere((j) => !aboveLow(j)) : firstWhere((j) => !belowHigh(j));
    return [first, end - 1];
  };
}

interface ParseOutputOptions {
  hasSort: boolean;
  sortField: string | undefined;
  compileOptions: { collator?: ParseContext['collator']; variableNames: readonly string[] };
  parse: ParseContext;
}

const ACCUMULATOR_WINDOW_FUNCTIONS = new Set([
  '$sum', '$avg', '$min', '$max', '$first', '$last', '$push', '$addToSet', '$count', '$stdDevPop', '$stdDevSamp',
  '$top', '$bottom', '$topN', '$bottomN', '$firstN', '$lastN', '$maxN', '$minN', '$median', '$percentile',
]);

function parseOutput(field: string, spec: unknown, options: ParseOutputOptions): Output {
  if (field.startsWith('$')) throw new CommandError(16410, "FieldPath field names may not start with '$'. Consider using $getField or $setField.");
  if (!isPlainObject(spec)) throw new CommandError('FailedToParse', `The field '${field}' must be an object`);
  const operators = Object.keys(spec).filter((key) => key !== 'window');
  if (operators.length !== 1) throw new CommandError('FailedToParse', `Expected exactly one window function in the field '${field}'`);
  const operator = operators[0]!;
  const argument = spec[operator];
  const window = spec.window === undefined ? undefined : parseWindow(spec.window, options.hasSort, options.sortField !== undefined);
  const path = field.split('.');
  const compile = (expression: unknown): Evaluator => compileExpression(expression, options.compileOptions);
  const noWindow = (): void => {
    if (window) throw new CommandError(5371601, `${operator} does not accept a 'window' field`);
  };
  const needsSort = (single: boolean): void => {
    if (!options.hasSort) throw new CommandError(5371602, `${operator} must be specified with a top level sortBy expression with exactly one element`);
    if (single && options.sortField === undefined) throw new CommandError(5371602, `${operator} must be specified with a top level sortBy expression with exactly one element`);
  };
  if (ACCUMULATOR_WINDOW_FUNCTIONS.has(operator)) {
    const accumulator = parseAccumulatorField(field, { [operator]: argument }, { ...(options.parse.collator ? { collator: options.parse.collator } : {}), variableNames: options.parse.variableNames });
    return { field: path, window, compute: accumulate(accumulator, window) };
  }
  switch (operator) {
    case '$documentNumber':
    case '$rank':
    case '$denseRank':
      noWindow();
      needsSort(operator !== '$documentNumber');
      return { field: path, window, compute: whole(rank(operator)) };
    case '$shift': {
      noWindow();
      needsSort(false);
      if (!isPlainObject(argument) || argument.output === undefined || !isNumeric(argument.by) || !Number.isInteger(toNumber(argument.by))) {
        throw new CommandError('FailedToParse', "$shift requires 'output' and an integral 'by'");
      }
      const output = compile(argument.output);
      const by = toNumber(argument.by);
      const fallback = argument.default === undefined ? null : argument.default;
      return {
        field: path,
        window,
        compute: perDocument((p, i) => {
          const target = p.docs[i + by];
          return target === undefined ? fallback : output(target, p.vars) ?? null;
        }),
      };
    }
    case '$locf': {
      noWindow();
      const input = compile(argument);
      return {
        field: path,
        window,
        compute: whole((p) => {
          let last: unknown = null;
          return p.docs.map((doc) => {
            const value = input(doc, p.vars);
            if (value !== undefined && value !== null) last = value;
            return last;
          });
        }),
      };
    }
    case '$linearFill': {
      noWindow();
      needsSort(true);
      const input = compile(argument);
      return { field: path, window, compute: whole((p) => linearFill(p.docs.map((doc) => input(doc, p.vars)), p.sortValues)) };
    }
    case '$expMovingAvg': {
      noWindow();
      needsSort(false);
      if (!isPlainObject(argument) || argument.input === undefined || (argument.N === undefined) === (argument.alpha === undefined)) {
        throw new CommandError('FailedToParse', "$expMovingAvg requires 'input' and exactly one of 'N' and 'alpha'");
      }
      const alpha = argument.N !== undefined ? 2 / (toNumber(argument.N) + 1) : toNumber(argument.alpha);
      const input = compile(argument.input);
      return {
        field: path,
        window,
        compute: whole((p) => {
          let average: number | undefined;
          return p.docs.map((doc) => {
            const value = input(doc, p.vars);
            if (!isNumeric(value)) return null;
            average = average === undefined ? toNumber(value) : alpha * toNumber(value) + (1 - alpha) * average;
            return makeDouble(average);
          });
        }),
      };
    }
    case '$derivative':
    case '$integral': {
      needsSort(true);
      if (!isPlainObject(argument) || argument.input === undefined) throw new CommandError('FailedToParse', `${operator} requires an 'input'`);
      if (operator === '$derivative' && !window) throw new CommandError(5490701, '$derivative requires explicit window bounds');
      const unitMs = argument.unit === undefined ? undefined : MS_PER_UNIT[String(argument.unit)];
      if (argument.unit !== undefined && unitMs === undefined) throw new CommandError(5490704, `${operator} unit must be a fixed-length time unit, found ${String(argument.unit)}`);
      const input = compile(argument.input);
      const axis = (value: unknown): number => {
        if (value instanceof Date) {
          if (unitMs === undefined) throw new CommandError(5624901, `${operator} with a date sortBy requires a 'unit'`);
          return value.getTime() / unitMs;
        }
        if (!isNumeric(value)) throw new CommandError(5624902, `${operator} requires a numeric or date sortBy, found ${bsonType(value)}`);
        return toNumber(value);
      };
      return {
        field: path,
        window,
        compute: perDocument((p, i, windowOf) => {
            const [first, last] = windowOf(i);
            if (last - first < 1) return null;
            const ys: number[] = [];
            const xs: number[] = [];
            for (let j = first; j <= last; j += 1) {
              const y = input(p.docs[j]!, p.vars);
              if (!isNumeric(y)) return null;
              ys.push(toNumber(y));
              xs.push(axis(p.sortValues[j]));
            }
            if (operator === '$derivative') return makeDouble((ys[ys.length - 1]! - ys[0]!) / (xs[xs.length - 1]! - xs[0]!));
            let area = 0;
            for (let j = 1; j < ys.length; j += 1) area += ((ys[j - 1]! + ys[j]!) / 2) * (xs[j]! - xs[j - 1]!);
            return makeDouble(area);
        }),
      };
    }
    case '$covariancePop':
    case '$covarianceSamp': {
      if (!Array.isArray(argument) || argument.length !== 2) throw new CommandError('FailedToParse', `${operator} requires an array of two expressions`);
      const [first, second] = [compile(argument[0]), compile(argument[1])];
      const sample = operator === '$covarianceSamp';
      return {
        field: path,
        window,
        compute: perDocument((p, i, windowOf) => {
            const [lo, hi] = windowOf(i);
            const pairs: Array<[number, number]> = [];
            for (let j = lo; j <= hi; j += 1) {
              const x = first(p.docs[j]!, p.vars);
              const y = second(p.docs[j]!, p.vars);
              if (isNumeric(x) && isNumeric(y)) pairs.push([toNumber(x), toNumber(y)]);
            }
            const n = pairs.length;
            if (n === 0 || (sample && n < 2)) return null;
            const mx = pairs.reduce((sum, [x]) => sum + x, 0) / n;
            const my = pairs.reduce((sum, [, y]) => sum + y, 0) / n;
            const total = pairs.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
            return makeDouble(total / (sample ? n - 1 : n));
        }),
      };
    }
    default:
      throw new CommandError('FailedToParse', `Unrecognized window function, ${operator}`);
  }
}

/** An accumulator per document over its window; whole-partition and running windows are computed once. */
function accumulate(accumulator: AccumulatorSpec, window: Window | undefined): WindowFunction {
  return function* (partition, windowOf) {
    const { docs, vars } = partition;
    if (!window || (window.lower === 'unbounded' && window.upper === 'unbounded')) {
      const state = accumulator.create();
      for (const doc of docs) state.add(doc, vars);
      const value = state.result() ?? null;
      return docs.map(() => value);
    }
    if (window.kind === 'documents' && window.lower === 'unbounded' && window.upper === 'current') {
      const state = accumulator.create();
      return docs.map((doc) => {
        state.add(doc, vars);
        return state.result() ?? null;
      });
    }
    const out: unknown[] = [];
    let work = 0;
    for (let i = 0; i < docs.length; i += 1) {
      const [first, last] = windowOf(i);
      const state = accumulator.create();
      for (let j = first; j <= last; j += 1) state.add(docs[j]!, vars);
      out.push(state.result() ?? null);
      work += Math.max(1, last - first + 1);
      if (work >= DOCUMENTS_PER_PAUSE * 4) {
        work = 0;
        yield PAUSE;
      }
    }
    return out;
  };
}

function rank(operator: '$documentNumber' | '$rank' | '$denseRank'): (partition: Partition) => number[] {
  return (partition) => {
    let current = 0;
    let dense = 0;
    return partition.docs.map((_, i) => {
      if (operator === '$documentNumber') return i + 1;
      if (!partition.tiedWithPrevious[i]) {
        current = i + 1;
        dense += 1;
      }
      return operator === '$rank' ? current : dense;
    });
  };
}

function linearFill(values: unknown[], xs: unknown[]): unknown[] {
  const out = values.map((value) => (value === undefined ? null : value));
  const axis = (value: unknown): number => (value instanceof Date ? value.getTime() : toNumber(value));
  let previous = -1;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (value === undefined || value === null) continue;
    if (previous >= 0 && i - previous > 1) {
      const [x0, x1] = [axis(xs[previous]), axis(xs[i])];
      const [y0, y1] = [toNumber(values[previous]), toNumber(value)];
      for (let j = previous + 1; j < i; j += 1) out[j] = makeDouble(y0 + ((y1 - y0) * (axis(xs[j]) - x0)) / (x1 - x0));
    }
    previous = i;
  }
  return out;
}
