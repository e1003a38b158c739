// Records the queries the app sends to the database, through the driver's command monitoring,
// and asks the server how it runs each one (explain), so a test can tell an index lookup from a
// scan on the server itself (the embedded store or a real MongoDB) instead of guessing from code.
import mongoose from 'mongoose';
import { BSON, type CommandStartedEvent, type Document } from 'mongodb';
import { startTestApp, type TestApp } from './app';
import { connectTestDatabase } from './database';

/** The commands that find or match documents; getMore and writes without a filter cannot scan. */
const QUERY_COMMANDS = new Set(['find', 'findAndModify', 'update', 'delete', 'count', 'aggregate', 'distinct']);
/**
 * Fields the driver adds for the session, the topology or durability: they do not change the
 * plan, and mongod refuses some of them inside an explained command.
 */
const TRANSPORT_FIELDS = new Set([
  '$db', 'lsid', '$clusterTime', 'txnNumber', 'autocommit', 'startTransaction', '$readPreference',
  'readConcern', 'writeConcern', 'apiVersion', 'apiStrict', 'apiDeprecationErrors',
]);

/** One query as the app sent it: an update or delete batch is split into its statements. */
export interface RecordedQuery {
  collection: string;
  commandName: string;
  /** What selects the documents (find's filter, a statement's q, findAndModify's query...). */
  filter: Document;
  /** The command to explain: without transport fields, with a single statement for writes. */
  command: Document;
}

/**
 * The driver decides whether a connection reports its commands when the connection is made
 * (the pool copies `monitorCommands`), so setting the option on a connected MongoClient has no
 * effect: the shared connection is reopened with monitoring on.
 */
async function reconnectWithCommandMonitoring(): Promise<void> {
  await mongoose.disconnect();
  await connectTestDatabase({ monitorCommands: true });
}

/** Reopens the shared connection as the global setup opened it, so later test files see no change. */
async function reconnectWithoutCommandMonitoring(): Promise<void> {
  await mongoose.disconnect();
  await connectTestDatabase();
}

/**
 * Registers the mocha hooks of a suite that watches the app's commands: the app started on a
 * connection that reports them, and after the suite the database emptied, the app closed and the
 * connection reopened as the global setup opened it (later test files expect both). Call it inside
 * `describe`, before the suite's own hooks (which then see the app started); read `app` in them.
 */
export function useMonitoredApp(): { readonly app: TestApp } {
  let app: TestApp | undefined;
  before(async () => {
    await reconnectWithCommandMonitoring();
    app = await startTestApp();
  });
  after(async () => {
    await app?.reset();
    await app?.close();
    await reconnectWithoutCommandMonitoring();
  });
  return {
    get app() {
      if (!app) throw new Error('the app is read before the suite started it (in a `before` hook)');
      return app;
    },
  };
}

function withoutTransportFields(command: Document): Document {
  return Object.fromEntries(Object.entries(command).filter(([field]) => !TRANSPORT_FIELDS.has(field)));
}

function filterOf(commandName: string, command: Document): Document {
  const statement = (command.updates ?? command.deletes) as Document[] | undefined;
  const pipeline = command.pipeline as Document[] | undefined;
  const filter: unknown = commandName === 'find' ? command.filter
    : statement ? statement[0]?.q
    : pipeline ? pipeline[0]?.$match
    : command.query;
  return (filter ?? {}) as Document;
}

/** mongod explains one write statement at a time, so a batch becomes one query per statement. */
function queriesOf(collection: string, commandName: string, command: Document): RecordedQuery[] {
  const base = withoutTransportFields(command);
  const statementsField = commandName === 'update' ? 'updates' : commandName === 'delete' ? 'deletes' : undefined;
  const commands = statementsField
    ? ((base[statementsField] as Document[] | undefined) ?? []).map((statement) => ({ ...base, [statementsField]: [statement] }))
    : [base];
  return commands.map((single) => ({ collection, commandName, filter: filterOf(commandName, single), command: single }));
}

/**
 * Listens to every command mongoose's client sends to the test database's collections that
 * `collections` names, from now until stop(). Only what the app sends in that window is kept, so
 * the test's own reads and writes stay out of it as long as it makes none meanwhile.
 */
export function recordQueries(collections: ReadonlySet<string>): { stop(): RecordedQuery[] } {
  const recorded: RecordedQuery[] = [];
  const stop = listenToCommands((event, collection) => {
    if (!QUERY_COMMANDS.has(event.commandName) || typeof collection !== 'string' || !collections.has(collection)) return;
    recorded.push(...queriesOf(collection, event.commandName, event.command));
  });
  return {
    stop() {
      stop();
      return recorded;
    },
  };
}

/**
 * Calls `onCommand` for every command mongoose's client sends to the test database, with the
 * collection it names (when it names one), until the returned function is called.
 */
export function listenToCommands(onCommand: (event: CommandStartedEvent, collection: unknown) => void): () => void {
  const client = mongoose.connection.getClient();
  const databaseName = mongoose.connection.db?.databaseName;
  const listener = (event: CommandStartedEvent) => {
    if (event.databaseName === databaseName) onCommand(event, event.command[event.commandName]);
  };
  client.on('commandStarted', listener);
  return () => client.off('commandStarted', listener);
}

/**
 * A recorded command as extended JSON: ObjectIds and dates keep their types, and a sort the driver
 * holds as a Map (to keep its key order) shows its keys, where JSON.stringify would print {}.
 */
export function formatCommand(command: Document, maxLength = 600): string {
  const text = BSON.EJSON.stringify(command, { relaxed: true });
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/** The collections the app's models read and write. */
export function appCollections(): Set<string> {
  return new Set(Object.values(mongoose.connection.models).map((model) => model.collection.collectionName));
}

export interface QueryExecution {
  /** Every stage of the winning plan, outermost first. */
  stages: string[];
  /** Index names the winning plan reads. */
  indexes: string[];
  docsExamined: number;
  keysExamined: number;
}

/** The stages of a plan tree: classic (inputStage/inputStages), SBE (queryPlan) or sharded (shards). */
function walkPlan(plan: Document | undefined, visit: (stage: Document) => void): void {
  if (!plan) return;
  if (typeof plan.stage === 'string') visit(plan);
  const children = [
    plan.inputStage,
    plan.queryPlan,
    plan.winningPlan,
    ...((plan.inputStages as Document[] | undefined) ?? []),
    ...((plan.shards as Document[] | undefined) ?? []),
  ];
  for (const child of children) walkPlan(child as Document | undefined, visit);
}

/** An aggregate's plan sits in its first stage's $cursor unless the whole pipeline was pushed down. */
function plannerPartOf(explained: Document): Document {
  const cursorStage = (explained.stages as Document[] | undefined)?.[0]?.$cursor as Document | undefined;
  return cursorStage ?? explained;
}

/** Runs `explain` (executionStats) for a recorded query and reads what its winning plan did. */
export async function explainQuery(query: RecordedQuery): Promise<QueryExecution> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const explained = await db.command({ explain: query.command, verbosity: 'executionStats' });
  const part = plannerPartOf(explained);
  const winningPlan = (part.queryPlanner as Document | undefined)?.winningPlan as Document | undefined;
  const stats = part.executionStats as Document | undefined;
  if (!winningPlan || !stats) throw new Error(`explain gave no winning plan or no executionStats:\n${JSON.stringify(explained)}`);
  const stages: string[] = [];
  const indexes: string[] = [];
  walkPlan(winningPlan, (stage) => {
    stages.push(stage.stage as string);
    if (typeof stage.indexName === 'string') indexes.push(stage.indexName);
  });
  return {
    stages,
    indexes,
    docsExamined: Number(stats.totalDocsExamined),
    keysExamined: Number(stats.totalKeysExamined),
  };
}

/** Builds the indexes the models declare, as boot's autoIndex does, for a test that seeds data itself. */
export async function buildDeclaredIndexes(): Promise<void> {
  await Promise.all(Object.values(mongoose.connection.models).map((model) => model.createIndexes()));
}

export interface LookupCheck extends QueryExecution {
  /** The larger of the keys and the documents it examined. */
  examined: number;
  /** Its plan reads a whole collection. */
  scans: boolean;
  /** An index lookup: no collection scan, and at most `maxExamined` examined. */
  isLookup: boolean;
}

/** Explains a recorded query and says whether it is an index lookup that examines at most `maxExamined`. */
export async function checkLookup(query: RecordedQuery, maxExamined: number): Promise<LookupCheck> {
  const run = await explainQuery(query);
  const examined = Math.max(run.docsExamined, run.keysExamined);
  const scans = run.stages.includes('COLLSCAN');
  return { ...run, examined, scans, isLookup: !scans && examined <= maxExamined };
}

/** Turns the server's `notablescan` on or off; answers the previous value. */
export async function setNoTableScan(enabled: boolean): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const answer = await db.admin().command({ setParameter: 1, notablescan: enabled });
  return answer.was === true;
}
