// Data migrations run once at boot, however many processes start at once: two processes on one
// store, the first applies the migration while the second waits for the lease and then finds
// nothing to do; a migration that fails stops boot with a clear message and is not recorded.
import { waitUntil } from '../../support/wait-until';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { MongoClient, type Db } from 'mongodb';
import { ROOT } from '../../support/app';

const FIXTURE = 'test/integration/deploy/fixtures/migrating-process.ts';

interface Run { output(): string; exited: Promise<number | null> }

function startMigrating(uri: string, mode: 'ok' | 'fail'): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, uri, mode], { cwd: ROOT, env: { PATH: process.env.PATH } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { output: () => output, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

describe('Data migrations at boot', function () {
  this.timeout(60_000);
  let client: MongoClient;
  let db: Db;
  let uri: string;

  before(async () => {
    const url = new URL(process.env.MONGODB_URI!);
    url.pathname = `/barometer_migrations_${process.pid}`;
    uri = url.toString();
    client = await MongoClient.connect(uri);
    db = client.db();
  });
  beforeEach(async () => db.dropDatabase());
  after(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it('run once when two processes start at once: the second waits for the first, then has nothing to do', async () => {
    const runs = [startMigrating(uri, 'ok'), startMigrating(uri, 'ok')];
    await waitUntil('one process to be migrating', () => runs.filter((run) => run.output().includes('MIGRATING')).length === 1, 30_000, 25);
    await waitUntil('the other to wait for the lease', () => runs.some((run) => run.output().includes('another process is applying the data migrations; waiting for it')), 30_000, 25);
    await db.collection('control').insertOne({ _id: 'finish' } as never);
    expect(await Promise.all(runs.map((run) => run.exited))).to.deep.equal([0, 0]);
    const applied = runs.map((run) => /APPLIED (.*)/.exec(run.output())?.[1]).sort();
    expect(applied).to.deep.equal(['["0001-count-runs"]', '[]']);
    expect(await db.collection('runs').findOne({ _id: 'count' } as never)).to.include({ n: 1 });
    expect(await db.collection('migrations').find().toArray()).to.have.length(1).and.to.have.nested.property('[0]._id', '0001-count-runs');
    expect(await db.collection('migration_lease').countDocuments()).to.equal(0);

    // A later boot finds it recorded and runs nothing.
    const later = startMigrating(uri, 'ok');
    expect(await later.exited).to.equal(0);
    expect(later.output()).to.include('APPLIED []').and.not.include('MIGRATING');
    expect(await db.collection('runs').findOne({ _id: 'count' } as never)).to.include({ n: 1 });
  });

  it('stop boot with a clear message when one fails, and do not record it', async () => {
    await db.collection('control').insertOne({ _id: 'finish' } as never);
    const run = startMigrating(uri, 'fail');
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.include(
      'Refusing to start: the data migration 0002-fails failed: the backfill found a response without a wave. It was not recorded, and the migrations after it did not run; the next start runs it again.',
    );
    expect((await db.collection('migrations').find().toArray()).map((record) => record._id)).to.deep.equal(['0001-count-runs']);
    expect(await db.collection('migration_lease').countDocuments(), 'the lease is released').to.equal(0);

    // The next start runs it again (and it fails again): never recorded as done.
    const again = startMigrating(uri, 'fail');
    expect(await again.exited).to.equal(1);
    expect(await db.collection('runs').findOne({ _id: 'failing' } as never)).to.include({ n: 2 });
    expect(await db.collection('runs').findOne({ _id: 'count' } as never)).to.include({ n: 1 });
  });
});
