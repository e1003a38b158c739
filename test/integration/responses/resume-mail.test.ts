// "Email me this link": the resume link of the response in progress, mailed through the outbox to a
// real SMTP server on loopback; the link opens the response in another browser. Every refusal
// queues nothing and says why in the respondent's language; three limits of its own bound how
// much the form can send; the address is never kept on the response.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { startTestApp, type TestApp } from '../../support/app';
import { resetDatabase } from '../../support/database';
import { outboxCollection, pollUntil } from '../../support/outbox';
import { Browser, pageIdOf, text, type FormFields, type Page } from '../../support/browser';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../support/smtp';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { FORGOTTEN_RECIPIENT, followResumeLinkMail } from '../../../server/responses/resume-mail.service';

const SENDER = 'Barometer <barometer@example.org>';
const FORM = 'form.resume-mail-form';

function responsesCollection() {
  return mongoose.connection.collection('responses');
}

/** A respondent who consented and is on the first question page, in `lang`. */
async function respondentOnFirstPage(app: TestApp, lang = 'fr'): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser(app.url);
  browser.acceptLanguage = lang;
  const intro = await browser.open(`/s/${CAPTIC_ID}`);
  const page = await browser.submit(intro, { consent: 'yes' });
  expect(pageIdOf(page), page.html.slice(0, 300)).to.be.a('string');
  return { browser, page };
}

/** The save-later form's fields as the page has them, naming the page it is on. */
function formFields(page: Page): FormFields {
  const fields: FormFields = { page: pageIdOf(page)! };
  page.$(`${FORM} input[type=hidden]`).each((_, el) => {
    fields[page.$(el).attr('name')!] = page.$(el).attr('value') ?? '';
  });
  return fields;
}

async function askForLink(browser: Browser, page: Page, email: string | string[], changes: FormFields = {}): Promise<Page> {
  const action = page.$(FORM).attr('action');
  expect(action, `the save-later form on:\n${page.html.slice(0, 1500)}`).to.equal(`/s/${CAPTIC_ID}/resume-link`);
  return browser.post(action!, { ...formFields(page), email, ...changes });
}

function resumeLinkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/\S+\/s\/[\w-]+\/resume\/[\w-]{43}/.exec(mail.text);
  if (!match) throw new Error(`no resume link in:\n${mail.text}`);
  return match[0];
}

async function queuedCount(): Promise<number> {
  return outboxCollection().countDocuments({ purpose: 'resume_link' });
}

describe('Email me this link (the resume link by mail)', function () {
  this.timeout(60_000);
  let smtp: TestSmtpServer;
  let app: TestApp;

  before(async () => {
    smtp = await startTestSmtpServer();
    await resetDatabase();
    // As boot does (server/background-work.ts): the outbox forgets a resume link once it is sent.
    followResumeLinkMail();
  });
  after(async () => {
    await smtp?.stop();
  });
  // A fresh app for each test; the form's limits live in the database, which reset() empties: each test counts from zero.
  beforeEach(async () => {
    app = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: SENDER }, { mail: true });
    await app.reset();
    smtp.messages.length = 0;
  });
  afterEach(async () => {
    await app?.close();
  });

  describe('the continue-later box', () => {
    it('shows the whole link as a link, a hidden copy button with its status line, and the mail form', async () => {
      const { page } = await respondentOnFirstPage(app);
      const link = page.$('#resume-link');
      expect(link.is('a')).to.equal(true);
      expect(link.attr('href')).to.match(new RegExp(`^${app.url}/s/${CAPTIC_ID}/resume/[\\w-]{43}$`));
      expect(link.text()).to.equal(link.attr('href'));
      const copy = page.$('button[data-copy="resume-link"]');
      expect(copy.attr('type')).to.equal('button');
      expect(copy.attr('hidden')).to.not.equal(undefined);
      expect(copy.parent().find('[data-copy-status][role=status]')).to.have.length(1);
      const email = page.$(`${FORM} input[name=email]`);
      expect(email.attr('type')).to.equal('email');
      expect(email.attr('autocomplete')).to.equal('email');
      expect(email.attr('inputmode')).to.equal('email');
      expect(page.$(`${FORM} input[name=_csrf]`).attr('value')).to.be.a('string').and.not.equal('');
      expect(page.$(`label[for=resume-email]`).text()).to.contain('M’envoyer ce lien par e-mail');
    });
  });

  describe('a link sent', () => {
    for (const { lang, subject, body } of [
      { lang: 'fr', subject: 'Votre lien pour reprendre : ', body: 'Vous avez demandé ce lien pour reprendre le questionnaire' },
      { lang: 'en', subject: 'Your link to continue: ', body: 'You asked for this link to continue the survey' },
    ]) {
      it(`is mailed once in ${lang}, back on the page with 303, and opens the response in a fresh browser`, async () => {
        const { browser, page } = await respondentOnFirstPage(app, lang);
        const shownLink = page.$('#resume-link').attr('href')!;
        const sent = await askForLink(browser, page, 'Resp.Ondent@Example.org');
        expect(sent.status, sent.html.slice(0, 400)).to.equal(303);
        expect(sent.location).to.equal(`/s/${CAPTIC_ID}/p/${pageIdOf(page)}?resume_mail=sent#save-later`);
        const back = await browser.open(sent.location!);
        expect(back.status).to.equal(200);
        expect(pageIdOf(back)).to.equal(pageIdOf(page));

        const [mail] = await smtp.waitForMessages(1);
        expect(mail!.to.toLowerCase()).to.contain('resp.ondent@example.org');
        expect(mail!.subject.startsWith(subject), mail!.subject).to.equal(true);
        expect(mail!.text).to.contain(body);
        expect(resumeLinkIn(mail!)).to.equal(shownLink);
        expect(mail!.html).to.contain(`href="${shownLink}"`);
        const stored = await outboxCollection().find({ purpose: 'resume_link' }).toArray();
        expect(stored).to.have.length(1);
        expect(stored[0]!.key).to.match(/^resume_link:[0-9a-f]{24}:/);
        expect(stored[0]!.key).to.not.contain(shownLink.split('/').at(-1));
        // Sent, the outbox keeps neither the address nor the link.
        const forgotten = await pollUntil(() => outboxCollection().findOne({ purpose: 'resume_link' }), (doc) => doc?.to?.address === FORGOTTEN_RECIPIENT, 10_000);
        expect(forgotten!.status).to.equal('sent');
        expect(JSON.stringify(forgotten).toLowerCase()).to.not.contain('resp.ondent').and.not.contain(shownLink.split('/').at(-1)!.toLowerCase());

        const elsewhere = new Browser(app.url);
        elsewhere.acceptLanguage = lang;
        const resumed = await elsewhere.open(new URL(resumeLinkIn(mail!)).pathname);
        expect(resumed.status).to.equal(200);
        expect(pageIdOf(resumed)).to.equal(pageIdOf(page));

        const [response] = await responsesCollection().find({}).toArray();
        expect(JSON.stringify(response).toLowerCase()).to.not.contain('resp.ondent');
        expect(smtp.messages).to.have.length(1);
      });
    }

    it('goes back to the survey, never elsewhere, when the page field names no page of it', async () => {
      const { browser, page } = await respondentOnFirstPage(app);
      for (const pageField of ['https://evil.example/', '//evil.example', 'no_such_page']) {
        const sent = await askForLink(browser, page, 'someone@example.org', { page: pageField });
        expect(sent.status).to.equal(303);
        expect(sent.location).to.equal(`/s/${CAPTIC_ID}?resume_mail=sent#save-later`);
      }
    });

    it('says the link is on its way on the page the respondent lands on, when the page field names one they may not see yet', async () => {
      const { browser, page } = await respondentOnFirstPage(app);
      for (const pageField of ['profile', 'no_such_page']) {
        let answer = await askForLink(browser, page, 'someone@example.org', { page: pageField });
        expect(answer.status).to.equal(303);
        // The survey (or a page not yet theirs) sends the respondent on to where they belong.
        for (let hops = 0; answer.status === 303 && hops < 3; hops += 1) answer = await browser.get(answer.location!);
        expect(answer.status).to.equal(200);
        expect(pageIdOf(answer)).to.equal(pageIdOf(page));
        expect(text(answer, `${FORM} .notice`)).to.equal('Si cette adresse peut recevoir du courrier, le lien est en route.');
      }
    });
  });

  describe('refused, with nothing queued', () => {
    const badAddresses: Array<{ what: string; email: string | string[]; status: number }> = [
      { what: 'no address', email: '', status: 422 },
      { what: 'a malformed address', email: 'not-an-address', status: 422 },
      { what: 'two addresses in the field', email: 'a@example.org, b@example.org', status: 422 },
      { what: 'the field twice', email: ['a@example.org', 'b@example.org'], status: 400 },
      { what: 'a line break and a Bcc header', email: 'a@example.org\r\nBcc: victim@example.org', status: 422 },
      { what: 'a bare LF', email: 'a@example.org\nSubject: spam', status: 422 },
      { what: 'a 300-character address', email: `${'a'.repeat(300)}@example.org`, status: 422 },
    ];
    for (const { what, email, status } of badAddresses) {
      it(`answers ${status} to ${what}, saying why in French and drawing the form again`, async () => {
        const { browser, page } = await respondentOnFirstPage(app);
        const refused = await askForLink(browser, page, email);
        expect(refused.status).to.equal(status);
        expect(text(refused, '#resume-mail-refusal')).to.match(/Saisissez (une seule )?(une )?adresse e-mail/);
        expect(refused.$(`${FORM} input[name=email]`).attr('aria-invalid')).to.equal('true');
        expect(refused.$(`${FORM} input[name=page]`).attr('value')).to.equal(pageIdOf(page));
        expect(refused.$('a.button').attr('href')).to.equal(`/s/${CAPTIC_ID}/p/${pageIdOf(page)}`);
        expect(await queuedCount()).to.equal(0);
      });
    }

    it('says it in English to an English-speaking respondent', async () => {
      const { browser, page } = await respondentOnFirstPage(app, 'en');
      const refused = await askForLink(browser, page, 'nope');
      expect(refused.status).to.equal(422);
      expect(text(refused, '#resume-mail-refusal')).to.equal('Enter one email address, like name@example.com.');
      expect(refused.$(`${FORM} input[name=email]`).attr('value')).to.equal('nope');
    });

    it('answers 415 to a JSON body, even with a valid CSRF token', async () => {
      const { browser, page } = await respondentOnFirstPage(app);
      const res = await browser.agent
        .post(`/s/${CAPTIC_ID}/resume-link`)
        .set('Accept', 'text/html')
        .set('Accept-Language', 'fr')
        .send({ ...formFields(page), email: 'a@example.org' })
        .redirects(0);
      // Refused before any handler reads it (server/lib/form-body.ts), whatever the route.
      expect(res.status).to.equal(415);
      expect(await queuedCount()).to.equal(0);
    });

    it('answers 403 without the form\'s CSRF token', async () => {
      const { browser, page } = await respondentOnFirstPage(app);
      const refused = await askForLink(browser, page, 'a@example.org', { _csrf: '' });
      expect(refused.status).to.equal(403);
      expect(refused.html).to.contain('Votre session a expiré ou le formulaire a été altéré.');
      expect(await queuedCount()).to.equal(0);
    });

    it('answers 403 to a browser with no response in progress', async () => {
      const { page } = await respondentOnFirstPage(app);
      const stranger = new Browser(app.url);
      const intro = await stranger.open(`/s/${CAPTIC_ID}`);
      const refused = await stranger.post(`/s/${CAPTIC_ID}/resume-link`, { _csrf: stranger.hiddenFields(intro)._csrf!, email: 'a@example.org', page: pageIdOf(page)! });
      expect(refused.status).to.equal(403);
      expect(text(refused, '#resume-mail-refusal')).to.contain('pas de questionnaire en cours');
      expect(await queuedCount()).to.equal(0);
    });

    for (const status of ['voided', 'complete']) {
      it(`answers 403 once the response is ${status}`, async () => {
        const { browser, page } = await respondentOnFirstPage(app);
        await responsesCollection().updateMany({}, { $set: { status } });
        const refused = await askForLink(browser, page, 'a@example.org');
        expect(refused.status).to.equal(403);
        expect(await queuedCount()).to.equal(0);
      });
    }
  });

  describe('the limits', () => {
    it('sends 3 links an hour for one response, then answers 429 with the same box and queues nothing', async () => {
      const { browser, page } = await respondentOnFirstPage(app);
      // A refused address does not count against the response.
      expect((await askForLink(browser, page, 'typo')).status).to.equal(422);
      for (const n of [1, 2, 3]) expect((await askForLink(browser, page, `me${n}@example.org`)).status).to.equal(303);
      const refused = await askForLink(browser, page, 'me4@example.org');
      expect(refused.status).to.equal(429);
      expect(text(refused, '#resume-mail-refusal')).to.equal('Trop de liens ont été demandés. Réessayez plus tard, ou copiez le lien ci-dessus.');
      expect(refused.$('#resume-link').attr('href')).to.equal(page.$('#resume-link').attr('href'));
      expect(await queuedCount()).to.equal(3);
    });

    it('sends 5 links a day to one address, whichever responses they are for', async () => {
      const first = await respondentOnFirstPage(app);
      const second = await respondentOnFirstPage(app);
      for (const respondent of [first, first, first, second, second]) {
        expect((await askForLink(respondent.browser, respondent.page, 'Same@Example.org')).status).to.equal(303);
      }
      expect((await askForLink(second.browser, second.page, ' same@example.org ')).status).to.equal(429);
      expect((await askForLink(second.browser, second.page, 'other@example.org')).status).to.equal(303);
      expect(await queuedCount()).to.equal(6);
    });

    it('takes 10 requests an hour from one client address, refused ones included', async () => {
      const { browser, page } = await respondentOnFirstPage(app);
      for (let n = 0; n < 10; n += 1) expect((await askForLink(browser, page, 'bad')).status).to.equal(422);
      expect((await askForLink(browser, page, 'good@example.org')).status).to.equal(429);
      expect(await queuedCount()).to.equal(0);
    });
  });
});
