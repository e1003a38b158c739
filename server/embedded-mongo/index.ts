// Public entry point of the embedded MongoDB-compatible store. Self-contained: imports nothing
// from the rest of the app, so it can run on its own (cli.ts) or inside the app and the tests.
import { EmbeddedMongoServer } from './server';

export { DataDirLockedError, readRunningStore } from './lock';

export interface EmbeddedMongoOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Without one, the store lives in memory only. */
  dataDir?: string;
  logger?: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  /** How often TTL indexes are enforced; mongod uses 60 s, we default to 1 s. */
  ttlSweepMs?: number;
}

export interface EmbeddedMongo {
  /** e.g. mongodb://127.0.0.1:40123, with no database and no trailing slash. */
  uri: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const consoleLogger = {
  info: (msg: string) => console.info(msg),
  warn: (msg: string) => console.warn(msg),
  error: (msg: string) => console.error(msg),
};

export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const server = new EmbeddedMongoServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    dataDir: options.dataDir,
    logger: options.logger ?? consoleLogger,
    ttlSweepMs: options.ttlSweepMs ?? 1000,
  });
  await server.start();
  const host = server.host;
  const uriHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    uri: `mongodb://${uriHost}:${server.port}`,
    host,
    port: server.port,
    close: () => (closing ??= server.close()),
  };
}
