// explain: which plan the planner picks for a find, count, distinct, aggregate, update, delete
// or findAndModify, and (verbosity executionStats/allPlansExecution) what running it examines.
// The shape follows mongod 7.0's classic engine: queryPlanner.winningPlan is a tree of stages
// (COLLSCAN, IXSCAN under FETCH, IDHACK, with SORT/SKIP/LIMIT/COUNT/UPDATE/DELETE above), and
// executionStats gives nReturned, totalKeysExamined and totalDocsExamined. Explain never writes.
import type { Document } from 'bson';
import { isPlainObject, type Collator } from '../bson/index';
import { CommandError } from '../errors';
import { compileSort, type Matcher } from '../query/index';
import { planQuery, type PlanSummary, type QueryPlan } from '../storage/planner';
import { SERVER_VERSION } from './admin';
import type { CommandHandler, CommandRun, Pause } from './context';
import { compileQuery, planMatches } from './query';

const VERBOSITIES = ['queryPlanner', 'executionStats', 'allPlansExecution'] as const;
type Verbosity = (typeof VERBOSITIES)[number];

/** What one explained command asks of the planner and of the stages above it. */
interface ExplainedQuery {
  collectionName: string;
  filter: Document | undefined;
  sort?: Document | undefined;
  skip?: number | undefined;
  limit?: number | undefined;
  projection?: Document | undefined;
  collation?: Document | undefined;
  let?: Document | undefined;
  hint?: string | Document | undefined;
  /** Stages to stack on the plan, outermost first (COUNT, UPDATE, DELETE...). */
  wrap?: (stage: Document) => Document;
  /** Aggregation stages after the part answered by the plan. */
  remainingPipeline?: Document[] | undefined;
  /** A count without a query reads the collection's size, not its documents. */
  fastCount?: boolean;
}

export const explain: CommandHandler = (command, context) => {
  const inner = command.explain as unknown;
  if (!isPlainObject(inner) || Object.keys(inner).length === 0) {
    throw new CommandError('TypeMismatch', "BSON field 'explain.explain' is the wrong type, expected type 'object'");
  }
  const verbosity = parseVerbosity(command.verbosity);
  const query = describeCommand(inner);
  const collection = context.catalog.getCollection(context.db, query.collectionName);
  const namespace = `${context.db}.${query.collectionName}`;
  const run = function* (): CommandRun {
    const started = Date.now();
    const compiled = compileQuery(collection, query.filter, query.collation, query.let);
    const plan = planQuery(collection, {
      ...(query.filter ? { filter: query.filter } : {}),
      ...(query.sort && Object.keys(query.sort).length > 0 ? { sort: query.sort } : {}),
      ...(compiled.collator ? { collator: compiled.collator } : {}),
      ...(query.limit ? { limit: (query.skip ?? 0) + query.limit } : {}),
      ...(query.hint !== undefined ? { hint: query.hint } : {}),
    });
    const skipExecution = verbosity === 'queryPlanner' || query.fastCount === true;
    const nReturned = skipExecution ? 0 : yield* execute(plan, compiled.matcher, compiled.collator, query);
    const winningPlan = query.fastCount ? { stage: 'RECORD_STORE_FAST_COUNT' } : stageTree(plan, query);
    const queryPlanner: Document = {
      namespace,
      indexFilterSet: false,
      parsedQuery: query.filter ?? {},
      ...(compiled.collator ? { collation: compiled.collator.spec } : {}),
      maxIndexedOrSolutionsReached: false,
      maxIndexedAndSolutionsReached: false,
      maxScansToExplodeReached: false,
      winningPlan,
      rejectedPlans: [],
    };
    const reply: Document = { explainVersion: '1' };
    const executionStats = verbosity === 'queryPlanner'
      ? undefined
      : {
          executionSuccess: true,
          nReturned,
          executionTimeMillis: Date.now() - started,
          totalKeysExamined: plan.plan.keysExamined,
          totalDocsExamined: plan.plan.docsExamined,
          executionStages: withCounters(winningPlan, plan.plan, nReturned),
          ...(verbosity === 'allPlansExecution' ? { allPlansExecution: [] } : {}),
        };
    if (query.remainingPipeline) {
      reply.stages = [
        { $cursor: { queryPlanner, ...(executionStats ? { executionStats } : {}) } },
        ...query.remainingPipeline,
      ];
    } else {
      reply.queryPlanner = queryPlanner;
      if (executionStats) reply.executionStats = executionStats;
    }
    reply.command = { ...inner, $db: context.db };
    reply.serverInfo = { host: 'embedded', port: 0, version: SERVER_VERSION, gitVersion: 'embedded' };
    return reply;
  };
  return run();
};

function parseVerbosity(value: unknown): Verbosity {
  if (value === undefined) return 'allPlansExecution';
  if (typeof value !== 'string' || !(VERBOSITIES as readonly string[]).includes(value)) {
    throw new CommandError('BadValue', "verbosity string must be one of {'queryPlanner', 'executionStats', 'allPlansExecution'}");
  }
  return value as Verbosity;
}

function optionalDocument(command: Document, field: string): Document | undefined {
  const value = command[field] as unknown;
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type, expected type 'object'`);
  return value;
}

function optionalCount(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Math.abs(Math.trunc(Number(value)));
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function hintOf(value: unknown): string | Document | undefined {
  if (typeof value === 'string' || isPlainObject(value)) return value;
  return undefined;
}

function collectionOf(command: Document, name: string): string {
  const value = command[name] as unknown;
  if (typeof value !== 'string' || value.length === 0) throw new CommandError('InvalidNamespace', `collection name has invalid type ${typeof value}`);
  return value;
}

/** Reads the explained command into what the planner and the stage tree need. */
function describeCommand(inner: Document): ExplainedQuery {
  const name = Object.keys(inner)[0]!;
  switch (name) {
    case 'find':
      return {
        collectionName: collectionOf(inner, name),
        filter: optionalDocument(inner, 'filter'),
        sort: optionalDocument(inner, 'sort'),
        skip: optionalCount(inner.skip),
        limit: optionalCount(inner.limit),
        projection: optionalDocument(inner, 'projection'),
        collation: optionalDocument(inner, 'collation'),
        let: optionalDocument(inner, 'let'),
        hint: hintOf(inner.hint),
      };
    case 'count': {
      const query: ExplainedQuery = {
        collectionName: collectionOf(inner, name),
        filter: optionalDocument(inner, 'query'),
        skip: optionalCount(inner.skip),
        limit: optionalCount(inner.limit),
        collation: optionalDocument(inner, 'collation'),
        hint: hintOf(inner.hint),
      };
      query.wrap = (stage) => ({ stage: 'COUNT', inputStage: stage });
      query.fastCount = !query.filter || Object.keys(query.filter).length === 0;
      return query;
    }
    case 'distinct':
      return {
        collectionName: collectionOf(inner, name),
        filter: optionalDocument(inner, 'query'),
        collation: optionalDocument(inner, 'collation'),
        hint: hintOf(inner.hint),
        wrap: (stage) => ({ stage: 'PROJECTION_DEFAULT', transformBy: { [String(inner.key)]: 1 }, inputStage: stage }),
      };
    case 'update':
    case 'delete': {
      const statements = inner[name === 'update' ? 'updates' : 'deletes'] as unknown;
      if (!Array.isArray(statements) || statements.length !== 1 || !isPlainObject(statements[0])) {
        throw explainedBatchError();
      }
      const statement = statements[0];
      const single = name === 'update' ? statement.multi !== true : Number(statement.limit) === 1;
      return {
        collectionName: collectionOf(inner, name),
        filter: optionalDocument(statement, 'q'),
        sort: optionalDocument(statement, 'sort'),
        limit: single ? 1 : undefined,
        collation: optionalDocument(statement, 'collation'),
        let: optionalDocument(inner, 'let'),
        hint: hintOf(statement.hint),
        wrap: (stage) => ({ stage: name === 'update' ? 'UPDATE' : 'DELETE', inputStage: stage }),
      };
    }
    case 'findAndModify':
    case 'findandmodify':
      return {
        collectionName: collectionOf(inner, name),
        filter: optionalDocument(inner, 'query'),
        sort: optionalDocument(inner, 'sort'),
        limit: 1,
        collation: optionalDocument(inner, 'collation'),
        let: optionalDocument(inner, 'let'),
        hint: hintOf(inner.hint),
        wrap: (stage) => ({ stage: inner.remove === true ? 'DELETE' : 'UPDATE', inputStage: stage }),
      };
    case 'aggregate':
      return describeAggregate(inner);
    default:
      throw new CommandError('CommandNotFound', `Explain failed due to unknown command: ${name}`);
  }
}

function explainedBatchError(): CommandError {
  return new CommandError('InvalidLength', 'explained write batches must be of size 1');
}

/** A leading $match (and a $sort, $skip, $limit right after it) is what the plan answers. */
function describeAggregate(inner: Document): ExplainedQuery {
  const pipeline = inner.pipeline as unknown;
  if (!Array.isArray(pipeline)) throw new CommandError('TypeMismatch', "BSON field 'pipeline' is the wrong type, expected type 'array'");
  const stages = pipeline.filter(isPlainObject);
  let position = 0;
  let filter: Document | undefined;
  let sort: Document | undefined;
  const first = stages[0];
  if (first && isPlainObject(first.$match)) {
    filter = first.$match;
    position = 1;
  }
  const next = stages[position];
  if (next && isPlainObject(next.$sort)) {
    sort = next.$sort;
    position += 1;
  }
  return {
    collectionName: collectionOf(inner, 'aggregate'),
    filter,
    sort,
    collation: optionalDocument(inner, 'collation'),
    let: optionalDocument(inner, 'let'),
    hint: hintOf(inner.hint),
    remainingPipeline: stages.slice(position),
  };
}

/** Runs the plan as the command would (without writing): how many documents come out. */
function* execute(plan: QueryPlan, matcher: Matcher, collator: Collator | undefined, query: ExplainedQuery): Generator<Pause, number, void> {
  const skip = query.skip ?? 0;
  const sort = query.sort && Object.keys(query.sort).length > 0 ? query.sort : undefined;
  // The SORT stage refuses an invalid pattern; the order itself does not change the count.
  if (sort && !plan.providesSort) compileSort(sort, collator ? { collator } : {});
  const { docs } = yield* planMatches(plan, matcher, { sort, limit: query.limit === undefined ? undefined : skip + query.limit });
  const afterSkip = Math.max(0, docs.length - skip);
  return query.limit === undefined ? afterSkip : Math.min(afterSkip, query.limit);
}

/** The winning plan as mongod prints it: the access stage, then the stages above it. */
function stageTree(plan: QueryPlan, query: ExplainedQuery): Document {
  let stage = accessStage(plan.plan, query);
  const sort = query.sort && Object.keys(query.sort).length > 0 ? query.sort : undefined;
  if (sort && !plan.providesSort) {
    stage = {
      stage: 'SORT',
      sortPattern: sort,
      memLimit: 104_857_600,
      ...(query.limit !== undefined ? { limitAmount: (query.skip ?? 0) + query.limit } : {}),
      type: 'simple',
      inputStage: stage,
    };
  }
  if (query.projection && Object.keys(query.projection).length > 0) stage = { stage: 'PROJECTION_DEFAULT', transformBy: query.projection, inputStage: stage };
  if (query.skip) stage = { stage: 'SKIP', skipAmount: query.skip, inputStage: stage };
  if (query.limit !== undefined && !(sort && !plan.providesSort)) stage = { stage: 'LIMIT', limitAmount: query.limit, inputStage: stage };
  return query.wrap ? query.wrap(stage) : stage;
}

function accessStage(summary: PlanSummary, query: ExplainedQuery): Document {
  switch (summary.stage) {
    case 'EOF':
      return { stage: 'EOF' };
    case 'IDHACK':
      return { stage: 'IDHACK' };
    case 'COLLSCAN':
      return { stage: 'COLLSCAN', filter: query.filter ?? {}, direction: summary.direction };
    case 'OR':
      return {
        stage: 'SUBPLAN',
        inputStage: {
          stage: 'FETCH',
          ...(query.filter && Object.keys(query.filter).length > 0 ? { filter: query.filter } : {}),
          inputStage: { stage: 'OR', inputStages: (summary.inputs ?? []).map(indexScanStage) },
        },
      };
    default:
      return {
        stage: 'FETCH',
        ...(query.filter && Object.keys(query.filter).length > 0 ? { filter: query.filter } : {}),
        inputStage: indexScanStage(summary),
      };
  }
}

function indexScanStage(summary: PlanSummary): Document {
  return {
    stage: 'IXSCAN',
    keyPattern: summary.keyPattern,
    indexName: summary.indexName,
    isMultiKey: summary.isMultiKey ?? false,
    isUnique: summary.isUnique ?? false,
    isSparse: summary.isSparse ?? false,
    isPartial: summary.isPartial ?? false,
    indexVersion: 2,
    direction: summary.direction,
    indexBounds: summary.indexBounds ?? {},
  };
}

/** executionStages: the same tree with the counters mongod puts on each stage. */
function withCounters(stage: Document, summary: PlanSummary, nReturned: number): Document {
  const copy: Document = { ...stage, nReturned };
  if (stage.stage === 'IXSCAN') {
    copy.keysExamined = summary.keysExamined;
    copy.nReturned = summary.keysExamined;
  }
  if (stage.stage === 'FETCH') copy.docsExamined = summary.docsExamined;
  if (stage.stage === 'COLLSCAN') copy.docsExamined = summary.docsExamined;
  if (stage.stage === 'IDHACK') {
    copy.keysExamined = summary.keysExamined;
    copy.docsExamined = summary.docsExamined;
  }
  if (isPlainObject(stage.inputStage)) copy.inputStage = withCounters(stage.inputStage, summary, nReturned);
  if (Array.isArray(stage.inputStages)) {
    copy.inputStages = (stage.inputStages as Document[]).map((input, i) => withCounters(input, summary.inputs?.[i] ?? summary, nReturned));
  }
  return copy;
}
