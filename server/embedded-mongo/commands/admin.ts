// Handshake and administrative commands drivers and mongoose send around connecting.
import type { Document } from 'bson';
import type { CommandHandler } from './context';

/** MongoDB 7.0's wire version; the driver refuses servers it considers too old. */
export const MAX_WIRE_VERSION = 21;
export const SERVER_VERSION = '7.0.0';

// No setName and no topologyVersion: the driver must see a standalone server,
// or it would start replica-set monitoring.
export const hello: CommandHandler = (command, context) => ({
  helloOk: true,
  ismaster: true,
  isWritablePrimary: true,
  maxBsonObjectSize: 16 * 1024 * 1024,
  maxMessageSizeBytes: 48_000_000,
  maxWriteBatchSize: 100_000,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId: context.connectionId,
  minWireVersion: 0,
  maxWireVersion: MAX_WIRE_VERSION,
  readOnly: false,
  ...(command.saslSupportedMechs ? { saslSupportedMechs: [] } : {}),
});

export const ping: CommandHandler = () => ({});

export const buildInfo: CommandHandler = () => ({
  version: SERVER_VERSION,
  gitVersion: 'embedded',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: 16 * 1024 * 1024,
  storageEngines: ['embedded'],
  javascriptEngine: 'none',
  modules: [],
});

export const serverStatus: CommandHandler = (_command, context) => ({
  host: 'embedded',
  version: SERVER_VERSION,
  process: 'embedded-mongo',
  pid: process.pid,
  uptime: Math.floor((Date.now() - context.startedAt.getTime()) / 1000),
  localTime: new Date(),
});

export const getParameter: CommandHandler = (command) => {
  const reply: Document = {};
  if (command.featureCompatibilityVersion !== undefined || command.getParameter === '*') {
    reply.featureCompatibilityVersion = { version: '7.0' };
  }
  return reply;
};

export const acknowledge: CommandHandler = () => ({});

export const connectionStatus: CommandHandler = () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] } });

export const hostInfo: CommandHandler = () => ({ system: { currentTime: new Date(), hostname: 'embedded' }, os: { type: process.platform }, extra: {} });

export const getCmdLineOpts: CommandHandler = () => ({ argv: ['embedded-mongo'], parsed: {} });

export const whatsmyuri: CommandHandler = () => ({ you: 'embedded' });
