// What respondents meet as a wave goes through its life, on the app's injected clock: a survey that
// is not open yet, one that opens and closes on its field dates without anyone touching it, the
// grace period for responses in progress, and the polite closed page in each language. Time moves
// by setting the clock, never by waiting.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { Writable } from 'node:stream';
import pino from 'pino';
import { registerSurvey } from '../../../server/surveys/survey.catalog';
import { Browser, type Page } from '../../support/browser';
import { useAppSuite } from '../../support/app-suite';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';

const COWORKING_ID = 'coworking_members_2026';
const db = () => mongoose.connection.db!;
const MINUTE = 60_000;

describe('A wave’s life, as respondents meet it', function () {
  this.timeout(60_000);
  const suite = useAppSuite({ startAt: '2027-02-15T09:00:00Z' });

  const waves = () => wavesOf(suite.app, suite.clock);

  /**
   * The 2027-03 wave of CAP-TIC, scheduled from 1 March 2027 09:00 to 31 March 2027 18:00 Paris
   * time, with the demonstration wave closed: the setup of a barometer's next edition.
   */
  async function scheduleMarch2027(graceMinutes = 30): Promise<void> {
    await waves().closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    await waves().createWave(CAPTIC_ID, { waveId: '2027-03', label: { fr: 'Mars 2027', en: 'March 2027' }, copyFrom: '2011-03' }, TEST_ACTOR);
    await waves().setSchedule(
      CAPTIC_ID,
      '2027-03',
      { opensAt: new Date('2027-03-01T08:00:00Z'), closesAt: new Date('2027-03-31T16:00:00Z'), graceMinutes },
      TEST_ACTOR,
    );
    await waves().scheduleWave(CAPTIC_ID, '2027-03', TEST_ACTOR);
  }

  async function startAnswering(browser: Browser): Promise<Page> {
    const intro = await browser.open(`/s/${CAPTIC_ID}`);
    expect(intro.status, intro.html.slice(0, 200)).to.equal(200);
    return browser.submit(intro, { consent: 'yes' });
  }

  it('tells a respondent politely, in their language, that a scheduled wave is not open yet and when it opens', async () => {
    await scheduleMarch2027();
    const french = await new Browser(suite.app.url).get(`/s/${CAPTIC_ID}`);
    expect(french.status).to.equal(403);
    expect(french.$('h1').text()).to.equal('Cette enquête n’est pas encore ouverte');
    expect(french.$('main').text()).to.contain('Elle ouvrira le 1 mars 2027, 09:00 (Europe/Paris)');
    const english = new Browser(suite.app.url);
    english.acceptLanguage = 'en';
    const page = await english.get(`/s/${CAPTIC_ID}`);
    expect(page.$('h1').text()).to.equal('This survey is not open yet');
    expect(page.$('main').text()).to.contain('It opens on 1 Mar 2027, 09:00 (Europe/Paris)');
    expect(await db().collection('responses').countDocuments()).to.equal(0);
  });

  it('opens on its open time and closes on its close time by itself, then says when it was open', async () => {
    await scheduleMarch2027();
    suite.clock.set('2027-03-01T07:59:59Z');
    expect((await new Browser(suite.app.url).get(`/s/${CAPTIC_ID}`)).status).to.equal(403);
    suite.clock.set('2027-03-01T08:00:00Z');
    const browser = new Browser(suite.app.url);
    const first = await startAnswering(browser);
    expect(first.$('form#survey-form').attr('action')).to.equal(`/s/${CAPTIC_ID}/p/social_use`);
    const [response] = await db().collection('responses').find({}).toArray();
    expect(response).to.include({ waveId: '2027-03' });
    expect(response!.startedAt).to.deep.equal(new Date('2027-03-01T08:00:00Z'));

    suite.clock.set('2027-03-31T16:00:00Z');
    const closed = await new Browser(suite.app.url).get(`/s/${CAPTIC_ID}`);
    expect(closed.status).to.equal(410);
    expect(closed.$('h1').text()).to.equal('Cette enquête est close');
    expect(closed.$('main').text()).to.contain('Elle était ouverte du 1 mars 2027 au 31 mars 2027.');
  });

  it('lets a response started before the close finish within the grace period, and refuses it after, storing nothing', async () => {
    await scheduleMarch2027(30);
    suite.clock.set('2027-03-31T15:50:00Z');
    const browser = new Browser(suite.app.url);
    let page = await startAnswering(browser);
    page = await browser.submit(page, NON_USER_PAGES.social_use!);
    suite.clock.set('2027-03-31T16:20:00Z');
    // Ten minutes before the grace period ends: the page saves, and a new visitor is turned away.
    page = await browser.submit(page, NON_USER_PAGES.information!);
    expect(page.status).to.equal(200);
    expect(page.$('form#survey-form').attr('action')).to.equal(`/s/${CAPTIC_ID}/p/real_networks`);
    expect((await new Browser(suite.app.url).get(`/s/${CAPTIC_ID}`)).status).to.equal(410);

    suite.clock.advance(10 * MINUTE + 1);
    const before = await db().collection('responses').find({}).toArray();
    const late = await browser.post(browser.formAction(page), { ...browser.hiddenFields(page), ...NON_USER_PAGES.real_networks!, action: 'next' });
    expect(late.status).to.equal(410);
    expect(late.$('h1').text()).to.equal('Cette enquête est close');
    expect(await db().collection('responses').find({}).toArray()).to.deep.equal(before);
  });

  it('lets a respondent who finished still see their thank-you page after the close, and lets them into the next wave', async () => {
    const browser = new Browser(suite.app.url);
    let page = await startAnswering(browser);
    for (const id of ['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project', 'profile']) page = await browser.submit(page, NON_USER_PAGES[id]!);
    expect(page.$('h1').text()).to.equal('Merci, vos réponses ont bien été envoyées');
    await waves().closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    expect((await browser.get(`/s/${CAPTIC_ID}/thanks`)).status).to.equal(200);

    await waves().createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
    await waves().openWave(CAPTIC_ID, '2027-03', TEST_ACTOR);
    const intro = await browser.open(`/s/${CAPTIC_ID}`);
    expect(intro.status).to.equal(200);
    expect(intro.$('form').last().attr('action')).to.equal(`/s/${CAPTIC_ID}/start`);
  });

  it('answers on a fresh start for the shipped coworking survey, and shows a friendly closed page once closed, in both languages', async () => {
    const intro = await new Browser(suite.app.url).open(`/s/${COWORKING_ID}?lang=en`);
    expect(intro.status).to.equal(200);
    await waves().closeWave(COWORKING_ID, '2026-spring', TEST_ACTOR);
    for (const [lang, heading, dates] of [
      ['en', 'This survey is closed', 'It was open from 1 March 2026 to 15 February 2027.'],
      ['fr', 'Cette enquête est close', 'Elle était ouverte du 1 mars 2026 au 15 février 2027.'],
    ] as const) {
      const browser = new Browser(suite.app.url);
      browser.acceptLanguage = lang;
      const page = await browser.get(`/s/${COWORKING_ID}`);
      expect(page.status, lang).to.equal(410);
      expect(page.$('html').attr('lang')).to.equal(lang);
      expect(page.$('h1').text()).to.equal(heading);
      expect(page.$('main').text()).to.contain(dates);
      expect(page.html).to.not.match(/Error|stack|at .*\.ts:\d+/);
    }
  });

  it('keeps the database’s waves over the file’s seed once the survey has waves, and says so in one line at boot', async () => {
    await waves().closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } }));
    await registerSurvey(suite.app.catalog.require(CAPTIC_ID), logger, { reportDisagreements: true });
    const demo = await db().collection('waves').findOne({ surveyId: CAPTIC_ID, waveId: 'demo' });
    expect(demo).to.include({ status: 'closed' });
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).to.have.length(1);
    expect(warnings[0]!.msg).to.match(/^survey captic_2011: the database's waves win over seed_waves in .*captic-2011\.yaml, which only seeds a fresh database \(demo is closed in the database, open in the file\)/);
  });
});
