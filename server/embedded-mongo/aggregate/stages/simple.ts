// Stages that handle one document at a time: $match, $limit, $skip, $count, $sample,
// $replaceRoot/$replaceWith, $redact.
import type { Document } from 'bson';
import { bsonType, isPlainObject, toNumber } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileFilter } from '../../query/index';
import { compileExpression, type Variables } from '../expressions/index';
import { DOCUMENTS_PER_PAUSE, mapDocuments, PAUSE, type Stream } from '../pause';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';
import { mentionsVariable } from '../variables';
import { describeValue } from './projection';

function isNumberType(value: unknown): boolean {
  const type = bsonType(value);
  return type === 'int' || type === 'long' || type === 'double' || type === 'decimal';
}

/** Placeholder values so that a filter's `$$name` references compile before the values are known. */
function placeholderVariables(names: readonly string[]): Variables {
  return Object.fromEntries(names.map((name) => [name, null]));
}

export function parseMatch(spec: unknown, parse: ParseContext): CompiledStage {
  if (!isPlainObject(spec)) throw new CommandError(15959, 'the match filter must be an expression in an object');
  if ('$where' in spec) throw new CommandError(16395, '$where is not allowed inside of a $match aggregation expression');
  // Compiled now so that a bad filter fails the whole command before it runs; compiled again
  // per run because $expr reads the variables of that run (a $lookup's let, per document).
  const usesVariables = mentionsVariable(spec);
  const compiled = compileFilter(spec, { collator: parse.collator, variables: placeholderVariables(parse.variableNames) });
  return {
    name: '$match',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const matcher = usesVariables ? compileFilter(spec, { collator: context.collator, variables: context.variables }) : compiled;
      let sincePause = 0;
      for (const item of input) {
        if (item === PAUSE) {
          sincePause = 0;
          yield item;
        } else if (matcher.test(item)) {
          yield item;
        } else if (++sincePause >= DOCUMENTS_PER_PAUSE) {
          // A selective filter must not starve the pauses its source would otherwise pass on.
          sincePause = 0;
          yield PAUSE;
        }
      }
    },
  };
}

/**
 * mongod reads $limit and $skip as whole 64-bit numbers of any numeric type (2.0 is 2; 1.5 is
 * refused), with its "invalid argument" message naming what is wrong.
 */
function integerArgument(spec: unknown, stage: '$limit' | '$skip', code: number, nonNegative: boolean): number {
  const fail = (reason: string): CommandError => new CommandError(code, `invalid argument to ${stage} stage: ${reason}`);
  if (!isNumberType(spec)) throw fail(`Expected a number in: ${stage}: ${describeValue(spec)}`);
  const n = toNumber(spec);
  if (!Number.isInteger(n)) throw fail(`Expected an integer: ${stage}: ${describeValue(spec)}`);
  if (nonNegative && n < 0) throw fail(`Expected a non-negative number in: ${stage}: ${describeValue(spec)}`);
  return n;
}

export function parseLimit(spec: unknown): CompiledStage {
  const limit = integerArgument(spec, '$limit', 5107201, false);
  if (limit <= 0) throw new CommandError(15958, 'the limit must be positive');
  return {
    name: '$limit',
    spec: limit,
    *run(input: Stream): Stream {
      let count = 0;
      for (const item of input) {
        yield item;
        if (item !== PAUSE && ++count >= limit) return;
      }
    },
  };
}

export function parseSkip(spec: unknown): CompiledStage {
  const skip = integerArgument(spec, '$skip', 5107200, true);
  return {
    name: '$skip',
    spec: skip,
    *run(input: Stream): Stream {
      let skipped = 0;
      for (const item of input) {
        if (item !== PAUSE && skipped < skip) {
          skipped += 1;
          continue;
        }
        yield item;
      }
    },
  };
}

/** $count: `{ <name>: n }`, and no document at all for an empty input. */
export function parseCount(spec: unknown): CompiledStage {
  if (typeof spec !== 'string') throw new CommandError(40156, 'the count field must be a non-empty string');
  if (spec.length === 0) throw new CommandError(40157, 'the count field must be a non-empty string');
  if (spec.startsWith('$')) throw new CommandError(40158, 'the count field cannot be a $-prefixed path');
  if (spec.includes('.')) throw new CommandError(40160, "the count field cannot contain '.'");
  return {
    name: '$count',
    spec,
    *run(input: Stream): Stream {
      let n = 0;
      for (const item of input) {
        if (item === PAUSE) yield item;
        else n += 1;
      }
      if (n > 0) yield { [spec]: n <= 2147483647 ? n : BigInt(n) };
    },
  };
}

/** $sample: a uniform sample of `size` documents (reservoir sampling, so memory stays at `size`). */
export function parseSample(spec: unknown): CompiledStage {
  if (!isPlainObject(spec)) throw new CommandError(28745, 'the $sample stage specification must be an object');
  for (const key of Object.keys(spec)) {
    if (key !== 'size') throw new CommandError(28748, `unrecognized option to $sample: ${key}`);
  }
  if (!('size' in spec)) throw new CommandError(28749, '$sample stage must specify a size');
  if (!isNumberType(spec.size)) throw new CommandError(28746, 'size argument to $sample must be a number');
  const size = Math.trunc(toNumber(spec.size));
  if (size < 0) throw new CommandError(28747, 'size argument to $sample must not be negative');
  return {
    name: '$sample',
    spec,
    *run(input: Stream): Stream {
      const reservoir: Document[] = [];
      let seen = 0;
      for (const item of input) {
        if (item === PAUSE) {
          yield item;
          continue;
        }
        seen += 1;
        if (reservoir.length < size) reservoir.push(item);
        else {
          const slot = Math.floor(Math.random() * seen);
          if (slot < size) reservoir[slot] = item;
        }
      }
      // Shuffled, since mongod returns a sample in random order.
      for (let i = reservoir.length - 1; i > 0; i -= 1) {
        const j = Math.floor(Math.random() * (i + 1));
        [reservoir[i], reservoir[j]] = [reservoir[j]!, reservoir[i]!];
      }
      yield* reservoir;
    },
  };
}

export function parseReplaceRoot(spec: unknown, parse: ParseContext, name: '$replaceRoot' | '$replaceWith'): CompiledStage {
  let expression: unknown = spec;
  if (name === '$replaceRoot') {
    if (!isPlainObject(spec)) throw new CommandError(40229, `expected an object as specification for $replaceRoot stage, got ${bsonType(spec)}`);
    for (const key of Object.keys(spec)) {
      if (key !== 'newRoot') throw new CommandError(40415, `BSON field '$replaceRoot.${key}' is an unknown field.`);
    }
    if (!('newRoot' in spec)) throw new CommandError(40414, "BSON field '$replaceRoot.newRoot' is missing but a required field");
    expression = spec.newRoot;
  }
  const evaluate = compileExpression(expression, { collator: parse.collator, variableNames: parse.variableNames });
  const what = name === '$replaceRoot' ? "'newRoot' expression" : "'replacement document'";
  return {
    name,
    spec,
    run(input: Stream, context: PipelineContext): Stream {
      return mapDocuments(input, (doc) => {
        const value = evaluate(doc, context.variables);
        if (!isPlainObject(value)) {
          throw new CommandError(
            40228,
            `${what} must evaluate to an object, but resulting value was: ${value === undefined ? 'MISSING' : describeValue(value)}. Type of resulting value: '${bsonType(value)}'. Input document: ${describeValue(doc)}`,
          );
        }
        return value;
      });
    },
  };
}

const REDACT_VARIABLES = ['DESCEND', 'PRUNE', 'KEEP'] as const;

/** $redact: the expression decides, level by level, to keep, prune or descend into a document. */
export function parseRedact(spec: unknown, parse: ParseContext): CompiledStage {
  const evaluate = compileExpression(spec, { collator: parse.collator, variableNames: [...parse.variableNames, ...REDACT_VARIABLES] });
  const redact = (doc: Document, vars: Variables): Document | undefined => {
    const decision = evaluate(doc, vars);
    if (decision === 'keep') return doc;
    if (decision === 'prune') return undefined;
    if (decision !== 'descend') {
      throw new CommandError(17053, `$redact's expression should not return anything aside from the variables $$KEEP, $$DESCEND, and $$PRUNE, but returned ${describeValue(decision)}`);
    }
    const out: Document = {};
    for (const [key, value] of Object.entries(doc)) {
      if (isPlainObject(value)) {
        const kept = redact(value, vars);
        if (kept !== undefined) out[key] = kept;
      } else if (Array.isArray(value)) {
        out[key] = redactArray(value, vars);
      } else {
        out[key] = value;
      }
    }
    return out;
  };
  const redactArray = (values: unknown[], vars: Variables): unknown[] => {
    const out: unknown[] = [];
    for (const value of values) {
      if (isPlainObject(value)) {
        const kept = redact(value, vars);
        if (kept !== undefined) out.push(kept);
      } else if (Array.isArray(value)) out.push(redactArray(value, vars));
      else out.push(value);
    }
    return out;
  };
  return {
    name: '$redact',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const vars: Variables = { ...context.variables, DESCEND: 'descend', PRUNE: 'prune', KEEP: 'keep' };
      for (const item of input) {
        if (item === PAUSE) {
          yield item;
          continue;
        }
        const kept = redact(item, { ...vars, ROOT: item });
        if (kept !== undefined) yield kept;
      }
    },
  };
}

/** Whether a filter reads a `$$variable` anywhere (only $expr can), so must be compiled per run. */
