// XSS through every free text the app accepts, and every place that shows it (issue 15, Security):
// the corpus of xss-payloads.ts typed through the app's own routes (a survey version uploaded in
// the console, panels, members and their import, accounts, wave labels, respondents' answers and
// other-texts, a number's raw input, a void reason), then every page that shows them drawn in
// Chromium (respondent pages, console pages, the dashboard's charts, the report), every mail
// (its HTML part in Chromium, its text part), and every export read back (CSV, XLSX, SAV, JSON):
// nothing runs, nothing becomes markup, and every text reads exactly as typed.
//
// One story: one app, one Chromium, one version with the corpus in its texts; the payloads go in
// batches, many to a field.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Page as ChromiumPage } from 'playwright-core';
import { useChromiumSuite } from '../e2e/support/chromium';
import { answerPage, back, FORM, inPage, next, storedResponses, untilInPage } from '../e2e/support/survey';
import { Browser, type Page } from '../support/browser';
import { createTestClock } from '../support/clock';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import { createStaff, signedInBrowser, signInChromium, STRONG_PASSWORD, type StaffMember } from '../support/staff';
import { COWORKING_TEXT } from '../integration/versions/support';
import { batchesWithin, batchOf, SERVER_MARKER, XSS_PAYLOADS } from './xss-payloads';
import { expectSafePage, normalizeSpaces, watchPage } from './support/xss-page-check';
import { xlsxCellTexts } from './support/xlsx-text';
import { openUntil, panelCsv, postConsoleForm, uploadConsoleFile } from './support/xss-console';

const SURVEY = 'coworking_members_2026';
const SURVEY_PAGE = `/admin/surveys/${SURVEY}`;
const WAVE = 'xss-wave';
const WAVE_PAGE = `${SURVEY_PAGE}/waves/${WAVE}`;
const PANEL = 'xss-panel';
const PANEL_PAGE = `${SURVEY_PAGE}/panels/${PANEL}`;
/** 11:00 in London, a Tuesday: outside the quiet hours, so invitations leave at once. */
const START = '2026-12-01T11:00:00.000Z';

/** The whole corpus, in one text. */
const CORPUS = batchOf(XSS_PAYLOADS);
/** A text of the definition: the corpus, tagged with where it is so a failure names the place. */
const tagged = (place: string) => `[${place}] ${CORPUS}`;
/** Report statements fill `{{ … }}` placeholders: the corpus without the one that looks like one. */
const STATEMENT = `[statement] ${batchOf(XSS_PAYLOADS.filter((payload) => !payload.text.includes('{{')))}`;

type Localized = Record<string, string>;
const both = (text: string): Localized => ({ en: text, fr: text });

interface Definition {
  title: Localized;
  intro: Localized;
  thank_you: Localized;
  sponsor: Localized;
  branding: { sponsor: Localized; thank_you_link: { url: string; label: Localized }; logo?: unknown };
  seed_waves?: unknown;
  pages: { id: string; title?: Localized; questions: Record<string, unknown>[] }[];
  report: { statements: { id: string; text: Localized }[] };
}

/**
 * The coworking survey with the corpus in every text a respondent or a reader sees: titles,
 * intro, thanks, sponsor and branding, page titles, questions, options, matrix rows, scale labels,
 * units and report statements. Its free-text answers take the whole corpus.
 */
function definitionWithCorpus(): { text: string; texts: Record<string, string> } {
  const definition = parseYaml(COWORKING_TEXT) as Definition;
  const texts: Record<string, string> = {};
  const put = (place: string): Localized => {
    texts[place] = tagged(place);
    return both(texts[place]);
  };
  definition.title = put('title');
  definition.intro = put('intro');
  definition.thank_you = put('thank_you');
  definition.sponsor = put('sponsor');
  definition.branding.sponsor = put('branding.sponsor');
  definition.branding.thank_you_link.label = put('thank_you_link');
  for (const page of definition.pages) {
    if (page.title) page.title = put(`page.${page.id}`);
    for (const question of page.questions) {
      question.text = put(`q.${String(question.id)}`);
      if (question.unit) question.unit = put(`unit.${String(question.id)}`);
      for (const option of (question.options ?? []) as { id: string; label: Localized; specify?: unknown }[]) {
        option.label = put(`option.${option.id}`);
        if (option.specify) option.specify = { max_length: 10_000 };
      }
      for (const row of (question.rows ?? []) as { id: string; label: Localized }[]) row.label = put(`row.${row.id}`);
      const scale = question.scale as { labels: Record<string, Localized> } | undefined;
      for (const point of Object.keys(scale?.labels ?? {})) scale!.labels[point] = put(`scale.${String(question.id)}.${point}`);
      if (question.type === 'short_text') question.max_length = 1000;
    }
  }
  for (const statement of definition.report.statements) statement.text = both(STATEMENT.replace('[statement]', `[statement ${statement.id}] {{ base recommend }}`));
  return { text: stringifyYaml(definition, { lineWidth: 0 }), texts };
}

/** The personal link of an invitation, from its text part. */
const INVITATION_LINK = /https?:\/\/\S+\/s\/[^\s"<]+\/i\/[^\s"<]+/;

/** The personal link of the n-th invitation received (counting from 0), from its text part. */
function invitationLink(smtp: TestSmtpServer, n: number): string {
  const invitations = smtp.messages.filter((mail) => INVITATION_LINK.test(mail.text ?? ''));
  const link = INVITATION_LINK.exec(invitations[n]?.text ?? '')?.[0];
  if (!link) throw new Error(`no invitation ${n} among ${invitations.length}`);
  return link;
}

/**
 * Sets the fields of the form on screen through the DOM: with the corpus in every label, the
 * matrix's radios are drawn far off the viewport for a pointer, and what is tested here is what
 * the page shows and sends, not how one clicks.
 */
async function answerWithScript(page: ChromiumPage, fields: Record<string, string>): Promise<void> {
  await page.evaluate(`(() => {
    for (const [name, value] of Object.entries(${JSON.stringify(fields)})) {
      const fields = document.querySelectorAll('#survey-form [name="' + name + '"]');
      if (fields.length === 0) throw new Error('no field named ' + name);
      for (const field of fields) {
        if (field.type === 'radio' || field.type === 'checkbox') field.checked = field.value === value;
        else field.value = value;
      }
    }
  })()`);
}

const execFileAsync = promisify(execFile);

describe('XSS: every free text, every place it is shown', function () {
  this.timeout(60_000);
  // A story: a step that fails leaves the next ones nothing to check.
  this.bail(true);
  const clock = createTestClock(START);
  let smtp: TestSmtpServer;
  // Before the suite's own hook starts the app, which reads the SMTP server's address.
  before(async () => {
    smtp = await startTestSmtpServer();
  });
  const suite = useChromiumSuite({
    story: true,
    env: () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'Canal Street <survey@canal.example.org>', MAIL_RATE_PER_SECOND: '1000' }),
    app: { clock, mail: { baseBackoffMs: 20, maxBackoffMs: 100 } },
  });
  const definition = definitionWithCorpus();
  const accountNames = batchesWithin(100);
  const panelNames = batchesWithin(200);
  const memberNames = batchesWithin(200);
  const attributeTexts = batchesWithin(500);
  const waveLabels = batchesWithin(200);
  const voidReasons = batchesWithin(500);
  /** What respondents typed: the whole corpus in the long text and the other-text, in batches in the short one. */
  const nicknames = batchesWithin(1000);
  let admin: StaffMember;
  /** The panel import's page, which lists what the file holds. */
  let importPage = '';
  let console_: Browser;

  before(async () => {
    admin = await createStaff(suite.app, { email: 'admin@example.org', role: 'admin', password: STRONG_PASSWORD });
    console_ = await signedInBrowser(suite.app, admin);
    console_.acceptLanguage = 'en';
  });
  after(async () => {
    await smtp?.stop();
  });

  it('takes the corpus through every console form that accepts free text', async () => {
    // A definition whose thank-you link runs script is refused before anything is stored.
    const badLink = definition.text.replace(/url: https:\/\/canal-street-coworking\.example\/members/, "url: \"javascript:window.__xss='link'\"");
    expect(badLink).to.not.equal(definition.text);
    const refused = await uploadConsoleFile(console_, `${SURVEY_PAGE}/versions`, '#upload-version', 'definition', { content: badLink, name: 'bad-link.yaml' });
    expect(refused.status, refused.html.slice(0, 300)).to.equal(422);

    const uploaded = await uploadConsoleFile(console_, `${SURVEY_PAGE}/versions`, '#upload-version', 'definition', { content: definition.text, name: 'xss.yaml' });
    expect(uploaded.status, uploaded.$('.error-summary').text() || uploaded.html.slice(0, 500)).to.equal(303);

    for (const [index, name] of accountNames.entries()) {
      await postConsoleForm(console_, '/admin/users/new', '#new-account', { email: `reader${index}@example.org`, name, role: 'analyst', grants: [SURVEY] }, 201);
    }
    for (const [index, name] of panelNames.entries()) {
      await postConsoleForm(console_, `${SURVEY_PAGE}/panels`, '#new-panel', { panelId: index === 0 ? PANEL : `panel-${index}`, name });
    }
    const members = memberNames.map((name, index) => ({ email: `member${index}@example.org`, name, language: 'en', note: attributeTexts[index % attributeTexts.length]! }));
    const upload = await uploadConsoleFile(console_, PANEL_PAGE, '#import-form', 'file', { content: panelCsv(members), name: 'members.csv' });
    expect(upload.status, upload.html.slice(0, 300)).to.equal(303);
    importPage = upload.location!;
    await openUntil(console_, importPage, (page) => page.$('#import-progress').length === 0);
    await postConsoleForm(console_, upload.location!, '#confirm-import');
    await openUntil(console_, upload.location!, (page) => page.$('#import-progress').length === 0 && page.$('#confirm-import').length === 0);

    const surveyPage = await console_.get(SURVEY_PAGE);
    const fingerprint = surveyPage.$('#new-wave #fingerprint option').filter((_, option) => surveyPage.$(option).text().includes('xss.yaml')).attr('value') ?? '';
    expect(fingerprint).to.not.equal('');
    for (let index = 0; index < waveLabels.length; index += 2) {
      const waveId = index === 0 ? WAVE : `xss-${index}`;
      await postConsoleForm(console_, SURVEY_PAGE, '#new-wave', { waveId, label_en: waveLabels[index]!, label_fr: waveLabels[index + 1] ?? waveLabels[0]!, copyFrom: '2026-spring', fingerprint });
    }
    await postConsoleForm(console_, WAVE_PAGE, '#wave-settings', { accessMode: 'panel', panelId: PANEL, targetSample: '10', reminderDays: '' });
    await postConsoleForm(console_, `${SURVEY_PAGE}/waves/2026-spring`, '#close-wave');
    await postConsoleForm(console_, WAVE_PAGE, '#open-wave');
    await postConsoleForm(console_, `${WAVE_PAGE}/invitations`, '#send-invitations');
    // Each member's invitation, and each new account's password link.
    await smtp.waitForMessages(members.length + accountNames.length);
  });

  /** A Chromium page watched for what runs, with the CSP bypassed (support/xss-page-check.ts says why). */
  async function watchedPage(locale = 'en-GB'): Promise<{ page: ChromiumPage; watch: Awaited<ReturnType<typeof watchPage>> }> {
    const page = await suite.newPage({ bypassCSP: true, locale });
    const watch = await watchPage(page);
    return { page, watch };
  }

  it('respondents type the corpus in Chromium and see every text of the survey exactly as written', async () => {
    const { page, watch } = await watchedPage();
    await page.goto(invitationLink(smtp, 0));
    const texts = definition.texts;
    await expectSafePage(page, watch, 'the intro page', [texts.title!, texts.intro!, texts['branding.sponsor']!]);
    await page.locator(`form button[type=submit]`).first().click();
    await page.waitForSelector(FORM);
    await expectSafePage(page, watch, 'the first question page', [texts['page.membership']!, texts['q.still_member']!, texts['q.days_per_week']!, texts['unit.days_per_week']!]);

    // A number field's raw input: a script may not type letters in it, a crafted post can.
    await page.evaluate("document.querySelector('#q-days_per_week').type = 'text'");
    await answerPage(page, { still_member: 'yes', days_per_week: CORPUS });
    await next(page);
    await expectSafePage(page, watch, 'the first page refused with a number made of the corpus', [CORPUS]);

    await answerPage(page, { still_member: 'yes', days_per_week: '4' });
    await next(page);
    await expectSafePage(page, watch, 'the matrix, ranking and NPS page', [texts['q.facilities']!, texts['row.wifi']!, texts['scale.facilities.4']!, texts['option.quiet_zones']!, texts['q.recommend']!]);
    await answerWithScript(page, {
      'facilities.wifi': '4',
      'facilities.desks': '3',
      'facilities.meeting_rooms': '2',
      'facilities.kitchen': '1',
      'facilities.evening_hours': '4',
      'priorities.quiet_zones': '1',
      'priorities.events': '2',
      'priorities.bike_parking': '3',
      recommend: '3',
    });
    await next(page);
    await answerPage(page, { nickname: nicknames[0]!, suggestion: CORPUS });
    // Back and forth: what was typed comes back in the fields as typed.
    await back(page);
    await next(page);
    await expectSafePage(page, watch, 'the last page, drawn again with the answers', [nicknames[0]!, CORPUS, texts['q.suggestion']!]);
    await next(page);
    await expectSafePage(page, watch, 'the thank-you page', [texts.thank_you!, texts.thank_you_link!]);
    expect(await page.locator('a.thank-you-link, a[href="https://canal-street-coworking.example/members"]').first().getAttribute('href')).to.equal('https://canal-street-coworking.example/members');
  });

  /** A former member, invited (the n-th invitation), answers without JavaScript: the corpus in the other-text. */
  async function answerAsFormerMember(invitation: number, nickname: string, suggestion: string): Promise<void> {
    const browser = new Browser(suite.app.url);
    browser.acceptLanguage = 'en';
    let page: Page = await browser.open(new URL(invitationLink(smtp, invitation)).pathname);
    page = await browser.submit(page, { consent: 'yes' });
    page = await browser.submit(page, { still_member: 'no', days_per_week: '0' });
    page = await browser.submit(page, { leave_reasons: ['other', 'price'], 'leave_reasons--other': CORPUS, come_back: '1' });
    expect(page.status, page.$('.error-summary').text()).to.equal(200);
    page = await browser.submit(page, { nickname, suggestion });
    expect(page.$('h1').length, page.html.slice(0, 300)).to.equal(1);
  }

  it('respondents without JavaScript type the corpus in other-texts and short texts', async () => {
    for (const [index, nickname] of nicknames.entries()) await answerAsFormerMember(index + 1, nickname, index === 0 ? CORPUS : '');
    const stored = await storedResponses();
    const answers = stored.map((response) => response.answers as Record<string, unknown>);
    expect(answers.filter((a) => a.suggestion === CORPUS), 'the long texts, stored exactly as typed').to.have.length(2);
    expect(answers.map((a) => a.nickname).filter(Boolean).sort()).to.deep.equal([...nicknames, nicknames[0]!].sort());
    expect(JSON.stringify(answers)).to.contain(JSON.stringify(CORPUS));
  });

  it('void reasons take the corpus', async () => {
    // The two last respondents' responses: the first two keep the long texts the dashboard shows.
    const voided = (await storedResponses()).slice(-2);
    for (const [index, response] of voided.entries()) {
      await postConsoleForm(console_, `${SURVEY_PAGE}/responses/${String(response._id)}`, '#void-response', { reason: voidReasons[index]! });
    }
  });

  it('the console shows every text exactly as typed, and nothing runs', async () => {
    const { page, watch } = await watchedPage();
    await signInChromium(page, suite.app, admin);
    const responses = await storedResponses();
    const visit = async (path: string, texts: readonly string[] = []) => {
      const answer = await page.goto(`${suite.app.url}${path}`);
      expect(answer?.status(), path).to.equal(200);
      await page.waitForLoadState('load');
      await expectSafePage(page, watch, path, texts);
    };
    const texts = definition.texts;
    await visit('/admin', []);
    await visit('/admin/users', accountNames);
    await visit(`${SURVEY_PAGE}`, waveLabels.filter((_, index) => index % 2 === 0));
    await visit(WAVE_PAGE, [waveLabels[0]!, panelNames[0]!]);
    await visit(`${SURVEY_PAGE}/versions`);
    await visit(`${SURVEY_PAGE}/waves/${WAVE}/changes`);
    await visit(`${SURVEY_PAGE}/panels`, panelNames);
    await visit(PANEL_PAGE, memberNames);
    await visit(`${WAVE_PAGE}/invitations`);
    await visit(`${WAVE_PAGE}/responses`);
    for (const [index, response] of responses.entries()) {
      const voidReason = index >= responses.length - 2 ? voidReasons[index - responses.length + 2]! : undefined;
      await visit(`${SURVEY_PAGE}/responses/${String(response._id)}`, voidReason ? [voidReason] : []);
    }
    await visit(`${WAVE_PAGE}/dashboard`, [texts['q.facilities']!]);
    // The charts draw their labels (axes, legends, tooltips) from the chart objects: exactly as typed.
    await untilInPage(page, "document.querySelector('canvas[data-chart]') && window.Chart && Chart.getChart(document.querySelector('canvas[data-chart]'))");
    const chartLabels = await inPage<string[]>(page, "Array.from(document.querySelectorAll('canvas[data-chart]')).flatMap((canvas) => (Chart.getChart(canvas)?.data.labels ?? []).flat().map(String))");
    expect(chartLabels.map(normalizeSpaces), 'the dashboard charts\' labels').to.include.members([texts['option.quiet_zones']!, texts['option.price']!].map(normalizeSpaces));
    // With so few responses the report draws no chart (its bases are too small): its statements are the free text it shows.
    await visit(`${WAVE_PAGE}/report`, [STATEMENT.replace('[statement]', '').trim()]);

    await visit(`${WAVE_PAGE}/dashboard/open-answers`, [CORPUS]);
    await visit(`${WAVE_PAGE}/progress`);
    await visit(`${WAVE_PAGE}/quotas`);
    // The weighting form: its one weightable question here is a yes/no, whose option labels are the app's own.
    await visit(`${WAVE_PAGE}/weighting`, [texts['q.still_member']!]);
    await visit('/admin/outbox');
    await visit('/admin/audit');
    await visit(importPage, [memberNames[0]!]);
    const db = mongoose.connection.db!;
    const member = await db.collection('panel_members').findOne({ surveyId: SURVEY, panelId: PANEL, email: 'member0@example.org' });
    await visit(`${PANEL_PAGE}/members/${String(member!._id)}`, [memberNames[0]!, attributeTexts[0]!]);
    const reader = await db.collection('users').findOne({ email: 'reader0@example.org' });
    await visit(`/admin/users/${String(reader!._id)}`, [accountNames[0]!]);
    // A queued message's page: its text part in a <pre>, its HTML part in a frame without scripts (checked as a frame).
    const invitation = await db.collection('mail_outbox').findOne({ purpose: 'invitation', 'to.address': 'member0@example.org' });
    await visit(`/admin/outbox/messages/${String(invitation!._id)}`, [memberNames[0]!]);
  });

  it('the dashboard swaps in live updates that run nothing and read as typed', async () => {
    const { page, watch } = await watchedPage();
    await signInChromium(page, suite.app, admin);
    await page.goto(`${suite.app.url}${WAVE_PAGE}/dashboard`);
    await untilInPage(page, "document.getElementById('live-status').getAttribute('data-live-state') === 'live'");
    // The part of the question whose other-text and options carry the corpus, swapped in by the script (innerHTML).
    const section = `document.querySelector('section[data-part="q:leave_reasons"] [data-part-body]')`;
    const before = await inPage<string>(page, `${section}.innerHTML`);
    await answerAsFormerMember(nicknames.length + 1, nicknames[0]!, '');
    await untilInPage(page, `${section}.innerHTML !== ${JSON.stringify(before)}`);
    await expectSafePage(page, watch, 'the dashboard after a live update', [definition.texts['option.price']!, definition.texts['q.leave_reasons']!]);
  });

  it('mails: the HTML part in Chromium runs nothing and reads as typed; the text part is not HTML', async () => {
    const { page, watch } = await watchedPage();
    const names = [...memberNames, ...accountNames].sort((a, b) => b.length - a.length);
    const markup = XSS_PAYLOADS.filter((payload) => payload.text.includes('<'));
    for (const [index, mail] of smtp.messages.entries()) {
      // Invitations greet their member, password links their account, by the name typed.
      const name = names.find((candidate) => (mail.text ?? '').includes(candidate));
      expect(name, `mail ${index} greets its reader by name:\n${mail.text}`).to.be.a('string');
      const html = mail.html ?? '';
      const raw = markup.filter((payload) => html.includes(payload.text)).map((payload) => payload.id);
      expect(raw, `mail ${index}: markup of the text part copied raw into the HTML part`).to.deep.equal([]);
      await page.setContent(html, { waitUntil: 'load' });
      await expectSafePage(page, watch, `mail ${index} (${mail.subject ?? ''})`, [name!]);
    }
  });

  it('exports keep the texts exactly as typed, and the JSON one is not a page', async () => {
    const fetchAsAdmin = (path: string) => console_.agent.get(path).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    const csv = await fetchAsAdmin(`${WAVE_PAGE}/export.csv`);
    expect(csv.status).to.equal(200);
    const rows = parseCsv(csv.body as Buffer, { columns: true, bom: true }) as Record<string, string>[];
    // The long texts and other-texts of the responses not voided, each whole in one cell.
    const csvCorpusCells = rows.flatMap((row) => Object.values(row)).filter((cell) => cell === CORPUS).length;
    expect(csvCorpusCells, 'the long texts and other-texts, as CSV cells').to.be.at.least(3);

    const xlsx = await fetchAsAdmin(`${WAVE_PAGE}/export.xlsx`);
    const cells = await xlsxCellTexts(xlsx.body as Buffer);
    expect(cells.filter((cell) => cell === CORPUS), 'the long texts and other-texts, as XLSX cells').to.have.length(csvCorpusCells);

    const sav = await fetchAsAdmin(`${WAVE_PAGE}/export.sav`);
    expect(sav.status).to.equal(200);
    // Read back by PSPP: the answers whole, and the variable labels (the wordings) as plain text.
    const dir = await mkdtemp(path.join(tmpdir(), 'xss-sav-'));
    try {
      const file = (name: string) => path.join(dir, name);
      await writeFile(file('x.sav'), sav.body as Buffer);
      await writeFile(file('x.sps'), [
        `GET FILE='${file('x.sav')}'.`,
        `SAVE TRANSLATE /OUTFILE='${file('x.csv')}' /TYPE=CSV /FIELDNAMES /CELLS=VALUES /REPLACE.`,
        'DISPLAY DICTIONARY /VARIABLES=suggestion.',
        '',
      ].join('\n'));
      await execFileAsync('pspp', ['-O', 'format=csv', '-o', file('dictionary.csv'), file('x.sps')]);
      const savRows = parseCsv(await readFile(file('x.csv')), { columns: true, bom: true }) as Record<string, string>[];
      expect(savRows.flatMap((row) => Object.values(row)).filter((cell) => cell.trim() === CORPUS).length, 'the long texts, read back from the SAV file').to.equal(csvCorpusCells);
      // A SAV label holds 256 bytes at most: the wording's beginning, as typed.
      const dictionary = parseCsv(await readFile(file('dictionary.csv')), { relax_column_count: true }) as string[][];
      const label = dictionary.find((row) => row[0] === 'suggestion')?.[2] ?? '';
      expect(label.length, 'the label of suggestion').to.be.greaterThan(100);
      expect(definition.texts['q.suggestion']!.startsWith(label), `the wording of suggestion as its SAV variable label: ${label}`).to.equal(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const json = await console_.agent.get(`${WAVE_PAGE}/codebook.json`);
    expect(json.status).to.equal(200);
    expect(json.headers['content-type']).to.match(/^application\/json/);
    expect(json.headers['x-content-type-options']).to.equal('nosniff');
    expect(JSON.stringify(json.body)).to.contain(JSON.stringify(definition.texts['q.suggestion']));

    expect(json.headers['content-disposition']).to.match(/^attachment;/);

    // The API's JSON opened in the browser (the panel's members, with their names): a JSON
    // document, nothing of it drawn as a page, nothing run.
    const members = `/api/v1/surveys/${SURVEY}/panels/${PANEL}/members`;
    const api = await console_.agent.get(members);
    expect(api.status).to.equal(200);
    expect(api.headers['content-type']).to.match(/^application\/json/);
    expect(api.headers['x-content-type-options']).to.equal('nosniff');
    expect(JSON.stringify(api.body)).to.contain(JSON.stringify(memberNames[0]));
    const { page, watch } = await watchedPage();
    await signInChromium(page, suite.app, admin);
    await page.goto(`${suite.app.url}${members}`);
    expect(await inPage<string>(page, 'document.contentType')).to.equal('application/json');
    await expectSafePage(page, watch, 'the members API in the browser', [JSON.stringify(memberNames[0])]);
  });

  it('the server never ran a text as a template', () => {
    expect((globalThis as Record<string, unknown>)[SERVER_MARKER]).to.equal(undefined);
  });
});
