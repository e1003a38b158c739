// Mocha global setup: every test process talks to one database server.
// Unless MONGODB_URI names a real MongoDB, an in-memory embedded store is started on a free
// loopback port, so the same suite runs unchanged against both.
//
// The suite runs in parallel (.mocharc.json): mocha's main process runs the global setup below,
// then forks its workers, which inherit MONGODB_URI; each worker runs its files one after another,
// in a database of its own (useWorkerDatabase), so two files never empty each other's collections.
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo/index';
import { waitUntil } from './wait-until';

/** Each parallel worker's database: the run's, suffixed with the worker's number. */
const WORKER_DATABASE_SUFFIX = '_w';

/** In a worker (loaded through --require, with MONGODB_URI inherited), its own database. */
function useWorkerDatabase(): void {
  const worker = process.env.MOCHA_WORKER_ID;
  const uri = process.env.MONGODB_URI;
  if (worker === undefined || !uri) return;
  const url = new URL(uri);
  url.pathname = `${url.pathname}${WORKER_DATABASE_SUFFIX}${worker}`;
  process.env.MONGODB_URI = url.toString();
}
useWorkerDatabase();

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
  // On a real server, leave nothing behind: the run's database goes with it, and its workers'.
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(process.env.MONGODB_URI as string);
  try {
    const run = client.db().databaseName;
    const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
    const ours = databases.map((d) => d.name).filter((name) => name === run || name.startsWith(`${run}${WORKER_DATABASE_SUFFIX}`));
    await Promise.all(ours.map((name) => client.db(name).dropDatabase()));
  } finally {
    await client.close();
  }
}

// Every test file shares one mongoose connection to that database; each test empties the
// collections it needs with resetDatabase() (test/support/database.ts). In parallel mode these
// root hooks run around each file.
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    const { connectTestDatabase } = await import('./database');
    await connectTestDatabase();
  },
  async afterAll(this: Mocha.Context) {
    const { disconnectTestDatabase } = await import('./database');
    await disconnectTestDatabase();
    if (process.env.MOCHA_WORKER_ID !== undefined) await expectNothingLeftOpen(this.test?.parent?.suites.map((suite) => suite.file ?? suite.title) ?? []);
  },
};

/**
 * What a worker holds between two files: its channel to mocha's main process (a pipe), its
 * terminal, and the timer of the hook that is running. Anything else at the end of a file (a
 * server, a socket, a child process, a timer) is the file's and keeps a process alive that ought
 * to end. Run serially, mocha (without --exit) would not end; a worker is ended by mocha whatever
 * it holds, so it is checked here, after each file. Closing takes a moment: waited for.
 */
const IDLE_RESOURCES = new Set(['PipeWrap', 'TTYWrap']);

async function expectNothingLeftOpen(files: string[]): Promise<void> {
  const leftOpen = () => {
    const resources = process.getActiveResourcesInfo().filter((type) => !IDLE_RESOURCES.has(type));
    const hookTimer = resources.indexOf('Timeout');
    if (hookTimer >= 0) resources.splice(hookTimer, 1);
    return resources;
  };
  try {
    await waitUntil('the file to close what it opened', () => leftOpen().length === 0, 5_000, 20);
  } catch {
    throw new Error(`${files.join(', ')} left open: ${leftOpen().join(', ')}`);
  }
}
