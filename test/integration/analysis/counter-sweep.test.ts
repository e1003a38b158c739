// The counter sweep, in process: a change whose followers did not all run (a crash) is found by its
// mark and healed by a rebuild of its wave; changes made while a sweep rebuilds are counted once;
// two sweepers at once rebuild a wave once; the sweep finds the marks through their index.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { importResponses } from '../../../server/responses/import.service';
import { deleteResponse, editCompleteResponse, streamCompleteResponses, type StoredResponse } from '../../../server/responses/response.service';
import { ResponseModel } from '../../../server/responses/response.model';
import { applyToTallies } from '../../../server/analysis/tally/tally.service';
import { tallyTargetFor } from '../../../server/analysis/tally/tally.hooks';
import { startCounterSweeper, type CounterSweeper } from '../../../server/analysis/tally/counter-sweep';
import { countCompletion } from '../../../server/dashboard/activity.service';
import { createLogger } from '../../../server/lib/logger';
import { startTestApp, type TestApp } from '../../support/app';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { seededRandom } from '../../support/seeded-random';
import { countersVersusRecompute } from './counters-oracle';
import { registerResponseHooks } from '../../../server/responses/completion-hooks';
import { createResponseAdmin } from '../../../server/responses/response-admin.service';
import { systemClock } from '../../../server/lib/clock';

const WAVE = '2011-03';
const GRACE_MS = 300;
const POOL = buildCaptic250(5);

describe('Counter sweep', function () {
  this.timeout(30_000);
  let app: TestApp;
  let imported = 0;
  const db = () => mongoose.connection.db!;
  const definition = () => app.catalog.require(CAPTIC_ID).definition;
  const sweeper = (): CounterSweeper => startCounterSweeper({ catalog: app.catalog, logger: createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }) }, { intervalMs: 60_000, graceMs: GRACE_MS, timer: false });
  const importSome = async (n: number): Promise<void> => {
    const batch = POOL.slice(imported, imported + n);
    imported += batch.length;
    const report = await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: WAVE, format: 'jsonl', content: batch.map((r) => JSON.stringify(r)).join('\n') });
    expect(report.imported, JSON.stringify(report.problems)).to.equal(batch.length);
  };
  const completes = async (): Promise<StoredResponse[]> => {
    const all: StoredResponse[] = [];
    for await (const response of streamCompleteResponses(CAPTIC_ID, WAVE)) all.push(response);
    return all;
  };
  /** Marks a response as a crash would leave it: followers pending since well before the grace period. */
  const markedLongAgo = (id: string, revision: number) =>
    ResponseModel.updateOne({ _id: id }, { $set: { followersPending: new Date(Date.now() - 10 * GRACE_MS), revision } });

  before(async () => {
    app = await startTestApp();
    await app.reset();
    await importSome(40);
  });
  after(async () => app.close());

  it('heals a response whose counters were half applied when the process died', async () => {
    expect(await countersVersusRecompute(db(), definition(), WAVE)).to.deep.equal([]);
    const [victim] = await completes();
    // Its completion wrote the mark; the crash came after some of its $incs: here its segment
    // documents were counted and the activity was not, so the live counters are short by part of it.
    await markedLongAgo(victim!.id, victim!.revision);
    await applyToTallies(tallyTargetFor(definition(), WAVE), { answers: victim!.answers }, -1);
    await db().collection('tallies').updateMany({ surveyId: CAPTIC_ID, waveId: WAVE, segment: { $ne: 'all' } }, { $inc: { 'c.n': 1 } });
    await countCompletion(victim!, 'Europe/Paris', -1);
    expect(await countersVersusRecompute(db(), definition(), WAVE)).to.not.deep.equal([]);

    const swept = await sweeper().runOnce();
    expect(swept.map(({ surveyId, waveId, responses, healed }) => ({ surveyId, waveId, responses, healed }))).to.deep.equal([{ surveyId: CAPTIC_ID, waveId: WAVE, responses: 40, healed: 1 }]);
    expect(await countersVersusRecompute(db(), definition(), WAVE)).to.deep.equal([]);
    expect(await ResponseModel.countDocuments({ followersPending: { $exists: true } })).to.equal(0);
    // Idempotent: nothing left to sweep, nothing moves.
    expect(await sweeper().runOnce()).to.deep.equal([]);
    expect(await countersVersusRecompute(db(), definition(), WAVE)).to.deep.equal([]);
  });

  it('counts once the completions, edits and erasures made while a sweep rebuilds the wave', async () => {
    const random = seededRandom(15);
    for (let round = 0; round < 6; round += 1) {
      const all = await completes();
      const stale = all[Math.floor(random() * all.length)]!;
      await markedLongAgo(stale.id, stale.revision);
      const sweep = sweeper().runOnce();
      // Changes racing the sweep, through the real services and their followers.
      const changes = [0, 1, 2, 3, 4, 5].map(async (i) => {
        const target = all[(round * 7 + i * 3) % all.length]!;
        if (i % 3 === 0) return importSome(2);
        if (i % 3 === 1) return editCompleteResponse(target.id, definition(), POOL[(round + i) % POOL.length]!);
        return deleteResponse(target.id).catch(() => undefined);
      });
      await Promise.all([sweep, ...changes]);
      expect(await countersVersusRecompute(db(), definition(), WAVE), `round ${round}`).to.deep.equal([]);
    }
    expect(await ResponseModel.countDocuments({ followersPending: { $exists: true } })).to.equal(0);
    expect(await db().collection('pending_erasures').countDocuments()).to.equal(0);
  });

  it('lets a change made while a sweep holds the wave return at once, and counts it', async () => {
    const [crashed, inFlight, edited] = await completes();
    await markedLongAgo(crashed!.id, crashed!.revision);
    // A follower still running as the sweep starts: the sweep holds the wave's lease while it
    // waits for it (here the whole grace period, as it never ends).
    await ResponseModel.updateOne({ _id: inFlight!.id }, { $set: { followersPending: new Date() } });
    const slow = startCounterSweeper({ catalog: app.catalog, logger: createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }) }, { intervalMs: 60_000, graceMs: 3_000, timer: false });
    let sweepEnded = false;
    const sweep = slow.runOnce().then((swept) => {
      sweepEnded = true;
      return swept;
    });
    while ((await db().collection('counter_sweeps').countDocuments()) === 0) await new Promise((resolve) => setImmediate(resolve));
    await importSome(1);
    await editCompleteResponse(edited!.id, definition(), POOL[imported]!);
    expect(sweepEnded, 'the changes returned before the sweep ended').to.equal(false);
    expect((await sweep).map(({ healed }) => healed)).to.deep.equal([4]);
    expect(await countersVersusRecompute(db(), definition(), WAVE)).to.deep.equal([]);
    expect(await ResponseModel.countDocuments({ followersPending: { $exists: true } })).to.equal(0);
  });

  it('marks a void in the write that makes it, so a void whose followers died is healed', async () => {
    const [victim] = await completes();
    const silent = createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
    // The last follower dies, as a process killed mid-followers would: the mark must stay behind.
    registerResponseHooks('dies', {
      deleted: () => Promise.reject(new Error('killed')),
    });
    try {
      const admin = createResponseAdmin({ catalog: app.catalog, logger: silent, clock: systemClock });
      await admin.voidResponse({ surveyId: CAPTIC_ID, responseId: victim!.id, reason: 'duplicate' }, { via: 'cli', actorEmail: 'analyst@example.org' }).catch(() => undefined);
    } finally {
      registerResponseHooks('dies', {});
    }
    const stored = await ResponseModel.findById(victim!.id).lean();
    expect(stored!.status).to.equal('voided');
    expect(stored!.followersPending, 'the void write carried the mark').to.be.instanceOf(Date);
    // The followers before the dead one had moved the counters; the sweep recounts either way.
    await markedLongAgo(victim!.id, stored!.revision);
    const swept = await sweeper().runOnce();
    expect(swept.map(({ healed }) => healed)).to.deep.equal([1]);
    expect(await countersVersusRecompute(db(), definition(), WAVE)).to.deep.equal([]);
    expect(await ResponseModel.countDocuments({ followersPending: { $exists: true } })).to.equal(0);
  });

  it('rebuilds a wave once when two sweepers find it at the same moment', async () => {
    const [victim] = await completes();
    await markedLongAgo(victim!.id, victim!.revision);
    await applyToTallies(tallyTargetFor(definition(), WAVE), { answers: victim!.answers }, -1);
    const results = await Promise.all([sweeper().runOnce(), sweeper().runOnce()]);
    expect(results.map((swept) => swept.length).sort()).to.deep.equal([0, 1]);
    expect(results.flat()[0]!.healed).to.equal(1);
    expect(await countersVersusRecompute(db(), definition(), WAVE)).to.deep.equal([]);
    expect(await db().collection('counter_sweeps').countDocuments()).to.equal(0);
  });

  it('finds the marked responses through the partial index, and sweeps a wave without scanning a collection', async () => {
    const [victim] = await completes();
    const admin = db().admin();
    // The store refuses, like mongod, any query that would need a collection scan.
    await admin.command({ setParameter: 1, notablescan: true });
    try {
      expect(await sweeper().runOnce()).to.deep.equal([]);
      await markedLongAgo(victim!.id, victim!.revision);
      expect((await sweeper().runOnce()).map((swept) => swept.healed)).to.deep.equal([1]);
      const plan = await ResponseModel.find({ followersPending: { $exists: true, $lte: new Date() } }, { surveyId: 1, waveId: 1 }).explain('queryPlanner');
      expect(JSON.stringify(plan)).to.contain('followersPending_1');
    } finally {
      await admin.command({ setParameter: 1, notablescan: false });
    }
  });
});
