// A required matrix with rows left empty: one summary entry naming them, a message on each empty
// row's own group, and nothing said twice.
import { expect } from 'chai';
import { Browser, pageIdOf, type Page } from '../../support/browser';
import { startTestApp, type TestApp } from '../../support/app';
import { CAPTIC_ID, USER_PAGES } from '../../fixtures/captic-answers';

/** Text as a reader gets it, with no-break spaces kept (French typography is under test). */
function read(page: Page, element: Parameters<Page['$']>[0]): string {
  return page.$(element).text().replace(/[ \t\n]+/g, ' ').trim();
}

function summary(page: Page): Array<{ href: string; text: string }> {
  return page.$('#error-summary a').map((_, el) => ({ href: page.$(el).attr('href') ?? '', text: read(page, el) })).get();
}

/** The messages of one matrix row's own group. */
function rowErrors(page: Page, question: string, row: string): string[] {
  return page.$(`[data-row="${question}.${row}"] .field-error`).map((_, el) => read(page, el)).get();
}

describe('The error summary of a matrix with rows left empty', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());
  beforeEach(() => app.reset());

  /** The CAP-TIC satisfaction page for someone using Facebook, LinkedIn and Viadeo for both uses. */
  async function satisfaction(browser: Browser): Promise<Page> {
    let page = await browser.submit(await browser.open(`/s/${CAPTIC_ID}`), { consent: 'yes' });
    page = await browser.submit(page, USER_PAGES.social_use!);
    page = await browser.submit(page, { usage: 'both', networks: ['facebook', 'linkedin', 'viadeo'] });
    expect(pageIdOf(page)).to.equal('satisfaction');
    return page;
  }

  it('names the empty rows once per matrix, links to the first empty row, and marks each empty row', async () => {
    const browser = new Browser(app.url);
    const page = await satisfaction(browser);
    const refused = await browser.submit(page, {
      'satisfaction_personal.facebook': '4',
      'satisfaction_professional.facebook': '2',
      'satisfaction_professional.linkedin': '3',
      'satisfaction_professional.viadeo': '5',
    });
    expect(refused.status).to.equal(422);
    const entries = summary(refused);
    expect(entries).to.deep.equal([
      {
        href: '#satisfaction_personal-linkedin-1',
        text: 'Pour un usage personnel, êtes-vous satisfait de ces réseaux ? Répondez à chaque ligne\u00a0; sans réponse\u00a0: LinkedIn et Viadeo.',
      },
    ]);
    // The link lands on an input of the first empty row.
    expect(refused.$(entries[0]!.href).closest('[data-row]').attr('data-row')).to.equal('satisfaction_personal.linkedin');
    expect(rowErrors(refused, 'satisfaction_personal', 'linkedin')).to.deep.equal(['Erreur : Choisissez une réponse pour cette ligne.']);
    expect(rowErrors(refused, 'satisfaction_personal', 'viadeo')).to.have.length(1);
    expect(rowErrors(refused, 'satisfaction_personal', 'facebook')).to.deep.equal([]);
    expect(refused.$('[data-question="satisfaction_professional"]').hasClass('has-error')).to.equal(false);
    // The question says it once, not "is required" once a row.
    expect(refused.html).not.to.contain('Cette question est obligatoire.');
    expect(refused.$('#satisfaction_personal-facebook-4').attr('checked')).to.equal('checked');
  });

  it('names every row of a matrix left wholly empty, one entry per matrix, in English, with no stray dash', async () => {
    const browser = new Browser(app.url);
    browser.acceptLanguage = 'en-GB,en;q=0.9';
    const page = await satisfaction(browser);
    const refused = await browser.submit(page, {});
    expect(refused.status).to.equal(422);
    const entries = summary(refused);
    expect(entries.map((e) => e.text)).to.deep.equal([
      'For personal use, how satisfied are you with these networks? Answer every row; left empty: Facebook, LinkedIn, and Viadeo.',
      'For professional use, how satisfied are you with these networks? Answer every row; left empty: Facebook, LinkedIn, and Viadeo.',
    ]);
    expect(entries.map((e) => e.href)).to.deep.equal(['#satisfaction_personal-facebook-1', '#satisfaction_professional-facebook-1']);
    for (const entry of entries) expect(entry.text).not.to.contain(' — ');
    for (const row of ['facebook', 'linkedin', 'viadeo']) {
      expect(rowErrors(refused, 'satisfaction_professional', row)).to.deep.equal(['Error: Choose an answer for this row.']);
    }
  });

  it('names the empty rows of a matrix with its own rows, a row shown by an earlier answer included (coworking, in French)', async () => {
    const browser = new Browser(app.url);
    const intro = await browser.open('/s/coworking_members_2026?lang=fr');
    const first = await browser.submit(intro, { consent: 'yes' });
    const experience = await browser.submit(first, { still_member: 'yes', days_per_week: '4' });
    expect(pageIdOf(experience)).to.equal('experience');
    const refused = await browser.submit(experience, { 'facilities.wifi': '4', 'facilities.kitchen': '3' });
    expect(refused.status).to.equal(422);
    const entry = summary(refused).find((e) => e.href.startsWith('#facilities'));
    expect(entry?.href).to.equal('#facilities-desks-1');
    expect(entry?.text).to.match(/^Comment jugez-vous ces équipements\s\? Répondez à chaque ligne\u00a0; sans réponse\u00a0: Bureaux et chaises, .+ et .+\.$/);
    expect(summary(refused).filter((e) => e.href.startsWith('#facilities'))).to.have.length(1);
    // Entries follow the questions' order; a question ending with a full stop takes no colon.
    expect(summary(refused).map((e) => e.href)).to.deep.equal(['#facilities-desks-1', '#priorities-quiet_zones', '#recommend-0']);
    expect(summary(refused)[1]!.text).to.match(/priorités\)\. Cette question est obligatoire\.$/);
    const rows = refused.$('[data-question="facilities"] [data-row]').map((_, el) => refused.$(el).attr('data-row')).get();
    expect(rows).to.include('facilities.evening_hours');
    for (const row of rows) {
      const empty = !['facilities.wifi', 'facilities.kitchen'].includes(row);
      expect(rowErrors(refused, 'facilities', row.split('.')[1]!), row).to.have.length(empty ? 1 : 0);
    }
  });

  it('writes other entries as "Question: message", and after a question mark without a colon', async () => {
    const browser = new Browser(app.url);
    const intro = await browser.open('/s/coworking_members_2026?lang=en');
    const first = await browser.submit(intro, { consent: 'yes' });
    const refused = await browser.submit(first, { days_per_week: '9' });
    expect(refused.status).to.equal(422);
    const texts = summary(refused).map((e) => e.text);
    expect(texts[0]).to.equal('Are you currently a member? This question is required.');
    expect(texts.join('\n')).not.to.contain(' — ');
    expect(texts.join('\n')).not.to.contain('?:');
  });
});
