// Issue 13's acceptance in a real browser: an analyst keeps CAP-TIC's live dashboard open (250
// responses imported); a respondent completes the survey in another browser and, without a
// reload, the header, the tables and the charts the response touches move within 2 seconds.
// Switching to the company-size segment, then to a weighted view, changes the address, and every
// figure on the page is the figures API's own number for the same settings. axe finds nothing
// serious in French or English; screenshots at 1280 and 360 px; no script error, and nothing
// requested from another origin. The steps share one story, in order.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { Figures } from '../../server/analysis/figures/figures.types';
import { MESSAGES } from '../../server/lib/i18n/messages';
import { importResponses } from '../../server/responses/import.service';
import { CAPTIC_ID, NON_USER_PAGES } from '../fixtures/captic-answers';
import { captic250AsJsonLines } from '../fixtures/captic-250';
import { ROOT } from '../support/app';
import { apiTokenFor, createStaff, signInChromium, type StaffMember } from '../support/staff';
import { describeViolations, findSeriousViolations } from './support/axe';
import { useChromiumSuite, type ChromiumSuite } from './support/chromium';
import { chartValues, pageQuestions, valuesNotFromApi, type PageQuestion } from './support/dashboard';
import { answerAndContinue, currentPageId, submitWith } from './support/survey';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
/** The wave the imports and the respondents' form both go to on a fresh start (CAP-TIC's open one). */
const WAVE = 'demo';
const DASHBOARD = `/admin/surveys/${CAPTIC_ID}/waves/${WAVE}/dashboard`;
/** The goal: a completed response shows on open dashboards within 2 seconds. */
const LIVE_WITHIN_MS = 2_000;
/** The question the respondent answers "no" to (NON_USER_PAGES), its table and chart. */
const TOUCHED = { question: 'uses_social', option: 'no', label: 'No' };

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

/** A respondent in a fresh browser context answers CAP-TIC to the end as a non-user of social networks. */
async function completeResponse(suite: ChromiumSuite): Promise<void> {
  const page = await suite.newPage({ locale: 'fr-FR' });
  expect((await page.goto(`${suite.app.url}/s/${CAPTIC_ID}`))?.status()).to.equal(200);
  await page.locator('#consent').check();
  expect(await submitWith(page, page.locator('form[action$="/start"] button[type="submit"]'))).to.equal(303);
  expect(await currentPageId(page)).to.equal('social_use');
  while (new URL(page.url()).pathname.includes('/p/')) await answerAndContinue(page, NON_USER_PAGES);
}

/** The cell of a question's table at a row (by its header) and a column (by its header). */
function cellOf(question: PageQuestion | undefined, rowLabel: string, columnHeader: string): number | null | undefined {
  if (!question) return undefined;
  // The first column header is over the row headers.
  const column = question.columns.indexOf(columnHeader) - 1;
  return question.rows.find((r) => r.label === rowLabel)?.values[column];
}

describe('The live dashboard in Chromium: CAP-TIC moving as a respondent completes', function () {
  this.timeout(90_000);
  const suite = useChromiumSuite({ story: true });
  let analyst: Page;
  let analystAccount: StaffMember;
  let readToken: string;
  let manageToken: string;
  /** What went wrong in the analyst's page, whatever the step: script errors, failed or foreign requests. */
  const problems: string[] = [];

  async function apiFigures(search: string): Promise<Figures> {
    const res = await fetch(`${suite.app.url}/api/v1/surveys/${CAPTIC_ID}/waves/${WAVE}/figures${search}`, { headers: { authorization: `Bearer ${readToken}` } });
    expect(res.status, await res.clone().text()).to.equal(200);
    return (await res.json()) as Figures;
  }

  /** Every figure on the page is the API's, for the same settings; returns how many were compared. */
  async function expectPageEqualsApi(search: string): Promise<number> {
    const [questions, figures] = await Promise.all([pageQuestions(analyst), apiFigures(search)]);
    expect(valuesNotFromApi(questions, figures)).to.deep.equal([]);
    return questions.reduce((n, q) => n + q.rows.reduce((m, r) => m + r.values.filter((v) => v !== null).length, 0), 0);
  }

  before(async () => {
    const survey = suite.app.catalog.require(CAPTIC_ID);
    const imported = await importResponses({ survey, wave: WAVE, format: 'jsonl', content: captic250AsJsonLines() });
    expect(imported.imported).to.equal(250);
    analystAccount = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    const organizer = await createStaff(suite.app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] });
    readToken = await apiTokenFor(analystAccount, 'read');
    manageToken = await apiTokenFor(organizer, 'manage');
    analyst = await suite.newPage({ viewport: { width: 1280, height: 900 } });
    analyst.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    analyst.on('pageerror', (error) => problems.push(`script: ${error.message}`));
    analyst.on('request', (request) => {
      if (!request.url().startsWith(suite.app.url) && !request.url().startsWith('blob:')) problems.push(`foreign request: ${request.url()}`);
      // Chromium inflates: its stream must be the packed one, so these steps exercise that path.
      const url = new URL(request.url());
      if (url.pathname.endsWith('/dashboard/events') && url.searchParams.get('packed') !== '1') problems.push(`stream not packed: ${request.url()}`);
    });
    analyst.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    await signInChromium(analyst, suite.app, analystAccount);
  });

  it('opens with every chart drawn by Chart.js and the stream live', async () => {
    await analyst.goto(`${suite.app.url}${DASHBOARD}?lang=en`);
    await analyst.locator('#live-status[data-live-state="live"]').waitFor();
    expect(await analyst.locator('[data-figure="completes"]').getAttribute('data-value')).to.equal('250');
    const canvases = await analyst.locator('canvas[data-chart]').count();
    expect(canvases).to.be.greaterThan(8);
    const drawn = await analyst.evaluate<number>(`[...document.querySelectorAll('canvas[data-chart]')].filter((c) => Chart.getChart(c)).length`);
    expect(drawn).to.equal(canvases);
    // Choice questions have their 95 % intervals drawn as whiskers.
    expect(await analyst.evaluate<string>(`Chart.getChart(document.getElementById('q-${TOUCHED.question}-chart')).config.type`)).to.equal('barWithErrorBars');
    expect(await expectPageEqualsApi('')).to.be.greaterThan(100);
    await screenshot(analyst, '1280');
  });

  it('moves the header, the tables and the charts within 2 seconds of a completed response, without a reload', async () => {
    const count = MESSAGES['report.count'].en;
    const percent = MESSAGES['report.percent'].en;
    const before = (await pageQuestions(analyst)).find((q) => q.id === TOUCHED.question);
    const countBefore = cellOf(before, TOUCHED.label, count);
    expect(countBefore).to.be.a('number');
    const chartBefore = await chartValues(analyst, `q-${TOUCHED.question}-chart`);
    // A reload would drop this mark.
    await analyst.evaluate(`window.dashboardStoryMark = true`);

    await completeResponse(suite);
    const completedAt = Date.now();
    await analyst.locator('[data-figure="completes"][data-value="251"]').waitFor({ timeout: LIVE_WITHIN_MS });
    await analyst.locator(`#q-${TOUCHED.question} td[data-value="${(countBefore as number) + 1}"]`).first().waitFor({ timeout: Math.max(100, LIVE_WITHIN_MS - (Date.now() - completedAt)) });
    expect(Date.now() - completedAt).to.be.below(LIVE_WITHIN_MS);
    expect(await analyst.evaluate<boolean>('window.dashboardStoryMark === true')).to.equal(true);

    const after = (await pageQuestions(analyst)).find((q) => q.id === TOUCHED.question);
    expect(cellOf(after, TOUCHED.label, count)).to.equal((countBefore as number) + 1);
    const figures = await apiFigures('');
    const proportion = figures.questions[TOUCHED.question]?.options?.[TOUCHED.option]?.proportion;
    expect(cellOf(after, TOUCHED.label, percent)).to.equal(proportion);
    // The chart kept its canvas and moved to the new share (percent, in the options' order).
    const chartAfter = await chartValues(analyst, `q-${TOUCHED.question}-chart`);
    expect(chartAfter).to.not.deep.equal(chartBefore);
    expect(chartAfter[0]).to.include((proportion as number) * 100);
    expect(await analyst.locator('#live-status').getAttribute('data-live-state')).to.equal('live');
    expect(await expectPageEqualsApi('')).to.be.greaterThan(100);
  });

  it('switches to the company-size segment: the address says so and the figures are the API\'s', async () => {
    await analyst.locator('#control-by').selectOption('company_size');
    await Promise.all([analyst.waitForURL(/[?&]by=company_size(&|$)/), analyst.locator('.dashboard-controls button[type="submit"]').click()]);
    const address = new URL(analyst.url());
    expect(address.pathname).to.equal(DASHBOARD);
    expect(address.searchParams.get('by')).to.equal('company_size');
    await analyst.locator('#live-status[data-live-state="live"]').waitFor();
    expect(await expectPageEqualsApi('?by=company_size')).to.be.greaterThan(100);
    // One chart series per segment beside the total.
    const series = await chartValues(analyst, `q-${TOUCHED.question}-chart`);
    expect(series.length).to.equal(1 + Object.keys((await apiFigures('?by=company_size')).crosstab?.columns ?? {}).length);
  });

  it('switches to a weighted view once the wave has targets: the address says so and the figures are the API\'s', async () => {
    const res = await fetch(`${suite.app.url}/api/v1/surveys/${CAPTIC_ID}/waves/${WAVE}/weighting`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${manageToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'poststratify', targets: { company_size: { tpe: 60, pme: 25, eti: 10, ge: 5 } } }),
    });
    expect(res.status, await res.text()).to.equal(204);
    // The form was drawn when the wave had no weighting: the page says so until it is drawn again.
    expect(await analyst.locator('#control-weighted').isDisabled()).to.equal(true);
    await analyst.reload();
    await analyst.locator('#control-weighted').check();
    await Promise.all([analyst.waitForURL(/[?&]weighted=1(&|$)/), analyst.locator('.dashboard-controls button[type="submit"]').click()]);
    const address = new URL(analyst.url());
    expect(address.searchParams.get('weighted')).to.equal('1');
    expect(address.searchParams.get('by')).to.equal('company_size');
    await analyst.locator('#live-status[data-live-state="live"]').waitFor();
    expect(await analyst.locator('#weighting-summary').isVisible()).to.equal(true);
    expect(await expectPageEqualsApi('?by=company_size&weighted=1')).to.be.greaterThan(100);
  });

  it('has no serious accessibility problem, in English and in French, and lays out on a phone', async () => {
    expect(describeViolations(await findSeriousViolations(analyst))).to.deep.equal([]);
    const phone = await suite.newPage({ viewport: { width: 360, height: 780 }, locale: 'fr-FR' });
    phone.on('pageerror', (error) => problems.push(`script (phone): ${error.message}`));
    await signInChromium(phone, suite.app, analystAccount);
    await phone.goto(`${suite.app.url}${DASHBOARD}?lang=fr`);
    await phone.locator('#live-status[data-live-state="live"]').waitFor();
    expect(describeViolations(await findSeriousViolations(phone))).to.deep.equal([]);
    // Nothing wider than the screen but the tables, which scroll inside their card.
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).to.be.at.most(0);
    await screenshot(phone, '360');
  });

  it('met no script error, failed request or foreign request on the way', () => {
    expect(problems).to.deep.equal([]);
  });
});

describe('The live dashboard\'s status region, while the server ends its streams at their maximum age', function () {
  this.timeout(60_000);
  // Streams last a second here (a quarter of an hour in production): the page reconnects again and again.
  const suite = useChromiumSuite({ env: () => ({ LIVE_STREAM_MAX_AGE_MS: '1000' }) });

  it('stays live and announces nothing when each stream comes back at once', async () => {
    const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    const page = await suite.newPage({ viewport: { width: 1280, height: 900 } });
    await signInChromium(page, suite.app, analyst);
    let streams = 0;
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.endsWith('/dashboard/events')) streams += 1;
    });
    await page.goto(`${suite.app.url}${DASHBOARD}?lang=en`);
    await page.locator('#live-status[data-live-state="live"]').waitFor();
    // Every state the region takes from now on, and every text a screen reader would be told.
    await page.evaluate(`(() => {
      const status = document.getElementById('live-status');
      window.liveStates = [];
      new MutationObserver(() => window.liveStates.push(status.getAttribute('data-live-state') + ': ' + status.textContent.trim()))
        .observe(status, { attributes: true, childList: true, characterData: true, subtree: true });
    })()`);
    const seen = streams;
    while (streams < seen + 2) await page.waitForRequest((request) => new URL(request.url()).pathname.endsWith('/dashboard/events'), { timeout: 10_000 });
    await page.locator('#live-status[data-live-state="live"]').waitFor();
    expect(await page.evaluate<string[]>('window.liveStates')).to.deep.equal([]);
  });
});

describe('The live dashboard in a browser whose DecompressionStream cannot inflate raw DEFLATE (Chromium 80 to 102)', function () {
  this.timeout(60_000);
  const suite = useChromiumSuite();

  it('follows plain events, and moves with a change instead of reconnecting again and again', async () => {
    const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    const page = await suite.newPage({ viewport: { width: 1280, height: 900 } });
    // Those browsers know 'gzip' and 'deflate' only, and throw on any other format.
    await page.addInitScript(`(() => {
      const Original = window.DecompressionStream;
      window.DecompressionStream = function (format) {
        if (format !== 'gzip' && format !== 'deflate') throw new TypeError('Unsupported compression format: ' + format);
        return new Original(format);
      };
    })()`);
    await signInChromium(page, suite.app, analyst);
    const streams: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.endsWith('/dashboard/events')) streams.push(request.url());
    });
    await page.goto(`${suite.app.url}${DASHBOARD}?lang=en`);
    await page.locator('#live-status[data-live-state="live"]').waitFor();
    const before = await page.locator('#dashboard').getAttribute('data-version');
    const survey = suite.app.catalog.require(CAPTIC_ID);
    const [line] = captic250AsJsonLines().split('\n');
    expect((await importResponses({ survey, wave: WAVE, format: 'jsonl', content: line ?? '' })).imported).to.equal(1);
    // The page's version moves only when it has applied an event.
    await page.locator(`#dashboard:not([data-version="${before}"])`).waitFor({ timeout: LIVE_WITHIN_MS * 2 });
    expect(streams.length).to.equal(1);
    expect(new URL(streams[0] ?? '').searchParams.get('packed')).to.equal(null);
  });
});
