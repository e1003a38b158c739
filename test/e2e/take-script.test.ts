// What take.js does on the respondent's pages, in one CAP-TIC response told as a story: a page
// refused after a fetch submit shows the server’s errors and the script still runs there, errors
// vanish once answered (a matrix row’s too), the resume link’s copy button copies, a typed
// "other" text ticks its option (and is kept, not sent, when unticked), and a draft typed then
// reloaded comes back.
import { expect } from 'chai';
import type { Page, Request, Response } from 'playwright-core';
import { CAPTIC_ID } from '../fixtures/captic-answers';
import { useChromiumSuite } from './support/chromium';
import { currentPageId, inPage, next, storedResponses, submitWith } from './support/survey';

describe('The respondent’s script in Chromium', function () {
  this.timeout(30_000);
  const suite = useChromiumSuite({ story: true });
  let page: Page;
  const posts: Response[] = [];

  before(async () => {
    page = await suite.newPage({ locale: 'fr-FR', permissions: ['clipboard-read', 'clipboard-write'] });
    page.on('response', (response) => {
      if (response.request().method() === 'POST') posts.push(response);
    });
    await page.goto(`${suite.app.url}/s/${CAPTIC_ID}`);
    await page.getByLabel("J'ai lu ces informations et j'accepte de participer").check();
    await submitWith(page, page.getByRole('button', { name: 'Commencer' }));
    expect(await currentPageId(page)).to.equal('social_use');
  });

  it('shows the server’s errors after a refused fetch submit, and they vanish once the question is answered', async () => {
    posts.length = 0;
    await next(page);
    // The fetch was refused (422); the page shown is the server's answer to the same form, posted natively.
    expect(posts.map((r) => r.status())).to.deep.equal([422, 422]);
    const question = page.locator('fieldset.question[data-question="uses_social"]');
    expect(await question.getAttribute('class')).to.contain('has-error');
    expect(await page.locator('#error-summary').isVisible()).to.equal(true);
    expect(await question.locator('.field-error').innerText()).to.contain('Cette question est obligatoire.');

    await page.getByLabel('Oui', { exact: true }).check();
    expect(await question.getAttribute('class')).to.not.contain('has-error');
    expect(await question.locator('.field-error').count()).to.equal(0);
    expect(await question.locator('[aria-invalid]').count()).to.equal(0);
    expect(await page.locator('#error-summary').isHidden()).to.equal(true);
  });

  it('copies the resume link with its copy button', async () => {
    const button = page.locator('button[data-copy="resume-link"]');
    expect(await button.isVisible()).to.equal(true);
    await button.click();
    await page.locator('[data-copy-status]').filter({ hasText: 'Lien copié.' }).waitFor();
    const link = await page.locator('#resume-link').evaluate((el: { value?: string; getAttribute(name: string): string | null }) => el.value || el.getAttribute('href'));
    expect(link).to.match(new RegExp(`/s/${CAPTIC_ID}/resume/`));
    expect(await inPage<string>(page, 'navigator.clipboard.readText()')).to.equal(link);
  });

  it('ticks "Other" when its text is typed, and keeps an unticked text visible but unsent', async () => {
    await next(page);
    expect(await currentPageId(page)).to.equal('social_usage');
    const other = page.getByLabel('Autre', { exact: true });
    const otherText = page.getByLabel('Lequel ou lesquels ?');
    expect(await otherText.isVisible()).to.equal(true);
    expect(await other.isChecked()).to.equal(false);

    await otherText.fill('Instagram');
    expect(await other.isChecked()).to.equal(true);

    await other.uncheck();
    expect(await otherText.inputValue()).to.equal('Instagram');
    expect(await otherText.getAttribute('name')).to.equal(null);
    expect(await otherText.getAttribute('readonly')).to.not.equal(null);
    // The hint the box is described by, with French spacing: no-break spaces inside the quotes.
    const parkedHint = page.locator(`#${await otherText.getAttribute('id')}-parked`);
    expect(await parkedHint.isVisible()).to.equal(true);
    expect(await parkedHint.textContent()).to.equal('Cochez «\u00a0Autre\u00a0» pour envoyer ce texte.');

    // Going back into the box chooses "Other" again, and the text is sent once more.
    await otherText.click();
    expect(await other.isChecked()).to.equal(true);
    expect(await otherText.getAttribute('name')).to.equal('networks--other');
    expect(await otherText.getAttribute('readonly')).to.equal(null);
    expect(await parkedHint.count()).to.equal(0);
  });

  it('puts back a draft typed and then reloaded online', async () => {
    await page.locator('input[name="usage"][value="both"]').check();
    await page.getByLabel('Lequel ou lesquels ?').fill('Mastodon');
    await page.reload();
    expect(await currentPageId(page)).to.equal('social_usage');
    expect(await page.locator('#draft-restored').isVisible()).to.equal(true);
    expect(await page.locator('input[name="usage"][value="both"]').isChecked()).to.equal(true);
    expect(await page.getByLabel('Autre', { exact: true }).isChecked()).to.equal(true);
    expect(await page.getByLabel('Lequel ou lesquels ?').inputValue()).to.equal('Mastodon');
  });

  it('does not send an "other" text whose option is unticked, and forgets the page\'s draft once it is saved', async () => {
    await page.getByLabel('Autre', { exact: true }).uncheck();
    await page.getByLabel('Facebook', { exact: true }).check();
    // The next page is downloaded once: the script is told where to go, rather than following a redirect and navigating after it.
    const satisfactionGets: string[] = [];
    const countGets = (request: Request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === `/s/${CAPTIC_ID}/p/satisfaction`) satisfactionGets.push(request.resourceType());
    };
    page.on('request', countGets);
    await next(page);
    page.off('request', countGets);
    expect(await currentPageId(page)).to.equal('satisfaction');
    expect(satisfactionGets).to.deep.equal(['document']);
    const [stored] = await storedResponses();
    expect(stored!.answers).to.deep.include({ usage: 'both', networks: ['facebook'] });
    expect(stored!.otherTexts ?? {}).to.not.have.property('networks');
    expect(await inPage<string[]>(page, 'Object.keys(localStorage).filter((key) => key.includes(":draft:social_usage"))')).to.deep.equal([]);
  });

  it('clears a matrix row’s errors once the row is answered, and the summary once every question is', async () => {
    await next(page);
    expect(await currentPageId(page)).to.equal('satisfaction');
    const personal = page.locator('[data-row="satisfaction_personal.facebook"]');
    const professional = page.locator('[data-row="satisfaction_professional.facebook"]');
    const summaryLinks = page.locator('#error-summary a');
    expect(await personal.locator('.field-error').count()).to.be.greaterThan(0);
    expect(await professional.locator('.field-error').count()).to.be.greaterThan(0);
    const linksBefore = await summaryLinks.count();

    await personal.locator('input[value="4"]').check();
    expect(await personal.locator('.field-error').count()).to.equal(0);
    expect(await personal.locator('[aria-invalid]').count()).to.equal(0);
    expect(await page.locator('fieldset.question[data-question="satisfaction_personal"]').getAttribute('class')).to.not.contain('has-error');
    expect(await summaryLinks.count()).to.be.lessThan(linksBefore);
    expect(await page.locator('#error-summary').isVisible()).to.equal(true);
    expect(await professional.locator('.field-error').count()).to.be.greaterThan(0);

    await professional.locator('input[value="2"]').check();
    expect(await page.locator('#survey-form .field-error').count()).to.equal(0);
    expect(await page.locator('#error-summary').isHidden()).to.equal(true);
  });
});
