import { expect } from 'chai';
import { Browser, pageIdOf, text, type FormFields, type Page } from '../../support/browser';
import { startTestApp, type TestApp } from '../../support/app';
import { CAPTIC_ID, NON_USER_PAGES, USER_PAGES } from '../../fixtures/captic-answers';

interface Seen {
  page: string;
  value: number;
  label: string;
}

function progressOf(page: Page): Seen {
  return { page: pageIdOf(page) ?? '', value: Number(page.$('progress#progress').attr('value')), label: page.$('.progress label').text().trim() };
}

/** Consents, then answers every page from `plan` until the survey ends; the progress of each page. */
async function walk(browser: Browser, plan: Record<string, FormFields>, lang = 'fr'): Promise<{ seen: Seen[]; last: Page }> {
  const intro = await browser.open(`/s/${CAPTIC_ID}?lang=${lang}`);
  let page = await browser.submit(intro, { consent: 'yes' });
  const seen: Seen[] = [];
  while (pageIdOf(page)) {
    const id = pageIdOf(page)!;
    seen.push(progressOf(page));
    expect(page.$('progress#progress').attr('max')).to.equal('100');
    page = await browser.submit(page, plan[id] ?? {});
    expect(page.status, `after ${id}: ${text(page, '#error-summary')}`).to.equal(200);
    if (seen.length > 20) throw new Error('the survey does not end');
  }
  return { seen, last: page };
}

function expectNeverBackwards(seen: Seen[]): void {
  expect(seen[0]?.value).to.equal(0);
  for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.value, `${seen[i - 1]!.page} then ${seen[i]!.page}`).to.be.at.least(seen[i - 1]!.value);
}

describe('The progress of a CAP-TIC respondent over HTTP', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());
  beforeEach(() => app.reset());

  it('rises from 0 % page after page on the users\' branch, with the percentage in a visible label', async () => {
    const { seen, last } = await walk(new Browser(app.url), USER_PAGES);
    expectNeverBackwards(seen);
    expect(seen.map((s) => s.value)).to.deep.equal([0, 5, 17, 29, 35, 41, 47, 52, 76]);
    expect(seen.map((s) => s.label)).to.deep.equal(seen.map((s) => `Progression\u00a0: ${s.value}\u00a0%`));
    // The thank-you page is the 100 %: no bar there.
    expect(last.$('progress').length).to.equal(0);
    expect(last.$('form#survey-form').length).to.equal(0);
  });

  it('rises from 0 % page after page on the non-users\' branch, in English too', async () => {
    const { seen } = await walk(new Browser(app.url), NON_USER_PAGES, 'en');
    expectNeverBackwards(seen);
    expect(seen.map((s) => s.page)).to.deep.equal(['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project', 'profile']);
    expect(seen.map((s) => s.value)).to.deep.equal([0, 7, 15, 25, 33, 66]);
    expect(seen[1]!.label).to.equal('Progress: 7%');
  });

  it('shows a page the same percentage after going Back to it, and on a page that comes back with errors', async () => {
    const browser = new Browser(app.url);
    const intro = await browser.open(`/s/${CAPTIC_ID}`);
    const first = await browser.submit(intro, { consent: 'yes' });
    const second = await browser.submit(first, USER_PAGES.social_use!);
    const third = await browser.submit(second, USER_PAGES.social_usage!);
    expect(progressOf(third).value).to.equal(17);
    const backAgain = await browser.submit(third, {}, 'back');
    expect(progressOf(backAgain)).to.deep.include({ page: 'social_usage', value: 5 });
    const refused = await browser.submit(backAgain, { usage: 'both' });
    expect(refused.status).to.equal(422);
    expect(progressOf(refused).value).to.equal(5);
  });
});
