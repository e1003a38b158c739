// The dashboard header's fieldwork figures, read from responses stored on chosen days. Days are the
// survey's: a response completed at 00:30 in Paris on 10 March is 23:30 UTC on 9 March.
import { expect } from 'chai';
import { activityChart, countCompletion, readWaveActivity, rebuildWaveActivity } from '../../../server/dashboard/activity.service';
import { ResponseModel } from '../../../server/responses/response.model';
import { WaveActivityModel } from '../../../server/dashboard/wave-activity.model';
import { resetDatabase } from '../../support/database';
import { setNoTableScan } from '../../support/command-log';

const SURVEY = 'captic_2011';
const WAVE = { surveyId: SURVEY, waveId: 'demo' };
const PARIS = 'Europe/Paris';
/** 13:00 in Paris on Tuesday 10 March 2026. */
const NOW = new Date('2026-03-10T12:00:00Z');

let seeded = 0;

function stored(spec: { status: 'partial' | 'complete' | 'screened_out' | 'voided'; completedAt?: string; waveId?: string; test?: boolean }) {
  seeded += 1;
  const completedAt = spec.completedAt ? new Date(spec.completedAt) : undefined;
  return {
    surveyId: SURVEY,
    waveId: spec.waveId ?? WAVE.waveId,
    fingerprint: 'seeded',
    status: spec.status,
    language: 'fr',
    answers: { uses_social: 'no' },
    resumeTokenHash: `activity-${seeded}`,
    startedAt: new Date((completedAt ?? NOW).getTime() - 10 * 60_000),
    ...(completedAt ? { completedAt } : {}),
    ...(spec.test ? { test: true } : {}),
  };
}

describe('the dashboard header: a wave’s activity', () => {
  before(async () => {
    await ResponseModel.init();
  });

  beforeEach(async () => {
    await resetDatabase();
    seeded = 0;
  });

  /** Responses stored behind the hooks' back, then counted by a rebuild, as `tallies:rebuild` does. */
  async function seedDemoWave(timeZone = PARIS): Promise<void> {
    await ResponseModel.insertMany([
      stored({ status: 'complete', completedAt: '2025-12-01T10:00:00Z' }),
      stored({ status: 'complete', completedAt: '2026-03-07T10:00:00Z' }),
      // 23:30 on 9 March in Paris.
      stored({ status: 'complete', completedAt: '2026-03-09T22:30:00Z' }),
      // 00:30 on 10 March in Paris, still 9 March in UTC.
      stored({ status: 'complete', completedAt: '2026-03-09T23:30:00Z' }),
      stored({ status: 'complete', completedAt: '2026-03-10T08:00:00Z' }),
      stored({ status: 'partial' }),
      stored({ status: 'partial' }),
      stored({ status: 'screened_out' }),
      // Counted nowhere: a test response, a voided one, another wave's.
      stored({ status: 'complete', completedAt: '2026-03-10T09:00:00Z', test: true }),
      stored({ status: 'voided', completedAt: '2026-03-10T09:30:00Z' }),
      stored({ status: 'complete', completedAt: '2026-03-10T10:00:00Z', waveId: '2011-03' }),
    ]);
    await rebuildWaveActivity(WAVE, timeZone);
  }

  it('counts completes, partials and screened-out responses, and completes per day in the survey’s zone', async () => {
    await seedDemoWave();
    const header = await readWaveActivity(WAVE, PARIS, NOW);
    expect(header).to.deep.equal({
      completes: 5,
      partials: 2,
      screenedOut: 1,
      completionRate: 5 / 8,
      today: 2,
      perDay: [
        { day: '2026-03-07', completes: 1 },
        { day: '2026-03-08', completes: 0 },
        { day: '2026-03-09', completes: 1 },
        { day: '2026-03-10', completes: 2 },
      ],
      lastCompletedAt: new Date('2026-03-10T08:00:00Z'),
    });
  });

  it('puts a response completed across midnight on the day of the survey’s zone', async () => {
    await seedDemoWave('UTC');
    const header = await readWaveActivity(WAVE, 'UTC', NOW);
    expect(header.today).to.equal(1);
    expect(header.perDay.slice(-2)).to.deep.equal([
      { day: '2026-03-09', completes: 2 },
      { day: '2026-03-10', completes: 1 },
    ]);
  });

  it('reads through the responses’ index: the store refuses collection scans and still answers', async () => {
    await seedDemoWave();
    const was = await setNoTableScan(true);
    try {
      expect((await readWaveActivity(WAVE, PARIS, NOW)).completes).to.equal(5);
    } finally {
      await setNoTableScan(was);
    }
  });

  it('gives a wave quiet for two months no days, but still its last completion', async () => {
    await ResponseModel.insertMany([stored({ status: 'complete', completedAt: '2025-12-01T10:00:00Z' }), stored({ status: 'complete', completedAt: '2025-11-30T10:00:00Z' })]);
    await rebuildWaveActivity(WAVE, PARIS);
    const header = await readWaveActivity(WAVE, PARIS, NOW);
    expect(header).to.include({ completes: 2, today: 0, completionRate: 1 });
    expect(header.perDay).to.deep.equal([]);
    expect(header.lastCompletedAt).to.deep.equal(new Date('2025-12-01T10:00:00Z'));
  });

  it('counts completions in and out as the hooks report them, equal to a rebuild from the responses', async () => {
    await seedDemoWave();
    const rebuilt = await readWaveActivity(WAVE, PARIS, NOW);
    await resetDatabase();
    await ResponseModel.insertMany([stored({ status: 'partial' }), stored({ status: 'partial' }), stored({ status: 'screened_out' })]);
    const completedAt = ['2025-12-01T10:00:00Z', '2026-03-07T10:00:00Z', '2026-03-09T22:30:00Z', '2026-03-09T23:30:00Z', '2026-03-10T08:00:00Z', '2026-03-10T09:00:00Z'];
    // Concurrent first counts of a wave: one document, every count in it.
    await Promise.all(completedAt.map((at) => countCompletion({ ...WAVE, completedAt: new Date(at) }, PARIS, 1)));
    // The 09:00 one is voided: counted out, and the last completion stays when it happened.
    await countCompletion({ ...WAVE, completedAt: new Date('2026-03-10T09:00:00Z') }, PARIS, -1);
    const counted = await readWaveActivity(WAVE, PARIS, NOW);
    expect(counted).to.deep.equal({ ...rebuilt, lastCompletedAt: new Date('2026-03-10T09:00:00Z') });
  });

  it('counts a wave whose responses were stored before its counters existed (an upgrade) at its first read', async () => {
    await ResponseModel.insertMany([stored({ status: 'complete', completedAt: '2026-03-09T22:30:00Z' }), stored({ status: 'complete', completedAt: '2026-03-10T08:00:00Z' }), stored({ status: 'partial' })]);
    const header = await readWaveActivity(WAVE, PARIS, NOW);
    expect(header).to.deep.include({ completes: 2, partials: 1, today: 1, lastCompletedAt: new Date('2026-03-10T08:00:00Z') });
    expect(header.perDay).to.deep.equal([
      { day: '2026-03-09', completes: 1 },
      { day: '2026-03-10', completes: 1 },
    ]);
    // Counted once: from then on the hooks keep the document.
    expect(await WaveActivityModel.countDocuments(WAVE)).to.equal(1);
  });

  it('gives a wave nobody started zeros and no completion rate', async () => {
    expect(await readWaveActivity(WAVE, PARIS, NOW)).to.deep.equal({ completes: 0, partials: 0, screenedOut: 0, completionRate: null, today: 0, perDay: [], lastCompletedAt: null });
  });

  it('charts completes per day, the days in the view’s language', async () => {
    await seedDemoWave();
    const header = await readWaveActivity(WAVE, PARIS, NOW);
    const chart = activityChart(header, 'fr');
    expect(chart).to.deep.include({ type: 'trend', unit: 'count', title: 'Réponses complètes par jour', annotations: ['Aujourd’hui\u00a0: 2'] });
    expect(chart.labels).to.deep.equal(['7 mars', '8 mars', '9 mars', '10 mars']);
    expect(chart.series).to.deep.equal([{ label: 'Complètes', role: 'count', values: [1, 0, 1, 2] }]);
    expect(activityChart(header, 'en').labels[0]).to.equal('7 Mar');
  });
});
