// Authentication as mongod does it with --auth: SCRAM-SHA-256 through the official driver,
// users managed by commands and stored as salted keys, unauthenticated commands refused.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Binary } from 'bson';
import { MongoClient, MongoServerError } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../server/embedded-mongo/index';
import { WireClient, capturingLogger } from './wire-client';

describe('embedded store authentication (SCRAM-SHA-256)', function () {
  this.timeout(30_000);
  let dataDir: string;
  let store: EmbeddedMongo;
  const clients: MongoClient[] = [];
  const wires: WireClient[] = [];

  const uriFor = (user: string, password: string): string =>
    `mongodb://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${store.port}/app?authSource=admin&authMechanism=SCRAM-SHA-256`;
  const login = async (user: string, password: string): Promise<MongoClient> => {
    const client = new MongoClient(uriFor(user, password), { serverSelectionTimeoutMS: 5_000 });
    clients.push(client);
    await client.connect();
    return client;
  };
  const raw = async (): Promise<WireClient> => {
    const client = await WireClient.connect({ host: '127.0.0.1', port: store.port });
    wires.push(client);
    return client;
  };

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'emauth-'));
    store = await startEmbeddedMongo({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      auth: true,
      initialUsers: [{ user: 'admin', pwd: 'correct horse' }],
      logger: capturingLogger().logger,
    });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    for (const wire of wires.splice(0)) wire.close();
  });
  after(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses an unauthenticated find with 13 Unauthorized, but answers the handshake and ping', async () => {
    const client = await raw();
    const hello = await client.command({ hello: 1, $db: 'admin' });
    assert.equal(hello.ok, 1);
    assert.equal((await client.command({ ping: 1, $db: 'admin' })).ok, 1);
    const find = await client.command({ find: 'things', $db: 'app' });
    assert.deepEqual({ ok: find.ok, code: find.code, codeName: find.codeName, errmsg: find.errmsg }, {
      ok: 0,
      code: 13,
      codeName: 'Unauthorized',
      errmsg: 'Command find requires authentication',
    });
  });

  it('lets the official driver log in with SCRAM-SHA-256 and work', async () => {
    const client = await login('admin', 'correct horse');
    const things = client.db().collection<{ _id: number; name: string }>('things');
    await things.insertOne({ _id: 1, name: 'authenticated' });
    assert.deepEqual(await things.findOne({ _id: 1 }), { _id: 1, name: 'authenticated' });
    const status = await client.db('admin').command({ connectionStatus: 1 });
    assert.deepEqual(status.authInfo, { authenticatedUsers: [{ user: 'admin', db: 'admin' }], authenticatedUserRoles: [{ role: 'root', db: 'admin' }] });
  });

  it('answers the first SCRAM step inside hello (speculativeAuthenticate) and names the user\'s mechanisms', async () => {
    const client = await raw();
    const hello = await client.command({
      hello: 1,
      saslSupportedMechs: 'admin.admin',
      speculativeAuthenticate: { saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: new Binary(Buffer.from('n,,n=admin,r=clientnonce')), db: 'admin' },
      $db: 'admin',
    });
    assert.deepEqual(hello.saslSupportedMechs, ['SCRAM-SHA-256']);
    const first = hello.speculativeAuthenticate as { conversationId: number; done: boolean; payload: Binary };
    assert.equal(first.conversationId, 1);
    assert.equal(first.done, false);
    assert.match(Buffer.from(first.payload.buffer).toString('utf8'), /^r=clientnonce[^,]+,s=[^,]+,i=15000$/);
  });

  it('refuses a wrong password with 18 AuthenticationFailed', async () => {
    await assert.rejects(login('admin', 'wrong'), (error: unknown) => {
      assert.ok(error instanceof MongoServerError, String(error));
      assert.equal(error.code, 18);
      assert.equal(error.message, 'Authentication failed.');
      return true;
    });
  });

  it('refuses an unknown user with 18 AuthenticationFailed, saying no more', async () => {
    await assert.rejects(login('nobody', 'x'), (error: unknown) => error instanceof MongoServerError && error.code === 18);
  });

  it('creates, lists, updates and drops users by command; keeps salted keys, never the password', async () => {
    const admin = (await login('admin', 'correct horse')).db('admin');
    await admin.command({ createUser: 'reporter', pwd: 's3cret pass', roles: [{ role: 'read', db: 'app' }] });
    await assert.rejects(admin.command({ createUser: 'reporter', pwd: 'x', roles: [] }), (error: unknown) => {
      assert.ok(error instanceof MongoServerError);
      assert.equal(error.code, 51003);
      assert.equal(error.message, 'User "reporter@admin" already exists');
      return true;
    });
    const info = await admin.command({ usersInfo: 'reporter' });
    assert.equal(info.users.length, 1);
    assert.deepEqual({ ...info.users[0], userId: undefined }, {
      _id: 'admin.reporter',
      userId: undefined,
      user: 'reporter',
      db: 'admin',
      roles: [{ role: 'read', db: 'app' }],
      mechanisms: ['SCRAM-SHA-256'],
    });

    const stored = await readFile(path.join(dataDir, 'users.json'), 'utf8');
    assert.ok(!stored.includes('s3cret'), 'the password must not be stored');
    const reporter = (JSON.parse(stored) as { user: string; credentials: Record<string, Record<string, unknown>> }[]).find((user) => user.user === 'reporter')!;
    assert.deepEqual(Object.keys(reporter.credentials['SCRAM-SHA-256']!).sort(), ['iterationCount', 'salt', 'serverKey', 'storedKey']);
    assert.equal(reporter.credentials['SCRAM-SHA-256']!.iterationCount, 15000);
    assert.equal((await stat(path.join(dataDir, 'users.json'))).mode & 0o777, 0o600);

    await (await login('reporter', 's3cret pass')).db().command({ ping: 1 });
    await admin.command({ updateUser: 'reporter', pwd: 'new pass' });
    await assert.rejects(login('reporter', 's3cret pass'), (error: unknown) => error instanceof MongoServerError && error.code === 18);
    await (await login('reporter', 'new pass')).db().command({ ping: 1 });

    await admin.command({ dropUser: 'reporter' });
    await assert.rejects(admin.command({ dropUser: 'reporter' }), (error: unknown) => error instanceof MongoServerError && error.code === 11);
    assert.deepEqual((await admin.command({ usersInfo: 'reporter' })).users, []);
  });

  it('lets a user do what its roles allow and answers 13 "not authorized" for the rest', async () => {
    const admin = (await login('admin', 'correct horse')).db('admin');
    await admin.command({ createUser: 'viewer', pwd: 'v', roles: [{ role: 'read', db: 'app' }] });
    await admin.command({ createUser: 'editor', pwd: 'e', roles: [{ role: 'readWrite', db: 'app' }] });
    try {
      const viewer = await login('viewer', 'v');
      assert.ok(Array.isArray(await viewer.db('app').collection('things').find().toArray()));
      await assert.rejects(viewer.db('app').collection('things').insertOne({ _id: 99 } as never), (error: unknown) => {
        assert.ok(error instanceof MongoServerError);
        assert.equal(error.code, 13);
        assert.match(error.message, /^not authorized on app to execute command \{ insert: "things"/);
        return true;
      });
      await assert.rejects(viewer.db('other').collection('things').find().toArray(), (error: unknown) => error instanceof MongoServerError && error.code === 13);
      // Anyone may look themselves up, but not others.
      assert.equal((await viewer.db('admin').command({ usersInfo: 'viewer' })).users.length, 1);
      await assert.rejects(viewer.db('admin').command({ usersInfo: 'editor' }), (error: unknown) => error instanceof MongoServerError && error.code === 13);

      const editor = await login('editor', 'e');
      await editor.db('app').collection<{ _id: number }>('edits').insertOne({ _id: 1 });
      await editor.db('app').collection('edits').createIndex({ a: 1 });
      await assert.rejects(editor.db('admin').command({ createUser: 'sneaky', pwd: 's', roles: ['root'] }), (error: unknown) => error instanceof MongoServerError && error.code === 13);
      await assert.rejects(editor.db('app').command({ dropDatabase: 1 }), (error: unknown) => error instanceof MongoServerError && error.code === 13);
    } finally {
      await admin.command({ dropUser: 'viewer' });
      await admin.command({ dropUser: 'editor' });
    }
  });

  it('refuses createUser without roles (40414) and with an unknown role (31)', async () => {
    const admin = (await login('admin', 'correct horse')).db('admin');
    await assert.rejects(admin.command({ createUser: 'x', pwd: 'y' }), (error: unknown) => error instanceof MongoServerError && error.code === 40414);
    await assert.rejects(admin.command({ createUser: 'x', pwd: 'y', roles: ['wizard'] }), (error: unknown) => error instanceof MongoServerError && error.code === 31);
  });

  it('keeps users across a restart', async () => {
    await store.close();
    store = await startEmbeddedMongo({ host: '127.0.0.1', port: 0, dataDir, auth: true, logger: capturingLogger().logger });
    const client = await login('admin', 'correct horse');
    assert.equal((await client.db().command({ ping: 1 })).ok, 1);
  });

  it('lets a local client create the first user when there is none (localhost exception), and only that', async () => {
    const fresh = await startEmbeddedMongo({ host: '127.0.0.1', port: 0, auth: true, logger: capturingLogger().logger });
    try {
      const client = await WireClient.connect({ host: '127.0.0.1', port: fresh.port });
      wires.push(client);
      const refused = await client.command({ find: 'x', $db: 'app' });
      assert.equal(refused.code, 13);
      const created = await client.command({ createUser: 'first', pwd: 'pw', roles: ['root'], $db: 'admin' });
      assert.equal(created.ok, 1);
      const second = await client.command({ createUser: 'second', pwd: 'pw', roles: ['root'], $db: 'admin' });
      assert.equal(second.code, 13);
    } finally {
      await fresh.close();
    }
  });
});

describe('npm run db with mongod\'s flags', function () {
  this.timeout(60_000);
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'emcli-'));
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Starts the CLI and resolves with the port it reports. */
  function runDb(args: string[]): Promise<{ port: number; output: () => string }> {
    const started = spawn(process.execPath, ['--import', 'tsx', 'server/embedded-mongo/cli.ts', ...args], { cwd: process.cwd() });
    child = started;
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the store did not start:\n${output}`)), 30_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /listening on (?:mongodb:\/\/[^:]+:(\d+)|.* port (\d+))/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve({ port: Number(match[1] ?? match[2]), output: () => output });
        }
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', onData);
      started.once('exit', (code) => reject(new Error(`the store exited with ${code}:\n${output}`)));
    });
  }

  it('requires authentication when bound beyond loopback (--bind_ip_all), with the first user from --create-user', async () => {
    const { port, output } = await runDb(['--port', '0', '--bind_ip_all', '--dbpath', dataDir, '--create-user', 'ops:pa55word']);
    assert.match(output(), /authentication required/);
    const anonymous = await WireClient.connect({ host: '127.0.0.1', port });
    try {
      assert.equal((await anonymous.command({ find: 'x', $db: 'app' })).code, 13);
    } finally {
      anonymous.close();
    }
    const client = new MongoClient(`mongodb://ops:pa55word@127.0.0.1:${port}/app?authSource=admin&authMechanism=SCRAM-SHA-256`);
    try {
      await client.connect();
      assert.equal((await client.db().command({ ping: 1 })).ok, 1);
      await client.db().collection('x').find().toArray();
    } finally {
      await client.close();
    }
  });

  it('stays open on loopback without --auth', async () => {
    const { port } = await runDb(['--port', '0', '--bind_ip', '127.0.0.1', '--dbpath', dataDir]);
    const client = await WireClient.connect({ host: '127.0.0.1', port });
    try {
      const reply = await client.command({ find: 'x', $db: 'app' });
      assert.equal(reply.ok, 1);
    } finally {
      client.close();
    }
  });
});
