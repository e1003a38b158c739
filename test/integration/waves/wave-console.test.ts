// The organizer's survey and wave pages, and the waves API: a wave is made (copying another's
// settings), scheduled, opened and closed through the forms, each rule refused with its message,
// its status and the values typed; the time is the app's clock, set by the test.
import { expect } from 'chai';
import supertest from 'supertest';
import { useAppSuite } from '../../support/app-suite';
import { text, type Browser, type FormFields, type Page } from '../../support/browser';
import { apiTokenFor, createStaff, signedInBrowser, storedCollection } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const SURVEY_PAGE = `/admin/surveys/${CAPTIC_ID}`;
const wavePage = (waveId: string) => `${SURVEY_PAGE}/waves/${waveId}`;
const API = `/api/v1/surveys/${CAPTIC_ID}/waves`;
/** A month before the 2012 edition. */
const START = '2012-02-01T10:00:00Z';

function errorOf(page: Page): string {
  return text(page, '.error-summary');
}

/** Posts a form of the page at `path`, as a person filling it in would: its token, its action, the fields typed. */
async function postForm(browser: Browser, path: string, formId: string, fields: FormFields = {}): Promise<Page> {
  const page = await browser.get(path);
  const form = page.$(`form#${formId}`);
  expect(form.length, `no form #${formId} on ${path}`).to.equal(1);
  const csrf = form.find('input[name=_csrf]').attr('value') ?? '';
  return browser.post(form.attr('action') as string, { _csrf: csrf, ...fields });
}

/** Posts to an address with a token from another page, as a hand-made request would. */
async function postTo(browser: Browser, action: string, fields: FormFields = {}): Promise<Page> {
  const page = await browser.get('/admin');
  return browser.post(action, { ...browser.hiddenFields(page), ...fields });
}

async function storedWave(waveId: string) {
  return storedCollection('waves').findOne({ surveyId: CAPTIC_ID, waveId });
}

describe('The wave console', function () {
  this.timeout(60_000);
  const suite = useAppSuite({ startAt: START, organizerOf: [CAPTIC_ID] });

  /** A new draft wave, made through the form. */
  async function makeWave(waveId: string, fields: FormFields = {}): Promise<Page> {
    const made = await postForm(suite.browser, SURVEY_PAGE, 'new-wave', { waveId, ...fields });
    expect(made.status, errorOf(made)).to.equal(303);
    return made;
  }

  async function setDates(waveId: string, opensAt: string, closesAt: string, graceMinutes = '60'): Promise<Page> {
    return postForm(suite.browser, wavePage(waveId), 'wave-schedule', { opensAt, closesAt, graceMinutes });
  }

  describe('the survey page', () => {
    it('lists the waves with their phase at the clock, their dates in the survey\'s zone and completes against target', async () => {
      const page = await suite.browser.get(SURVEY_PAGE);
      expect(page.status).to.equal(200);
      expect(page.html).to.contain('Dates and times in the Europe/Paris time zone.');
      const rows = page.$('#waves tbody tr').toArray().map((row) => page.$(row).children().toArray().map((cell) => page.$(cell).text().replace(/\s+/g, ' ').trim()));
      expect(rows.map((row) => row[0]?.split(' ')[0])).to.deep.equal(['demo', '2011-03']);
      expect(rows[0]![1]).to.equal('Open');
      expect(rows[1]![1]).to.equal('Closed');
      // 2011-03 opens at midnight in Paris on 1 March and closes at the end of 31 March.
      expect(rows[1]![2]).to.equal('1 Mar 2011, 00:00 (Europe/Paris)');
      expect(rows[1]![3]).to.equal('1 Apr 2011, 00:00 (Europe/Paris)');
      expect(page.$('#waves a[href="/admin/surveys/captic_2011/waves/2011-03"]').length).to.equal(1);
      // The new-wave form copies the newest wave by default and pins the survey file's version.
      expect(page.$('#copyFrom option[selected]').attr('value')).to.equal('demo');
      expect(page.$('#fingerprint option[selected]').attr('value')).to.equal(suite.app.catalog.require(CAPTIC_ID).fingerprint);
    });

    it('makes a draft wave that copies the chosen wave\'s settings, pins the chosen version and is audited', async () => {
      const set = await postForm(suite.browser, wavePage('2011-03'), 'wave-settings', { accessMode: 'panel', targetSample: '300', reminderDays: '7 3' });
      expect(set.status, errorOf(set)).to.equal(303);
      await storedCollection('waves').updateOne({ surveyId: CAPTIC_ID, waveId: '2011-03' }, { $set: { quotas: [{ questionId: 'company_size', optionId: 'tpe', limit: 150 }], graceMinutes: 30 } });
      const fingerprint = suite.app.catalog.require(CAPTIC_ID).fingerprint;

      const made = await postForm(suite.browser, SURVEY_PAGE, 'new-wave', { waveId: '2012-03', label_fr: 'Mars 2012', label_en: 'March 2012', copyFrom: '2011-03', fingerprint });
      expect(made.status).to.equal(303);
      expect(made.location).to.equal(`${wavePage('2012-03')}?done=created`);
      const page = await suite.browser.get(made.location!);
      expect(text(page, '.notice')).to.equal('Wave created, as a draft.');
      expect(text(page, 'h1')).to.equal('Wave 2012-03 March 2012');
      expect(text(page, '#wave-phase')).to.equal('Draft');
      expect(text(page, '#wave-access')).to.equal('invited panel members');
      expect(text(page, '#wave-target')).to.equal('0 of 300');
      expect(text(page, '#wave-reminders')).to.equal('3, 7');
      expect(text(page, '#wave-grace')).to.equal('30 min');
      expect(text(page, '#wave-copied-from')).to.equal('2011-03');
      expect(text(page, '#wave-version')).to.contain(fingerprint);
      expect(page.$('nav.wave-nav a[aria-current="page"]').attr('href')).to.equal(wavePage('2012-03'));

      const stored = await storedWave('2012-03');
      expect(stored).to.deep.include({ status: 'draft', fingerprint, copiedFrom: '2011-03', accessMode: 'panel', targetSample: 300, reminderDays: [3, 7], graceMinutes: 30, label: { fr: 'Mars 2012', en: 'March 2012' } });
      expect(stored!.quotas).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', limit: 150 }]);
      const audit = await storedCollection('audit_events').findOne({ action: 'wave_created' });
      expect(audit).to.deep.include({ via: 'session', actorEmail: 'organizer@example.org', surveyId: CAPTIC_ID, target: '2012-03' });
    });

    it('refuses a wave id the survey has (409) or that is not an id (400), drawing the form again with what was typed', async () => {
      const taken = await postForm(suite.browser, SURVEY_PAGE, 'new-wave', { waveId: '2011-03', label_en: 'Again', copyFrom: '2011-03' });
      expect(taken.status).to.equal(409);
      expect(errorOf(taken)).to.equal('The survey already has a wave "2011-03": choose another id.');
      expect(taken.$('#waveId').attr('value')).to.equal('2011-03');
      expect(taken.$('#label_en').attr('value')).to.equal('Again');
      expect(taken.$('#copyFrom option[selected]').attr('value')).to.equal('2011-03');

      const bad = await postForm(suite.browser, SURVEY_PAGE, 'new-wave', { waveId: 'mars 2012' });
      expect(bad.status).to.equal(400);
      expect(errorOf(bad)).to.contain('a wave id uses letters, digits, - and _');
      expect(bad.$('#waveId').attr('value')).to.equal('mars 2012');
      expect(await storedCollection('waves').countDocuments({ surveyId: CAPTIC_ID })).to.equal(2);
    });
  });

  describe('the wave page', () => {
    it('reads the field dates in the survey\'s zone and shows them in it', async () => {
      await makeWave('2012-03');
      const saved = await setDates('2012-03', '2012-03-01T09:00', '2012-03-31T18:00', '90');
      expect(saved.status, errorOf(saved)).to.equal(303);
      expect(saved.location).to.equal(`${wavePage('2012-03')}?done=schedule`);
      const stored = await storedWave('2012-03');
      expect(stored!.opensAt.toISOString()).to.equal('2012-03-01T08:00:00.000Z');
      // Summer time starts on 25 March 2012 in Paris: 18:00 there is 16:00 UTC.
      expect(stored!.closesAt.toISOString()).to.equal('2012-03-31T16:00:00.000Z');
      expect(stored!.graceMinutes).to.equal(90);
      const page = await suite.browser.get(wavePage('2012-03'));
      expect(text(page, '#wave-opens')).to.equal('1 Mar 2012, 09:00 (Europe/Paris)');
      expect(text(page, '#wave-closes')).to.equal('31 Mar 2012, 18:00 (Europe/Paris)');
      expect(page.$('#opensAt').attr('value')).to.equal('2012-03-01T09:00');
      expect(page.$('#closesAt').attr('value')).to.equal('2012-03-31T18:00');
      expect(text(page, '#wave-grace')).to.equal('90 min');
    });

    it('refuses a close time before the open time with 422, the message and the times typed, and changes nothing', async () => {
      await makeWave('2012-03');
      const refused = await setDates('2012-03', '2012-03-31T09:00', '2012-03-01T09:00');
      expect(refused.status).to.equal(422);
      expect(errorOf(refused)).to.equal('The close time is before the open time: a wave must open before it closes.');
      expect(refused.$('#opensAt').attr('value')).to.equal('2012-03-31T09:00');
      expect(refused.$('#closesAt').attr('value')).to.equal('2012-03-01T09:00');
      const stored = await storedWave('2012-03');
      expect(stored).to.not.have.property('opensAt');
      expect(stored).to.not.have.property('closesAt');

      const garbled = await setDates('2012-03', '2012-03-31 9h', '');
      expect(garbled.status).to.equal(422);
      expect(errorOf(garbled)).to.equal('Write the date and time like 2012-03-01T09:00.');
      expect(garbled.$('#opensAt').attr('value')).to.equal('2012-03-31 9h');
    });

    it('refuses an open time that has passed (422), and scheduling without an open time', async () => {
      await makeWave('2012-03');
      const past = await setDates('2012-03', '2012-01-15T09:00', '2012-03-31T18:00');
      expect(past.status).to.equal(422);
      expect(errorOf(past)).to.equal('That open time has passed: give one in the future, or open the wave now.');
      expect(await storedWave('2012-03')).to.not.have.property('opensAt');
      const refused = await postForm(suite.browser, wavePage('2012-03'), 'schedule-wave');
      expect(refused.status).to.equal(422);
      expect((await storedWave('2012-03'))!.status).to.equal('draft');
    });

    it('refuses to schedule a wave whose dates overlap a scheduled one (409, naming it), and schedules one that does not', async () => {
      expect((await postForm(suite.browser, wavePage('demo'), 'close-wave')).status).to.equal(303);
      await makeWave('2012-03');
      await setDates('2012-03', '2012-03-01T00:00', '2012-04-01T00:00');
      const scheduled = await postForm(suite.browser, wavePage('2012-03'), 'schedule-wave');
      expect(scheduled.location).to.equal(`${wavePage('2012-03')}?done=scheduled`);
      expect(text(await suite.browser.get(scheduled.location!), '#wave-phase')).to.equal('Scheduled');

      await makeWave('2012-03-bis');
      await setDates('2012-03-bis', '2012-03-15T00:00', '2012-04-15T00:00');
      const refused = await postForm(suite.browser, wavePage('2012-03-bis'), 'schedule-wave');
      expect(refused.status).to.equal(409);
      expect(errorOf(refused)).to.contain('"2012-03" (scheduled)');
      expect((await storedWave('2012-03-bis'))!.status).to.equal('draft');

      await setDates('2012-03-bis', '2012-04-01T00:00', '2012-04-15T00:00');
      expect((await postForm(suite.browser, wavePage('2012-03-bis'), 'schedule-wave')).status).to.equal(303);
    });

    it('opens a scheduled wave by itself at its open time, as the clock says', async () => {
      await postForm(suite.browser, wavePage('demo'), 'close-wave');
      await makeWave('2012-03');
      await setDates('2012-03', '2012-03-01T09:00', '2012-03-31T18:00');
      await postForm(suite.browser, wavePage('2012-03'), 'schedule-wave');
      suite.clock.set('2012-03-01T08:00:00Z');
      const page = await suite.browser.get(wavePage('2012-03'));
      expect(text(page, '#wave-phase')).to.equal('Open (decision on record: Scheduled; the dates decide)');
      suite.clock.set('2012-03-31T16:00:00Z');
      expect(text(await suite.browser.get(wavePage('2012-03')), '#wave-phase')).to.match(/^Closed/);
    });

    it('refuses to open a wave while another is open, naming it (409); opens it once that one is closed', async () => {
      await makeWave('2012-03');
      const refused = await postForm(suite.browser, wavePage('2012-03'), 'open-wave');
      expect(refused.status).to.equal(409);
      expect(errorOf(refused)).to.contain('Wave "demo" (open) of this survey is open: close it before opening "2012-03"');
      expect((await storedWave('2012-03'))!.status).to.equal('draft');

      const closed = await postForm(suite.browser, wavePage('demo'), 'close-wave');
      expect(closed.location).to.equal(`${wavePage('demo')}?done=closed`);
      const opened = await postForm(suite.browser, wavePage('2012-03'), 'open-wave');
      expect(opened.location).to.equal(`${wavePage('2012-03')}?done=opened`);
      const page = await suite.browser.get(opened.location!);
      expect(text(page, '.notice')).to.equal('Wave open: respondents can answer.');
      expect(text(page, '#wave-phase')).to.equal('Open');
      const stored = await storedWave('2012-03');
      expect(stored).to.deep.include({ status: 'open' });
      expect(stored!.openedAt.toISOString()).to.equal(new Date(START).toISOString());
      expect(await storedCollection('audit_events').countDocuments({ action: 'wave_opened', target: '2012-03', actorEmail: 'organizer@example.org' })).to.equal(1);
      expect(await storedCollection('audit_events').countDocuments({ action: 'wave_closed', target: 'demo' })).to.equal(1);
    });

    it('refuses to open a closed wave again (409) and to close a draft (409)', async () => {
      const reopened = await postTo(suite.browser, `${wavePage('2011-03')}/actions/open`);
      expect(reopened.status).to.equal(409);
      expect(errorOf(reopened)).to.equal('Wave "2011-03" is closed: it cannot change any more. Make a new wave instead.');
      expect((await storedWave('2011-03'))!.status).to.equal('closed');

      await makeWave('2012-03');
      const closedDraft = await postTo(suite.browser, `${wavePage('2012-03')}/actions/close`);
      expect(closedDraft.status).to.equal(409);
      expect(errorOf(closedDraft)).to.equal('Wave "2012-03" is a draft that never opened: there is nothing to close.');
    });

    it('saves the settings and refuses a target that is not a whole number (422) with the values typed', async () => {
      await makeWave('2012-03');
      const saved = await postForm(suite.browser, wavePage('2012-03'), 'wave-settings', { accessMode: 'panel', targetSample: '250', reminderDays: '7, 3' });
      expect(saved.location).to.equal(`${wavePage('2012-03')}?done=settings`);
      expect(await storedWave('2012-03')).to.deep.include({ accessMode: 'panel', targetSample: 250, reminderDays: [3, 7] });
      const refused = await postForm(suite.browser, wavePage('2012-03'), 'wave-settings', { accessMode: 'open', targetSample: 'many', reminderDays: '2' });
      expect(refused.status).to.equal(422);
      expect(errorOf(refused)).to.equal('The target sample is a whole number of completes, from 1 to 10,000,000.');
      expect(refused.$('#targetSample').attr('value')).to.equal('many');
      expect(refused.$('#reminderDays').attr('value')).to.equal('2');
      expect(await storedWave('2012-03')).to.deep.include({ accessMode: 'panel', targetSample: 250, reminderDays: [3, 7] });
    });

    it('words the page in French for a French reader', async () => {
      suite.browser.acceptLanguage = 'fr-FR';
      await makeWave('2012-03');
      const refused = await setDates('2012-03', '2012-03-31T09:00', '2012-03-01T09:00');
      expect(errorOf(refused)).to.equal('La clôture est avant l’ouverture : une vague doit s’ouvrir avant de se clore.');
      expect(text(await suite.browser.get(wavePage('2011-03')), '#wave-opens')).to.equal('1 mars 2011, 00:00 (Europe/Paris)');
    });

    it('answers 404 for a wave the survey does not have, on the page and on its forms', async () => {
      expect((await suite.browser.get(wavePage('1999-01'))).status).to.equal(404);
      expect((await postTo(suite.browser, `${wavePage('1999-01')}/actions/open`)).status).to.equal(404);
      expect((await postTo(suite.browser, `${wavePage('1999-01')}/schedule`, { opensAt: '', closesAt: '' })).status).to.equal(404);
    });
  });

  describe('an analyst', () => {
    it('sees the survey and wave pages without their forms, and is refused every change with 403', async () => {
      const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
      const reader = await signedInBrowser(suite.app, analyst);
      reader.acceptLanguage = 'en';
      const survey = await reader.get(SURVEY_PAGE);
      expect(survey.status).to.equal(200);
      expect(survey.$('form#new-wave').length).to.equal(0);
      const wave = await reader.get(wavePage('demo'));
      expect(wave.status).to.equal(200);
      expect(text(wave, '#wave-phase')).to.equal('Open');
      expect(wave.$('main form').length).to.equal(0);

      for (const [action, fields] of [
        [`${SURVEY_PAGE}/waves`, { waveId: '2012-03' }],
        [`${wavePage('demo')}/actions/close`, {}],
        [`${wavePage('demo')}/schedule`, { opensAt: '', closesAt: '2012-03-01T00:00' }],
        [`${wavePage('demo')}/settings`, { accessMode: 'panel', targetSample: '', reminderDays: '' }],
      ] as const) {
        expect((await postTo(reader, action, fields)).status, action).to.equal(403);
      }
      expect(await storedWave('demo')).to.deep.include({ status: 'open', accessMode: 'open' });
      expect(await storedWave('2012-03')).to.equal(null);
    });
  });

  describe('the API', () => {
    let token: string;
    const call = (method: 'get' | 'post' | 'patch', path: string) => supertest(suite.app.url)[method](path).set('Authorization', `Bearer ${token}`);

    beforeEach(async () => {
      token = await apiTokenFor(suite.organizer, 'manage');
    });

    it('lists the waves with their phase, dates and counts', async () => {
      const res = await call('get', API).expect(200);
      expect(res.body.timeZone).to.equal('Europe/Paris');
      expect(res.body.waves.map((w: { waveId: string }) => w.waveId)).to.deep.equal(['demo', '2011-03']);
      expect(res.body.waves[1]).to.deep.include({ status: 'closed', phase: 'closed', opensAt: '2011-02-28T23:00:00.000Z', closesAt: '2011-03-31T22:00:00.000Z', fieldDates: { start: '2011-03-01', end: '2011-03-31' } });
      expect(res.body.waves[1].counts).to.deep.equal({ complete: 0, partial: 0, screened_out: 0, voided: 0 });
    });

    it('makes, dates, opens and closes a wave, with the same refusals as the pages', async () => {
      const made = await call('post', API).send({ waveId: '2012-03', copyFrom: '2011-03', label: { fr: 'Mars 2012', en: 'March 2012' } }).expect(201);
      expect(made.headers.location).to.equal(`${API}/2012-03`);
      expect(made.body).to.deep.include({ waveId: '2012-03', status: 'draft', phase: 'draft', copiedFrom: '2011-03' });
      expect((await call('post', API).send({ waveId: '2012-03' })).status).to.equal(409);

      const backwards = await call('patch', `${API}/2012-03`).send({ opensAt: '2012-03-31T09:00:00+02:00', closesAt: '2012-03-01T09:00:00+01:00' });
      expect(backwards.status).to.equal(422);
      expect(backwards.body.error.code).to.equal('close_before_open');
      const dated = await call('patch', `${API}/2012-03`).send({ opensAt: '2012-03-01T09:00:00+01:00', closesAt: null, targetSample: 200 }).expect(200);
      expect(dated.body).to.deep.include({ opensAt: '2012-03-01T08:00:00.000Z', targetSample: 200 });
      expect((await call('patch', `${API}/2012-03`).send({ opensAt: 'next monday' })).status).to.equal(400);

      const clash = await call('post', `${API}/2012-03/open`);
      expect(clash.status).to.equal(409);
      expect(clash.body.error.message).to.contain('"demo"');
      await call('post', `${API}/demo/close`).expect(200);
      const opened = await call('post', `${API}/2012-03/open`).expect(200);
      expect(opened.body).to.deep.include({ status: 'open', phase: 'open' });
      const closed = await call('post', `${API}/2012-03/close`).expect(200);
      expect(closed.body).to.deep.include({ status: 'closed', phase: 'closed' });
      expect((await call('post', `${API}/2012-03/open`)).status).to.equal(409);
      expect((await call('get', `${API}/1999-01`)).status).to.equal(404);
    });

    it('refuses a read-only token (403) and an analyst\'s token (403), and lets them read', async () => {
      token = await apiTokenFor(suite.organizer, 'read');
      const readOnly = await call('post', `${API}/demo/close`);
      expect(readOnly.status).to.equal(403);
      expect(readOnly.body.error.code).to.equal('insufficient_scope');
      await call('get', `${API}/demo`).expect(200);
      const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
      token = await apiTokenFor(analyst, 'manage');
      const analystClose = await call('post', `${API}/demo/close`);
      expect(analystClose.status).to.equal(403);
      expect(analystClose.body.error.code).to.equal('organizer_only');
      expect((await call('patch', `${API}/demo`).send({ targetSample: 3 })).status).to.equal(403);
      expect((await storedWave('demo'))!.status).to.equal('open');
    });
  });
});
