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
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000, autoIndex: true });
  return {
    uri,
    embedded,
    async close() {
      await mongoose.disconnect();
      await embedded?.close();
    },
  };
}
