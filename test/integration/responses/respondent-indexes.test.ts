// Every query a respondent's visit makes is served by an index, at 10,000 stored responses: the
// server itself says so (explain of each recorded command, and notablescan refusing any scan),
// so the test holds on the embedded store and on a real MongoDB alike, and a query that starts
// scanning as responses pile up fails here long before it slows a fielded survey down.
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Document } from 'mongodb';
import { Browser, pageIdOf, type Page } from '../../support/browser';
import type { TestApp } from '../../support/app';
import {
  appCollections,
  buildDeclaredIndexes,
  checkLookup,
  formatCommand,
  recordQueries,
  setNoTableScan,
  type RecordedQuery,
  useMonitoredApp,
} from '../../support/command-log';
import { CAPTIC_ID, USER_PAGES } from '../../fixtures/captic-answers';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { storedResponseDocument } from '../../fixtures/stored-response';
import { rebuildTallies } from '../../../server/analysis/tally/tally.service';
import { tallyTargetFor } from '../../../server/analysis/tally/tally.hooks';

const STORED_RESPONSES = 10_000;
const CURRENT_WAVE = 'demo';
/** A monthly barometer two years on: the waves before the current one, all closed. */
const EARLIER_WAVES = Array.from({ length: 24 }, (_, i) => {
  const month = new Date(Date.UTC(2009, 2 + i, 1));
  return `${month.getUTCFullYear()}-${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
});
const INSERT_BATCH = 1000;
/**
 * An index lookup reads one document (a few when a page's write retries); a scan reads them all.
 * The bound is far below the seeded counts, so any query whose cost grows with them fails.
 */
const MAX_EXAMINED = 5;

function collection(name: string) {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  return db.collection(name);
}

/** Two in three stored responses complete (with answers from the CAP-TIC fixture), the rest partial. */
function storedResponses(fingerprint: string): Document[] {
  const fixture = buildCaptic250();
  const firstStart = Date.UTC(2011, 2, 1);
  return Array.from({ length: STORED_RESPONSES }, (_, i) => {
    const complete = i % 3 !== 0;
    const { answers, otherTexts, language } = fixture[i % fixture.length]!;
    const startedAt = new Date(firstStart + i * 60_000);
    return storedResponseDocument({
      fingerprint,
      tokenSeed: `seeded-respondent-${i}`,
      status: complete ? 'complete' : 'partial',
      answers: complete ? answers : { uses_social: answers.uses_social },
      otherTexts: complete ? otherTexts : {},
      language,
      lastPageId: complete ? 'profile' : 'social_use',
      startedAt,
      savedAt: new Date(startedAt.getTime() + 5 * 60_000),
      revision: complete ? 9 : 1,
    });
  });
}

/**
 * 10,000 responses to the open wave, 24 closed waves before it, and the live tallies of every
 * wave (a few thousand documents), so that a query that read a whole collection, or a whole
 * wave through a too-short index, would examine far more than one document.
 */
async function seedStoredData(app: TestApp): Promise<void> {
  const survey = app.catalog.require(CAPTIC_ID);
  const responses = storedResponses(survey.fingerprint);
  for (let i = 0; i < responses.length; i += INSERT_BATCH) {
    await collection('responses').insertMany(responses.slice(i, i + INSERT_BATCH));
  }
  await collection('waves').insertMany(EARLIER_WAVES.map((waveId, i) => {
    const openedAt = new Date(Date.UTC(2009, 2 + i, 1));
    return {
      surveyId: CAPTIC_ID,
      waveId,
      label: { fr: waveId, en: waveId },
      status: 'closed',
      openedAt,
      closedAt: new Date(openedAt.getTime() + 28 * 86_400_000),
      createdAt: openedAt,
      updatedAt: openedAt,
    };
  }));
  const earlierAnswers = buildCaptic250(7);
  for (const waveId of EARLIER_WAVES) await rebuildTallies(tallyTargetFor(survey.definition, waveId), earlierAnswers);
  const currentAnswers = responses.filter((r) => r.status === 'complete').map((r) => ({ answers: r.answers as Document }));
  await rebuildTallies(tallyTargetFor(survey.definition, CURRENT_WAVE), currentAnswers);
}

function expectPage(page: Page, expected: { status?: number; pageId?: string; heading?: string }, step: string): void {
  const where = `${step}: got ${page.status} on ${pageIdOf(page) ?? page.$('h1').text()}`;
  expect(page.status, where).to.equal(expected.status ?? 200);
  if (expected.pageId) expect(pageIdOf(page), where).to.equal(expected.pageId);
  if (expected.heading) expect(page.$('h1').text(), where).to.equal(expected.heading);
}

/**
 * A respondent's whole visit: the intro, consent, each page read and posted, a refused page, a
 * step Back, moving to another device through the "continue later" link, the last page, the
 * thank-you page, and coming back to the intro afterwards. Each step's status and page are checked.
 */
async function walkRespondentPath(baseUrl: string): Promise<void> {
  const browser = new Browser(baseUrl);
  const intro = await browser.open(`/s/${CAPTIC_ID}`);
  expectPage(intro, { heading: 'Utilisation des réseaux sociaux par les professionnels' }, 'intro');
  let page = await browser.submit(intro, { consent: 'yes' });
  expectPage(page, { pageId: 'social_use' }, 'start');
  page = await browser.submit(page, USER_PAGES.social_use!);
  expectPage(page, { pageId: 'social_usage' }, 'social_use');
  // networks is required: the page comes back with the error, nothing else is lost.
  const refused = await browser.submit(page, { usage: 'both' });
  expectPage(refused, { status: 422, pageId: 'social_usage' }, 'social_usage without networks');
  page = await browser.submit(refused, USER_PAGES.social_usage!);
  expectPage(page, { pageId: 'satisfaction' }, 'social_usage');
  page = await browser.submit(page, {}, 'back');
  expectPage(page, { pageId: 'social_usage' }, 'back from satisfaction');
  page = await browser.submit(page, USER_PAGES.social_usage!);
  expectPage(page, { pageId: 'satisfaction' }, 'social_usage again');

  const link = page.$('#resume-link').attr('href');
  expect(link, 'the "continue later" link').to.be.a('string');
  const otherDevice = new Browser(baseUrl);
  page = await otherDevice.open(new URL(link!).pathname);
  expectPage(page, { pageId: 'satisfaction' }, 'resume link');
  const answered = new Set<string>();
  for (let pageId = pageIdOf(page); pageId; pageId = pageIdOf(page)) {
    const answers = USER_PAGES[pageId];
    if (!answers || answered.has(pageId)) throw new Error(`page ${pageId} again, or a page with no answers planned`);
    answered.add(pageId);
    page = await otherDevice.submit(page, answers);
    expectPage(page, {}, pageId);
  }
  expectPage(page, { heading: 'Merci, vos réponses ont bien été envoyées' }, 'thank-you page');
  const again = await otherDevice.open(`/s/${CAPTIC_ID}`);
  expectPage(again, { heading: 'Merci, vos réponses ont bien été envoyées' }, 'intro after completing');
}

describe('The respondent path at 10,000 stored responses', function () {
  // Seeding 10,000 responses and explaining every query takes seconds, not the usual fraction.
  this.timeout(60_000);
  const suite = useMonitoredApp();

  before(async () => {
    await suite.app.reset();
    await buildDeclaredIndexes();
    await seedStoredData(suite.app);
  });

  // Both tests add one respondent to the seeded data instead of emptying it: seeding is the
  // expensive part, and one more response changes nothing the assertions look at.
  it('serves every query from an index, examining at most a handful of documents', async () => {
    let queries: RecordedQuery[] = [];
    const recording = recordQueries(appCollections());
    try {
      await walkRespondentPath(suite.app.url);
    } finally {
      queries = recording.stop();
    }
    // Every request reads the response and the last page writes the tallies: an empty recording
    // would mean the monitoring, not the app, changed.
    expect([...new Set(queries.map((q) => q.collection))], 'collections queried').to.include.members(['responses', 'tallies']);

    // The same lookup runs on every request: problems are listed once per query shape (command,
    // filtered fields, plan), with how often it ran, the most it examined and one example.
    const problems = new Map<string, { runs: number; examined: number; example: RecordedQuery }>();
    for (const query of queries) {
      const { isLookup, scans, examined, stages } = await checkLookup(query, MAX_EXAMINED);
      if (isLookup) continue;
      const shape = `${scans ? 'collection scan' : `more than ${MAX_EXAMINED} examined`} by ${query.commandName} on ${query.collection}`
        + ` (${Object.keys(query.filter).join(', ')}): ${stages.join(' < ')}`;
      const seen = problems.get(shape);
      problems.set(shape, { runs: (seen?.runs ?? 0) + 1, examined: Math.max(seen?.examined ?? 0, examined), example: seen?.example ?? query });
    }
    const runs = [...problems.values()].reduce((sum, p) => sum + p.runs, 0);
    const listed = [...problems].map(([shape, p]) => `${shape}\n  ran ${p.runs}×, up to ${p.examined} keys or documents examined; e.g. ${formatCommand(p.example.command)}`);
    expect(runs, `${runs} of ${queries.length} respondent-path queries are not index lookups:\n${listed.join('\n')}\n`).to.equal(0);
  });

  it('answers every page while the server refuses collection scans (notablescan)', async () => {
    await setNoTableScan(true);
    try {
      await walkRespondentPath(suite.app.url);
    } finally {
      await setNoTableScan(false);
    }
  });
});
