// Issue 11's acceptance in a real browser, on a test clock set to 20 February 2012: CAP-TIC's March
// 2011 wave holds its 250 historical responses and the settings to copy; an organizer uploads a
// definition with one question reworded, launches wave 2012-03 from 2011-03 pinned to it, reads
// the difference, previews the wave in test mode, tightens a quota and opens it. One respondent
// completes, a second of the same, full cell is screened out; the organizer closes the wave and
// those who come later meet the closed page; the comparison with 2011-03 marks the reworded
// question as a break in series. The steps share one story, in order; each checks what people
// see and what the database holds.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Page } from 'playwright-core';
import { createLogger } from '../../server/lib/logger';
import { importResponses } from '../../server/responses/import.service';
import { createWaveLifecycle } from '../../server/waves/wave-lifecycle.service';
import { forgetWaves } from '../../server/waves/wave.service';
import { CAPTIC_ID, NON_USER_PAGES } from '../fixtures/captic-answers';
import { buildCaptic250, captic250AsJsonLines } from '../fixtures/captic-250';
import { ROOT } from '../support/app';
import { createTestClock } from '../support/clock';
import { createStaff, signInChromium, type StaffMember } from '../support/staff';
import { useChromiumSuite, type ChromiumSuite } from './support/chromium';
import { answerAndContinue, currentPageId, next, submitWith, textOf } from './support/survey';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const SURVEY_FILE = path.join(ROOT, 'surveys', 'captic-2011.yaml');
const SURVEY_PAGE = `/admin/surveys/${CAPTIC_ID}`;
const WAVE_PAGE = `${SURVEY_PAGE}/waves/2012-03`;
const ACTOR = { via: 'cli' } as const;

/** The one question the 2012 definition rewords, in both languages. */
const REWORDED = {
  questionId: 'uses_social',
  before: { fr: 'Utilisez-vous les réseaux sociaux ?', en: 'Do you use social networks?' },
  after: { fr: 'Utilisez-vous un ou plusieurs réseaux sociaux en ligne ?', en: 'Do you use one or more online social networks?' },
};

/** The quotas March 2011 ran with (the example cells), which the new wave copies. */
const QUOTAS_2011 = [
  { questionId: 'company_size', optionId: 'tpe', limit: 150 },
  { questionId: 'company_size', optionId: 'pme', limit: 60 },
];

/** The quota cell the respondents fall in (NON_USER_PAGES answer "tpe"). */
const CELL = 'company_size.tpe';

const db = () => mongoose.connection.db!;

/** The whole page, or only `part` of it when the page is long (the report). */
async function screenshot(page: Page, name: string, part?: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `waves-${name}.png`);
  if (part) await page.locator(part).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
}

/** CAP-TIC's file with REWORDED's question worded anew; each old wording must occur exactly once. */
async function rewordedDefinition(): Promise<string> {
  let text = await readFile(SURVEY_FILE, 'utf8');
  for (const lang of ['fr', 'en'] as const) {
    const line = `${lang}: ${REWORDED.before[lang]}`;
    expect(text.split(line).length - 1, `"${line}" in ${SURVEY_FILE}`).to.equal(1);
    text = text.replace(line, `${lang}: ${REWORDED.after[lang]}`);
  }
  return text;
}

/** A new respondent: a fresh context on the survey's intro, consent given, on the first page. */
async function startRespondent(suite: ChromiumSuite, locale: string): Promise<Page> {
  const page = await suite.newPage({ locale });
  expect((await page.goto(`${suite.app.url}/s/${CAPTIC_ID}`))?.status()).to.equal(200);
  await page.locator('#consent').check();
  expect(await submitWith(page, page.locator('form[action$="/start"] button[type="submit"]'))).to.equal(303);
  expect(await currentPageId(page)).to.equal('social_use');
  return page;
}

/** Answers NON_USER_PAGES page after page until the survey sends the respondent off its pages. */
async function answerToTheEnd(page: Page): Promise<string[]> {
  const seen: string[] = [];
  while (new URL(page.url()).pathname.includes('/p/')) seen.push(await answerAndContinue(page, NON_USER_PAGES));
  return seen;
}

describe('Waves end to end in Chromium: a new edition of CAP-TIC from upload to comparison', function () {
  this.timeout(60_000);
  const clock = createTestClock('2012-02-20T09:00:00Z');
  let organizer: Page;
  let organizerAccount: StaffMember;
  let workDir: string;
  let uploadedFingerprint: string;
  let fileFingerprint: string;
  const suite = useChromiumSuite({ app: { clock }, story: true });

  before(async () => {
    const survey = suite.app.catalog.require(CAPTIC_ID);
    fileFingerprint = survey.fingerprint;
    const imported = await importResponses({ survey, wave: '2011-03', format: 'jsonl', content: captic250AsJsonLines(), now: clock.now() });
    expect(imported.imported).to.equal(250);

    const lifecycle = createWaveLifecycle({ catalog: suite.app.catalog, logger: createLogger(suite.app.config), clock });
    await lifecycle.setSettings(CAPTIC_ID, '2011-03', { targetSample: 250 }, ACTOR);
    // March 2011 is closed, and the quota service rightly refuses to change a closed wave's
    // quotas: the quotas it ran with are written as its record would hold them.
    await db().collection('waves').updateOne({ surveyId: CAPTIC_ID, waveId: '2011-03' }, { $set: { quotas: QUOTAS_2011 } });
    forgetWaves(CAPTIC_ID);
    // The demonstration wave is open on a fresh start: while it is, no other wave may open.
    await lifecycle.closeWave(CAPTIC_ID, 'demo', ACTOR);

    organizerAccount = await createStaff(suite.app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID], name: 'Claire Durand' });
    workDir = await mkdtemp(path.join(tmpdir(), 'barometer-waves-'));
    organizer = await suite.newPage({ locale: 'fr-FR' });
  });
  after(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('takes an uploaded definition with one question reworded and lists it as a version', async () => {
    await signInChromium(organizer, suite.app, organizerAccount);
    const file = path.join(workDir, 'captic-2012.yaml');
    await writeFile(file, await rewordedDefinition());

    await organizer.goto(`${suite.app.url}${SURVEY_PAGE}/versions`);
    await organizer.locator('#definition').setInputFiles(file);
    expect(await submitWith(organizer, organizer.locator('#upload-version button[type="submit"]'))).to.equal(303);
    const notice = await textOf(organizer, '.notice');
    const match = /^Nouvelle version (sha256:[0-9a-f]{16}) enregistrée\./.exec(notice);
    expect(match, notice).not.to.equal(null);
    uploadedFingerprint = match![1]!;
    expect(uploadedFingerprint).not.to.equal(fileFingerprint);

    const row = organizer.locator(`tr[data-fingerprint="${uploadedFingerprint}"]`);
    expect(await row.locator('td').nth(0).innerText()).to.equal('Envoi depuis la console');
    expect(await row.locator('td').nth(1).innerText()).to.equal('captic-2012.yaml');
    expect(await row.locator('td').nth(2).innerText()).to.equal(organizerAccount.email);
    expect(await row.locator('td').nth(4).innerText()).to.equal('aucune');
    expect(await organizer.locator(`tr[data-fingerprint="${fileFingerprint}"] th`).innerText()).to.contain('version du fichier actuel');

    const versions = await db().collection('survey_versions').find({ surveyId: CAPTIC_ID }).toArray();
    expect(versions.map((v) => [v.fingerprint, v.source]).sort()).to.deep.equal([[fileFingerprint, 'file'], [uploadedFingerprint, 'upload']].sort());
    expect(await db().collection('audit_events').countDocuments({ action: 'version_uploaded', surveyId: CAPTIC_ID })).to.equal(1);
  });

  it('launches wave 2012-03 from the survey page, copying 2011-03 and pinned to the upload', async () => {
    await organizer.goto(`${suite.app.url}/admin`);
    await organizer.locator(`#survey-${CAPTIC_ID} a`).click();
    await organizer.waitForURL(`${suite.app.url}${SURVEY_PAGE}`);
    // The upload page is a link away for an organizer.
    expect(await organizer.locator('#versions-link').getAttribute('href')).to.equal(`/admin/surveys/${CAPTIC_ID}/versions`);
    await organizer.locator('#waveId').fill('2012-03');
    await organizer.locator('#label_fr').fill('Mars 2012');
    await organizer.locator('#label_en').fill('March 2012');
    await organizer.locator('#copyFrom').selectOption('2011-03');
    await organizer.locator('#new-wave #fingerprint').selectOption(uploadedFingerprint);
    expect(await submitWith(organizer, organizer.locator('#new-wave button[type="submit"]'))).to.equal(303);

    expect(new URL(organizer.url()).pathname).to.equal(WAVE_PAGE);
    expect(await textOf(organizer, '.notice')).to.equal('Vague créée, en brouillon.');
    expect(await textOf(organizer, '#wave-phase')).to.equal('Brouillon');
    expect(await textOf(organizer, '#wave-target')).to.equal('0 sur 250');
    expect(await textOf(organizer, '#wave-copied-from')).to.equal('2011-03');
    expect(await textOf(organizer, '#wave-version')).to.equal(uploadedFingerprint);

    // The quotas came along: the wave's Quotas tab shows them, none counted yet.
    await organizer.locator('.wave-nav a', { hasText: 'Quotas' }).click();
    await organizer.waitForURL(`${suite.app.url}${WAVE_PAGE}/quotas`);
    expect(await textOf(organizer, `tr[data-cell="${CELL}"] .quota-count`)).to.equal('0 / 150');
    expect(await textOf(organizer, 'tr[data-cell="company_size.pme"] .quota-count')).to.equal('0 / 60');

    const wave = await db().collection('waves').findOne({ surveyId: CAPTIC_ID, waveId: '2012-03' });
    expect(wave).to.deep.include({ status: 'draft', fingerprint: uploadedFingerprint, targetSample: 250, copiedFrom: '2011-03', quotas: QUOTAS_2011 });
  });

  it('shows the reworded question with its old and new wording side by side, as a break in series', async () => {
    await organizer.locator('.wave-nav a', { hasText: 'Questionnaire et changements' }).click();
    await organizer.waitForURL(`${suite.app.url}${WAVE_PAGE}/changes`);
    const rows = organizer.locator('.changes-table tbody tr');
    expect(await rows.count(), await textOf(organizer, 'main')).to.equal(1);
    const row = organizer.locator(`tr[data-ref="question:${REWORDED.questionId}"]`);
    expect(await row.getAttribute('data-kind')).to.equal('reworded');
    expect(await textOf(organizer, `tr[data-ref="question:${REWORDED.questionId}"] td:nth-of-type(1)`)).to.equal('Reformulation');
    const [before, after] = [row.locator('td.wording').nth(0), row.locator('td.wording').nth(1)];
    for (const lang of ['fr', 'en'] as const) {
      expect(await before.locator(`[lang="${lang}"]`).innerText()).to.contain(REWORDED.before[lang]);
      expect(await after.locator(`[lang="${lang}"]`).innerText()).to.contain(REWORDED.after[lang]);
    }
    expect(await row.locator('.status-break').innerText()).to.equal('Rupture de série');
    expect(await textOf(organizer, 'main')).to.contain(`Version ${uploadedFingerprint} de la vague 2012-03`);
    // Against the wave it was copied from, not the demonstration wave made between them.
    expect(await textOf(organizer, '.changes-table thead')).to.contain('Avant (2011-03)');
    await screenshot(organizer, 'changes');
  });

  it('previews the draft wave in test mode, with the new wording, and comes back to the console', async () => {
    await organizer.locator('.wave-nav a', { hasText: 'Réponses et test' }).click();
    await organizer.waitForURL(`${suite.app.url}${WAVE_PAGE}/responses`);
    expect(await submitWith(organizer, organizer.getByRole('button', { name: 'Répondre en mode test' }))).to.equal(303);

    expect(await currentPageId(organizer)).to.equal('social_use');
    expect(await textOf(organizer, '.test-mode-banner')).to.equal('Mode test : cette réponse n’est comptée dans aucun résultat.');
    expect(await textOf(organizer, '#survey-form')).to.contain(REWORDED.after.fr);
    expect(await textOf(organizer, '#survey-form')).not.to.contain(REWORDED.before.fr);
    await screenshot(organizer, 'preview');
    expect(await answerAndContinue(organizer, NON_USER_PAGES)).to.equal('social_use');
    expect(await answerAndContinue(organizer, NON_USER_PAGES)).to.equal('information');
    expect(await textOf(organizer, '.test-mode-banner')).to.contain('Mode test');

    const [test] = await db().collection('responses').find({ surveyId: CAPTIC_ID, waveId: '2012-03' }).toArray();
    expect(test).to.deep.include({ test: true, status: 'partial', fingerprint: uploadedFingerprint, lastPageId: 'information' });

    await organizer.goto(`${suite.app.url}${WAVE_PAGE}`);
    expect(await textOf(organizer, '#wave-target')).to.equal('0 sur 250');
  });

  it('tightens the respondents’ quota cell to one complete and opens the wave', async () => {
    await organizer.goto(`${suite.app.url}${WAVE_PAGE}/quotas?question=company_size`);
    await organizer.locator('#limit-tpe').fill('1');
    expect(await submitWith(organizer, organizer.locator('#quota-limits button[type="submit"]'))).to.equal(303);
    expect(await textOf(organizer, '.notice')).to.equal('Quotas enregistrés.');
    expect(await textOf(organizer, `tr[data-cell="${CELL}"] .quota-count`)).to.equal('0 / 1');

    await organizer.goto(`${suite.app.url}${WAVE_PAGE}`);
    expect(await submitWith(organizer, organizer.locator('#open-wave button'))).to.equal(303);
    expect(await textOf(organizer, '.notice')).to.equal('Vague ouverte : les répondants peuvent répondre.');
    expect(await textOf(organizer, '#wave-phase')).to.equal('Ouverte');

    const wave = await db().collection('waves').findOne({ surveyId: CAPTIC_ID, waveId: '2012-03' });
    expect(wave).to.deep.include({ status: 'open', quotas: [{ questionId: 'company_size', optionId: 'tpe', limit: 1 }, QUOTAS_2011[1]] });
    expect(wave!.openedAt).to.deep.equal(clock.now());
  });

  it('lets one respondent of the cell complete and screens out the next when the cell is full', async () => {
    const first = await startRespondent(suite, 'en-GB');
    expect(await textOf(first, '#survey-form')).to.contain(REWORDED.after.en);
    expect(await first.locator('.test-mode-banner').count()).to.equal(0);
    expect(await answerToTheEnd(first)).to.deep.equal(['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project', 'profile']);
    expect(new URL(first.url()).pathname).to.equal(`/s/${CAPTIC_ID}/thanks`);

    const second = await startRespondent(suite, 'fr-FR');
    expect(await answerToTheEnd(second)).to.deep.equal(['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project', 'profile']);
    expect(new URL(second.url()).pathname).to.equal(`/s/${CAPTIC_ID}/screened-out`);
    expect(await textOf(second, 'h1')).to.equal('Merci de votre participation');
    expect(await textOf(second, '.lead')).to.contain('Nous avons déjà reçu toutes les réponses dont nous avions besoin de personnes de votre profil');
    await screenshot(second, 'screened-out');

    const responses = await db().collection('responses').find({ surveyId: CAPTIC_ID, waveId: '2012-03', test: { $ne: true } }).sort({ startedAt: 1, _id: 1 }).toArray();
    expect(responses.map((r) => [r.status, r.language, r.fingerprint])).to.deep.equal([
      ['complete', 'en', uploadedFingerprint],
      ['screened_out', 'fr', uploadedFingerprint],
    ]);
    expect(responses[1]!.screenedOut).to.deep.include({ questionId: 'company_size', optionId: 'tpe' });

    await organizer.goto(`${suite.app.url}${WAVE_PAGE}/quotas`);
    expect(await textOf(organizer, `tr[data-cell="${CELL}"] td`)).to.equal('1 / 1 pleine');
  });

  it('closes the wave with no grace period: the respondent still answering and a newcomer meet the closed page', async () => {
    const latecomer = await startRespondent(suite, 'fr-FR');

    await organizer.goto(`${suite.app.url}${WAVE_PAGE}`);
    await organizer.locator('#graceMinutes').fill('0');
    expect(await submitWith(organizer, organizer.locator('#wave-schedule button[type="submit"]'))).to.equal(303);
    expect(await textOf(organizer, '.notice')).to.equal('Dates enregistrées.');
    expect(await textOf(organizer, '#wave-grace')).to.contain('0');
    const closedAt = clock.now();
    expect(await submitWith(organizer, organizer.locator('#close-wave button'))).to.equal(303);
    expect(await textOf(organizer, '.notice')).to.equal('Vague close.');
    expect(await textOf(organizer, '#wave-phase')).to.equal('Close');

    clock.advance(60_000);
    await latecomer.locator('input[name="uses_social"][value="no"]').check();
    expect(await next(latecomer)).to.equal(410);
    expect(await textOf(latecomer, 'h1')).to.equal('Cette enquête est close');

    const newcomer = await suite.newPage({ locale: 'en-GB' });
    expect((await newcomer.goto(`${suite.app.url}/s/${CAPTIC_ID}`))?.status()).to.equal(410);
    expect(await textOf(newcomer, 'h1')).to.equal('This survey is closed');
    expect(await textOf(newcomer, 'main')).to.contain('It was open from');
    await screenshot(newcomer, 'closed');

    const wave = await db().collection('waves').findOne({ surveyId: CAPTIC_ID, waveId: '2012-03' });
    expect(wave).to.deep.include({ status: 'closed', graceMinutes: 0 });
    expect(wave!.closedAt).to.deep.equal(closedAt);
    const statuses = await db().collection('responses').find({ surveyId: CAPTIC_ID, waveId: '2012-03', test: { $ne: true } }).sort({ startedAt: 1, _id: 1 }).toArray();
    expect(statuses.map((r) => r.status)).to.deep.equal(['complete', 'screened_out', 'partial']);
  });

  it('marks the reworded question as a break in series in the report compared with 2011-03', async () => {
    // The wave's other completes, from the panel's file: with a single complete every figure of
    // the report would be withheld, and no question would show a change to compare with.
    const panel = buildCaptic250(2012)
      .slice(0, 60)
      .map((record, i) => JSON.stringify({ ...record, external_id: `panel-2012-${i + 1}` }))
      .join('\n');
    const imported = await importResponses({ survey: suite.app.catalog.require(CAPTIC_ID), wave: '2012-03', format: 'jsonl', content: panel, now: clock.now() });
    expect(imported.imported).to.equal(60);

    await organizer.goto(`${suite.app.url}${WAVE_PAGE}/report`);
    await organizer.locator('nav.compare-waves a', { hasText: '2011-03' }).click();
    await organizer.waitForURL(/[?&]compare=2011-03/);
    expect(await textOf(organizer, '#compared-with')).to.contain('Évolutions depuis la vague 2011-03 (250 répondants).');

    const reworded = `#result-${REWORDED.questionId}`;
    expect(await textOf(organizer, `${reworded} h3`)).to.equal(REWORDED.after.fr);
    // The 60 from the file and the one who completed: not the test, the screened-out or the partial.
    expect(await textOf(organizer, `${reworded} .base-note`)).to.match(/^base : 61 —/);
    expect(await textOf(organizer, `${reworded} [data-series-break="${REWORDED.questionId}"]`)).to.equal(
      'Rupture de série : le libellé a changé depuis la vague 2011-03 (la question). Les chiffres ne sont pas comparés.',
    );
    expect(await organizer.locator(`${reworded} td.change`).count()).to.equal(0);
    // A question asked the same way in both waves is compared.
    expect(await organizer.locator('#result-club_member [data-series-break]').count()).to.equal(0);
    expect(await organizer.locator('#result-club_member td.change').count()).to.be.greaterThan(0);
    expect(await organizer.locator('[data-series-break]').count()).to.equal(1);
    await screenshot(organizer, 'report', reworded);
  });
});
