// The respondent's pages on a 360 px phone and a 1280 px desktop, with JavaScript on and off: every
// page of both shipped surveys (CAP-TIC's users' and non-users' branches, the coworking survey's
// members' and former members' branches, which hold the other question types), the pages with
// errors included. On each page, at both widths and at widths in between: every control a finger
// uses is at least 44×44 px, nothing scrolls sideways; on the phone the header takes at most a
// quarter of the screen. The progress bar never goes back; axe once per page and width; the
// question page with its CSS and JS weighs under 60 KB. Screenshots of every page at both widths
// go to test/artifacts/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Page, Response } from 'playwright-core';
import { CAPTIC_ID, NON_USER_PAGES, USER_PAGES } from '../fixtures/captic-answers';
import { ROOT } from '../support/app';
import type { FormFields } from '../support/browser';
import { describeViolations, findSeriousViolations } from './support/axe';
import { useChromiumSuite } from './support/chromium';
import { FORM, answerPage, currentPageId, inPage, next, submitWith } from './support/survey';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
const WIDTHS = [PHONE, DESKTOP];
/**
 * Widths checked for sizes and overflow only: a larger phone, each side of the breakpoints where
 * a long strip fits on one line (37.5rem) and matrices become tables (48rem), a tablet, and 1280 px
 * zoomed to 200 %.
 */
const IN_BETWEEN = [400, 560, 599, 600, 640, 767, 768, 1024].map((width) => ({ width, height: 900 }));
const TARGET_PX = 44;
const PAGE_BUDGET_BYTES = 60 * 1024;
const COWORKING_ID = 'coworking_members_2026';

/** Rankings are menus, which the shared helper does not fill: this page's ranks, by field name. */
type Plan = Record<string, { fields: FormFields; ranks?: Record<string, string> }>;

const COWORKING_MEMBER: Plan = {
  membership: { fields: { still_member: 'yes', member_since: '2020-09-01', days_per_week: '4' } },
  experience: {
    fields: {
      'facilities.wifi': '4',
      'facilities.desks': '3',
      'facilities.meeting_rooms': 'dont_know',
      'facilities.kitchen': '1',
      'facilities.evening_hours': '2',
      recommend: '5',
    },
    ranks: { 'priorities.quiet_zones': '2', 'priorities.events': '1', 'priorities.bike_parking': '3' },
  },
  last_words: { fields: { nickname: 'Ana', suggestion: 'Quieter mornings' } },
};

const COWORKING_FORMER: Plan = {
  membership: { fields: { still_member: 'no', days_per_week: '0' } },
  leaving: { fields: { leave_reasons: ['price', 'other'], 'leave_reasons--other': 'Parking', come_back: '2' } },
  last_words: { fields: { suggestion: 'Lower prices' } },
};

const plainPlan = (pages: Record<string, FormFields>): Plan =>
  Object.fromEntries(Object.entries(pages).map(([id, fields]) => [id, { fields }]));

interface Walk {
  survey: string;
  /** The short name screenshots carry. */
  name: string;
  locale: string;
  plan: Plan;
  /** Pages first submitted empty, to look at the error state. */
  emptyFirst: string[];
}

const WALKS: Walk[] = [
  { survey: CAPTIC_ID, name: 'captic', locale: 'fr-FR', plan: plainPlan(USER_PAGES), emptyFirst: ['social_use', 'satisfaction'] },
  { survey: CAPTIC_ID, name: 'captic', locale: 'fr-FR', plan: plainPlan(NON_USER_PAGES), emptyFirst: [] },
  { survey: COWORKING_ID, name: 'coworking', locale: 'en-GB', plan: COWORKING_MEMBER, emptyFirst: ['experience'] },
  { survey: COWORKING_ID, name: 'coworking', locale: 'en-GB', plan: COWORKING_FORMER, emptyFirst: ['leaving'] },
];

/**
 * Every visible control a finger uses that is smaller than 44×44 px. A radio or checkbox counts
 * its label's box when the label is bigger (the whole row is clickable); inline links in text are
 * exempt, as WCAG's target-size rule says, but the language switch is a control.
 */
const SMALL_TARGETS = `(() => {
  const controls = document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a.lang-switch, .actions a');
  const small = [];
  for (const el of controls) {
    if (el.closest('[aria-hidden="true"], [hidden]')) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 && box.height <= 1) continue;
    let width = box.width;
    let height = box.height;
    const label = el.labels && el.labels[0];
    if ((el.type === 'radio' || el.type === 'checkbox') && label) {
      const row = label.getBoundingClientRect();
      width = Math.max(width, row.width);
      height = Math.max(height, row.height);
    }
    if (width < ${TARGET_PX} - 0.5 || height < ${TARGET_PX} - 0.5) {
      small.push((el.id || el.name || el.tagName) + ' ' + Math.round(width) + '×' + Math.round(height));
    }
  }
  return small;
})()`;

/** The page's width, and what sticks out of the window when it is too wide, to say what to fix. */
const OVERFLOW = `({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  outside: Array.from(document.querySelectorAll('main *, header *'))
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' ' + Math.round(el.getBoundingClientRect().right)),
})`;

/** The progress bar as a share of the way (1 at the end), whatever its max. */
const PROGRESS = `(() => {
  const bar = document.getElementById('progress');
  return bar ? Number(bar.getAttribute('value')) / Number(bar.getAttribute('max') || 1) : null;
})()`;

const ASSETS = `Array.from(document.querySelectorAll('link[rel=stylesheet], script[src]'), (el) => el.href || el.src)`;

describe('The respondent pages on a phone and a desktop, JavaScript on and off', function () {
  this.timeout(120_000);
  const suite = useChromiumSuite();
  /** Pages already screenshot and checked by axe, by "<survey>-<page>-<width>". */
  const seen = new Set<string>();

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
  });

  /**
   * Sizes and overflow at both widths, then back to 360 px; the first time a page is seen, a
   * screenshot, and axe with JavaScript on (axe runs in the page: without scripts it never ends,
   * and the markup is the same).
   */
  async function checkPage(page: Page, name: string, pageName: string, javaScriptEnabled: boolean): Promise<void> {
    for (const viewport of [...WIDTHS, ...IN_BETWEEN]) {
      await page.setViewportSize(viewport);
      const where = `${name} ${pageName} at ${viewport.width} px`;
      const { scrollWidth, innerWidth, outside } = await inPage<{ scrollWidth: number; innerWidth: number; outside: string[] }>(page, OVERFLOW);
      expect(innerWidth, where).to.equal(viewport.width);
      expect(scrollWidth, `${where}: sideways scrolling (${outside.join(', ')})`).to.be.at.most(innerWidth);
      expect(await inPage<string[]>(page, SMALL_TARGETS), `${where}: targets under ${TARGET_PX} px`).to.deep.equal([]);
      if (viewport === PHONE) {
        // The survey's header (logo or title, sponsor line, language) leaves the phone's screen to the questions.
        const header = await inPage<number>(page, `document.querySelector('.site-header').getBoundingClientRect().height`);
        expect(header, `${where}: the header's height`).to.be.at.most(PHONE.height / 4);
      }
      if (!WIDTHS.includes(viewport)) continue;
      const key = `${name}-${pageName}-${viewport.width}${javaScriptEnabled ? '' : '-nojs'}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (javaScriptEnabled) expect(describeViolations(await findSeriousViolations(page)), `${where}: axe`).to.deep.equal([]);
      await page.screenshot({ path: path.join(ARTIFACTS, `${key}.png`), fullPage: true });
    }
    await page.setViewportSize(PHONE);
  }

  /**
   * What the page on screen weighs with what it loads, uncompressed: its HTML (as the server sent
   * it) and each stylesheet and script it names (fetched once, as a cache would keep them).
   */
  const assetBytes = new Map<string, Promise<number>>();
  function weighPages(page: Page): () => Promise<number> {
    let html: Promise<number> = Promise.resolve(0);
    page.on('response', (response: Response) => {
      if (response.request().resourceType() === 'document' && [200, 422].includes(response.status())) {
        html = response.body().then((body) => body.length);
      }
    });
    return async () => {
      const assets = await inPage<string[]>(page, ASSETS);
      for (const url of assets) {
        if (!assetBytes.has(url)) assetBytes.set(url, fetch(url).then(async (r) => (await r.arrayBuffer()).byteLength));
      }
      const sizes = await Promise.all(assets.map((url) => assetBytes.get(url)!));
      return (await html) + sizes.reduce((sum, n) => sum + n, 0);
    };
  }

  /** A cell shows a number; its radio's name says the point's label, and in a matrix the row's too. */
  async function expectScaleNames(page: Page): Promise<void> {
    for (const name of ['0 – Not at all likely', '10 – Extremely likely', '7', 'Wi-Fi: 1 – Poor', 'Kitchen and coffee: 4 – Excellent', "Desks and chairs: Don't know"]) {
      expect(await page.getByRole('radio', { name, exact: true }).count(), `a radio named "${name}"`).to.equal(1);
    }
    expect(await page.locator('[data-row="facilities.wifi"] legend').innerText()).to.equal('Wi-Fi');
  }

  /**
   * Presses Next on an empty page. Without JavaScript the server draws the errors (422); with it,
   * the script may show them before anything is posted: either way, wait for them on screen.
   */
  async function submitEmpty(page: Page, javaScriptEnabled: boolean): Promise<void> {
    if (!javaScriptEnabled) expect(await next(page)).to.equal(422);
    else await page.locator(`${FORM} button[name="action"][value="next"]`).click();
    await page.locator('.field-error').first().waitFor();
  }

  /**
   * Presses Next on an answered page and waits for the next one. Without JavaScript the form posts
   * and is redirected (303); with it, the script may send the page itself: wait for the page to change.
   */
  async function goOn(page: Page, javaScriptEnabled: boolean, where: string): Promise<void> {
    const problems = async () => (await page.locator('#error-summary, .field-error').allInnerTexts()).join(' ');
    if (!javaScriptEnabled) {
      expect(await next(page), `${where}: ${await problems()}`).to.equal(303);
      return;
    }
    const action = await page.locator(FORM).getAttribute('action');
    await page.locator(`${FORM} button[name="action"][value="next"]`).click();
    // A locator looks again in each new document: this holds once the page has changed.
    await page
      .locator(`${FORM}[action="${action}"]`)
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(async () => expect.fail(`${where}: Next led nowhere; the page says ${await problems()}`));
    await page.waitForLoadState('load');
  }

  async function walk(walkPlan: Walk, javaScriptEnabled: boolean): Promise<string[]> {
    const { survey, name, locale, plan, emptyFirst } = walkPlan;
    const page = await suite.newPage({ locale, viewport: PHONE, javaScriptEnabled });
    const weight = weighPages(page);
    await page.goto(`${suite.app.url}/s/${survey}`);
    await checkPage(page, name, 'intro', javaScriptEnabled);
    const consent = page.locator('#consent');
    if ((await consent.count()) > 0) await consent.check();
    expect(await submitWith(page, page.locator('form button[type=submit]'))).to.equal(303);

    const visited: string[] = [];
    let progress = 0;
    while ((await page.locator(FORM).count()) > 0) {
      const id = await currentPageId(page);
      const shown = await inPage<number | null>(page, PROGRESS);
      if (shown !== null) {
        expect(shown, `progress on ${id} after ${visited.join(', ')}`).to.be.at.least(progress);
        progress = shown;
      }
      expect(await weight(), `${name} ${id}: the page with its CSS and JS`).to.be.below(PAGE_BUDGET_BYTES);
      await checkPage(page, name, id, javaScriptEnabled);
      if (id === 'experience') await expectScaleNames(page);
      if (emptyFirst.includes(id)) {
        await submitEmpty(page, javaScriptEnabled);
        await checkPage(page, name, `${id}-errors`, javaScriptEnabled);
      }
      const answers = plan[id];
      if (!answers) throw new Error(`no answers planned for ${name} page "${id}"`);
      for (const [field, rank] of Object.entries(answers.ranks ?? {})) {
        await page.locator(`${FORM} select[name="${field}"]`).selectOption(rank);
      }
      await answerPage(page, answers.fields);
      await goOn(page, javaScriptEnabled, `${name} ${id}`);
      visited.push(id);
    }
    await checkPage(page, name, 'thanks', javaScriptEnabled);
    return visited;
  }

  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
    it(`walks both CAP-TIC branches and both coworking branches ${mode}`, async () => {
      const paths = [];
      for (const walkPlan of WALKS) paths.push(await walk(walkPlan, javaScriptEnabled));
      expect(paths.map((p) => p.length)).to.deep.equal([9, 6, 3, 3]);
    });
  }
});
