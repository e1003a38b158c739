// `npm run bench:store`: the embedded store's own costs, each measured in this one run.
//
//   1. Acknowledged single inserts with 8 clients (insertOne, one at a time per client, journal
//      on disk) against a reference writer: 8 writers appending records of the same size to a
//      file with a plain write + fdatasync, sharing fsyncs exactly as the journal's group commit
//      does. Rounds alternate (reference, store, reference, store...) so both see the same disk.
//      The ratio store / reference is what the journal and the command path cost on top of I/O.
//      The store is measured twice: through the official driver, and through minimal wire
//      clients, so the driver's own per-insert work in the client is told apart from the store's.
//   2. Indexed reads at 10k and 100k documents: a sorted limit (find().sort({t:-1}).limit(10),
//      index on t) and a range on t returning 100 documents. With ordered indexes both are
//      O(log n + k), so the 100k / 10k ratio should stay under 1.5.
//   3. Ping latency while a 100k-document aggregation runs on another connection: what a page's
//      health check or a short query waits behind a long command.
//   4. The respondent path's store commands (issue 9), each in a tight loop through the driver over
//      a Unix socket: a page GET's find by survey and resume token (10,000 responses stored), a page
//      POST's findAndModify by _id, and a completion's bulkWrite of 36 tally upserts. The store runs
//      in a process of its own (its cli.ts, journal on disk), so the CPU time it spends per command
//      is read from /proc (every thread: the worker, its GC and its I/O). With --against <dir>, the
//      store of another checkout runs too, rounds alternating, and each round gives the ratio.
// Stops by itself in well under 3 minutes. Results and how to read them: docs/benchmarks.md.
//
//   npm run bench:store
//   npm run bench:store -- --json                  machine-readable summary on stdout
//   npm run bench:store -- --only inserts          one part (inserts, queries, ping or respondent)
//   npm run bench:store -- --seconds 3             length of each insert or respondent measurement (default 1.5)
//   npm run bench:store -- --only respondent --against /tmp/before
//                                                  this store against another checkout's, made with
//                                                  git worktree add /tmp/before <commit> &&
//                                                  ln -s "$PWD/node_modules" /tmp/before/node_modules
//   npm run bench:store -- --only respondent --profile /tmp/prof
//                                                  also writes the store's CPU profiles (--cpu-prof) there
import { spawn } from 'node:child_process';
import { existsSync, promises as fs, constants as fsConstants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import net from 'node:net';
import { deserialize, serialize } from 'bson';
import { MongoClient, ObjectId, type Collection, type CreateIndexesOptions, type Document, type IndexSpecification } from 'mongodb';
import { encodeRecord } from '../server/embedded-mongo/storage/journal';
import { startEmbeddedMongo, type EmbeddedMongo } from '../server/embedded-mongo/index';
import { TallyModel } from '../server/analysis/tally/tally.model';
import { ResponseModel } from '../server/responses/response.model';
import { hashResumeToken } from '../server/responses/response.service';
import { CAPTIC_ID, USER_STORED_ANSWERS } from '../test/fixtures/captic-answers';
import { storedResponseDocument } from '../test/fixtures/stored-response';
import { describeMachine, markdownTable, quantileOfSorted } from './bench-output';

const CLIENTS = 8;
const ROUNDS = 9;
const QUERY_SIZES = [10_000, 100_000];
const QUERY_WARMUP = 20;
const QUERY_RUNS = 200;
const QUERY_MIN_RUNS = 20;
const QUERY_WARMUP_BUDGET_MS = 2_000;
const QUERY_RUNS_BUDGET_MS = 6_000;
/** Documents a range query returns, whatever the collection's size. */
const RANGE_WIDTH = 100;
const T_SPACE = 2 ** 20;
const LOAD_BATCH = 5_000;
const AGGREGATION_RUNS = 3;
/** Targets from issue 8. */
const GOAL_INSERT_RATIO = 0.6;
const GOAL_FLAT_RATIO = 1.5;
const GOAL_PING_P99_MS = 20;

const PARTS = ['inserts', 'queries', 'ping', 'respondent'] as const;
type Part = (typeof PARTS)[number];

interface Options { json: boolean; seconds: number; only: Part | undefined; against: string | undefined; profile: string | undefined }

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '1.5' },
      only: { type: 'string' },
      against: { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: npm run bench:store -- [--json] [--seconds 1.5] [--only inserts|queries|ping|respondent] [--against <checkout>] [--profile <dir>]');
    process.exit(0);
  }
  const seconds = Number(values.seconds);
  if (!(seconds > 0 && seconds <= 20)) throw new Error(`--seconds must be between 0 and 20, not "${values.seconds}"`);
  const only = values.only;
  if (only !== undefined && !(PARTS as readonly string[]).includes(only)) throw new Error(`--only must be one of ${PARTS.join(', ')}, not "${only}"`);
  const against = values.against === undefined ? undefined : path.resolve(values.against);
  if (against !== undefined && !existsSync(path.join(against, 'server/embedded-mongo/cli.ts'))) throw new Error(`--against must name a checkout of this repository, not "${values.against}"`);
  if (against !== undefined && !existsSync(path.join(against, 'node_modules'))) throw new Error(`${against} has no node_modules: link this checkout's in (ln -s "$PWD/node_modules" "${against}/node_modules")`);
  return { json: values.json ?? false, seconds, only: only as Part | undefined, against, profile: values.profile === undefined ? undefined : path.resolve(values.profile) };
}

interface Timing { runs: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number }

function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => quantileOfSorted(sorted, q);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { runs: sorted.length, p50Ms: round(at(0.5)), p95Ms: round(at(0.95)), p99Ms: round(at(0.99)), maxMs: round(sorted[sorted.length - 1] ?? Number.NaN) };
}

const median = (values: number[]) => summarise(values).p50Ms;

function silentLogger() {
  return { info: () => undefined, warn: (m: string) => console.error(m), error: (m: string) => console.error(m) };
}

// ---------------------------------------------------------------------------------- 1. inserts

/** The document each insert writes: small, like a session or an outbox entry. */
function insertDocument(client: number, i: number): Document {
  return { client, i, at: new Date(1_764_000_000_000 + i), payload: 'x'.repeat(64) };
}

/** Runs CLIENTS loops of `insert` for `seconds`; returns completed inserts per second. */
async function ratePerSecond(seconds: number, insert: (client: number, i: number) => Promise<unknown>): Promise<number> {
  let count = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i += 1) {
        await insert(client, i);
        count += 1;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

interface InsertTarget { insert(client: number, i: number): Promise<unknown>; close(): Promise<void> }

/** The store with its journal on disk, and CLIENTS driver connections to it (one each). */
async function openStore(): Promise<InsertTarget> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-store-'));
  const store = await startEmbeddedMongo({ dataDir, logger: silentLogger() });
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => MongoClient.connect(`${store.uri}/bench`, { maxPoolSize: 1 })));
  const collections = clients.map((client) => client.db('bench').collection('inserts'));
  await collections[0]!.insertOne({ warm: true });
  let serial = 0;
  return {
    insert: (client) => collections[client]!.insertOne(insertDocument(client, serial++)),
    close: async () => {
      await Promise.all(clients.map((client) => client.close()));
      await store.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The same store reached by CLIENTS minimal wire-protocol clients (one socket each, a pre-built
 * OP_MSG insert, wait for the reply): what the store costs without the driver's own per-operation
 * work, which on a 2-core machine shares a core with nothing else but can saturate it.
 */
async function openStoreWire(): Promise<InsertTarget> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-store-wire-'));
  const store = await startEmbeddedMongo({ dataDir, logger: silentLogger() });
  const sockets = await Promise.all(Array.from({ length: CLIENTS }, () => connectWire(store)));
  let serial = 0;
  return {
    insert: (client) => sockets[client]!.insert({ _id: new ObjectId(), ...insertDocument(client, serial++) }),
    close: async () => {
      for (const socket of sockets) socket.close();
      await store.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

interface WireInserter { insert(doc: Document): Promise<void>; close(): void }

function connectWire(store: EmbeddedMongo): Promise<WireInserter> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: store.host, port: store.port }, () => {
      socket.setNoDelay(true);
      resolve({
        insert: (doc) =>
          new Promise<void>((done, fail) => {
            waiting = { done, fail };
            const body = Buffer.from(serialize({ insert: 'inserts', documents: [doc], $db: 'bench' }));
            const header = Buffer.alloc(21);
            header.writeInt32LE(21 + body.length, 0);
            header.writeInt32LE(++requestId, 4);
            header.writeInt32LE(2013, 12); // OP_MSG, flags 0, one kind-0 section
            socket.write(Buffer.concat([header, body]));
          }),
        close: () => socket.destroy(),
      });
    });
    let requestId = 0;
    let waiting: { done: () => void; fail: (error: Error) => void } | undefined;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        const reply = deserialize(pending.subarray(21, length));
        pending = pending.subarray(length);
        const current = waiting;
        waiting = undefined;
        if (reply.ok === 1 && reply.n === 1) current?.done();
        else current?.fail(new Error(`insert failed: ${JSON.stringify(reply)}`));
      }
    });
  });
}

type ReferenceSync = 'fdatasync' | 'O_DSYNC';

/**
 * The reference: a plain append + fdatasync writer with the journal's group commit (whoever
 * arrives while a write + fsync is in flight joins the next one), fed by CLIENTS writers that
 * each wait for their record to be durable before writing the next. Records are pre-encoded
 * with the journal's own format and the size of the store's records, so only the I/O is left.
 * The goal is stated against write + fdatasync. The journal itself appends through an O_DSYNC
 * descriptor (one system call per group), so the same writer with O_DSYNC is measured too, to
 * show how much of the ratio that choice accounts for.
 */
async function openReference(sync: ReferenceSync): Promise<InsertTarget> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-fsync-'));
  const flags = sync === 'O_DSYNC' ? fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_DSYNC : 'a';
  const handle = await fs.open(path.join(dir, 'reference.bson'), flags, 0o600);
  const record = encodeRecord({ op: 'put', db: 'bench', coll: 'inserts', doc: { _id: '0123456789abcdef01234567', ...insertDocument(0, 0) } });
  let queue: Array<() => void> = [];
  let flushing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      await handle.write(Buffer.concat(batch.map(() => record)));
      if (sync === 'fdatasync') await handle.datasync();
      for (const resolve of batch) resolve();
    }
    flushing = undefined;
  };
  return {
    insert: () =>
      new Promise<void>((resolve) => {
        queue.push(resolve);
        flushing ??= flush();
      }),
    close: async () => {
      await handle.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

interface InsertRound { referencePerSecond: number; storePerSecond: number; wirePerSecond: number; dsyncReferencePerSecond: number; ratio: number }
interface InsertResult { rounds: InsertRound[]; referencePerSecond: number; dsyncReferencePerSecond: number; storePerSecond: number; wirePerSecond: number; ratio: number; wireRatio: number; dsyncRatio: number }

/**
 * Short rounds, each measuring the reference and the store back to back, and the ratio taken
 * per round: on a shared machine the disk's speed drifts by several times within a minute, and
 * only measurements taken moments apart are comparable.
 */
async function measureInserts(seconds: number, progress: (text: string) => void): Promise<InsertResult> {
  const reference = await openReference('fdatasync');
  const dsyncReference = await openReference('O_DSYNC');
  const store = await openStore();
  const wire = await openStoreWire();
  const rounds: InsertRound[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const referencePerSecond = Math.round(await ratePerSecond(seconds, reference.insert));
      const storePerSecond = Math.round(await ratePerSecond(seconds, store.insert));
      const wirePerSecond = Math.round(await ratePerSecond(seconds, wire.insert));
      const dsyncReferencePerSecond = Math.round(await ratePerSecond(seconds, dsyncReference.insert));
      rounds.push({ referencePerSecond, storePerSecond, wirePerSecond, dsyncReferencePerSecond, ratio: Math.round((storePerSecond / referencePerSecond) * 1000) / 1000 });
      progress(`inserts round ${round}/${ROUNDS}: reference ${referencePerSecond}/s, store ${storePerSecond}/s (driver), ${wirePerSecond}/s (wire clients), O_DSYNC appends ${dsyncReferencePerSecond}/s`);
    }
  } finally {
    await Promise.all([reference.close(), dsyncReference.close(), store.close(), wire.close()]);
  }
  const referencePerSecond = median(rounds.map((r) => r.referencePerSecond));
  const dsyncReferencePerSecond = median(rounds.map((r) => r.dsyncReferencePerSecond));
  const storePerSecond = median(rounds.map((r) => r.storePerSecond));
  return {
    rounds,
    referencePerSecond,
    dsyncReferencePerSecond,
    storePerSecond,
    wirePerSecond: median(rounds.map((r) => r.wirePerSecond)),
    ratio: median(rounds.map((r) => r.ratio)),
    wireRatio: median(rounds.map((r) => r.wirePerSecond / r.referencePerSecond)),
    dsyncRatio: median(rounds.map((r) => r.storePerSecond / r.dsyncReferencePerSecond)),
  };
}

// ---------------------------------------------------------------------------------- 2. indexed reads

/** Documents with a unique indexed number t (in shuffled order, so insertion order is no hint), a group k and some payload. */
async function load(collection: Collection, from: number, to: number): Promise<void> {
  let batch: Document[] = [];
  for (let i = from; i < to; i += 1) {
    // An odd multiplier permutes [0, 2^20): t values are unique, unordered and evenly spread.
    const t = (i * 40_503) % T_SPACE;
    batch.push({ t, k: i % 100, name: `document ${i}`, at: new Date(1_764_000_000_000 + i * 1000), tags: ['a', 'b', String(i % 7)] });
    if (batch.length === LOAD_BATCH) {
      await collection.insertMany(batch, { ordered: false });
      batch = [];
    }
  }
  if (batch.length > 0) await collection.insertMany(batch, { ordered: false });
}

/** Up to QUERY_RUNS timed runs after a warm-up; both stop early on a clock, so a slow store cannot stretch the run. */
async function timeRuns(run: (i: number) => Promise<unknown>): Promise<Timing> {
  const warmupEnds = performance.now() + QUERY_WARMUP_BUDGET_MS;
  for (let i = 0; i < QUERY_WARMUP && performance.now() < warmupEnds; i += 1) await run(i);
  const samples: number[] = [];
  const runsEnd = performance.now() + QUERY_RUNS_BUDGET_MS;
  for (let i = 0; i < QUERY_RUNS && (i < QUERY_MIN_RUNS || performance.now() < runsEnd); i += 1) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  return summarise(samples);
}

interface QuerySize { documents: number; sortedLimit: Timing; range: Timing }
interface QueryResult { sizes: QuerySize[]; sortedLimitRatio: number; rangeRatio: number }

async function measureQueries(collection: Collection, progress: (text: string) => void): Promise<QueryResult> {
  await collection.createIndex({ t: 1 });
  const sizes: QuerySize[] = [];
  let loaded = 0;
  for (const documents of QUERY_SIZES) {
    await load(collection, loaded, documents);
    loaded = documents;
    const sortedLimit = await timeRuns(async () => {
      const top = await collection.find({}).sort({ t: -1 }).limit(10).toArray();
      if (top.length !== 10) throw new Error(`sorted limit returned ${top.length} documents`);
    });
    // t is spread evenly over [0, T_SPACE), so a range this wide holds about RANGE_WIDTH documents at any size.
    const width = Math.round((RANGE_WIDTH * T_SPACE) / documents);
    const range = await timeRuns(async (i) => {
      const low = (i * 7_919 * 131) % (T_SPACE - width);
      await collection.find({ t: { $gte: low, $lt: low + width } }).toArray();
    });
    sizes.push({ documents, sortedLimit, range });
    progress(`queries at ${documents}: sorted limit p50 ${sortedLimit.p50Ms} ms, range p50 ${range.p50Ms} ms`);
  }
  const ratio = (pick: (size: QuerySize) => Timing) => Math.round((pick(sizes[sizes.length - 1]!).p50Ms / pick(sizes[0]!).p50Ms) * 100) / 100;
  return { sizes, sortedLimitRatio: ratio((s) => s.sortedLimit), rangeRatio: ratio((s) => s.range) };
}

// ---------------------------------------------------------------------------------- 3. ping during an aggregation

interface PingResult { documents: number; aggregationMs: number[]; ping: Timing; idlePing: Timing }

/** A pipeline that must read and group every document: no index can shortcut it. */
const HEAVY_PIPELINE = [
  { $match: { name: { $regex: 'document' } } },
  { $group: { _id: '$k', n: { $sum: 1 }, mean: { $avg: '$t' }, latest: { $max: '$at' } } },
  { $sort: { n: -1, _id: 1 } },
];

async function measurePing(uri: string, collection: Collection): Promise<PingResult> {
  const pinger = await MongoClient.connect(uri, { maxPoolSize: 1 });
  try {
    const admin = pinger.db('admin');
    const ping = async () => {
      const start = performance.now();
      await admin.command({ ping: 1 });
      return performance.now() - start;
    };
    const idle: number[] = [];
    for (let i = 0; i < 200; i += 1) idle.push(await ping());
    const during: number[] = [];
    const aggregationMs: number[] = [];
    for (let run = 0; run < AGGREGATION_RUNS; run += 1) {
      let running = true;
      const start = performance.now();
      const aggregation = collection
        .aggregate(HEAVY_PIPELINE)
        .toArray()
        .finally(() => {
          running = false;
          aggregationMs.push(Math.round(performance.now() - start));
        });
      // A ping counts when it was sent while the aggregation was in flight: the point is what
      // waits behind it (a store that blocks answers that one ping only once the aggregation ends).
      while (running) during.push(await ping());
      const groups = await aggregation;
      if (groups.length !== 100) throw new Error(`aggregation returned ${groups.length} groups`);
    }
    return { documents: await collection.countDocuments(), aggregationMs, ping: summarise(during), idlePing: summarise(idle) };
  } finally {
    await pinger.close();
  }
}

// ---------------------------------------------------------------------------------- 4. respondent path

/** The repository this benchmark belongs to (bench/..). */
const THIS_CHECKOUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Responses stored before the loops start, as in the app's index test. */
const RESPONDENT_STORED = 10_000;
/** Partial responses among them: the ones page POSTs update. */
const RESPONDENT_PARTIAL = 200;
const RESPONDENT_ROUNDS = 5;
const WAVE_ID = '2011-03';
/** A completion's tally upserts: 18 questions in 2 segments ("all" and the respondent's company size), 36 in all. */
const TALLY_QUESTIONS = 18;
const TALLY_SEGMENTS = ['all', 'company_size=pme'];

const RESPONDENT_COMMANDS = ['find', 'findAndModify', 'bulkWrite'] as const;
type RespondentCommand = (typeof RESPONDENT_COMMANDS)[number];
const COMMAND_LABELS: Record<RespondentCommand, string> = {
  find: 'page GET: find {surveyId, resumeTokenHash} limit 1',
  findAndModify: 'page POST: findAndModify {_id, status, revision}',
  bulkWrite: 'completion: bulkWrite of 36 tally upserts',
};

interface StoreProcess { label: string; pid: number; uri: string; close(): Promise<void> }

/** A store from `root`'s cli.ts in a process of its own, journal on disk, on a Unix socket only reachable by us. */
async function startStoreProcess(label: string, root: string, profileDir: string | undefined): Promise<StoreProcess> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-respondent-'));
  const socket = path.join(dir, 'store.sock');
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  // Started from the checkout itself, so `tsx` and the store's packages resolve from its node_modules.
  const child = spawn(process.execPath, ['--import', 'tsx', ...profile, path.join(root, 'server/embedded-mongo/cli.ts'), '--dbpath', path.join(dir, 'db'), '--socket', socket, '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the ${label} store exited (code ${code}) before listening: ${output}`)));
  });
  return {
    label,
    pid: child.pid!,
    uri: `mongodb://${encodeURIComponent(socket)}`,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * CPU time a process has used so far, in ms: the sum over its threads of the time the kernel ran
 * them (/proc/<pid>/task/<tid>/schedstat, nanoseconds), so the worker, its GC and its I/O all count.
 */
async function processCpuMs(pid: number): Promise<number> {
  const tasks = await fs.readdir(`/proc/${pid}/task`);
  let ns = 0;
  for (const task of tasks) {
    try {
      ns += Number((await fs.readFile(`/proc/${pid}/task/${task}/schedstat`, 'utf8')).split(' ')[0]);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return ns / 1e6;
}

const tokenSeed = (serial: number) => `respondent-${serial}`;

/** The documents the app stores, and the indexes its models declare. */
async function seedRespondentStore(client: MongoClient): Promise<void> {
  const db = client.db('barometer');
  const responses = db.collection(ResponseModel.collection.collectionName);
  for (const model of [ResponseModel, TallyModel]) {
    const collection = db.collection(model.collection.collectionName);
    for (const [keys, options] of model.schema.indexes()) await collection.createIndex(keys as IndexSpecification, options as CreateIndexesOptions);
  }
  let batch: Document[] = [];
  for (let serial = 0; serial < RESPONDENT_STORED; serial += 1) {
    const startedAt = new Date(Date.UTC(2011, 2, 1) + serial * 1000);
    batch.push(storedResponseDocument({
      fingerprint: 'bench', tokenSeed: tokenSeed(serial), status: serial < RESPONDENT_PARTIAL ? 'partial' : 'complete',
      answers: USER_STORED_ANSWERS, otherTexts: { networks: 'Instagram' }, language: 'fr', lastPageId: 'profile', startedAt, savedAt: startedAt, revision: 0,
    }));
    if (batch.length === LOAD_BATCH) {
      await responses.insertMany(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await responses.insertMany(batch);
}

type RespondentRunners = Record<RespondentCommand, () => Promise<unknown>>;

/** One call of each command, shaped as the app's services send them (mongoose lean queries, the tally service's bulkWrite). */
async function respondentRunners(client: MongoClient): Promise<RespondentRunners> {
  const db = client.db('barometer');
  const responses = db.collection('responses');
  const tallies = db.collection('tallies');
  const partial = await responses.find({ status: 'partial' }, { projection: { _id: 1, revision: 1 } }).toArray();
  let serial = 0;
  let saved = 0;
  const tallyOperations = TALLY_SEGMENTS.flatMap((segment) =>
    Array.from({ length: TALLY_QUESTIONS }, (_, q) => ({
      updateOne: { filter: { surveyId: CAPTIC_ID, waveId: WAVE_ID, segment, questionId: `q${q}` }, update: { $inc: { 'c.n': 1, [`c.option_${q % 4}`]: 1 } }, upsert: true },
    })),
  );
  return {
    find: async () => {
      const doc = await responses.findOne({ surveyId: CAPTIC_ID, resumeTokenHash: hashResumeToken(tokenSeed(serial++ % RESPONDENT_STORED)) });
      if (!doc) throw new Error('the page GET found no response');
    },
    findAndModify: async () => {
      const target = partial[saved++ % partial.length]!;
      const updated = await responses.findOneAndUpdate(
        { _id: target._id, status: 'partial', revision: target.revision },
        { $set: { answers: USER_STORED_ANSWERS, otherTexts: {}, fingerprint: 'bench', language: 'fr', lastPageId: `page${saved % 7}`, updatedAt: new Date() }, $inc: { revision: 1 } },
        { returnDocument: 'after' },
      );
      if (!updated) throw new Error('the page POST matched no response');
      target.revision = updated.revision as number;
    },
    bulkWrite: async () => {
      const result = await tallies.bulkWrite(tallyOperations, { ordered: false });
      if (result.matchedCount + result.upsertedCount !== tallyOperations.length) throw new Error('the tally upserts did not all apply');
    },
  };
}

interface CommandCost { perSecond: number; cpuUsPerCommand: number }

/** Runs `command` back to back for `seconds`; the store's CPU time per command and the commands per second. */
async function measureCommand(store: StoreProcess, command: () => Promise<unknown>, seconds: number): Promise<CommandCost> {
  for (let i = 0; i < 50; i += 1) await command();
  const cpuBefore = await processCpuMs(store.pid);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    await command();
    count += 1;
  }
  const elapsedMs = performance.now() - started;
  const cpuMs = (await processCpuMs(store.pid)) - cpuBefore;
  return { perSecond: Math.round((count / elapsedMs) * 1000), cpuUsPerCommand: Math.round((cpuMs / count) * 1000 * 10) / 10 };
}

interface RespondentRound { command: RespondentCommand; costs: Record<string, CommandCost> }
interface RespondentCommandResult { command: RespondentCommand; label: string; stores: Record<string, CommandCost>; cpuRatio?: number; rateRatio?: number }
interface RespondentResult { stored: number; rounds: number; stores: string[]; commands: RespondentCommandResult[] }

async function measureRespondent(options: Options, progress: (text: string) => void): Promise<RespondentResult> {
  const roots: Array<[string, string]> = [['this checkout', THIS_CHECKOUT]];
  if (options.against) roots.push([`against ${options.against}`, options.against]);
  const stores: StoreProcess[] = [];
  const clients: MongoClient[] = [];
  try {
    for (const [label, root] of roots) stores.push(await startStoreProcess(label, root, label === 'this checkout' ? options.profile : undefined));
    const runners: RespondentRunners[] = [];
    for (const store of stores) {
      const client = await MongoClient.connect(store.uri, { maxPoolSize: 1 });
      clients.push(client);
      await seedRespondentStore(client);
      runners.push(await respondentRunners(client));
    }
    const rounds: RespondentRound[] = [];
    for (let round = 1; round <= RESPONDENT_ROUNDS; round += 1) {
      for (const command of RESPONDENT_COMMANDS) {
        const costs: Record<string, CommandCost> = {};
        // Alternating which store goes first cancels a drift of the machine's speed within a round.
        const order = round % 2 === 1 ? stores.map((_, i) => i) : stores.map((_, i) => i).reverse();
        for (const i of order) costs[stores[i]!.label] = await measureCommand(stores[i]!, runners[i]![command], options.seconds);
        rounds.push({ command, costs });
        progress(`respondent round ${round}/${RESPONDENT_ROUNDS}, ${command}: ${Object.entries(costs).map(([label, cost]) => `${label} ${cost.cpuUsPerCommand} µs CPU, ${cost.perSecond}/s`).join('; ')}`);
      }
    }
    const commands = RESPONDENT_COMMANDS.map((command): RespondentCommandResult => {
      const mine = rounds.filter((round) => round.command === command);
      const perStore = Object.fromEntries(stores.map((store) => [store.label, {
        perSecond: median(mine.map((round) => round.costs[store.label]!.perSecond)),
        cpuUsPerCommand: median(mine.map((round) => round.costs[store.label]!.cpuUsPerCommand)),
      }]));
      const result: RespondentCommandResult = { command, label: COMMAND_LABELS[command], stores: perStore };
      if (stores.length === 2) {
        const [current, other] = stores.map((store) => store.label) as [string, string];
        // Per round, then the median: only measurements taken moments apart are compared.
        result.cpuRatio = median(mine.map((round) => round.costs[current]!.cpuUsPerCommand / round.costs[other]!.cpuUsPerCommand));
        result.rateRatio = median(mine.map((round) => round.costs[current]!.perSecond / round.costs[other]!.perSecond));
      }
      return result;
    });
    return { stored: RESPONDENT_STORED, rounds: RESPONDENT_ROUNDS, stores: stores.map((store) => store.label), commands };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(stores.map((store) => store.close()));
  }
}

// ---------------------------------------------------------------------------------- output

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

// ---------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const wants = (part: Part) => options.only === undefined || options.only === part;
  const progress = (text: string) => process.stderr.write(`${text}\n`);
  const began = performance.now();

  const inserts = wants('inserts') ? await measureInserts(options.seconds, progress) : undefined;

  let queries: QueryResult | undefined;
  let ping: PingResult | undefined;
  const respondent = wants('respondent') ? await measureRespondent(options, progress) : undefined;

  if (wants('queries') || wants('ping')) {
    // In memory: reads do not touch the journal, and loading 100k documents stays quick.
    const store: EmbeddedMongo = await startEmbeddedMongo({ logger: silentLogger() });
    const client = await MongoClient.connect(`${store.uri}/bench`);
    try {
      const collection = client.db('bench').collection('reads');
      if (wants('queries')) {
        queries = await measureQueries(collection, progress);
      } else {
        await load(collection, 0, QUERY_SIZES[QUERY_SIZES.length - 1]!);
      }
      if (wants('ping')) {
        ping = await measurePing(`${store.uri}/bench`, collection);
        progress(`ping during aggregation: p50 ${ping.ping.p50Ms} ms, p99 ${ping.ping.p99Ms} ms`);
      }
    } finally {
      await client.close();
      await store.close();
    }
  }

  const summary = {
    command: `npm run bench:store${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString(),
    machine: describeMachine(),
    durationS: Math.round((performance.now() - began) / 1000),
    inserts: inserts && { clients: CLIENTS, secondsPerRound: options.seconds, ...inserts, goalRatio: GOAL_INSERT_RATIO, met: inserts.ratio >= GOAL_INSERT_RATIO },
    queries: queries && { ...queries, goalRatio: GOAL_FLAT_RATIO, met: queries.sortedLimitRatio <= GOAL_FLAT_RATIO && queries.rangeRatio <= GOAL_FLAT_RATIO },
    ping: ping && { ...ping, goalP99Ms: GOAL_PING_P99_MS, met: ping.ping.p99Ms < GOAL_PING_P99_MS },
    respondent,
  };
  if (options.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  const m = summary.machine;
  console.log(`\nEmbedded store benchmark (${summary.durationS} s)`);
  console.log(`Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.platform}\n`);
  if (summary.inserts) {
    const s = summary.inserts;
    console.log(`Acknowledged single inserts, ${CLIENTS} clients, journal on disk (${ROUNDS} rounds, each measuring the reference, the store and O_DSYNC appends for ${options.seconds} s in turn; per second):`);
    console.log(
      markdownTable(
        ['round', 'reference: append + fdatasync', 'store (driver)', 'store / reference', 'store (wire clients)', 'wire / reference', 'append with O_DSYNC', 'store / O_DSYNC'],
        s.rounds.map((r, i) => [String(i + 1), count(r.referencePerSecond), count(r.storePerSecond), (r.storePerSecond / r.referencePerSecond).toFixed(2), count(r.wirePerSecond), (r.wirePerSecond / r.referencePerSecond).toFixed(2), count(r.dsyncReferencePerSecond), (r.storePerSecond / r.dsyncReferencePerSecond).toFixed(2)]),
      ),
    );
    console.log(
      `Medians: store ${count(s.storePerSecond)}/s, reference ${count(s.referencePerSecond)}/s; store / reference (median of the rounds' ratios) ${s.ratio.toFixed(2)} (goal >= ${GOAL_INSERT_RATIO}: ${verdict(s.met)}); through minimal wire clients ${count(s.wirePerSecond)}/s, ${s.wireRatio.toFixed(2)} of the reference; store / O_DSYNC appends ${s.dsyncRatio.toFixed(2)}\n`,
    );
  }
  if (summary.queries) {
    const q = summary.queries;
    console.log(`Indexed reads (index on t; up to ${QUERY_RUNS} runs or ${QUERY_RUNS_BUDGET_MS / 1000} s after up to ${QUERY_WARMUP} warm-up runs), ms:`);
    console.log(
      markdownTable(
        ['documents', 'sorted limit p50', 'p95', 'runs', 'range p50', 'p95', 'runs'],
        q.sizes.map((s) => [count(s.documents), s.sortedLimit.p50Ms.toFixed(2), s.sortedLimit.p95Ms.toFixed(2), String(s.sortedLimit.runs), s.range.p50Ms.toFixed(2), s.range.p95Ms.toFixed(2), String(s.range.runs)]),
      ),
    );
    console.log(`100k / 10k (p50): sorted limit ${q.sortedLimitRatio}x, range ${q.rangeRatio}x (goal <= ${GOAL_FLAT_RATIO}x: ${verdict(q.met)})\n`);
  }
  if (summary.ping) {
    const p = summary.ping;
    console.log(`Ping while a ${count(p.documents)}-document aggregation runs on another connection (${p.ping.runs} pings over ${AGGREGATION_RUNS} aggregations of ${p.aggregationMs.join(' / ')} ms):`);
    console.log(markdownTable(['ping', 'p50 ms', 'p99 ms', 'max ms'], [['idle', p.idlePing.p50Ms.toFixed(2), p.idlePing.p99Ms.toFixed(2), p.idlePing.maxMs.toFixed(2)], ['during aggregation', p.ping.p50Ms.toFixed(2), p.ping.p99Ms.toFixed(2), p.ping.maxMs.toFixed(2)]]));
    console.log(`(goal p99 < ${GOAL_PING_P99_MS} ms: ${verdict(p.met)})`);
  }
  if (summary.respondent) {
    const r = summary.respondent;
    const [current, other] = r.stores as [string, string | undefined];
    console.log(`\nRespondent-path commands, one driver client in a tight loop over a Unix socket, ${count(r.stored)} responses stored, journal on disk (median of ${r.rounds} rounds of ${options.seconds} s each${other ? ', the two stores alternating' : ''}; store CPU per command from /proc):`);
    const headers = ['command', `${current}: CPU µs`, 'per second'];
    if (other) headers.push(`${other}: CPU µs`, 'per second', 'CPU ratio (this / other)', 'rate ratio (this / other)');
    console.log(
      markdownTable(
        headers,
        r.commands.map((c) => {
          const row = [c.label, c.stores[current]!.cpuUsPerCommand.toFixed(1), count(c.stores[current]!.perSecond)];
          if (other) row.push(c.stores[other]!.cpuUsPerCommand.toFixed(1), count(c.stores[other]!.perSecond), c.cpuRatio!.toFixed(2), c.rateRatio!.toFixed(2));
          return row;
        }),
      ),
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
