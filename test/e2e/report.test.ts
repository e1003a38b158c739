// The analysts' report in a real browser: Chart.js loads from our own server under the strict
// CSP, draws one chart per question with its values written on the bars, the page has no serious
// accessibility problem, it fits a 360 px phone with and without JavaScript (wide tables scroll in
// their own region, no empty chart boxes without the script), and it lays out for print.
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
import { inPage, untilInPage } from './support/survey';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');

/** Page-side: the elements whose box ends right of the window (outside any scrolling region). */
const OVERFLOWING_ELEMENTS = `[...document.querySelectorAll('body *')]
  .filter((e) => !e.closest('.table-scroll') && e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')`;

interface ScrollRegion { named: boolean; focusable: boolean; scrolls: boolean }
/** Page-side: each report table's scrolling container, whether keyboard users can reach and name it. */
const TABLE_REGIONS = `[...document.querySelectorAll('.report table')].map((table) => {
  const region = table.closest('.table-scroll');
  if (!region) return { named: false, focusable: false, scrolls: table.getBoundingClientRect().right > window.innerWidth };
  const labelledBy = (region.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean).map((id) => document.getElementById(id)?.textContent.trim() || '').join(' ');
  const scrolls = region.scrollWidth > region.clientWidth;
  if (scrolls) region.setAttribute('data-scrolls', '');
  return { named: region.getAttribute('role') === 'region' && labelledBy.length > 0, focusable: region.tabIndex === 0, scrolls };
})`;

/** Page-side: the chart boxes that take space, and those among them with no chart drawn. */
const CHART_BOXES = `(() => {
  const shown = [...document.querySelectorAll('.chart')].filter((box) => box.getBoundingClientRect().height > 0);
  const drawn = (box) => typeof Chart !== 'undefined' && Chart.getChart(box.querySelector('canvas')) !== undefined;
  return { shown: shown.length, empty: shown.filter((box) => !drawn(box)).length };
})()`;

const RECORD_CANVAS_TEXT = `(() => {
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    (this.canvas.drawnTexts ||= []).push(String(text));
    return fillText.call(this, text, ...rest);
  };
})()`;

interface ChartTexts { question: string; expected: string[]; drawn: string[] }
/**
 * Page-side: per chart, the percentages its question's first table prints (the "%" column, or a
 * matrix's top-2 column) and the texts drawn on its canvas.
 */
const CHART_TEXTS = `[...document.querySelectorAll('.question-result')].filter((s) => s.querySelector('canvas[data-chart]')).map((section) => {
  const table = section.querySelector('table.figures');
  const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  const column = headers.findIndex((h) => h === '%' || h === 'Satisfaits (top 2)');
  const expected = [...table.querySelectorAll('tbody tr')].map((tr) => tr.children[column].textContent.trim());
  return { question: section.querySelector('h3').textContent, expected, drawn: section.querySelector('canvas').drawnTexts || [] };
})`;

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
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'captic-report-1280.png'), fullPage: true, timeout: 30_000 });
    await page.goto(`${app.url}/admin/surveys/${CAPTIC_ID}/waves/current/report?lang=fr&by=company_size`);
    await page.waitForLoadState('networkidle');
    expect(await inPage<number>(page, 'document.documentElement.scrollWidth')).to.be.at.most(1280);
    await page.screenshot({ path: path.join(ARTIFACTS, 'captic-report-crosstab-1280.png'), fullPage: true, timeout: 30_000 });
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`fits a 360 px phone with the crosstab, JavaScript ${javaScriptEnabled ? 'on' : 'off'}: only wide tables scroll, in their own named region`, async () => {
      context = await openContext(browser, { viewport: { width: 360, height: 800 }, javaScriptEnabled });
      const page = await context.newPage();
      await signInChromium(page, app, analyst);
      await page.goto(`${app.url}/admin/surveys/${CAPTIC_ID}/waves/current/report?lang=fr&by=company_size`);
      if (javaScriptEnabled) await page.waitForLoadState('networkidle');
      expect(await page.locator('table.crosstab').count()).to.be.greaterThan(3);
      // The elements that stick out of the window, so a failure says what to fix.
      const overflowing = await inPage<string[]>(page, OVERFLOWING_ELEMENTS);
      expect(overflowing).to.deep.equal([]);
      expect(await inPage<number>(page, 'document.documentElement.scrollWidth')).to.be.at.most(360);
      const regions = await inPage<ScrollRegion[]>(page, TABLE_REGIONS);
      expect(regions.filter((r) => !r.named || !r.focusable)).to.deep.equal([]);
      expect(regions.filter((r) => r.scrolls).length, 'the crosstabs are wider than a phone').to.be.greaterThan(0);
      // A keyboard user reaches the region and scrolls it (waiting on the page needs its script).
      await page.locator('.table-scroll[data-scrolls]').first().focus();
      if (javaScriptEnabled) {
        await page.keyboard.press('ArrowRight');
        await untilInPage(page, 'document.activeElement.matches(".table-scroll") && document.activeElement.scrollLeft > 0');
      } else {
        expect(await inPage<boolean>(page, 'document.activeElement.matches(".table-scroll[data-scrolls]")')).to.equal(true);
      }
      // Charts are drawn by the script: without it, no box waits for them.
      const boxes = await inPage<{ shown: number; empty: number }>(page, CHART_BOXES);
      expect(boxes.empty, 'chart boxes shown without a chart drawn in them').to.equal(0);
      if (javaScriptEnabled) expect(boxes.shown).to.be.greaterThan(8);
      else expect(boxes.shown).to.equal(0);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `captic-report-crosstab-360-${javaScriptEnabled ? 'js' : 'nojs'}.png`), fullPage: true, timeout: 30_000 });
    });
  }

  it('has no serious accessibility violation at 360 px with the crosstab, with and without its scripts', async () => {
    for (const scripts of [true, false]) {
      // axe runs in the page's JavaScript: "without" is the page with its scripts refused, the DOM JavaScript-off readers get.
      context = await openContext(browser, { viewport: { width: 360, height: 800 } });
      if (!scripts) await context.route(/\.js(\?|$)/, (route) => route.abort());
      const page = await context.newPage();
      await signInChromium(page, app, analyst);
      await page.goto(`${app.url}/admin/surveys/${CAPTIC_ID}/waves/current/report?lang=en&by=company_size`);
      await page.waitForLoadState('networkidle');
      expect(await page.locator('.chart:not([hidden])').count()).to.equal(scripts ? await page.locator('.chart').count() : 0);
      expect(describeViolations(await findSeriousViolations(page)), scripts ? 'with scripts' : 'without').to.deep.equal([]);
      await context.close();
      context = undefined;
    }
  });

  it('writes each bar\'s percentage on the chart, as the table beside it prints it', async () => {
    context = await openContext(browser, { viewport: { width: 360, height: 800 } });
    // Every text the page draws on a canvas, kept per canvas: what the reader sees on the chart.
    await context.addInitScript(RECORD_CANVAS_TEXT);
    const page = await context.newPage();
    await signInChromium(page, app, analyst);
    await page.goto(`${app.url}/admin/surveys/${CAPTIC_ID}/waves/current/report?lang=fr`);
    await page.waitForLoadState('networkidle');
    const charts = await inPage<ChartTexts[]>(page, CHART_TEXTS);
    expect(charts.length).to.be.greaterThan(8);
    for (const chart of charts) {
      expect(chart.expected.length, chart.question).to.be.greaterThan(0);
      expect(chart.expected.filter((text) => !chart.drawn.includes(text)), `${chart.question}: drew ${chart.drawn.join(' | ')}`).to.deep.equal([]);
    }
    expect(charts.flatMap((c) => c.expected).some((text) => /\u202f%$/.test(text)), 'French percentages').to.equal(true);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'captic-report-360.png'), fullPage: true, timeout: 30_000 });
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
