// The analysts' report in a real browser: Chart.js loads from our own server under the strict
// CSP, draws one chart per question, the page has no serious accessibility problem, and it lays
// out for print.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { importResponses } from '../../server/responses/import.service';
import { CAPTIC_ID } from '../fixtures/captic-answers';
import { captic250AsJsonLines } from '../fixtures/captic-250';
import { ROOT, startTestApp, type TestApp } from '../support/app';
import { createStaff, signInChromium, type StaffMember } from '../support/staff';
import { describeViolations, findSeriousViolations } from './support/axe';
import { launchChromium, openContext } from './support/chromium';
import { inPage } from './support/survey';

describe('The CAP-TIC report in Chromium', function () {
  this.timeout(60_000);
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext | undefined;
  /** Reports are for staff: an analyst granted CAP-TIC signs in, in each test's fresh context. */
  let analyst: StaffMember;

  before(async () => {
    app = await startTestApp();
    await app.reset();
    await importResponses({ survey: app.catalog.require(CAPTIC_ID), format: 'jsonl', content: captic250AsJsonLines() });
    analyst = await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  it('draws every chart with Chart.js served locally, without a CSP violation or a script error', async () => {
    context = await openContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInChromium(page, app, analyst);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${app.url}/admin/surveys/${CAPTIC_ID}/waves/current/report?lang=fr`);
    await page.waitForLoadState('networkidle');
    const canvases = await page.locator('canvas[data-chart]').count();
    expect(canvases).to.be.greaterThan(8);
    const drawn = await inPage<number>(page, `[...document.querySelectorAll('canvas[data-chart]')].filter((c) => Chart.getChart(c)).length`);
    expect(drawn).to.equal(canvases);
    expect(problems).to.deep.equal([]);
    expect(requests.every((url) => url.startsWith(app.url))).to.equal(true);
    expect(await page.locator('#print-link').isVisible()).to.equal(true);
    await mkdir(path.join(ROOT, 'test', 'artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test', 'artifacts', 'captic-report-1280.png'), fullPage: true });
  });

  it('has no serious or critical accessibility violation', async () => {
    context = await openContext(browser);
    const page = await context.newPage();
    await signInChromium(page, app, analyst);
    await page.goto(`${app.url}/admin/surveys/${CAPTIC_ID}/waves/current/report?lang=en`);
    const violations = await findSeriousViolations(page);
    expect(describeViolations(violations)).to.deep.equal([]);
  });

  it('prints to PDF with the statements and the methodology box', async () => {
    context = await openContext(browser);
    const page = await context.newPage();
    await signInChromium(page, app, analyst);
    await page.goto(`${app.url}/admin/surveys/${CAPTIC_ID}/waves/current/report?lang=en`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#print-link').isVisible()).to.equal(false);
    expect(await page.locator('.site-header').isVisible()).to.equal(false);
    expect(await page.locator('.methodology').isVisible()).to.equal(true);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(pdf.length).to.be.greaterThan(20_000);
  });
});
