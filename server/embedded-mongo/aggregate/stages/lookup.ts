// $lookup, $graphLookup and $unionWith: stages that read another collection of the database.
import type { Document } from 'bson';
import { bsonType, hashKey, isPlainObject, toNumber, type Collator } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileFilter, type Matcher } from '../../query/index';
import { compileExpression, type Evaluator, type Variables } from '../expressions/index';
import { withField } from '../paths';
import { collect, consume, DOCUMENTS_PER_PAUSE, PAUSE, streamOf, type Pause, type Stream } from '../pause';
import { compilePipeline, type CompiledPipeline } from '../pipeline';
import { valuesAlongPath } from '../source';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';
import { readNamespace } from '../view';
import { mentionsVariable } from '../variables';
import { describeValue } from './projection';

/** A field path argument, refused as mongod's FieldPath refuses it. */
function fieldPath(value: unknown, stage: string, field: string): string[] {
  if (typeof value !== 'string') throw new CommandError('FailedToParse', `${stage} argument '${field}' must be a string, found ${field}: ${describeValue(value)}: ${bsonType(value)}`);
  if (value.length === 0) throw new CommandError(40352, 'FieldPath cannot be constructed with empty string');
  const parts = value.split('.');
  for (const part of parts) {
    if (part === '') throw new CommandError(15998, 'FieldPath field names may not be empty strings.');
    if (part.startsWith('$')) throw new CommandError(16410, "FieldPath field names may not start with '$'. Consider using $getField or $setField.");
  }
  return parts;
}

function collectionArgument(value: unknown, stage: string): string {
  if (typeof value === 'string' && value.length > 0) return value;
  if (isPlainObject(value)) {
    // mongod allows {db, coll} only for a few internal collections (config.cache.chunks.*).
    throw new CommandError('FailedToParse', `${stage} with syntax {from: {db:<>, coll:<>},..} is not supported for db: ${String(value.db)} and coll: ${String(value.coll)}`);
  }
  throw new CommandError('FailedToParse', `${stage} 'from' field must be a string or an object, but found ${bsonType(value)}`);
}

/** `let: { name: <expression> }`: names checked as mongod checks user variable names. */
function parseLet(value: unknown, parse: ParseContext, stage: string): { names: string[]; evaluators: Array<[string, Evaluator]> } {
  if (value === undefined) return { names: [], evaluators: [] };
  if (!isPlainObject(value)) throw new CommandError('FailedToParse', `${stage} argument 'let' must be an object, is type ${bsonType(value)}`);
  const evaluators: Array<[string, Evaluator]> = [];
  for (const [name, expression] of Object.entries(value)) {
    if (!/^[a-z\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/.test(name)) {
      throw new CommandError(16867, `'${name}' starts with an invalid character for a user variable name`);
    }
    evaluators.push([name, compileExpression(expression, { collator: parse.collator, variableNames: parse.variableNames })]);
  }
  return { names: evaluators.map(([name]) => name), evaluators };
}

function evaluateLet(evaluators: ReadonlyArray<[string, Evaluator]>, doc: Document, vars: Variables): Variables {
  const out: Variables = { ...vars };
  for (const [name, evaluate] of evaluators) out[name] = evaluate(doc, vars) ?? null;
  return out;
}

function parseSubPipeline(value: unknown, parse: ParseContext, names: readonly string[], nested: 'lookup' | 'unionWith', stage: string): CompiledPipeline {
  if (!Array.isArray(value)) throw new CommandError('FailedToParse', `${stage} argument 'pipeline' must be an array, is type ${bsonType(value)}`);
  return compilePipeline(value, { collator: parse.collator, variableNames: [...parse.variableNames, ...names], nested });
}

/**
 * Foreign documents keyed by every value at the join field (array elements fanned out; a
 * missing field counts as null), so that each local document finds its matches in O(k).
 */
class JoinIndex {
  private readonly byKey = new Map<string, number[]>();
  readonly docs: Document[] = [];
  constructor(
    private readonly parts: readonly string[],
    private readonly collator: Collator | undefined,
  ) {}

  add(doc: Document): void {
    const position = this.docs.length;
    this.docs.push(doc);
    const values = valuesAlongPath(doc, this.parts);
    const whole = valueAt(doc, this.parts);
    if (values.length === 0) values.push(null);
    // A whole array matches too ({ $in: [[1, 2]] } matches the field [1, 2]).
    if (Array.isArray(whole)) values.push(whole);
    const seen = new Set<string>();
    for (const value of values) {
      const key = hashKey(value ?? null, this.collator);
      if (seen.has(key)) continue;
      seen.add(key);
      let list = this.byKey.get(key);
      if (!list) this.byKey.set(key, (list = []));
      list.push(position);
    }
  }

  /** Documents matching any of the values, in the foreign collection's order. */
  match(values: readonly unknown[]): Document[] {
    const positions = new Set<number>();
    for (const value of values) for (const position of this.byKey.get(hashKey(value, this.collator)) ?? []) positions.add(position);
    return [...positions].sort((a, b) => a - b).map((position) => this.docs[position]!);
  }
}

/** Reads the foreign side into a JoinIndex, pausing as it goes. */
function* buildJoinIndex(
  source: Stream,
  parts: readonly string[],
  collator: Collator | undefined,
  keep: (doc: Document) => boolean = () => true,
): Generator<Pause, JoinIndex, void> {
  const index = new JoinIndex(parts, collator);
  yield* consume(source, (item) => {
    if (keep(item)) index.add(item);
  });
  return index;
}

function valueAt(doc: Document, parts: readonly string[]): unknown {
  let value: unknown = doc;
  for (const part of parts) {
    if (!isPlainObject(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** The values a local document joins on: array elements fanned out, null when there are none. */
function localValues(doc: Document, parts: readonly string[]): unknown[] {
  const values = valuesAlongPath(doc, parts);
  return values.length === 0 ? [null] : values.map((value) => value ?? null);
}

export function parseLookup(spec: unknown, parse: ParseContext): CompiledStage {
  // Checked in mongod 7.0's order, with its messages (DocumentSourceLookUp::createFromBson).
  if (!isPlainObject(spec)) throw new CommandError('FailedToParse', 'the $lookup specification must be an Object');
  let from: string | undefined;
  const strings: Record<string, string> = {};
  for (const [name, argument] of Object.entries(spec)) {
    if (name === 'pipeline') continue;
    if (name === 'let') {
      if (!isPlainObject(argument)) {
        throw new CommandError('FailedToParse', `$lookup argument 'let: ${describeValue(argument)}' must be an object, is type ${bsonType(argument)}`);
      }
      continue;
    }
    if (name === 'from') {
      from = collectionArgument(argument, '$lookup');
      continue;
    }
    if (typeof argument !== 'string') {
      throw new CommandError('FailedToParse', `$lookup argument '${name}' must be a string, found ${name}: ${describeValue(argument)}: ${bsonType(argument)}`);
    }
    if (name !== 'as' && name !== 'localField' && name !== 'foreignField') throw new CommandError('FailedToParse', `unknown argument to $lookup: ${name}`);
    strings[name] = argument;
  }
  const hasPipeline = spec.pipeline !== undefined;
  if (from === undefined && !(Array.isArray(spec.pipeline) && isPlainObject(spec.pipeline[0]) && '$documents' in spec.pipeline[0])) {
    throw new CommandError('FailedToParse', "$lookup stage without explicit collection must have a pipeline with $documents as first stage");
  }
  if (!strings.as) throw new CommandError('FailedToParse', "must specify 'as' field for a $lookup");
  const hasJoin = Boolean(strings.localField) || Boolean(strings.foreignField);
  if (hasPipeline) {
    if (hasJoin && !(strings.localField && strings.foreignField)) {
      throw new CommandError('FailedToParse', "$lookup requires both or neither of 'localField' and 'foreignField' to be specified");
    }
  } else {
    if (!(strings.localField && strings.foreignField)) {
      throw new CommandError('FailedToParse', "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified");
    }
    if (spec.let !== undefined) throw new CommandError('FailedToParse', "$lookup with a 'let' argument must also specify 'pipeline'");
  }
  const asPath = fieldPath(strings.as, '$lookup', 'as');
  const localParts = hasJoin ? fieldPath(strings.localField, '$lookup', 'localField') : [];
  const foreignParts = hasJoin ? fieldPath(strings.foreignField, '$lookup', 'foreignField') : [];
  const lets = parseLet(spec.let, parse, '$lookup');
  const pipeline = spec.pipeline === undefined ? undefined : parseSubPipeline(spec.pipeline, parse, lets.names, 'lookup', '$lookup');
  // A leading $match that reads no variable lets an index narrow the foreign documents (the
  // $match stage still tests each one).
  const first = pipeline?.stages[0];
  const leadingFilter = first?.name === '$match' && !mentionsVariable(first.spec) ? (first.spec as Document) : undefined;
  return {
    name: '$lookup',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      let index: JoinIndex | undefined;
      for (const doc of input) {
        if (doc === PAUSE) {
          yield doc;
          continue;
        }
        let foreign: Document[];
        if (hasJoin) {
          // The foreign side is read once per run, when the first document needs it.
          index ??= yield* buildJoinIndex(from === undefined ? streamOf([]) : readNamespace(context, context.db, from), foreignParts, context.collator);
          foreign = index.match(localValues(doc, localParts));
        } else {
          foreign = [];
        }
        if (pipeline) {
          const variables = evaluateLet(lets.evaluators, doc, context.variables);
          const source = hasJoin ? streamOf(foreign) : from === undefined ? streamOf([]) : readNamespace(context, context.db, from, leadingFilter);
          foreign = yield* collect(pipeline.run(source, { ...context, variables }));
        }
        yield withField(doc, asPath, foreign);
      }
    },
  };
}

export function parseUnionWith(spec: unknown, parse: ParseContext): CompiledStage {
  let coll: string | undefined;
  let pipelineSpec: unknown = [];
  if (typeof spec === 'string') coll = spec;
  else if (isPlainObject(spec)) {
    for (const key of Object.keys(spec)) {
      if (key !== 'coll' && key !== 'pipeline') throw new CommandError(40415, `BSON field '$unionWith.${key}' is an unknown field.`);
    }
    if (spec.coll !== undefined) coll = collectionArgument(spec.coll, '$unionWith');
    if (spec.pipeline !== undefined) pipelineSpec = spec.pipeline;
    if (coll === undefined && !(Array.isArray(pipelineSpec) && isPlainObject(pipelineSpec[0]) && '$documents' in pipelineSpec[0])) {
      throw new CommandError(40414, "BSON field '$unionWith.coll' is missing but a required field");
    }
  } else {
    throw new CommandError('FailedToParse', `the $unionWith stage specification must be an object or string, but found ${bsonType(spec)}`);
  }
  const pipeline = parseSubPipeline(pipelineSpec, parse, [], 'unionWith', '$unionWith');
  return {
    name: '$unionWith',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      yield* input;
      const source = coll === undefined ? streamOf([]) : readNamespace(context, context.db, coll);
      yield* pipeline.run(source, context);
    },
  };
}

export function parseGraphLookup(spec: unknown, parse: ParseContext): CompiledStage {
  if (!isPlainObject(spec)) throw new CommandError('FailedToParse', `the $graphLookup stage specification must be an object, but found ${bsonType(spec)}`);
  // Checked in mongod's order, with its codes (DocumentSourceGraphLookUp::createFromBson).
  let maxDepth = Number.POSITIVE_INFINITY;
  let restrict: Matcher | undefined;
  const strings: Record<string, string> = {};
  for (const [name, argument] of Object.entries(spec)) {
    if (name === 'startWith') continue;
    if (name === 'maxDepth') {
      const type = bsonType(argument);
      if (!['int', 'long', 'double', 'decimal'].includes(type)) throw new CommandError(40100, `maxDepth must be numeric, found type: ${type}`);
      const value = toNumber(argument);
      const truncated = Math.trunc(value);
      if (truncated < 0) throw new CommandError(40101, `maxDepth requires a nonnegative argument, found: ${truncated}`);
      if (truncated !== value) throw new CommandError(40102, `maxDepth could not be represented as a long long: ${truncated}`);
      maxDepth = value;
      continue;
    }
    if (name === 'restrictSearchWithMatch') {
      if (!isPlainObject(argument)) throw new CommandError(40185, `restrictSearchWithMatch must be an object, found ${bsonType(argument)}`);
      restrict = compileFilter(argument, { ...(parse.collator ? { collator: parse.collator } : {}) });
      continue;
    }
    if (!['from', 'as', 'connectFromField', 'connectToField', 'depthField'].includes(name)) {
      throw new CommandError(40104, `Unknown argument to $graphLookup: ${name}`);
    }
    if (name === 'from' && isPlainObject(argument)) collectionArgument(argument, '$graphLookup');
    if (typeof argument !== 'string') throw new CommandError(40103, `expected string as argument for ${name}, found: ${bsonType(argument)}`);
    strings[name] = argument;
  }
  if (!strings.from || !strings.as || spec.startWith === undefined || !strings.connectFromField || !strings.connectToField) {
    throw new CommandError(40105, "$graphLookup requires 'from', 'as', 'startWith', 'connectFromField', and 'connectToField' to be specified.");
  }
  const from = strings.from;
  const asPath = fieldPath(strings.as, '$graphLookup', 'as');
  const fromParts = fieldPath(strings.connectFromField, '$graphLookup', 'connectFromField');
  const toParts = fieldPath(strings.connectToField, '$graphLookup', 'connectToField');
  const depthPath = strings.depthField === undefined ? undefined : fieldPath(strings.depthField, '$graphLookup', 'depthField');
  const startWith = compileExpression(spec.startWith, { collator: parse.collator, variableNames: parse.variableNames });
  return {
    name: '$graphLookup',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      let index: JoinIndex | undefined;
      for (const doc of input) {
        if (doc === PAUSE) {
          yield doc;
          continue;
        }
        index ??= yield* buildJoinIndex(readNamespace(context, context.db, from), toParts, context.collator, (candidate) => restrict?.test(candidate) ?? true);
        const found = yield* traverse(index, startWith(doc, context.variables), fromParts, maxDepth, depthPath, context.collator);
        yield withField(doc, asPath, found);
      }
    },
  };
}

/** Breadth-first search; each foreign document is visited once, at its smallest depth. */
function* traverse(
  index: JoinIndex,
  start: unknown,
  fromParts: readonly string[],
  maxDepth: number,
  depthPath: readonly string[] | undefined,
  collator: Collator | undefined,
): Generator<Pause, Document[], void> {
  const found: Document[] = [];
  const visited = new Set<string>();
  const queried = new Set<string>();
  let frontier = (Array.isArray(start) ? start : [start]).map((value) => value ?? null);
  for (let depth = 0; depth <= maxDepth && frontier.length > 0; depth += 1) {
    const values = frontier.filter((value) => {
      const key = hashKey(value, collator);
      if (queried.has(key)) return false;
      queried.add(key);
      return true;
    });
    const next: unknown[] = [];
    for (const doc of index.match(values)) {
      const key = hashKey(doc._id);
      if (visited.has(key)) continue;
      visited.add(key);
      found.push(depthPath ? withField(doc, depthPath, BigInt(depth)) : doc);
      const connections = valuesAlongPath(doc, fromParts);
      next.push(...(connections.length === 0 ? [] : connections.map((value) => value ?? null)));
      if (found.length % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
    }
    frontier = next;
  }
  return found;
}
