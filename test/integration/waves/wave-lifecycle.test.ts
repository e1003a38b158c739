// The wave use cases' rules, on an injected clock: refusals change nothing, two openings cannot
// both win, a wave past its close time does not block the next one, and dates and scheduling are
// written together or not at all.
import { expect } from 'chai';
import { storedCollection } from '../../support/staff';
import { AppError } from '../../../server/lib/errors';
import { listWaves } from '../../../server/waves/wave.service';
import { useAppSuite } from '../../support/app-suite';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { registerSurvey } from '../../../server/surveys/survey.catalog';
import { Writable } from 'node:stream';
import pino from 'pino';
import { CAPTIC_WITHOUT_ETI, recordVersionText } from '../versions/support';

const storedWaves = () => storedCollection('waves').find({ surveyId: CAPTIC_ID }, { projection: { _id: 0, updatedAt: 0 } }).sort({ waveId: 1 }).toArray();

async function refusal(action: Promise<unknown>): Promise<AppError> {
  const error = await action.then(() => undefined, (e: unknown) => e);
  expect(error, 'the action was refused').to.be.instanceOf(AppError);
  return error as AppError;
}

describe('Wave use cases', function () {
  this.timeout(30_000);
  const suite = useAppSuite({ startAt: '2027-02-15T09:00:00Z' });
  const waves = () => wavesOf(suite.app, suite.clock);

  it('seeds the file’s waves in its order, so the newest is the demonstration wave', async () => {
    expect((await listWaves(CAPTIC_ID)).map((w) => w.waveId)).to.deep.equal(['demo', '2011-03']);
  });

  it('lets only one of two concurrent openings win, and names the open wave to the other', async () => {
    await waves().closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    await waves().createWave(CAPTIC_ID, { waveId: 'a' }, TEST_ACTOR);
    await waves().createWave(CAPTIC_ID, { waveId: 'b' }, TEST_ACTOR);
    const outcomes = await Promise.allSettled([waves().openWave(CAPTIC_ID, 'a', TEST_ACTOR), waves().openWave(CAPTIC_ID, 'b', TEST_ACTOR)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
    const [refused] = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused!.reason).to.include({ status: 409, code: 'another_wave_open' });
    const open = (await storedWaves()).filter((w) => w.status === 'open').map((w) => w.waveId);
    expect(open).to.have.length(1);
    expect((refused!.reason as Error).message).to.contain(`"${open[0]}"`);
  });

  it('does not let a wave past its close time block the next one, and records it closed', async () => {
    await waves().setSchedule(CAPTIC_ID, 'demo', { closesAt: new Date('2027-02-20T00:00:00Z') }, TEST_ACTOR);
    await waves().createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
    suite.clock.set('2027-02-21T00:00:00Z');
    await waves().openWave(CAPTIC_ID, '2027-03', TEST_ACTOR);
    const stored = await storedWaves();
    expect(stored.find((w) => w.waveId === 'demo')).to.include({ status: 'closed' }).and.deep.include({ closedAt: new Date('2027-02-20T00:00:00Z') });
    expect(stored.find((w) => w.waveId === '2027-03')).to.include({ status: 'open' });
  });

  it('refuses to open an open-ended wave while another is scheduled to open later, and allows it with a close time before then', async () => {
    await waves().closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    await waves().createWave(CAPTIC_ID, { waveId: 'later' }, TEST_ACTOR);
    await waves().scheduleWave(CAPTIC_ID, 'later', TEST_ACTOR, { opensAt: new Date('2027-03-01T08:00:00Z') });
    await waves().createWave(CAPTIC_ID, { waveId: 'now' }, TEST_ACTOR);
    const before = await storedWaves();
    const error = await refusal(waves().openWave(CAPTIC_ID, 'now', TEST_ACTOR));
    expect(error).to.include({ status: 409, code: 'another_wave_open' });
    expect(error.message).to.contain('"later" (scheduled)');
    expect(await storedWaves()).to.deep.equal(before);
    await waves().setSchedule(CAPTIC_ID, 'now', { closesAt: new Date('2027-03-01T08:00:00Z') }, TEST_ACTOR);
    expect(await waves().openWave(CAPTIC_ID, 'now', TEST_ACTOR)).to.include({ status: 'open' });
  });

  it('schedules a draft with its dates in one step: a refused scheduling leaves the dates as they were', async () => {
    await waves().createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
    const before = await storedWaves();
    // demo is open with no close time: any window would overlap it.
    const error = await refusal(waves().scheduleWave(CAPTIC_ID, '2027-03', TEST_ACTOR, { opensAt: new Date('2027-03-01T08:00:00Z'), closesAt: new Date('2027-03-31T16:00:00Z') }));
    expect(error).to.include({ status: 409, code: 'another_wave_open' });
    expect(await storedWaves()).to.deep.equal(before);
  });

  for (const [name, schedule, code] of [
    ['a close time before the open time', { opensAt: new Date('2027-03-31T00:00:00Z'), closesAt: new Date('2027-03-01T00:00:00Z') }, 'close_before_open'],
    ['a negative grace period', { graceMinutes: -5 }, 'invalid_grace'],
    ['a grace period that is not whole minutes', { graceMinutes: 2.5 }, 'invalid_grace'],
    ['an open time in the past, to schedule', { opensAt: new Date('2027-02-01T00:00:00Z') }, 'open_time_past'],
  ] as const) {
    it(`refuses ${name} (422) and changes nothing`, async () => {
      await waves().createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
      await waves().closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
      const before = await storedWaves();
      const attempt = code === 'open_time_past' ? waves().scheduleWave(CAPTIC_ID, '2027-03', TEST_ACTOR, schedule) : waves().setSchedule(CAPTIC_ID, '2027-03', schedule, TEST_ACTOR);
      expect(await refusal(attempt)).to.include({ status: 422, code });
      expect(await storedWaves()).to.deep.equal(before);
    });
  }

  it('refuses to reopen a closed wave, to close a draft, and a wave id that is taken, reserved or malformed', async () => {
    expect(await refusal(waves().openWave(CAPTIC_ID, '2011-03', TEST_ACTOR))).to.include({ status: 409, code: 'wave_closed' });
    await waves().createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
    expect(await refusal(waves().closeWave(CAPTIC_ID, '2027-03', TEST_ACTOR))).to.include({ status: 409, code: 'wave_not_open' });
    expect(await refusal(waves().createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR))).to.include({ status: 409, code: 'wave_exists' });
    for (const waveId of ['current', '-x', 'a b', 'x'.repeat(65)]) {
      expect(await refusal(waves().createWave(CAPTIC_ID, { waveId }, TEST_ACTOR)), waveId).to.include({ status: 400, code: 'invalid_wave' });
    }
    expect(await refusal(waves().createWave(CAPTIC_ID, { waveId: 'x', copyFrom: 'nope' }, TEST_ACTOR))).to.include({ status: 404, code: 'wave_not_found' });
    expect(await refusal(waves().createWave(CAPTIC_ID, { waveId: 'x', fingerprint: 'sha256:0000000000000000' }, TEST_ACTOR))).to.include({ status: 404, code: 'version_not_found' });
    expect((await storedWaves()).map((w) => w.waveId)).to.deep.equal(['2011-03', '2027-03', 'demo']);
  });

  it('checks every part of a change before writing any: a refused part changes nothing', async () => {
    await waves().createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
    const before = await storedWaves();
    const change = { schedule: { closesAt: new Date('2027-03-31T16:00:00Z'), graceMinutes: 30 }, settings: { targetSample: 0 } };
    expect(await refusal(waves().changeWave(CAPTIC_ID, '2027-03', change, TEST_ACTOR))).to.include({ status: 422, code: 'invalid_target' });
    expect(await storedWaves()).to.deep.equal(before);
    const done = await waves().changeWave(CAPTIC_ID, '2027-03', { ...change, settings: { targetSample: 300 } }, TEST_ACTOR);
    expect(done).to.deep.include({ closesAt: new Date('2027-03-31T16:00:00Z'), graceMinutes: 30, targetSample: 300 });
  });

  it('refuses open and close times already past, and a new open time for an open wave; a wave whose close time passed cannot be opened', async () => {
    await waves().createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
    const past = new Date('2027-02-01T00:00:00Z');
    expect(await refusal(waves().setSchedule(CAPTIC_ID, '2027-03', { closesAt: past }, TEST_ACTOR))).to.include({ status: 422, code: 'close_in_past' });
    expect(await refusal(waves().setSchedule(CAPTIC_ID, '2027-03', { opensAt: past }, TEST_ACTOR))).to.include({ status: 422, code: 'open_time_past' });
    expect(await refusal(waves().setSchedule(CAPTIC_ID, 'demo', { opensAt: new Date('2027-06-01T00:00:00Z') }, TEST_ACTOR))).to.include({ status: 422, code: 'already_open' });
    await waves().closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    await waves().setSchedule(CAPTIC_ID, '2027-03', { closesAt: new Date('2027-02-16T00:00:00Z') }, TEST_ACTOR);
    suite.clock.set('2027-02-17T00:00:00Z');
    expect(await refusal(waves().openWave(CAPTIC_ID, '2027-03', TEST_ACTOR))).to.include({ status: 422, code: 'close_in_past' });
    expect((await storedWaves()).find((w) => w.waveId === '2027-03')).to.include({ status: 'draft' });
  });

  it('keeps the planned open time of a scheduled wave that opened by itself when Open is pressed', async () => {
    await waves().closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    await waves().createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
    await waves().scheduleWave(CAPTIC_ID, '2027-03', TEST_ACTOR, { opensAt: new Date('2027-03-01T08:00:00Z') });
    suite.clock.set('2027-03-10T08:00:00Z');
    await waves().openWave(CAPTIC_ID, '2027-03', TEST_ACTOR);
    expect((await storedWaves()).find((w) => w.waveId === '2027-03')).to.deep.include({ opensAt: new Date('2027-03-01T08:00:00Z') });
  });

  it('seeds a wave the file says is open from a day still to come as scheduled for that day', async () => {
    suite.clock.set('2026-02-01T12:00:00Z');
    await suite.app.reset();
    const coworking = await storedCollection('waves').findOne({ surveyId: 'coworking_members_2026', waveId: '2026-spring' });
    // field_start "2026-03-01" in Europe/London: midnight GMT.
    expect(coworking).to.include({ status: 'scheduled' }).and.deep.include({ opensAt: new Date('2026-03-01T00:00:00Z') });
    expect(coworking).to.not.have.property('openedAt');
  });

  it('copies only the quota cells the new wave’s version has, saying which it left, and refuses a version its quotas do not fit', async () => {
    const quotas = [{ questionId: 'company_size', optionId: 'tpe', limit: 150 }, { questionId: 'company_size', optionId: 'eti', limit: 20 }];
    await storedCollection('waves').updateOne({ surveyId: CAPTIC_ID, waveId: '2011-03' }, { $set: { quotas } });
    const { fingerprint: withoutEti } = await recordVersionText(CAPTIC_WITHOUT_ETI, 'captic-no-eti.yaml');
    const copied = await waves().createWave(CAPTIC_ID, { waveId: '2027-03', copyFrom: '2011-03', fingerprint: withoutEti }, TEST_ACTOR);
    expect(copied.quotas).to.deep.equal([quotas[0]]);
    const created = await storedCollection('audit_events').findOne({ action: 'wave_created', target: '2027-03' });
    expect(created?.details).to.deep.include({ quotasNotCopied: [quotas[1]] });

    await waves().createWave(CAPTIC_ID, { waveId: '2027-04', copyFrom: '2011-03' }, TEST_ACTOR);
    const before = await storedWaves();
    const error = await refusal(waves().pinVersion(CAPTIC_ID, '2027-04', withoutEti, TEST_ACTOR));
    expect(error).to.include({ status: 422, code: 'quotas_do_not_fit' });
    expect(error.message).to.contain('eti');
    expect(await storedWaves()).to.deep.equal(before);
  });

  it('at boot, keeps only the most recently opened of a database’s open waves open, and builds the one-open-wave index', async () => {
    // A database from before waves had a life: two waves of a survey recorded open, no index.
    const collection = storedCollection('waves');
    await collection.dropIndex('one_open_wave_per_survey');
    await collection.insertOne({ surveyId: CAPTIC_ID, waveId: '2010-03', status: 'open', openedAt: new Date('2010-03-01T00:00:00Z'), createdAt: new Date('2010-03-01T00:00:00Z'), fingerprint: suite.app.catalog.require(CAPTIC_ID).fingerprint });
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } }));
    await registerSurvey(suite.app.catalog.require(CAPTIC_ID), logger, { now: suite.clock.now() });
    const stored = await storedWaves();
    expect(stored.filter((w) => w.status === 'open').map((w) => w.waveId)).to.deep.equal(['demo']);
    expect(stored.find((w) => w.waveId === '2010-03')).to.include({ status: 'closed' }).and.deep.include({ closedAt: suite.clock.now() });
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).to.deep.equal([
      'survey captic_2011: wave 2010-03 recorded closed: only one wave of a survey may be open, and demo is the one respondents were joining',
    ]);
    expect((await collection.indexes()).map((index) => index.name)).to.include('one_open_wave_per_survey');
  });

  it('refuses to pin another version once the wave has opened', async () => {
    const error = await refusal(waves().pinVersion(CAPTIC_ID, 'demo', suite.app.catalog.require(CAPTIC_ID).fingerprint, TEST_ACTOR));
    expect(error).to.include({ status: 409, code: 'wave_not_draft' });
  });
});
