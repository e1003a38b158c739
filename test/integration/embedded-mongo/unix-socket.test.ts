// The app's store listens on a Unix socket inside its private data directory, and the lock file
// names that socket so the command-line tools reach the running store through it. A lock is
// judged by asking its holder, so a pid reused after a restart never blocks start-up.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { DataDirLockedError, readRunningStore, startEmbeddedMongo, storeUri, type EmbeddedMongo } from '../../../server/embedded-mongo/index';
import { capturingLogger } from './wire-client';

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('embedded store on a Unix domain socket', function () {
  this.timeout(30_000);
  let root: string;
  let dataDir: string;
  let socketPath: string;
  const stores: EmbeddedMongo[] = [];

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'emsock-'));
    dataDir = path.join(root, 'db');
    socketPath = path.join(dataDir, 'mongodb.sock');
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await rm(root, { recursive: true, force: true });
  });
  const start = async (): Promise<EmbeddedMongo> => {
    const store = await startEmbeddedMongo({ dataDir, socketPath, logger: capturingLogger().logger });
    stores.push(store);
    return store;
  };

  it('listens on the socket only, keeps directory and files private, and serves the driver through a percent-encoded URI', async () => {
    const store = await start();
    assert.equal(store.port, 0);
    assert.equal(store.socketPath, socketPath);
    assert.equal(store.uri, `mongodb://${encodeURIComponent(socketPath)}`);
    assert.equal(await modeOf(dataDir), 0o700);
    assert.equal(await modeOf(socketPath), 0o600);
    assert.equal(await modeOf(path.join(dataDir, 'embedded-mongo.lock')), 0o600);
    const client = await MongoClient.connect(`${store.uri}/sock`);
    try {
      await client.db().collection('things').insertOne({ _id: 1, name: 'over the socket' } as never);
      assert.deepEqual(await client.db().collection('things').findOne({ _id: 1 } as never), { _id: 1, name: 'over the socket' });
    } finally {
      await client.close();
    }
    for (const file of ['journal.bson', 'embedded-mongo.lock']) assert.equal(await modeOf(path.join(dataDir, file)), 0o600, file);
  });

  it('names the socket, and no TCP port, in the lock file; readRunningStore finds the store through it', async () => {
    await start();
    const lock = JSON.parse(await readFile(path.join(dataDir, 'embedded-mongo.lock'), 'utf8')) as Record<string, unknown>;
    assert.equal(lock.port, 0);
    assert.equal(lock.socket, socketPath);
    const running = await readRunningStore(dataDir);
    assert.deepEqual(running, { pid: process.pid, host: '', port: 0, socket: socketPath });
    assert.equal(storeUri(running!), `mongodb://${encodeURIComponent(socketPath)}`);
  });

  it('refuses a second store on the directory, naming the socket of the running one', async () => {
    await start();
    await assert.rejects(start(), (error: unknown) => {
      assert.ok(error instanceof DataDirLockedError);
      assert.match(error.message, /listening on .*mongodb\.sock/);
      return true;
    });
  });

  it('takes over a lock naming a live but unrelated pid whose socket does not answer', async () => {
    const first = await start();
    await first.close();
    stores.splice(0);
    // After a container restart the old pid (here: our parent, alive) belongs to someone else.
    await writeFile(path.join(dataDir, 'embedded-mongo.lock'), JSON.stringify({ pid: process.ppid, host: '', port: 0, socket: socketPath, processStart: '1' }));
    assert.equal(await readRunningStore(dataDir), null);
    const store = await start();
    assert.equal(store.socketPath, socketPath);
  });

  it('takes over a lock naming its own pid from an earlier life (pid 1 in a restarted container)', async () => {
    await start().then((store) => store.close());
    stores.splice(0);
    await writeFile(path.join(dataDir, 'embedded-mongo.lock'), JSON.stringify({ pid: process.pid, host: '127.0.0.1', port: 1, processStart: '1' }));
    const store = await start();
    assert.equal(store.socketPath, socketPath);
  });

  it('refuses to start on a socket path that holds an ordinary file, and leaves that file untouched', async () => {
    const precious = path.join(root, 'precious.txt');
    await writeFile(precious, 'keep me');
    await assert.rejects(
      startEmbeddedMongo({ dataDir, socketPath: precious, logger: capturingLogger().logger }),
      /is not a socket/,
    );
    assert.equal(await readFile(precious, 'utf8'), 'keep me');
    // The failed start let go of the directory.
    assert.equal((await start()).socketPath, socketPath);
  });
});
