// Fills the running Barometer's store with complete CAP-TIC responses, straight through the
// driver (the app's store is reached through its data directory's lock file, as the CLIs do), so
// a page can be measured with 10k or 100k responses stored without answering them one by one.
// The documents have the shape the app writes (test/fixtures/stored-response.ts). The live
// tallies are not updated: the page measured does not read them.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { readRunningStore, storeUri } from '../../server/embedded-mongo/index';
import { CAPTIC_ID, USER_STORED_ANSWERS, USER_STORED_OTHER_TEXTS } from '../../test/fixtures/captic-answers';
import { storedResponseDocument } from '../../test/fixtures/stored-response';

const DATABASE = 'barometer';
const COLLECTION = 'responses';
const BATCH = 5_000;
/** A response takes this long to answer, give or take. */
const ANSWER_MS = 7 * 60_000;

export interface SeedResult {
  /** Responses stored before (any status, including those the load left). */
  before: number;
  inserted: number;
  after: number;
  seconds: number;
}

export interface ResponseSeeder {
  /** Inserts complete responses until the collection holds `target` documents. */
  topUp(target: number): Promise<SeedResult>;
  close(): Promise<void>;
}

function completeResponse(fingerprint: string, runId: string, serial: number): Document {
  const completedAt = new Date(Date.UTC(2011, 2, 1) + serial * 1000);
  return storedResponseDocument({
    fingerprint,
    tokenSeed: `${runId}:${serial}`,
    status: 'complete',
    answers: USER_STORED_ANSWERS,
    otherTexts: USER_STORED_OTHER_TEXTS,
    language: 'fr',
    lastPageId: 'profile',
    startedAt: new Date(completedAt.getTime() - ANSWER_MS),
    savedAt: completedAt,
    revision: 1,
  });
}

/** Connects to the store that Barometer, running on `dataDir`, holds. */
export async function openResponseSeeder(dataDir: string): Promise<ResponseSeeder> {
  const owner = await readRunningStore(path.join(dataDir, 'db'));
  if (!owner) throw new Error(`No running store answers in ${path.join(dataDir, 'db')}: is Barometer up?`);
  const client = await MongoClient.connect(storeUri(owner));
  const responses: Collection = client.db(DATABASE).collection(COLLECTION);
  // The fingerprint of the definition the app loaded, from a response it wrote itself.
  const written = await responses.findOne({ surveyId: CAPTIC_ID }, { projection: { fingerprint: 1 } });
  const fingerprint = typeof written?.fingerprint === 'string' ? written.fingerprint : 'bench-load';
  const runId = randomBytes(8).toString('hex');
  let serial = 0;
  return {
    async topUp(target) {
      const started = performance.now();
      const before = await responses.countDocuments({});
      let stored = before;
      while (stored < target) {
        const size = Math.min(BATCH, target - stored);
        await responses.insertMany(Array.from({ length: size }, () => completeResponse(fingerprint, runId, serial++)));
        stored += size;
      }
      return { before, inserted: stored - before, after: stored, seconds: (performance.now() - started) / 1000 };
    },
    close: () => client.close(),
  };
}
