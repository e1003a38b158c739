// The store runs in a worker thread of its own: while it works through a heavy command, the
// caller's event loop (the HTTP app, in production) keeps turning.
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../server/embedded-mongo/index';
import { WireClient, capturingLogger, waitFor } from './wire-client';

describe('store isolation in a worker thread', function () {
  this.timeout(60_000);
  let store: EmbeddedMongo;
  let client: MongoClient;

  before(async () => {
    store = await startEmbeddedMongo({ logger: capturingLogger().logger });
    client = await MongoClient.connect(`${store.uri}/isolation`);
  });
  after(async () => {
    await client?.close();
    await store?.close();
  });

  it('keeps the caller\'s event loop turning during a heavy aggregation', async () => {
    const docs = client.db().collection<{ _id: number; k: number; s: string; n: number }>('docs');
    await docs.insertMany(Array.from({ length: 30_000 }, (_, i) => ({ _id: i, k: i % 100, s: `v${i}`, n: (i * 7) % 1000 })));
    let slowest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      slowest = Math.max(slowest, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    let rounds = 0;
    try {
      // Heavy enough to tell on a fast machine too: repeated until the store has worked for half a second.
      while (performance.now() - started < 500 && rounds < 100) {
        const result = await docs
          .aggregate([{ $sort: { s: -1 } }, { $group: { _id: '$k', all: { $push: '$$ROOT' } } }, { $unwind: '$all' }, { $sort: { 'all.n': 1, 'all.s': 1 } }, { $count: 'n' }])
          .toArray();
        assert.deepEqual(result, [{ n: 30_000 }]);
        rounds += 1;
      }
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    // On the caller's thread, an aggregation that does not pause would stall the loop for about its whole
    // duration. Compared with that duration rather than in absolute ms, so a loaded machine does not fail it.
    assert.ok(slowest < Math.max(50, elapsed / 4), `the caller's event loop stalled for ${Math.round(slowest)} ms of ${Math.round(elapsed)} ms`);
  });

  it('forwards the store\'s log lines to the caller\'s logger and runs on the caller\'s thread when asked', async () => {
    const { logger, logs } = capturingLogger();
    const inThread = await startEmbeddedMongo({ inThread: true, logger });
    const worker = await startEmbeddedMongo({ logger });
    try {
      for (const target of [inThread, worker]) {
        const client = await WireClient.connect({ host: target.host, port: target.port });
        const bad = Buffer.alloc(4);
        bad.writeInt32LE(3, 0);
        client.socket.write(bad);
        await client.closed;
      }
      await waitFor(() => logs.warn.filter((line) => line.includes('invalid message length 3')).length >= 2, 2_000, 'both stores to log the invalid length');
      assert.equal(logs.warn.filter((line) => line.includes('invalid message length 3')).length, 2);
    } finally {
      await inThread.close();
      await worker.close();
    }
  });
});
