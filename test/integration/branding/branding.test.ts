// A survey's own look on the respondent's pages, over HTTP: the logo and the accent stylesheet
// served at addresses that name their version and content, the header with the survey's logo or
// title and its sponsor line (Barometer only in the footer), the thank-you link, and a wave pinned
// to a version keeping that version's look.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { Browser, pageIdOf, text, type Page } from '../../support/browser';
import { ROOT, startTestApp, type TestApp } from '../../support/app';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { CAPTIC_TEXT, recordVersionText, replaceOnce } from '../versions/support';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const COWORKING = 'coworking_members_2026';
const LOGO_FILE = readFileSync(path.join(ROOT, 'surveys', 'assets', 'coworking-logo.svg'));
const BRANDING_PATH = /^\/s\/coworking_members_2026\/branding\/[0-9a-f]{16}\/(logo|theme)-[0-9a-f]{16}\.(svg|css)$/;

describe('Survey branding on the respondent pages', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());
  beforeEach(() => app.reset());

  async function coworkingIntro(): Promise<Page> {
    const intro = await new Browser(app.url).open(`/s/${COWORKING}?lang=en`);
    expect(intro.status).to.equal(200);
    return intro;
  }

  it('shows the survey logo and sponsor line in the header instead of Barometer, which stays in the footer', async () => {
    const intro = await coworkingIntro();
    const logo = intro.$('header.site-header img.brand-logo');
    expect(logo.attr('alt')).to.equal('Canal Street Coworking');
    expect(logo.attr('src')).to.match(BRANDING_PATH);
    expect([logo.attr('width'), logo.attr('height')]).to.deep.equal(['240', '56']);
    expect(text(intro, 'header.site-header .sponsor-line')).to.equal("A survey by the members' committee of Canal Street Coworking");
    expect(text(intro, 'header.site-header')).not.to.include('Barometer');
    expect(text(intro, 'footer.site-footer small')).to.equal('Powered by Barometer');
    const french = await new Browser(app.url).open(`/s/${COWORKING}?lang=fr`);
    expect(text(french, 'header.site-header .sponsor-line')).to.equal('Une enquête du comité des membres de Canal Street Coworking');
  });

  it('serves the logo at its fingerprinted address: its bytes, its type, cached for good, never run as a page', async () => {
    const src = (await coworkingIntro()).$('img.brand-logo').attr('src') ?? '';
    const res = await supertest(app.url).get(src).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('image/svg+xml');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['content-security-policy']).to.equal("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(Buffer.compare(res.body as Buffer, LOGO_FILE)).to.equal(0);

    const otherHash = src.replace(/logo-[0-9a-f]{16}/, 'logo-0000000000000000');
    expect((await supertest(app.url).get(otherHash)).status).to.equal(404);
    expect((await supertest(app.url).get(src.replace(/\.svg$/, '.png'))).status).to.equal(404);
    expect((await supertest(app.url).get(src.replace(/branding\/[0-9a-f]{16}/, 'branding/0123456789abcdef'))).status).to.equal(404);
  });

  it('sets the accent and a darker hover shade in a stylesheet linked after app.css', async () => {
    const intro = await coworkingIntro();
    const sheets = intro.$('link[rel=stylesheet]').map((_, el) => intro.$(el).attr('href')).get();
    expect(sheets[0]).to.equal('/public/css/app.css');
    const theme = sheets.find((href) => BRANDING_PATH.test(href)) ?? '';
    expect(theme).to.match(/theme-[0-9a-f]{16}\.css$/);
    const res = await supertest(app.url).get(theme);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('text/css; charset=utf-8');
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(res.text).to.equal(':root{--accent:#17614f;--accent-dark:#11493b}\n');
  });

  it('shows the survey title and sponsor line for a survey without a logo, and no theme', async () => {
    const intro = await new Browser(app.url).open(`/s/${CAPTIC_ID}`);
    expect(intro.$('header.site-header img').length).to.equal(0);
    expect(text(intro, 'header.site-header .brand')).to.equal('Utilisation des réseaux sociaux par les professionnels');
    expect(text(intro, 'header.site-header .sponsor-line')).to.equal('Une enquête de Widoobiz avec CAP-TIC');
    expect(intro.$('link[rel=stylesheet]').map((_, el) => intro.$(el).attr('href')).get()).to.deep.equal(['/public/css/app.css']);
    expect(text(intro, 'header.site-header')).not.to.include('Barometer');
  });

  it('keeps Barometer in the header of staff pages', async () => {
    const signIn = await new Browser(app.url).open('/login');
    expect(text(signIn, 'header.site-header .brand')).to.equal('Barometer');
    expect(signIn.$('header.site-header .sponsor-line').length).to.equal(0);
  });

  it('offers the survey’s own link on the thank-you page', async () => {
    const browser = new Browser(app.url);
    let page = await browser.submit(await browser.open(`/s/${COWORKING}?lang=en`), { consent: 'yes' });
    const plan: Record<string, Record<string, string | string[]>> = {
      membership: { still_member: 'no', days_per_week: '0' },
      leaving: { leave_reasons: ['moved'] },
      last_words: {},
    };
    for (let i = 0; i < 6 && page.$('form#survey-form').length; i += 1) page = await browser.submit(page, plan[pageIdOf(page) ?? ''] ?? {});
    const link = page.$('.thank-you-link a');
    expect(link.attr('href')).to.equal('https://canal-street-coworking.example/members');
    expect(link.text()).to.equal("Back to the members' page");
    expect(text(page, 'main')).not.to.include('Thank you! Thank you!');
  });

  it('shows the look of the version a wave pins, not the file’s', async () => {
    const accented = replaceOnce(CAPTIC_TEXT, '    en: A survey by Widoobiz with CAP-TIC\n', '    en: A survey by Widoobiz with CAP-TIC\n  accent: "#7a1f5c"\n');
    const { fingerprint } = await recordVersionText(accented, 'captic-accented.yaml');
    const waves = wavesOf(app);
    await waves.createWave(CAPTIC_ID, { waveId: '2012-03', copyFrom: '2011-03', fingerprint }, TEST_ACTOR);
    await waves.closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    await waves.openWave(CAPTIC_ID, '2012-03', TEST_ACTOR);

    const intro = await new Browser(app.url).open(`/s/${CAPTIC_ID}`);
    const theme = intro.$('link[rel=stylesheet]').map((_, el) => intro.$(el).attr('href')).get()[1] ?? '';
    expect(theme).to.include(`/branding/${fingerprint.replace('sha256:', '')}/theme-`);
    expect((await supertest(app.url).get(theme)).text).to.include('--accent:#7a1f5c');
  });
});
