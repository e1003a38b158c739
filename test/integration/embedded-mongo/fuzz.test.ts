// Throws random and mutated wire messages at the store while a well-behaved client keeps
// pinging from a thread of its own: every ping must be answered within 100 ms, the store must
// never hang or crash, and a malformed message may only close its own connection.
// The generator is seeded: a failure prints the seed and the message that caused it.
import assert from 'node:assert/strict';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { Binary, Long, serialize, type Document } from 'bson';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../server/embedded-mongo/index';
import { OP_MSG, OP_QUERY, opMsg, opQuery } from './wire-client';

const TARGET_MESSAGES = 100_000;
/** The test as a whole stays under 60 s on a busy 2-core machine. */
const TIME_BUDGET_MS = 45_000;
const CONNECTIONS = 4;
const PING_LIMIT_MS = 100;
const SENTINEL_ID = 0x7ffffff0;

/** mulberry32: small, fast, reproducible. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function opMsgWithSequence(requestId: number, body: Document, identifier: string, docs: Document[]): Buffer {
  const bodyBytes = Buffer.from(serialize(body));
  const docBytes = Buffer.concat(docs.map((doc) => Buffer.from(serialize(doc))));
  const id = Buffer.from(`${identifier}\0`);
  const head = Buffer.alloc(21);
  const sequence = Buffer.alloc(5);
  sequence.writeUInt8(1, 0);
  sequence.writeInt32LE(4 + id.length + docBytes.length, 1);
  head.writeInt32LE(21 + bodyBytes.length + 5 + id.length + docBytes.length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(OP_MSG, 12);
  return Buffer.concat([head, bodyBytes, sequence, id, docBytes]);
}

const DB = 'fuzz';
/** Well-formed messages the mutations start from: what drivers really send. */
function seeds(): Buffer[] {
  return [
    opMsg(1, { ping: 1, $db: 'admin' }),
    opMsg(2, { hello: 1, helloOk: true, client: { driver: { name: 'fuzz', version: '1' } }, $db: 'admin' }),
    opQuery(3, 'admin.$cmd', { ismaster: 1, helloOk: true }),
    opMsg(4, { find: 'c', filter: { a: { $gte: 1, $in: [1, 'x', null] }, 'b.c': /x/i }, sort: { a: -1 }, limit: 5, $db: DB }),
    opMsgWithSequence(5, { insert: 'c', ordered: false, $db: DB }, 'documents', [{ a: 1, b: { c: 'x' } }, { a: new Long(5), d: new Binary(Buffer.from('bin')) }]),
    opMsg(6, { aggregate: 'c', pipeline: [{ $match: { a: { $exists: true } } }, { $group: { _id: '$a', n: { $sum: 1 } } }], cursor: {}, $db: DB }),
    opMsgWithSequence(7, { update: 'c', $db: DB }, 'updates', [{ q: { a: 1 }, u: { $inc: { n: 1 } }, upsert: true }]),
    opMsgWithSequence(8, { delete: 'c', $db: DB }, 'deletes', [{ q: { a: 2 }, limit: 1 }]),
    opMsg(9, { count: 'c', query: {}, $db: DB }),
    opMsg(10, { getMore: new Long(123), collection: 'c', $db: DB }),
    opMsg(11, { createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a_1' }], $db: DB }),
  ];
}

const COMMAND_NAMES = [
  'find', 'insert', 'update', 'delete', 'aggregate', 'count', 'distinct', 'findAndModify', 'getMore', 'killCursors',
  'createIndexes', 'listIndexes', 'listCollections', 'create', 'collMod', 'hello', 'ping', 'saslStart', 'saslContinue',
  'usersInfo', 'endSessions', 'buildInfo', 'serverStatus', 'noSuchCommand',
];
const FIELD_NAMES = ['filter', 'documents', 'updates', 'deletes', 'pipeline', 'cursor', 'sort', 'limit', 'skip', 'projection', 'query', 'key', 'indexes', 'maxTimeMS', 'batchSize', 'collation', 'let', 'payload', 'mechanism', 'u', 'q', 'new', 'upsert', 'writeConcern', 'lsid'];
const KEYS = ['a', 'b', '_id', '$gt', '$in', '$set', '$inc', '$match', '$group', 'x.y', '$', '', 'q', 'u'];

/** A random BSON value, nested a little. */
function randomValue(random: () => number, depth: number): unknown {
  const kinds = depth > 2 ? 8 : 10;
  switch (Math.floor(random() * kinds)) {
    case 0: return Math.floor(random() * 2 ** 31) - 2 ** 30;
    case 1: return random() * 1e6 - 5e5;
    case 2: return pick(['c', '', 'x'.repeat(Math.floor(random() * 40)), '$a', 'a.b', 'SCRAM-SHA-256'], random);
    case 3: return random() < 0.5;
    case 4: return null;
    case 5: return new Long(Math.floor(random() * 1e9), Math.floor(random() * 1e3));
    case 6: return new Date(Math.floor(random() * 2e12));
    case 7: return new Binary(Buffer.from([Math.floor(random() * 256)]));
    case 8: {
      const doc: Document = {};
      for (let i = Math.floor(random() * 4); i > 0; i -= 1) doc[pick(KEYS, random)] = randomValue(random, depth + 1);
      return doc;
    }
    default: return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  }
}

type Mutation = (message: Buffer, random: () => number) => Buffer;

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;
const INTERESTING_INT32 = [-1, 0, 1, 4, 5, 16, 20, 21, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, -0x80000000, 48_000_000];

/** Every mutation but `badLength` keeps the header's length equal to the bytes sent, so framing stays in step. */
const MUTATIONS: Record<string, Mutation> = {
  flipBits(message, random) {
    const out = Buffer.from(message);
    for (let i = 1 + Math.floor(random() * 4); i > 0; i -= 1) {
      const at = 4 + Math.floor(random() * (out.length - 4));
      out[at]! ^= 1 << Math.floor(random() * 8);
    }
    return out;
  },
  setBytes(message, random) {
    const out = Buffer.from(message);
    for (let i = 1 + Math.floor(random() * 4); i > 0; i -= 1) out[4 + Math.floor(random() * (out.length - 4))] = Math.floor(random() * 256);
    return out;
  },
  interestingInt32(message, random) {
    const out = Buffer.from(message);
    // Sizes live at 20/21 (sections), inside documents, and at the start of each document: anywhere.
    const at = 4 + Math.floor(random() * (out.length - 8));
    out.writeInt32LE(pick(INTERESTING_INT32, random) | 0, at);
    return out;
  },
  truncate(message, random) {
    return message.subarray(0, 16 + Math.floor(random() * (message.length - 16)));
  },
  extend(message, random) {
    const extra = Buffer.alloc(1 + Math.floor(random() * 64));
    for (let i = 0; i < extra.length; i += 1) extra[i] = Math.floor(random() * 256);
    return Buffer.concat([message, extra]);
  },
  randomBody(_message, random) {
    const out = Buffer.alloc(16 + Math.floor(random() * 512));
    for (let i = 16; i < out.length; i += 1) out[i] = Math.floor(random() * 256);
    out.writeInt32LE(random() < 0.8 ? OP_MSG : pick([OP_QUERY, 2012, 1, 2001, 0, -1], random), 12);
    if (random() < 0.5 && out.length > 21) out.writeUInt8(pick([0, 1], random), 20);
    return out;
  },
  splice(message, random) {
    const other = pick(seeds(), random);
    const cut = 16 + Math.floor(random() * (message.length - 16));
    const from = 16 + Math.floor(random() * (other.length - 16));
    return Buffer.concat([message.subarray(0, cut), other.subarray(from)]);
  },
  /** Well-formed BSON with random fields and values: reaches the commands rather than the framer. */
  randomCommand(_message, random) {
    const name = pick(COMMAND_NAMES, random);
    const body: Document = { [name]: randomValue(random, 0) };
    for (let i = Math.floor(random() * 4); i > 0; i -= 1) body[pick(FIELD_NAMES, random)] = randomValue(random, 0);
    body.$db = DB;
    return opMsg(1, body, random() < 0.1 ? 2 : 0);
  },
  badLength(_message, random) {
    const out = Buffer.alloc(16);
    out.writeInt32LE(pick([-1, 0, 3, 15, 48_000_001, 0x7fffffff, -0x80000000], random) | 0, 0);
    out.writeInt32LE(OP_MSG, 12);
    return out;
  },
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

function mutate(base: Buffer, random: () => number): { name: string; bytes: Buffer } {
  // A quarter are valid BSON commands with random contents: the rest mostly die in the parser.
  if (random() < 0.25) return { name: 'randomCommand', bytes: MUTATIONS.randomCommand!(base, random) };
  let bytes = base;
  let name = '';
  for (let rounds = 1 + Math.floor(random() * 2); rounds > 0; rounds -= 1) {
    name = pick(MUTATION_NAMES, random);
    bytes = MUTATIONS[name]!(bytes, random);
    if (name === 'badLength') return { name, bytes };
  }
  const out = Buffer.from(bytes);
  out.writeInt32LE(out.length, 0);
  return { name, bytes: out };
}

/** A plain-JS pinger in its own thread, so the fuzzing on this thread cannot delay its clock. */
const PINGER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const ping = Buffer.from(workerData.ping);
const latencies = [];
let unanswered = 0;
let stopped = false;
let buffer = Buffer.alloc(0);
let pending;
const socket = net.connect(workerData.port, workerData.host);
socket.setNoDelay(true);
socket.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  while (buffer.length >= 4 && buffer.length >= buffer.readInt32LE(0)) {
    buffer = buffer.subarray(buffer.readInt32LE(0));
    if (pending) { const done = pending; pending = undefined; done(); }
  }
});
socket.on('error', (error) => parentPort.postMessage({ type: 'error', message: error.message }));
socket.on('close', () => { if (!stopped) parentPort.postMessage({ type: 'error', message: 'the pinger was disconnected' }); });
function once() {
  return new Promise((resolve) => {
    const started = performance.now();
    const timer = setTimeout(() => { unanswered += 1; pending = undefined; resolve(); }, 2000);
    pending = () => { clearTimeout(timer); latencies.push(performance.now() - started); resolve(); };
    socket.write(ping);
  });
}
socket.once('connect', async () => {
  parentPort.postMessage({ type: 'ready' });
  while (!stopped) {
    await once();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});
parentPort.on('message', () => {
  stopped = true;
  socket.destroy();
  parentPort.postMessage({ type: 'stats', latencies, unanswered });
});
`;

interface PingStats { latencies: number[]; unanswered: number }

function startPinger(host: string, port: number): Promise<{ stop(): Promise<PingStats>; errors: string[] }> {
  const worker = new Worker(PINGER, { eval: true, workerData: { host, port, ping: opMsg(1, { ping: 1, $db: 'admin' }) } });
  const errors: string[] = [];
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'error') errors.push(message.message!);
      if (message.type === 'ready') {
        resolve({
          errors,
          stop: () =>
            new Promise<PingStats>((done) => {
              worker.on('message', (reply: { type: string } & PingStats) => {
                if (reply.type === 'stats') void worker.terminate().then(() => done(reply));
              });
              worker.postMessage('stop');
            }),
        });
      }
    });
  });
}

/** One fuzzing connection: sends a message then a sentinel ping, and learns whether the message closed it. */
class FuzzConnection {
  private socket!: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: ((outcome: 'answered' | 'closed') => void) | undefined;

  constructor(private readonly port: number) {}

  async open(): Promise<void> {
    this.buffer = Buffer.alloc(0);
    const socket = net.connect(this.port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => this.settle('closed'));
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 16 && this.buffer.length >= this.buffer.readInt32LE(0)) {
        const responseTo = this.buffer.readInt32LE(8);
        this.buffer = this.buffer.subarray(this.buffer.readInt32LE(0));
        if (responseTo === SENTINEL_ID) this.settle('answered');
      }
    });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    this.socket = socket;
  }

  private settle(outcome: 'answered' | 'closed'): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(outcome);
  }

  /** Resolves 'answered' if the connection survived the message, 'closed' if the store closed it. */
  throw(message: Buffer, sentinel: Buffer): Promise<'answered' | 'closed' | 'hung'> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve('hung');
      }, 10_000);
      this.waiter = (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      if (this.socket.destroyed) return this.settle('closed');
      this.socket.write(Buffer.concat([message, sentinel]));
    });
  }

  close(): void {
    this.socket?.destroy();
  }
}

describe('wire protocol fuzzing', function () {
  this.timeout(90_000);
  let store: EmbeddedMongo;
  let warnings = 0;

  before(async () => {
    store = await startEmbeddedMongo({
      logger: { info: () => undefined, warn: () => (warnings += 1), error: () => undefined },
    });
  });
  after(() => store.close());

  it(`survives ${TARGET_MESSAGES.toLocaleString('en')} random and mutated messages while pings keep being answered within ${PING_LIMIT_MS} ms`, async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const random = generator(seed);
    const bases = seeds();
    const sentinel = opMsg(SENTINEL_ID, { ping: 1, $db: 'admin' });
    const pinger = await startPinger(store.host, store.port);
    const started = Date.now();
    let thrown = 0;
    let closedByStore = 0;
    const failures: string[] = [];

    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        const connection = new FuzzConnection(store.port);
        await connection.open();
        while (thrown < TARGET_MESSAGES && Date.now() - started < TIME_BUDGET_MS && failures.length === 0) {
          const { name, bytes } = mutate(pick(bases, random), random);
          const outcome = await connection.throw(bytes, sentinel);
          thrown += 1;
          if (outcome === 'hung') {
            failures.push(`seed ${seed}: no answer and no close after a ${name} message: ${bytes.subarray(0, 256).toString('hex')}`);
          } else if (outcome === 'closed') {
            closedByStore += 1;
            await connection.open();
          }
        }
        connection.close();
      }),
    );
    const stats = await pinger.stop();
    const elapsed = Date.now() - started;

    assert.deepEqual(failures, []);
    assert.ok(thrown >= TARGET_MESSAGES, `seed ${seed}: only ${thrown} messages in ${elapsed} ms`);
    assert.deepEqual(pinger.errors, [], `seed ${seed}`);
    assert.equal(stats.unanswered, 0, `seed ${seed}: pings went unanswered`);
    const slowest = Math.max(...stats.latencies);
    assert.ok(stats.latencies.length > 50, `seed ${seed}: only ${stats.latencies.length} pings`);
    assert.ok(slowest < PING_LIMIT_MS, `seed ${seed}: slowest ping ${Math.round(slowest)} ms`);
    // Malformed messages close their connection with a warning. (A command that fails inside the
    // engine is answered with an error and logged: not a crash, so not this test's business.)
    assert.ok(closedByStore > 0 && warnings >= closedByStore);

    // Still a working store afterwards.
    const after = new FuzzConnection(store.port);
    await after.open();
    assert.equal(await after.throw(Buffer.alloc(0), sentinel), 'answered');
    after.close();
  });
});
