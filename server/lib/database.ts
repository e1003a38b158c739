// Chooses and opens the database. Production names a real MongoDB with MONGODB_URI; without it
// the embedded wire-protocol store runs in-process on DATA_DIR/db. This module and the test setup
// are the only places that know the embedded store exists.
import path from 'node:path';
import mongoose from 'mongoose';
import { readRunningStore, startEmbeddedMongo, type EmbeddedMongo } from '../embedded-mongo/index';
import type { Config } from './config';
import type { Logger } from './logger';

export const DEFAULT_DATABASE_NAME = 'barometer';

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
      uri = `mongodb://${running.host}:${running.port}/${DEFAULT_DATABASE_NAME}`;
      logger.debug({ uri }, 'connecting to the embedded store held by the running app');
    } else {
      embedded = await startEmbeddedMongo({
        host: '127.0.0.1',
        port: 0,
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
