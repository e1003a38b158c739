// `npm run db:backup` while respondents complete the survey on a running app, then
// `npm run db:restore` into a fresh directory and an app started on it: every response
// acknowledged (thank-you page) before the backup started is there, the backup is one point in
// time, and the live counters equal a recompute. Restore refuses a directory a running app holds
// and a truncated or corrupt backup, writing nothing.
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { deserialize, serialize } from 'bson';
import { readRunningStore, storeUri } from '../../../server/embedded-mongo/index';
import { BACKUP_MAGIC, backupDataDir, restoreDataDir } from '../../../server/embedded-mongo/backup';
import { JOURNAL_FILE } from '../../../server/embedded-mongo/storage/journal';
import { loadSurveyDirectory } from '../../../server/surveys/survey.loader';
import { tallyResponses } from '../../../server/analysis/figures/figures.service';
import { ALL_SEGMENT, segmentsOf } from '../../../server/analysis/tally/tally.service';
import type { TSurveyDefinition } from '../../../server/surveys/survey.schemas';
import type { TAnswers } from '../../../server/surveys/answers';
import { ROOT } from '../../support/app';
import { childEnv, startAppProcess, type AppProcess } from '../../support/app-process';
import { Browser } from '../../support/browser';
import { runCli } from '../../support/run-cli';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';

const RESPONDENTS_AT_ONCE = 4;
const PROBE_DATABASE = 'backup_probe';

/** One respondent, start to thank-you page; `tag` is typed in the free-text comment so the response can be found. */
async function completeOne(url: string, tag: string): Promise<void> {
  const browser = new Browser(url);
  const intro = await browser.open(`/s/${CAPTIC_ID}`);
  let page = await browser.submit(intro, { consent: 'yes' });
  for (let step = 0; step < 20 && page.$('form#survey-form').length > 0; step += 1) {
    const pageId = page.$('form#survey-form').attr('action')!.split('/p/')[1]!;
    const answers = pageId === 'captic_project' ? { ...NON_USER_PAGES[pageId], comments: tag } : NON_USER_PAGES[pageId];
    if (!answers) throw new Error(`no answers for page ${pageId}`);
    page = await browser.submit(page, answers);
  }
  expect(page.status).to.equal(200);
  expect(page.$('h1').text()).to.match(/^Merci/);
}

function backupCli(args: string[]) {
  return runCli('server/lib/backup.cli.ts', args, { NODE_ENV: 'development' });
}

async function connectToAppStore(dataDir: string): Promise<MongoClient> {
  const running = await readRunningStore(path.join(dataDir, 'db'));
  if (!running) throw new Error(`no store runs on ${dataDir}`);
  return MongoClient.connect(storeUri(running));
}

/** The live counters of a segment, as the dashboards read them (question → key → count, zeros left out). */
async function storedTallies(db: Db, waveId: string, segment: string): Promise<Record<string, Record<string, number>>> {
  const docs = await db.collection('tallies').find({ surveyId: CAPTIC_ID, waveId, segment }).toArray();
  return normalised(docs.map((doc) => [doc.questionId as string, (doc.c ?? {}) as Record<string, number>]));
}

function normalised(entries: Iterable<[string, Record<string, number>]>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [question, counts] of entries) {
    const nonZero = Object.entries(counts).filter(([, v]) => v !== 0).sort(([a], [b]) => a.localeCompare(b));
    if (nonZero.length > 0) out[question] = Object.fromEntries(nonZero);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Waits for `check` to stop throwing; its last error if it never does within `ms`. */
async function eventually(check: () => Promise<void>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('npm run db:backup and db:restore', function () {
  this.timeout(90_000);
  let work: string;
  let source: AppProcess | undefined;
  let restored: AppProcess | undefined;
  let definition: TSurveyDefinition;
  let backupFile: string;

  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'barometer-backup-'));
    definition = (await loadSurveyDirectory(path.join(ROOT, 'surveys'))).find((survey) => survey.definition.id === CAPTIC_ID)!.definition;
    // Every respondent comes from 127.0.0.1: lift the per-address limit on new responses.
    source = await startAppProcess(childEnv({ DATA_DIR: path.join(work, 'source'), RESPONSE_RATE_LIMIT: '10000' }));
  });

  after(async () => {
    await source?.stop();
    await restored?.stop();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('is one point in time, taken while respondents complete, with everything acknowledged before it', async () => {
    const acknowledged: string[] = [];
    let stopping = false;
    let next = 0;
    let respondentFailure: unknown;
    const respondent = async () => {
      while (!stopping) {
        const tag = `respondent-${(next += 1)}`;
        await completeOne(source!.url, tag);
        acknowledged.push(tag);
      }
    };
    const respondents = Array.from({ length: RESPONDENTS_AT_ONCE }, () => respondent().catch((error: unknown) => (respondentFailure = error)));
    // A probe of the point in time, beside the app's own writes: n goes into `first`, then once
    // acknowledged into `second`, then n + 1. At any one moment `second` is `first`, or `first`
    // less its last n; a backup that read the collections at different moments breaks that.
    const probeClient = await connectToAppStore(path.join(work, 'source'));
    const probe = (async () => {
      const db = probeClient.db(PROBE_DATABASE);
      for (let n = 0; !stopping; n += 1) {
        await db.collection('first').insertOne({ _id: n } as never);
        await db.collection('second').insertOne({ _id: n } as never);
      }
    })().catch((error: unknown) => (respondentFailure = error));
    await eventually(async () => {
      if (respondentFailure) return;
      expect(acknowledged.length).to.be.at.least(8);
    }, 30_000);
    if (respondentFailure) throw respondentFailure;

    const acknowledgedBefore = [...acknowledged];
    backupFile = path.join(work, 'barometer.backup');
    const backup = await backupCli(['backup', '--out', backupFile, '--dbpath', path.join(work, 'source', 'db')]);
    const acknowledgedAfter = [...acknowledged];
    stopping = true;
    await Promise.all([...respondents, probe]);
    await probeClient.close();
    if (respondentFailure) throw respondentFailure;
    expect(backup.code, backup.stderr).to.equal(0);
    expect(backup.stdout).to.match(/^Backed up .* \d+ documents in \d+ collections/);
    // Respondents kept completing while the backup ran: it was taken under load.
    expect(acknowledged.length).to.be.greaterThan(acknowledgedBefore.length);
    console.log(`      ${acknowledgedBefore.length} responses acknowledged before the backup, ${acknowledgedAfter.length} when it ended, ${acknowledged.length} in all`);

    const restore = await backupCli(['restore', '--from', backupFile, '--dbpath', path.join(work, 'restored', 'db')]);
    expect(restore.code, restore.stderr).to.equal(0);
    restored = await startAppProcess(childEnv({ DATA_DIR: path.join(work, 'restored'), COUNTER_SWEEP_MS: '200' }));
    // The restored app serves the survey.
    expect((await new Browser(restored.url).open(`/s/${CAPTIC_ID}`)).status).to.equal(200);

    const client = await connectToAppStore(path.join(work, 'restored'));
    try {
      const db = client.db('barometer');
      const responses = await db.collection('responses').find({ surveyId: CAPTIC_ID }).toArray();
      const complete = responses.filter((r) => r.status === 'complete');
      const tags = complete.map((r) => (r.answers as TAnswers).comments);
      expect(tags, 'every response acknowledged before the backup').to.include.members(acknowledgedBefore);
      // Nothing from after the backup finished, and no response twice.
      expect(acknowledgedAfter).to.include.members(tags as string[]);
      expect(new Set(tags).size).to.equal(tags.length);
      // One point in time: no response without its wave.
      const waves = new Set((await db.collection('waves').find({ surveyId: CAPTIC_ID }).toArray()).map((wave) => wave.waveId as string));
      for (const response of responses) expect(waves, `the wave of response ${String(response._id)}`).to.include(response.waveId);

      const probeDb = client.db(PROBE_DATABASE);
      const first = (await probeDb.collection('first').find().sort({ _id: 1 }).toArray()).map((doc) => doc._id as unknown as number);
      const second = (await probeDb.collection('second').find().sort({ _id: 1 }).toArray()).map((doc) => doc._id as unknown as number);
      expect(first.length, 'probe writes in the backup').to.be.greaterThan(0);
      expect(first.slice(0, second.length), 'the probe: `second` is a prefix of `first`').to.deep.equal(second);
      expect(first.length - second.length, 'the probe: at most one write between `first` and `second`').to.be.at.most(1);

      // The live counters equal a recompute from the restored responses, for every segment.
      // The wave the app opened for respondents (a development app opens a demo wave).
      const waveIds = new Set(complete.map((r) => r.waveId as string));
      expect(waveIds.size).to.equal(1);
      const [waveId] = [...waveIds] as [string];
      const members = complete.map((r) => ({ id: String(r._id), answers: r.answers as TAnswers }));
      const segments = new Set(members.flatMap((r) => segmentsOf(r.answers, definition.segments ?? [])));
      expect(segments).to.include(ALL_SEGMENT);
      await eventually(async () => {
        for (const segment of segments) {
          const recomputed = tallyResponses(definition, members.filter((r) => segmentsOf(r.answers, definition.segments ?? []).includes(segment))).counts;
          expect(await storedTallies(db, waveId, segment), `segment ${segment}`).to.deep.equal(normalised(recomputed));
        }
      }, 10_000);
    } finally {
      await client.close();
    }
  });

  it('refuses to restore into a directory a running app holds, and changes nothing there', async () => {
    const dbDir = path.join(work, 'source', 'db');
    const before = await fs.stat(path.join(dbDir, JOURNAL_FILE));
    const refused = await backupCli(['restore', '--from', backupFile, '--dbpath', dbDir, '--force']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/A running store \(pid \d+\) holds .*: stop the app .* Nothing was restored\./);
    const after = await fs.stat(path.join(dbDir, JOURNAL_FILE));
    expect(after.ino).to.equal(before.ino);
  });

  /** The backup with fields of its header replaced (the checksum covers the data, not the header). */
  function withHeader(data: Buffer, fields: Record<string, unknown>): Buffer {
    const start = BACKUP_MAGIC.length + 4;
    const length = data.readUInt32LE(BACKUP_MAGIC.length);
    const header = serialize({ ...deserialize(data.subarray(start, start + length)), ...fields });
    const size = Buffer.alloc(4);
    size.writeUInt32LE(header.length);
    return Buffer.concat([BACKUP_MAGIC, size, header, data.subarray(start + length)]);
  }

  describe('refuses a damaged backup with a clear message, and writes nothing', () => {
    let whole: Buffer;
    before(async () => {
      whole = await fs.readFile(backupFile);
    });

    const cases: Array<[string, (data: Buffer) => Buffer, RegExp]> = [
      ['truncated in its data', (data) => data.subarray(0, data.length - 100), /is truncated: it holds \d+ of its \d+ bytes of data\. Nothing was restored\./],
      ['truncated in its header', (data) => data.subarray(0, BACKUP_MAGIC.length + 10), /is truncated: it ends inside its header/],
      ['cut to nothing', () => Buffer.alloc(0), /is not a Barometer store backup/],
      ['with one byte flipped in its data', (data) => flip(data, data.length - 50), /is corrupt: its checksum \(SHA-256\) does not match/],
      ['with one byte flipped in its header', (data) => flip(data, BACKUP_MAGIC.length + 20), /is corrupt|is in backup format|is truncated/],
      ['with bytes added at the end', (data) => Buffer.concat([data, Buffer.from('extra')]), /holds 5 bytes more than its header announces/],
      ['of another kind (a journal)', (data) => data.subarray(BACKUP_MAGIC.length), /is not a Barometer store backup/],
      ['whose header holds users that are not text', (data) => withHeader(data, { users: 42 }), /is corrupt: its header's users are not text/],
    ];
    for (const [name, damage, message] of cases) {
      it(name, async () => {
        const file = path.join(work, `damaged-${name.replace(/\W+/g, '-')}.backup`);
        await fs.writeFile(file, damage(whole));
        const target = path.join(work, `target-${name.replace(/\W+/g, '-')}`);
        let error: Error | undefined;
        await restoreDataDir(file, target).catch((caught: Error) => (error = caught));
        expect(error?.message).to.match(message);
        await fs.access(path.join(target, JOURNAL_FILE)).then(
          () => expect.fail('a journal was written'),
          () => undefined,
        );
      });
    }
  });

  it('refuses to overwrite an existing backup file or a directory holding data without --force', async () => {
    const sameFile = await backupDataDir(path.join(work, 'source', 'db'), backupFile).catch((error: Error) => error);
    expect((sameFile as Error).message).to.match(/already exists; a backup never overwrites a file/);
    const target = path.join(work, 'restored-again');
    await restoreDataDir(backupFile, target);
    const onData = await restoreDataDir(backupFile, target).catch((error: Error) => error);
    expect((onData as Error).message).to.match(/already holds a store .* add --force to replace it/);
    // A symlink planted where the backup writes its temporary file redirects nothing.
    const victim = path.join(work, 'victim.txt');
    await fs.writeFile(victim, 'untouched');
    const planted = path.join(work, 'planted.backup');
    await fs.symlink(victim, `${planted}.partial`);
    expect(await backupDataDir(path.join(work, 'source', 'db'), planted).then(() => 'written', (error: NodeJS.ErrnoException) => error.code)).to.equal('ELOOP');
    expect(await fs.readFile(victim, 'utf8')).to.equal('untouched');
    const forced = await restoreDataDir(backupFile, target, { force: true });
    expect(forced.replaced).to.match(/journal\.bson\.before-restore-\d{8}T\d{9}Z$/);
    await fs.access(forced.replaced!);
  });
});

function flip(data: Buffer, offset: number): Buffer {
  const copy = Buffer.from(data);
  copy[offset] = copy[offset]! ^ 0xff;
  return copy;
}
