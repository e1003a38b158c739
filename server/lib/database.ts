// Chooses and opens the database. Production names a real MongoDB with MONGODB_URI; without it
// the embedded wire-protocol store runs in-process (in a worker thread of its own) on DATA_DIR/db,
// reachable only through a Unix socket in that private directory: no TCP port is opened.
// This module and the test setup are the only places that know the embedded store exists.
import path from 'node:path';
import mongoose from 'mongoose';
import { readRunningStore, startEmbeddedMongo, storeUri, type EmbeddedMongo } from '../embedded-mongo/index';
import type { Config } from './config';
import type { Logger } from './logger';

export const DEFAULT_DATABASE_NAME = 'barometer';
/** The driver recognises a socket path by its .sock ending. */
const SOCKET_NAME = 'mongodb.sock';
/** sun_path holds 108 bytes on Linux (104 on macOS); a longer path cannot be bound. */
const MAX_SOCKET_PATH_BYTES = 103;

/**
 * How the app behaves while the database is away, and how soon it notices the return. The drivers'
 * defaults suit a batch job, not a respondent waiting on a page: mongoose queues every command
 * while disconnected (bufferCommands, up to 10 s), then the driver waits serverSelectionTimeoutMS
 * (30 s, the old setting here 10 s) for a server, and a server marked down is looked at again only
 * every heartbeatFrequencyMS (10 s). Measured before: a bare 500 after 10 s, and 503 for up to 16 s
 * after the store was back.
 *
 * - bufferCommands false: a command goes straight to the driver, which is the one that waits.
 * - serverSelectionTimeoutMS 1000: a request that needs the database while none is reachable fails
 *   after about a second (DatabaseUnavailableError, a 503 with Retry-After). A second covers a
 *   server whose connections were just reset: the driver checks it again at once (a waiting
 *   selection wakes the monitor, at most every minHeartbeatFrequencyMS = 500 ms, the default).
 * - heartbeatFrequencyMS 1000: with no request waiting, the monitor still checks every second,
 *   so /healthz and the first request see the database again within about a second of its return.
 *   One `hello` a second per member is nothing for a server.
 * - connectTimeoutMS 2000: a member that drops packets (a partition, not a refusal) is given up on
 *   by the monitor after 2 s instead of 30 s; a TCP and TLS handshake takes milliseconds.
 * A replica set electing a new primary (about 10 s with the default electionTimeoutMillis) is an
 * outage of that length for writes: requests fail fast with 503 rather than hang, respondents keep
 * their answers (docs/availability.md), and retryable writes (the driver's default) replay a write
 * whose primary stepped down once a new one is selected.
 */
export const CONNECTION_OPTIONS = {
  bufferCommands: false,
  serverSelectionTimeoutMS: 1_000,
  heartbeatFrequencyMS: 1_000,
  connectTimeoutMS: 2_000,
  autoIndex: true,
} as const satisfies mongoose.ConnectOptions;

/**
 * Boot waits this long for the database (a container started beside it, a store restarting) before
 * it gives up: each attempt fails fast (above), so boot tries again rather than failing at once.
 */
const BOOT_PATIENCE_MS = 30_000;

export interface OpenDatabase {
  uri: string;
  /** Set when this process started the embedded store itself. */
  embedded?: EmbeddedMongo;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * The app owns the embedded store. A command-line tool prefers to connect to the store a running
   * app already holds, and only opens the data directory itself when nothing holds it.
   */
  role: 'app' | 'cli';
}

export async function openDatabase(
  config: Config,
  logger: Logger,
  options: OpenDatabaseOptions = { role: 'app' },
): Promise<OpenDatabase> {
  let uri = config.MONGODB_URI;
  let embedded: EmbeddedMongo | undefined;
  if (!uri) {
    const dataDir = path.join(config.dataDir, 'db');
    const running = options.role === 'cli' ? await readRunningStore(dataDir) : null;
    if (running) {
      uri = `${storeUri(running)}/${DEFAULT_DATABASE_NAME}`;
      logger.debug({ uri }, 'connecting to the embedded store held by the running app');
    } else {
      const socketPath = path.resolve(dataDir, SOCKET_NAME);
      const fitsSocket = Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES;
      if (!fitsSocket) logger.warn({ socketPath }, 'DATA_DIR is too deep for a Unix socket path; the embedded store listens on 127.0.0.1 instead');
      embedded = await startEmbeddedMongo({
        ...(fitsSocket ? { socketPath } : { host: '127.0.0.1', port: 0 }),
        dataDir,
        logger: {
          info: (msg) => logger.info({ component: 'embedded-mongo' }, msg),
          warn: (msg) => logger.warn({ component: 'embedded-mongo' }, msg),
          error: (msg) => logger.error({ component: 'embedded-mongo' }, msg),
        },
      });
      uri = `${embedded.uri}/${DEFAULT_DATABASE_NAME}`;
      if (options.role === 'app') {
        // The one line the README promises: where the data lives and how to reach it.
        console.log(`Embedded MongoDB-compatible store at ${embedded.uri} (data: ${dataDir}); set MONGODB_URI to use a real MongoDB.`);
      }
    }
  }
  mongoose.set('strictQuery', true);
  await connectPatiently(uri, logger);
  return {
    uri,
    embedded,
    async close() {
      await mongoose.disconnect();
      await embedded?.close();
    },
  };
}

async function connectPatiently(uri: string, logger: Logger): Promise<void> {
  const deadline = Date.now() + BOOT_PATIENCE_MS;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await mongoose.connect(uri, CONNECTION_OPTIONS);
      return;
    } catch (error) {
      if (!isServerSelectionError(error) || Date.now() >= deadline) throw error;
      if (attempt === 1) logger.warn({ err: error }, 'waiting for the database');
      await mongoose.disconnect();
    }
  }
}

function isServerSelectionError(error: unknown): boolean {
  return error instanceof mongoose.Error.MongooseServerSelectionError || error instanceof mongoose.mongo.MongoServerSelectionError;
}
