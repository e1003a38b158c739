// The fields each command accepts, in one place. mongod parses commands with IDL and refuses any
// field it does not know with 40415 "BSON field '<cmd>.<field>' is an unknown field."; a store that
// silently ignored a misspelt option would answer as if it had applied it.
// Sources: the command pages of the MongoDB 7.0 manual (reference/command/<name>) and the generic
// arguments every command accepts (mongod's generic_argument.idl, documented piecemeal per command).
import type { Document } from 'bson';
import { CommandError } from '../errors';

/** Arguments mongod accepts on every command (sessions, concerns, API versioning, routing). */
const GENERIC_FIELDS = [
  '$db', 'lsid', 'txnNumber', 'autocommit', 'startTransaction', 'stmtId', '$clusterTime', '$readPreference',
  'readConcern', 'writeConcern', 'comment', 'maxTimeMS', 'apiVersion', 'apiStrict', 'apiDeprecationErrors',
  '$audit', '$client', '$configServerState', 'allowImplicitCollectionCreation', '$oplogQueryData',
  '$queryOptions', '$replData', 'databaseVersion', 'shardVersion', 'clientOperationKey', 'txnRetryCounter',
  'mayBypassWriteBlocking', 'maxTimeMSOpOnly', '$topologyTime', '$configTime', 'readPreference',
];

/** Fields shared by the write commands (insert, update, delete). */
const WRITE_FIELDS = ['ordered', 'bypassDocumentValidation', 'stmtIds', 'isTimeseriesNamespace', 'collectionUUID', 'encryptionInformation'];

/**
 * Per command: its own fields (the command name itself excluded). A command missing from this
 * table is not checked (the handshake and diagnostic commands, whose drivers add fields freely).
 */
const COMMAND_FIELDS: Record<string, readonly string[]> = {
  find: [
    'filter', 'projection', 'sort', 'hint', 'skip', 'limit', 'batchSize', 'singleBatch', 'max', 'min', 'returnKey',
    'showRecordId', 'tailable', 'oplogReplay', 'noCursorTimeout', 'awaitData', 'allowPartialResults', 'collation',
    'allowDiskUse', 'let', 'readOnce', 'allowSpeculativeMajorityRead', 'term', '$_requestResumeToken', '$_resumeAfter',
    'collectionUUID', 'encryptionInformation',
  ],
  getMore: ['collection', 'batchSize', 'term', 'lastKnownCommittedOpTime', 'includeQueryStatsMetrics'],
  killCursors: ['cursors'],
  insert: ['documents', ...WRITE_FIELDS],
  update: ['updates', 'let', ...WRITE_FIELDS],
  delete: ['deletes', 'let', ...WRITE_FIELDS],
  findAndModify: [
    'query', 'fields', 'sort', 'remove', 'update', 'new', 'upsert', 'bypassDocumentValidation', 'collation',
    'arrayFilters', 'hint', 'let', 'encryptionInformation',
  ],
  aggregate: [
    'pipeline', 'explain', 'allowDiskUse', 'cursor', 'bypassDocumentValidation', 'collation', 'hint', 'let',
    'needsMerge', 'fromMongos', 'exchange', 'isMapReduceCommand', 'collectionUUID', 'encryptionInformation',
  ],
  count: ['query', 'limit', 'skip', 'hint', 'collation', 'fields', 'collectionUUID', 'encryptionInformation'],
  distinct: ['key', 'query', 'collation', 'hint', 'collectionUUID'],
  create: [
    'capped', 'size', 'max', 'storageEngine', 'validator', 'validationLevel', 'validationAction',
    'indexOptionDefaults', 'viewOn', 'pipeline', 'collation', 'timeseries', 'expireAfterSeconds', 'clusteredIndex',
    'changeStreamPreAndPostImages', 'encryptedFields', 'autoIndexId', 'idIndex', 'flags', 'temp',
  ],
  drop: ['collectionUUID'],
  listCollections: ['filter', 'nameOnly', 'authorizedCollections', 'cursor', 'includePendingDrops'],
  collMod: [
    'index', 'validator', 'validationLevel', 'validationAction', 'viewOn', 'pipeline', 'expireAfterSeconds',
    'changeStreamPreAndPostImages', 'timeseries', 'clusteredIndex', 'dryRun', 'cappedSize', 'cappedMax',
    'collectionUUID', 'recordPreImages', 'isTimeseriesNamespace',
  ],
  renameCollection: ['to', 'dropTarget', 'stayTemp', 'collectionUUID'],
  createIndexes: ['indexes', 'commitQuorum', 'ignoreUnknownIndexOptions', 'isTimeseriesNamespace', 'collectionUUID'],
  listIndexes: ['cursor', 'includeBuildUUIDs', 'includeIndexBuildInfo', 'isTimeseriesNamespace', 'collectionUUID'],
  dropIndexes: ['index', 'isTimeseriesNamespace', 'collectionUUID'],
  dropDatabase: [],
  listDatabases: ['filter', 'nameOnly', 'authorizedDatabases'],
  dbStats: ['scale', 'freeStorage'],
  collStats: ['scale', 'verbose'],
  explain: ['verbosity'],
  planCacheClear: ['query', 'sort', 'projection', 'collation'],
};

/** Fields of the statements inside update/delete, which mongod checks the same way. */
const STATEMENT_FIELDS: Record<string, { array: string; fields: readonly string[] }> = {
  // `sort` in an update statement arrived in MongoDB 8.0: a 7.0 server refuses it.
  update: { array: 'updates', fields: ['q', 'u', 'c', 'upsert', 'multi', 'arrayFilters', 'hint', 'collation', 'upsertSupplied', 'sampleId'] },
  delete: { array: 'deletes', fields: ['q', 'limit', 'hint', 'collation', 'sampleId'] },
};

/** Command names that are aliases of a canonical name in the table (error messages use the canonical one). */
const ALIASES: Record<string, string> = { findandmodify: 'findAndModify', deleteIndexes: 'dropIndexes' };

const GENERIC = new Set(GENERIC_FIELDS);
const KNOWN = new Map(Object.entries(COMMAND_FIELDS).map(([name, fields]) => [name, new Set(fields)]));
/** STATEMENT_FIELDS as sets, built once rather than per command. */
const KNOWN_IN_STATEMENTS = new Map(Object.entries(STATEMENT_FIELDS).map(([name, { array, fields }]) => [name, { array, fields: new Set(fields) }]));

function unknownField(path: string): CommandError {
  return new CommandError(40415, `BSON field '${path}' is an unknown field.`);
}

/** Throws 40415 for the first field the command (or one of its statements) does not accept. */
export function checkCommandFields(name: string, command: Document): void {
  const canonical = ALIASES[name] ?? name;
  const known = KNOWN.get(canonical);
  if (!known) return;
  let first = true;
  for (const field in command) {
    if (first) {
      first = false;
      continue;
    }
    if (!known.has(field) && !GENERIC.has(field)) throw unknownField(`${canonical}.${field}`);
  }
  const statements = KNOWN_IN_STATEMENTS.get(canonical);
  const list = statements ? (command[statements.array] as unknown) : undefined;
  if (statements && Array.isArray(list)) {
    for (const statement of list) {
      if (!statement || typeof statement !== 'object') continue;
      for (const field in statement as Document) {
        if (!statements.fields.has(field)) throw unknownField(`${canonical}.${statements.array}.${field}`);
      }
    }
  }
}

/** Strips the generic arguments, leaving what the command itself was asked to do. */
export function withoutGenericFields(command: Document): Document {
  return Object.fromEntries(Object.entries(command).filter(([field]) => !GENERIC.has(field)));
}
