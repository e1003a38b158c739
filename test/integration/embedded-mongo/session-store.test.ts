// express-session with connect-mongo, both unmodified, storing sessions in the store over HTTP:
// what the accounts feature needs. connect-mongo upserts with `$set: { _id: sameId, ... }` and
// relies on a TTL index on `expires` (expireAfterSeconds: 0) to remove expired sessions.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import MongoStore from 'connect-mongo';
import express from 'express';
import session from 'express-session';
import { MongoClient, type Collection, type Document } from 'mongodb';
import request from 'supertest';
import { databaseUri } from './fixtures/connection';

declare module 'express-session' {
  interface SessionData {
    value?: string;
  }
}

/** mongod's TTL monitor runs every 60 s; the embedded store sweeps every second. */
const TTL_PASS_MS = 70_000;

describe('sessions with express-session and connect-mongo', () => {
  let client: MongoClient;
  let sessions: Collection<Document>;
  let store: MongoStore;
  let server: Server;
  let baseUrl: string;
  let dbName: string;

  before(async () => {
    const target = databaseUri('sessions');
    dbName = target.dbName;
    client = await MongoClient.connect(target.uri);
    await client.db(dbName).dropDatabase();
    sessions = client.db(dbName).collection('sessions');
    store = MongoStore.create({ client, dbName, collectionName: 'sessions', stringify: false });
    const app = express();
    app.use(session({
      secret: 'session-store-test',
      store,
      resave: false,
      saveUninitialized: false,
      // Short enough for the expiry test; every request moves it forward (express-session touches).
      cookie: { maxAge: 1500, httpOnly: true },
    }));
    app.get('/set/:value', (req, res) => {
      req.session.value = req.params.value;
      res.send('ok');
    });
    app.get('/get', (req, res) => {
      res.json({ value: req.session.value ?? null, id: req.sessionID });
    });
    app.get('/regenerate', (req, res, next) => {
      const value = req.session.value;
      req.session.regenerate((error: unknown) => {
        if (error) return next(error);
        req.session.value = value;
        res.json({ id: req.sessionID });
      });
    });
    app.get('/destroy', (req, res, next) => {
      req.session.destroy((error: unknown) => (error ? next(error) : res.send('gone')));
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await client.db(dbName).dropDatabase();
    // Closes the client it was given, too.
    await store.close();
  });

  beforeEach(async () => {
    await sessions.deleteMany({});
  });

  async function sessionDoc(id: string): Promise<Document | null> {
    return sessions.findOne({ _id: id as never });
  }

  /** Polls a condition (with a short pause so the poll does not hog the machine). */
  async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('creates a session document on the first write and reads it back on the next request', async () => {
    const agent = request.agent(baseUrl);
    await agent.get('/set/first').expect(200);
    const read = await agent.get('/get').expect(200);
    assert.equal(read.body.value, 'first');
    const stored = await sessionDoc(read.body.id);
    assert.equal(stored?.session?.value, 'first');
    assert.ok(stored?.expires instanceof Date);
  });

  it('updates the same document when the session changes (upsert with $set of the same _id)', async () => {
    const agent = request.agent(baseUrl);
    await agent.get('/set/one').expect(200);
    await agent.get('/set/two').expect(200);
    const read = await agent.get('/get').expect(200);
    assert.equal(read.body.value, 'two');
    assert.equal(await sessions.countDocuments(), 1);
  });

  it('creates the TTL index connect-mongo asks for', async () => {
    await request.agent(baseUrl).get('/set/x').expect(200);
    await waitFor(async () => (await sessions.listIndexes().toArray()).some((index) => index.name === 'expires_1'), 5_000, 'the TTL index');
    const index = (await sessions.listIndexes().toArray()).find((candidate) => candidate.name === 'expires_1');
    assert.equal(index?.expireAfterSeconds, 0);
  });

  it('touches an unchanged session: its expiry moves forward', async () => {
    const agent = request.agent(baseUrl);
    await agent.get('/set/kept').expect(200);
    const { id } = (await agent.get('/get').expect(200)).body as { id: string };
    const first = (await sessionDoc(id))?.expires as Date;
    await waitFor(async () => {
      await agent.get('/get').expect(200);
      return ((await sessionDoc(id))?.expires as Date).getTime() > first.getTime();
    }, 5_000, 'the touch to move the expiry');
    assert.equal((await sessionDoc(id))?.session?.value, 'kept');
  });

  it('regenerates: a new id with the data, and the old document removed', async () => {
    const agent = request.agent(baseUrl);
    await agent.get('/set/carried').expect(200);
    const before = ((await agent.get('/get').expect(200)).body as { id: string }).id;
    const after = ((await agent.get('/regenerate').expect(200)).body as { id: string }).id;
    assert.notEqual(after, before);
    assert.equal(await sessionDoc(before), null);
    assert.equal(((await agent.get('/get').expect(200)).body as { value: string }).value, 'carried');
    assert.equal((await sessionDoc(after))?.session?.value, 'carried');
  });

  it('destroys a session: its document is deleted', async () => {
    const agent = request.agent(baseUrl);
    await agent.get('/set/doomed').expect(200);
    const { id } = (await agent.get('/get').expect(200)).body as { id: string };
    await agent.get('/destroy').expect(200);
    assert.equal(await sessionDoc(id), null);
  });

  it('expires: the TTL index removes the document once its expiry has passed', async function () {
    this.timeout(TTL_PASS_MS + 10_000);
    const agent = request.agent(baseUrl);
    await agent.get('/set/short-lived').expect(200);
    const { id } = (await agent.get('/get').expect(200)).body as { id: string };
    assert.ok(await sessionDoc(id));
    await waitFor(async () => (await sessionDoc(id)) === null, TTL_PASS_MS, 'the TTL monitor to remove the session');
    assert.equal(((await agent.get('/get').expect(200)).body as { value: string | null }).value, null);
  });
});
