// Public entry point of the embedded MongoDB-compatible store. Self-contained: imports nothing
// from the rest of the app, so it can run on its own (cli.ts) or inside the app and the tests.
// By default the store runs in a worker thread of its own, so its work never delays the caller's
// event loop (an HTTP app, a test); `inThread` runs it on the caller's thread instead.
import type { CommandHandler } from './commands/context';
import { storeUri } from './lock';
import { EmbeddedMongoServer, type StoreLogger, type TcpAddress } from './server';
import { startInWorker } from './thread/host';
import type { WorkerStartOptions } from './thread/messages';

export { DataDirLockedError, readRunningStore, storeUri, type LockOwner } from './lock';

export interface EmbeddedMongoOptions {
  /** Interface to listen on (TCP). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Several TCP interfaces (mongod's --bind_ip list); replaces `host`. */
  bindIps?: string[];
  /**
   * A Unix domain socket to listen on (created 0600). With a socket and neither `host`, `port`
   * nor `bindIps`, the store opens no TCP port at all.
   */
  socketPath?: string;
  /** Without one, the store lives in memory only. */
  dataDir?: string;
  logger?: StoreLogger;
  /** How often TTL indexes are enforced; mongod uses 60 s, we default to 1 s. */
  ttlSweepMs?: number;
  /** Require SCRAM-SHA-256 authentication (mongod's --auth). */
  auth?: boolean;
  /** Users created (or reset) in the admin database before the store listens. */
  initialUsers?: { user: string; pwd: string; roles?: string[] }[];
  /** Run on the caller's thread rather than a worker thread (tools, tests that need to). */
  inThread?: boolean;
  /** Extra command handlers (inThread only; tests of the scheduler). */
  extraHandlers?: Record<string, CommandHandler>;
}

export interface EmbeddedMongo {
  /**
   * e.g. mongodb://127.0.0.1:40123, or mongodb://%2Fdata%2Fdb%2Fmongodb.sock when the store has
   * only a Unix socket; no database, no trailing slash.
   */
  uri: string;
  /** The first TCP address ('' and 0 when there is none). */
  host: string;
  port: number;
  socketPath?: string;
  close(): Promise<void>;
}

const consoleLogger: StoreLogger = {
  info: (msg: string) => console.info(msg),
  warn: (msg: string) => console.warn(msg),
  error: (msg: string) => console.error(msg),
};

function tcpAddresses(options: EmbeddedMongoOptions): TcpAddress[] {
  const port = options.port ?? 0;
  if (options.bindIps) return options.bindIps.map((host) => ({ host, port }));
  if (options.socketPath && options.host === undefined && options.port === undefined) return [];
  return [{ host: options.host ?? '127.0.0.1', port }];
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const logger = options.logger ?? consoleLogger;
  const startOptions: WorkerStartOptions = {
    tcp: tcpAddresses(options),
    ttlSweepMs: options.ttlSweepMs ?? 1000,
    auth: options.auth ?? false,
  };
  if (options.socketPath) startOptions.socketPath = options.socketPath;
  if (options.dataDir) startOptions.dataDir = options.dataDir;
  if (options.initialUsers) startOptions.initialUsers = options.initialUsers;
  if (options.extraHandlers && !options.inThread) throw new Error('extraHandlers need inThread: functions cannot cross to a worker thread');

  let tcp: TcpAddress[];
  let socketPath: string | undefined;
  let closeStore: () => Promise<void>;
  if (options.inThread) {
    const server = new EmbeddedMongoServer({ ...startOptions, logger, extraHandlers: options.extraHandlers });
    await server.start();
    tcp = server.tcp;
    socketPath = server.socketPath;
    closeStore = () => server.close();
  } else {
    const store = await startInWorker(startOptions, logger);
    tcp = store.tcp;
    socketPath = store.socketPath;
    closeStore = () => store.close();
  }
  const first = tcp[0];
  let closing: Promise<void> | undefined;
  const handle: EmbeddedMongo = {
    // TCP when there is a listener: other tools (and the driver's tests) reach it the usual way.
    uri: first ? storeUri({ pid: process.pid, host: first.host, port: first.port }) : storeUri({ pid: process.pid, host: '', port: 0, socket: socketPath! }),
    host: first?.host ?? '',
    port: first?.port ?? 0,
    close: () => (closing ??= closeStore()),
  };
  if (socketPath) handle.socketPath = socketPath;
  return handle;
}
