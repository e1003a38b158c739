// Store-specific tests: each starts its own embedded store on a temporary data directory
// (in this process or a child), so they run the same whether or not MONGODB_URI names a real server.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Long, MongoClient } from 'mongodb';
import { DataDirLockedError, readRunningStore, startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from '../../../server/embedded-mongo/index';

const here = path.dirname(fileURLToPath(import.meta.url));
const repairCli = path.join(here, '..', '..', '..', 'server', 'embedded-mongo', 'repair.cli.ts');
const run = promisify(execFile);

/** Runs `npm run db:repair -- --dbpath dataDir` as the package script does (tsx), in a child process. */
function runRepair(dataDir: string): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', repairCli, '--dbpath', dataDir]);
}

/** Fills a store with `count` acknowledged documents { i }, each its own journal record. */
async function storeWithDocuments(dataDir: string, count: number): Promise<void> {
  const store = await startEmbeddedMongo({ dataDir, logger: capturingLogger().logger });
  try {
    await withClient(store, async (client) => {
      const docs = client.db('durable').collection('docs');
      for (let i = 0; i < count; i += 100) await docs.insertMany(Array.from({ length: Math.min(100, count - i) }, (_, k) => ({ i: i + k })));
    });
  } finally {
    await store.close();
  }
}

function capturingLogger(): { warnings: string[]; logger: NonNullable<EmbeddedMongoOptions['logger']> } {
  const warnings: string[] = [];
  return { warnings, logger: { info: () => {}, warn: (msg) => warnings.push(msg), error: (msg) => warnings.push(msg) } };
}

async function withClient<T>(store: EmbeddedMongo, run: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(`${store.uri}/durable`);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

describe('embedded store durability', function () {
  this.timeout(40_000);
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'embedded-mongo-'));
  });

  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('keeps documents, indexes and BSON types across a restart', async () => {
    const first = await startEmbeddedMongo({ dataDir, logger: capturingLogger().logger });
    await withClient(first, async (client) => {
      const docs = client.db('durable').collection('docs');
      await docs.createIndex({ email: 1 }, { unique: true });
      await docs.insertMany([{ email: 'a', big: Long.fromString('9007199254740993'), at: new Date(5) }, { email: 'b' }]);
      await docs.updateOne({ email: 'b' }, { $set: { seen: true } });
      await docs.deleteOne({ email: 'a' });
      await docs.insertOne({ email: 'a', again: true, big: Long.fromString('9007199254740993') });
    });
    await first.close();

    const second = await startEmbeddedMongo({ dataDir, logger: capturingLogger().logger });
    try {
      await withClient(second, async (client) => {
        const docs = client.db('durable').collection('docs');
        const all = await docs.find({}, { projection: { _id: 0 } }).sort({ email: 1 }).toArray();
        assert.equal(all.length, 2);
        assert.equal(all[0]!.again, true);
        assert.ok(all[0]!.big instanceof Long);
        assert.equal(all[1]!.seen, true);
        await assert.rejects(docs.insertOne({ email: 'b' }), { code: 11000 });
      });
    } finally {
      await second.close();
    }
  });

  it('keeps every acknowledged insert after the process is killed mid-stream', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', 'crash-writer.ts'), dataDir, '4'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const acknowledged: string[] = [];
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        if (line.startsWith('ACK ')) acknowledged.push(line.slice(4));
        // Kill at an arbitrary point well into the stream, while all four clients are writing.
        if (acknowledged.length === 400) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited early (code ${code}): ${stderr}`));
      });
    });
    await exited;
    // Acks still in the pipe when the kill landed are lost to us, which only makes the check stricter.
    assert.ok(acknowledged.length >= 400);

    const { warnings, logger } = capturingLogger();
    const store = await startEmbeddedMongo({ dataDir, logger });
    try {
      await withClient(store, async (client) => {
        const docs = client.db('crash').collection('docs');
        const stored = await docs.find({}, { projection: { _id: 1 } }).toArray();
        const counts = new Map<string, number>();
        for (const doc of stored) counts.set(String(doc._id), (counts.get(String(doc._id)) ?? 0) + 1);
        const missing = acknowledged.filter((id) => counts.get(id) !== 1);
        assert.deepEqual(missing, [], `acknowledged inserts lost or duplicated after the crash (warnings: ${warnings.join('; ')})`);
      });
    } finally {
      await store.close();
    }
  });

  it('drops a torn journal tail with a warning and keeps earlier data', async () => {
    const first = await startEmbeddedMongo({ dataDir, logger: capturingLogger().logger });
    await withClient(first, async (client) => {
      const docs = client.db('durable').collection('docs');
      for (let i = 0; i < 10; i += 1) await docs.insertOne({ i });
    });
    await first.close();

    const journal = path.join(dataDir, 'journal.bson');
    const { size } = await fs.stat(journal);
    await fs.truncate(journal, size - 7); // cut the last record in the middle

    const { warnings, logger } = capturingLogger();
    const second = await startEmbeddedMongo({ dataDir, logger });
    try {
      assert.ok(warnings.some((warning) => /incomplete journal data/.test(warning)), `expected a torn-tail warning, got: ${warnings.join('; ')}`);
      await withClient(second, async (client) => {
        const docs = client.db('durable').collection('docs');
        assert.deepEqual((await docs.find({}).sort({ i: 1 }).toArray()).map((doc) => doc.i), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
        await docs.insertOne({ i: 100 });
      });
    } finally {
      await second.close();
    }

    const third = await startEmbeddedMongo({ dataDir, logger });
    try {
      assert.equal(await withClient(third, (client) => client.db('durable').collection('docs').countDocuments()), 10);
    } finally {
      await third.close();
    }
  });

  it('refuses to start on a byte flipped mid-journal, naming the file and offset, and leaves the file byte-identical', async () => {
    await storeWithDocuments(dataDir, 1000);
    const journal = path.join(dataDir, 'journal.bson');
    const original = await fs.readFile(journal);
    const damaged = Buffer.from(original);
    const middle = Math.floor(damaged.length / 2);
    damaged.writeUInt8(damaged.readUInt8(middle) ^ 0x01, middle);
    await fs.writeFile(journal, damaged);
    const entriesBefore = (await fs.readdir(dataDir)).sort();

    await assert.rejects(startEmbeddedMongo({ dataDir, logger: capturingLogger().logger }), (error: Error) => {
      assert.ok(error.message.includes(`${journal} is damaged at byte offset `), error.message);
      const offset = Number(/byte offset (\d+)/.exec(error.message)?.[1]);
      assert.ok(offset <= middle && middle - offset < 200, `offset ${offset} is not the record holding byte ${middle}`);
      assert.ok(error.message.includes('npm run db:repair'), error.message);
      return true;
    });

    assert.ok((await fs.readFile(journal)).equals(damaged), 'the journal was changed by a refused start-up');
    assert.deepEqual((await fs.readdir(dataDir)).sort(), entriesBefore, 'start-up left files behind (compaction?)');
    assert.equal(await readRunningStore(dataDir), null);
  });

  it('db:repair recovers every document before and after a damaged record, keeps a backup, and the store starts again', async () => {
    await storeWithDocuments(dataDir, 1000);
    const journal = path.join(dataDir, 'journal.bson');
    const damaged = await fs.readFile(journal);
    const middle = Math.floor(damaged.length / 2);
    damaged.writeUInt8(damaged.readUInt8(middle) ^ 0x01, middle);
    await fs.writeFile(journal, damaged);

    const { stdout } = await runRepair(dataDir);
    assert.match(stdout, /kept 1000 intact records/); // the collection's creation and 1,000 inserts, less the damaged one
    assert.match(stdout, /dropped bytes \d+-\d+/);
    const backups = (await fs.readdir(dataDir)).filter((name) => name.startsWith('journal.bson.damaged-'));
    assert.equal(backups.length, 1);
    assert.ok((await fs.readFile(path.join(dataDir, backups[0]!))).equals(damaged), 'the backup is the damaged original');
    assert.equal((await fs.stat(journal)).mode & 0o777, 0o600);

    const { warnings, logger } = capturingLogger();
    const store = await startEmbeddedMongo({ dataDir, logger });
    try {
      assert.deepEqual(warnings, []);
      const kept = await withClient(store, async (client) => (await client.db('durable').collection('docs').find({}).toArray()).map((doc) => doc.i as number));
      assert.equal(kept.length, 999);
      const lost = Array.from({ length: 1000 }, (_, i) => i).filter((i) => !kept.includes(i));
      assert.equal(lost.length, 1);
      assert.ok(lost[0]! > 400 && lost[0]! < 600, `lost document ${lost[0]} is not the one in the middle of the journal`);
    } finally {
      await store.close();
    }
  });

  it('db:repair refuses while a store runs on the directory', async () => {
    const store = await startEmbeddedMongo({ dataDir, logger: capturingLogger().logger });
    try {
      await assert.rejects(runRepair(dataDir), (error: Error & { stderr: string; code: number }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr, /db:repair: .*pid \d+/);
        return true;
      });
    } finally {
      await store.close();
    }
  });

  it('keeps the journal readable and writable by its owner only', async () => {
    await storeWithDocuments(dataDir, 1);
    assert.equal((await fs.stat(path.join(dataDir, 'journal.bson'))).mode & 0o777, 0o600);
  });

  it('refuses a second store on a locked data directory and names the running one', async () => {
    const first = await startEmbeddedMongo({ dataDir, logger: capturingLogger().logger });
    try {
      assert.deepEqual(await readRunningStore(dataDir), { pid: process.pid, host: first.host, port: first.port });
      await assert.rejects(startEmbeddedMongo({ dataDir, logger: capturingLogger().logger }), (error: Error) => {
        assert.ok(error instanceof DataDirLockedError);
        assert.match(error.message, /is in use by another embedded MongoDB store/);
        assert.ok(error.message.includes(`mongodb://${first.host}:${first.port}`));
        return true;
      });
    } finally {
      await first.close();
    }
    assert.equal(await readRunningStore(dataDir), null);
  });

  it('takes over a stale lock left by a dead process', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    const deadPid = dead.pid!;
    await new Promise((resolve) => dead.once('exit', resolve));
    await fs.writeFile(path.join(dataDir, 'embedded-mongo.lock'), JSON.stringify({ pid: deadPid, host: '127.0.0.1', port: 1 }));
    assert.equal(await readRunningStore(dataDir), null);
    const store = await startEmbeddedMongo({ dataDir, logger: capturingLogger().logger });
    try {
      assert.equal((await readRunningStore(dataDir))?.port, store.port);
    } finally {
      await store.close();
    }
  });
});

describe('embedded store TTL indexes', () => {
  it('removes documents once their indexed date is older than expireAfterSeconds', async () => {
    const store = await startEmbeddedMongo({ ttlSweepMs: 50, logger: capturingLogger().logger });
    try {
      await withClient(store, async (client) => {
        const sessions = client.db('ttl').collection('sessions');
        await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
        await sessions.insertMany([
          { name: 'expired', expiresAt: new Date(Date.now() - 60_000) },
          { name: 'live', expiresAt: new Date(Date.now() + 3_600_000) },
          { name: 'no date' },
        ]);
        // Poll rather than sleep a fixed time: the sweep runs on its own clock.
        const deadline = Date.now() + 10_000;
        while ((await sessions.countDocuments({ name: 'expired' })) > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        assert.deepEqual((await sessions.find({}).sort({ name: 1 }).toArray()).map((doc) => doc.name), ['live', 'no date']);
      });
    } finally {
      await store.close();
    }
  });
});
