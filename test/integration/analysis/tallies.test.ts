// The live counters must always equal a full recompute from the stored responses, whatever
// mix of submissions, corrections and deletions reached them.
import { expect } from 'chai';
import { importResponses } from '../../../server/responses/import.service';
import { deleteResponse, editCompleteResponse, streamCompleteResponses, type StoredResponse } from '../../../server/responses/response.service';
import { tallyResponses } from '../../../server/analysis/figures/figures.service';
import { segmentsOf, readTallies, ALL_SEGMENT } from '../../../server/analysis/tally/tally.service';
import { segmentQuestionsOf } from '../../../server/analysis/tally/tally.hooks';
import type { Contribution } from '../../../server/analysis/tally/contribution';
import { spawn } from 'node:child_process';
import mongoose from 'mongoose';
import { ROOT } from '../../support/app';
import { useAppSuite } from '../../support/app-suite';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';
import { Browser } from '../../support/browser';
import { seededRandom } from '../../support/seeded-random';
import { DONT_KNOW, type TAnswers, type TOtherTexts } from '../../../server/surveys/answers';

const COWORKING_ID = 'coworking_members_2026';

/** Valid answers to the coworking survey: members and former members, 0 to 7 days a week. */
function coworkingPool(size: number): Array<{ answers: TAnswers; otherTexts: TOtherTexts }> {
  const random = seededRandom(2026);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: size }, (_, i) => {
    const days = Math.floor(random() * 8);
    // A nickname each: an import takes identical records for one repeated.
    const answers: TAnswers = { still_member: random() < 0.7 ? 'yes' : 'no', days_per_week: days, nickname: `member ${i}` };
    if (answers.still_member === 'yes') {
      const rows = ['wifi', 'desks', 'meeting_rooms', 'kitchen', ...(days >= 3 ? ['evening_hours'] : [])];
      answers.facilities = Object.fromEntries(rows.map((row) => [row, pick([1, 2, 3, 4, DONT_KNOW])]));
      answers.priorities = [...['quiet_zones', 'phone_booths', 'events', 'bike_parking', 'longer_hours']].sort(() => random() - 0.5).slice(0, 3 + Math.floor(random() * 3));
      answers.recommend = Math.floor(random() * 11);
    } else {
      answers.leave_reasons = [pick(['price', 'moved', 'remote_home', 'noise'])];
      if (answers.leave_reasons[0] !== 'moved' && random() < 0.8) answers.come_back = 1 + Math.floor(random() * 5);
    }
    return { answers, otherTexts: {} };
  });
}

function sorted(tally: Contribution): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [question, counts] of [...tally].sort(([a], [b]) => a.localeCompare(b))) {
    const nonZero = Object.entries(counts).filter(([, v]) => v !== 0).sort(([a], [b]) => a.localeCompare(b));
    if (nonZero.length) out[question] = Object.fromEntries(nonZero);
  }
  return out;
}

describe('Live tallies', function () {
  this.timeout(120_000);
  const suite = useAppSuite();

  /**
   * Random submissions (imports), edits and deletions of `pool`'s answers in `wave`; then each
   * segment's counters must equal a recompute from the complete responses left.
   */
  async function expectCountersEqualRecompute(surveyId: string, wave: string, pool: Array<{ answers: TAnswers; otherTexts: TOtherTexts }>): Promise<void> {
    const survey = suite.app.catalog.require(surveyId);
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const live: StoredResponse[] = [];
    const refresh = async () => {
      live.length = 0;
      for await (const r of streamCompleteResponses(surveyId, wave)) live.push(r);
    };
    let next = 0;
    for (let step = 0; step < 120; step += 1) {
      const roll = random();
      if (roll < 0.55 || live.length < 3) {
        const batch = pool.slice(next, next + 1 + Math.floor(random() * 3));
        next += batch.length;
        const report = await importResponses({ survey, wave, format: 'jsonl', content: batch.map((r) => JSON.stringify(r)).join('\n') });
        expect(report.imported, JSON.stringify(report)).to.equal(batch.length);
      } else if (roll < 0.8) {
        const target = live[Math.floor(random() * live.length)] as StoredResponse;
        const replacement = pool[Math.floor(random() * pool.length)]!;
        await editCompleteResponse(target.id, survey.definition, { answers: replacement.answers, otherTexts: replacement.otherTexts });
      } else {
        const target = live[Math.floor(random() * live.length)] as StoredResponse;
        await deleteResponse(target.id);
      }
      await refresh();
    }
    expect(live.length).to.be.greaterThan(20);

    const segmentQuestions = segmentQuestionsOf(survey.definition);
    const segments = new Set(live.flatMap((r) => segmentsOf(r.answers, segmentQuestions)));
    expect(segments.has(ALL_SEGMENT)).to.equal(true);
    for (const segment of segments) {
      const members = live.filter((r) => segmentsOf(r.answers, segmentQuestions).includes(segment));
      const recomputed = tallyResponses(survey.definition, members).counts;
      expect(sorted(await readTallies(surveyId, wave, segment)), `segment ${segment}`).to.deep.equal(sorted(recomputed));
    }
  }

  it('agree exactly with a full recompute after random submissions, edits and deletions', async () => {
    await expectCountersEqualRecompute(CAPTIC_ID, '2011-03', buildCaptic250(7));
  });

  it('agree with a recompute on a number\'s histogram bins too (the coworking survey\'s days a week)', async () => {
    await expectCountersEqualRecompute(COWORKING_ID, '2026-spring', coworkingPool(250));
    const counters = await readTallies(COWORKING_ID, '2026-spring');
    const days = counters.get('days_per_week') ?? {};
    const bins = Object.keys(days).filter((key) => key.startsWith('bin:'));
    expect(bins.length).to.be.greaterThan(5);
    expect(bins.reduce((sum, key) => sum + (days[key] ?? 0), 0)).to.equal(days.answered);
  });

  it('counts a response once when its final page is submitted twice at the same moment', async () => {
    const browser = new Browser(suite.app.url);
    let page = await browser.submit(await browser.open(`/s/${CAPTIC_ID}`), { consent: 'yes' });
    for (const id of ['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project']) {
      page = await browser.submit(page, NON_USER_PAGES[id]!);
    }
    const fields = { ...browser.hiddenFields(page), ...NON_USER_PAGES.profile!, action: 'next' };
    await Promise.all([browser.post(browser.formAction(page), fields), browser.post(browser.formAction(page), fields)]);
    // Answered on the web: the demonstration wave, open on a fresh start.
    const tally = await readTallies(CAPTIC_ID, 'demo');
    expect(tally.get('_response')).to.deep.equal({ n: 1 });
    expect(tally.get('uses_social')).to.deep.equal({ shown: 1, answered: 1, 'opt:no': 1 });
    expect(tally.has('usage')).to.equal(false);
    const segment = await readTallies(CAPTIC_ID, 'demo', 'company_size=tpe');
    expect(segment.get('_response')).to.deep.equal({ n: 1 });
  });

  it('are put right from the responses by npm run tallies:rebuild after they drifted', async () => {
    const survey = suite.app.catalog.require(CAPTIC_ID);
    await importResponses({ survey, wave: '2011-03', format: 'jsonl', content: buildCaptic250(11).slice(0, 30).map((r) => JSON.stringify(r)).join('\n') });
    const expected = sorted(await readTallies(CAPTIC_ID, '2011-03'));
    // A crash between a response's write and its counters' update leaves them short.
    await mongoose.connection.db!.collection('tallies').updateMany({ surveyId: CAPTIC_ID, questionId: '_response' }, { $inc: { 'c.n': -1 } });
    expect(sorted(await readTallies(CAPTIC_ID, '2011-03'))).to.not.deep.equal(expected);
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/analysis/tallies.cli.ts', '--survey', CAPTIC_ID, '--wave', '2011-03'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, MONGODB_URI: process.env.MONGODB_URI, LOG_LEVEL: 'warn' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.equal('Rebuilt the live counters, the activity and the quota counts of captic_2011, wave 2011-03, from 30 complete responses.\n');
    expect(sorted(await readTallies(CAPTIC_ID, '2011-03'))).to.deep.equal(expected);
    expect(sorted(await readTallies(CAPTIC_ID, '2011-03', 'company_size=tpe'))['_response']!.n).to.be.greaterThan(0);
  });
});
