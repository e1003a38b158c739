// Command dispatch: picks a handler by the command's first field, and applies the rules a
// standalone mongod applies to every command (no transactions, unknown commands refused).
import type { Document } from 'bson';
import { CommandError } from '../errors';
import * as admin from './admin';
import * as aggregation from './aggregate';
import * as collections from './collections';
import * as explanation from './explain';
import { isCommandRun, type CommandContext, type CommandHandler, type CommandRun } from './context';
import { checkCommandFields } from './fields';
import { planCacheClear } from './plan-cache';
import { countOnView, distinctOnView, findOnView, isView, notOnView } from './views';
import * as indexes from './indexes';
import * as read from './read';
import * as write from './write';

const HANDLERS: Record<string, CommandHandler> = {
  hello: admin.hello,
  ismaster: admin.hello,
  isMaster: admin.hello,
  ping: admin.ping,
  buildInfo: admin.buildInfo,
  buildinfo: admin.buildInfo,
  serverStatus: admin.serverStatus,
  getParameter: admin.getParameter,
  setParameter: admin.setParameter,
  connectionStatus: admin.connectionStatus,
  hostInfo: admin.hostInfo,
  getCmdLineOpts: admin.getCmdLineOpts,
  whatsmyuri: admin.whatsmyuri,
  endSessions: admin.acknowledge,
  killSessions: admin.acknowledge,
  killAllSessions: admin.acknowledge,
  refreshSessions: admin.acknowledge,
  startSession: admin.acknowledge,
  listDatabases: collections.listDatabases,
  dropDatabase: collections.dropDatabase,
  dbStats: collections.dbStats,
  collStats: collections.collStats,
  renameCollection: collections.renameCollection,
  insert: write.insert,
  update: write.updateCommand,
  delete: write.deleteCommand,
  findAndModify: write.findAndModify,
  findandmodify: write.findAndModify,
  find: read.find,
  getMore: read.getMore,
  killCursors: read.killCursors,
  aggregate: aggregation.aggregate,
  count: read.count,
  distinct: read.distinct,
  create: collections.create,
  drop: collections.drop,
  listCollections: collections.listCollections,
  collMod: collections.collMod,
  createIndexes: indexes.createIndexes,
  explain: explanation.explain,
  listIndexes: indexes.listIndexes,
  dropIndexes: indexes.dropIndexes,
  deleteIndexes: indexes.dropIndexes,
  planCacheClear,
};

/** Reads a view by rewriting to aggregation (as mongod does); writes and index commands need a collection. */
const VIEW_READS: Record<string, CommandHandler> = { find: findOnView, count: countOnView, distinct: distinctOnView };
const COLLECTION_ONLY = new Set([
  'insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'createIndexes', 'listIndexes', 'dropIndexes', 'deleteIndexes', 'collStats',
  'planCacheClear',
]);

function viewHandler(name: string, command: Document, context: CommandContext): Document | CommandRun | undefined {
  const target = command[name] as unknown;
  if (!isView(context, target)) return undefined;
  const read = Object.hasOwn(VIEW_READS, name) ? VIEW_READS[name] : undefined;
  if (read) return read(command, context);
  if (COLLECTION_ONLY.has(name)) throw notOnView(context, target as string);
  return undefined;
}

/** The command's name: its first field (read without listing every field, as this runs per command). */
export function commandName(command: Document): string {
  for (const name in command) return name;
  return '';
}

export function runCommand(request: Document, context: CommandContext): Document | CommandRun {
  const name = commandName(request);
  if (name === 'commitTransaction' || name === 'abortTransaction' || request.startTransaction === true || request.autocommit === false) {
    // What a standalone mongod answers: transactions need a replica set. Never pretend to commit.
    throw new CommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
  }
  const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  if (!handler) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
  checkCommandFields(name, request);
  // mongod parses the explained command as it would parse it alone.
  const explained = name === 'explain' ? (request.explain as unknown) : undefined;
  if (explained !== null && typeof explained === 'object' && !Array.isArray(explained)) {
    checkCommandFields(commandName(explained as Document), explained as Document);
  }
  const command = withDefaultCollation(name, request, context);
  const onView = viewHandler(name, command, context);
  if (onView) return onView;
  if (command.bypassDocumentValidation === true) return bypassingValidation(() => handler(command, context), context);
  return handler(command, context);
}

/** Commands whose operations take the target's default collation when they name none. */
const TAKES_COLLATION = new Set(['find', 'count', 'distinct', 'aggregate', 'findAndModify', 'findandmodify']);

/**
 * A collection or view created with a collation: its operations use it unless they give their
 * own (https://www.mongodb.com/docs/v7.0/reference/collation/#collation-and-views, "Collation
 * and ... operations"), and so do indexes created on it without one.
 */
function withDefaultCollation(name: string, command: Document, context: CommandContext): Document {
  const target = command[name] as unknown;
  if (typeof target !== 'string') return command;
  const collation = context.catalog.getCollection(context.db, target)?.options.collation as Document | undefined;
  if (!collation) return command;
  const defaulted = (item: unknown): unknown =>
    item !== null && typeof item === 'object' && !Array.isArray(item) && (item as Document).collation === undefined ? { ...(item as Document), collation } : item;
  if (TAKES_COLLATION.has(name)) return defaulted(command) as Document;
  if (name === 'update' && Array.isArray(command.updates)) return { ...command, updates: command.updates.map(defaulted) };
  if (name === 'delete' && Array.isArray(command.deletes)) return { ...command, deletes: command.deletes.map(defaulted) };
  if (name === 'createIndexes' && Array.isArray(command.indexes)) return { ...command, indexes: command.indexes.map(defaulted) };
  return command;
}

/**
 * Runs a command with schema validation off (its `bypassDocumentValidation: true`), and only
 * while its own code runs: between the slices of a long command other clients' writes are
 * validated as usual.
 */
function bypassingValidation(start: () => Document | CommandRun, context: CommandContext): Document | CommandRun {
  const { catalog } = context;
  const slice = <T>(work: () => T): T => {
    catalog.bypassDocumentValidation = true;
    try {
      return work();
    } finally {
      catalog.bypassDocumentValidation = false;
    }
  };
  const outcome = slice(start);
  if (!isCommandRun(outcome)) return outcome;
  return (function* resumeEachSlice(): CommandRun {
    for (;;) {
      const step = slice(() => outcome.next());
      if (step.done) return step.value;
      yield step.value;
    }
  })();
}
