// Handshake and administrative commands drivers and mongoose send around connecting.
import type { Document } from 'bson';
import { isPlainObject } from '../bson/index';
import { CommandError } from '../errors';
import { getNotablescan, setNotablescan } from '../storage/plan/parameters';
import type { CommandContext, CommandHandler } from './context';
import { withoutGenericFields } from './fields';

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

/**
 * Server parameters this store knows (https://www.mongodb.com/docs/v7.0/reference/parameters/):
 * featureCompatibilityVersion is fixed; notablescan is the planner's (storage/plan/parameters.ts).
 */
const PARAMETERS: Record<string, { get(context: CommandContext): unknown; set?(context: CommandContext, value: unknown): unknown }> = {
  featureCompatibilityVersion: { get: () => ({ version: '7.0' }) },
  notablescan: { get: () => getNotablescan(), set: (_context, value) => setNotablescan(value) },
};

function adminOnly(commandName: string, context: CommandContext): void {
  if (context.db !== 'admin') throw new CommandError('Unauthorized', `${commandName} may only be run against the admin database.`);
}

// https://www.mongodb.com/docs/v7.0/reference/command/getParameter/
export const getParameter: CommandHandler = (command, context) => {
  adminOnly('getParameter', context);
  const all = command.getParameter === '*' || (isPlainObject(command.getParameter) && (command.getParameter as Document).allParameters === true);
  const reply: Document = {};
  for (const [name, parameter] of Object.entries(PARAMETERS)) {
    if (all || command[name] !== undefined) reply[name] = parameter.get(context);
  }
  if (Object.keys(reply).length === 0) throw new CommandError('InvalidOptions', 'no option found to get');
  return reply;
};

// https://www.mongodb.com/docs/v7.0/reference/command/setParameter/
export const setParameter: CommandHandler = (command, context) => {
  adminOnly('setParameter', context);
  const { setParameter: _value, ...rest } = withoutGenericFields(command);
  const names = Object.keys(rest);
  if (names.length === 0) throw new CommandError('InvalidOptions', 'no option found to set, use help:true to see options ');
  const reply: Document = {};
  for (const name of names) {
    const parameter = Object.hasOwn(PARAMETERS, name) ? PARAMETERS[name] : undefined;
    if (!parameter) throw new CommandError('InvalidOptions', `attempted to set unrecognized parameter [${name}], use help:true to see options `);
    if (!parameter.set) throw new CommandError('IllegalOperation', `Cannot set parameter ${name} at runtime`);
    reply.was = parameter.set(context, rest[name]);
  }
  return reply;
};

export const acknowledge: CommandHandler = () => ({});

export const connectionStatus: CommandHandler = () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] } });

export const hostInfo: CommandHandler = () => ({ system: { currentTime: new Date(), hostname: 'embedded' }, os: { type: process.platform }, extra: {} });

export const getCmdLineOpts: CommandHandler = () => ({ argv: ['embedded-mongo'], parsed: {} });

export const whatsmyuri: CommandHandler = () => ({ you: 'embedded' });
