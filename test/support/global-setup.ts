// Mocha global setup: every test process talks to one database server.
// Unless MONGODB_URI names a real MongoDB, an in-memory embedded store is started on a free
// loopback port, so the same suite runs unchanged against both.
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo/index';

let embedded: EmbeddedMongo | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  if (!process.env.MONGODB_URI) {
    embedded = await startEmbeddedMongo({ host: '127.0.0.1', port: 0 });
    // Each run gets its own database name so a real server is never shared between runs.
    process.env.MONGODB_URI = `${embedded.uri}/barometer_test`;
  } else if (!process.env.BAROMETER_KEEP_DB_NAME) {
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = `/barometer_test_${process.pid}`;
    process.env.MONGODB_URI = url.toString();
  }
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= 'silent';
}

export async function mochaGlobalTeardown(): Promise<void> {
  await embedded?.close();
}

// Every test file shares one mongoose connection to that database; each test empties the
// collections it needs with resetDatabase() (test/support/database.ts).
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    const { connectTestDatabase } = await import('./database');
    await connectTestDatabase();
  },
  async afterAll(this: Mocha.Context) {
    const { disconnectTestDatabase } = await import('./database');
    await disconnectTestDatabase();
  },
};
