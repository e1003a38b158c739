// Mocha global setup: every test process talks to one database server.
// Unless MONGODB_URI names a real MongoDB, an in-memory embedded store is started on a free
// loopback port, so the same suite runs unchanged against both.
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo/index';

let embedded: EmbeddedMongo | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  if (!process.env.MONGODB_URI) {
    embedded = await startEmbeddedMongo({ host: '127.0.0.1', port: 0 });
    process.env.MONGODB_URI = `${embedded.uri}/barometer_test`;
  } else {
    // On a real server each run gets a database of its own, dropped at the end, so runs never
    // share data and the database named in the URI is never touched.
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = `/barometer_test_${process.pid}`;
    process.env.MONGODB_URI = url.toString();
  }
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= 'silent';
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (embedded) {
    await embedded.close();
    return;
  }
  // On a real server, leave nothing behind: the run's database goes with it.
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(process.env.MONGODB_URI as string);
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
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
