// An organizer uploads a new version of a survey's definition: in the console's form or through
// the API, checked by the same checker as boot, every problem listed, nothing stored when refused.
import { expect } from 'chai';
import supertest from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { apiTokenFor, createStaff, signedInBrowser, storedCollection, type StaffMember } from '../../support/staff';
import type { Browser } from '../../support/browser';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { CAPTIC_REWORDED, CAPTIC_TEXT, COWORKING_TEXT, lineOf, replaceOnce, storedVersions, uploadWithForm, VERSIONS_API, VERSIONS_PAGE } from './support';

const ONE_MEGABYTE = 1024 * 1024;

/**
 * CAP-TIC with three mistakes: an unknown type, a misspelt field, a duplicate option id. The checker
 * finds six problems: the duplicate leaves a condition on the option it replaced without its
 * option, and the unknown type leaves the report's statements on that question without figures.
 */
const BROKEN = replaceOnce(
  replaceOnce(replaceOnce(CAPTIC_TEXT, 'type: yes_no\n        required: true\n        text:\n          fr: Utilisez-vous', 'type: yes_or_no\n        required: true\n        text:\n          fr: Utilisez-vous'), '      - id: usage\n        type: single_choice\n        required: true', '      - id: usage\n        type: single_choice\n        requried: true'),
  '          - id: personal\n',
  '          - id: professional\n',
);

describe('Uploading a definition version', function () {
  this.timeout(30_000);
  let app: TestApp;
  let organizer: StaffMember;
  let browser: Browser;

  before(async () => {
    app = await startTestApp();
  });
  beforeEach(async () => {
    await app.reset();
    organizer = await createStaff(app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] });
    browser = await signedInBrowser(app, organizer);
  });
  after(async () => app.close());

  it('lists the file\'s version with the waves that pin it', async () => {
    const page = await browser.get(VERSIONS_PAGE);
    expect(page.status).to.equal(200);
    const row = page.$(`tr[data-fingerprint="${app.catalog.require(CAPTIC_ID).fingerprint}"]`);
    expect(row.length).to.equal(1);
    expect(row.text()).to.contain('surveys/captic-2011.yaml').and.contain('2011-03').and.contain('demo');
    expect(page.$('form#upload-version').attr('enctype')).to.equal('multipart/form-data');
  });

  it('records a changed definition as a new version, says so, and audits it', async () => {
    const posted = await uploadWithForm(browser, { content: CAPTIC_REWORDED, name: 'captic-2012.yaml' });
    expect(posted.status, posted.html.slice(0, 500)).to.equal(303);
    const page = await browser.open(posted.location ?? '');
    const stored = await storedVersions().findOne({ surveyId: CAPTIC_ID, source: 'upload' });
    expect(stored).to.include({ fileName: 'captic-2012.yaml', uploadedBy: 'organizer@example.org' });
    expect(stored?.fingerprint).to.match(/^sha256:/).and.not.equal(app.catalog.require(CAPTIC_ID).fingerprint);
    expect(page.$('.notice').text()).to.contain(stored?.fingerprint).and.contain('Nouvelle version');
    expect(page.$(`tr[data-fingerprint="${stored?.fingerprint}"]`).text()).to.contain('organizer@example.org').and.contain('captic-2012.yaml');
    const audit = await storedCollection('audit_events').findOne({ action: 'version_uploaded' });
    expect(audit).to.deep.include({ surveyId: CAPTIC_ID, actorEmail: 'organizer@example.org', target: stored?.fingerprint });
    expect(audit?.details).to.deep.include({ created: true, fileName: 'captic-2012.yaml' });
  });

  it('says when the definition is already known, and stores nothing new', async () => {
    await uploadWithForm(browser, { content: CAPTIC_REWORDED, name: 'first.yaml' });
    const again = await uploadWithForm(browser, { content: CAPTIC_REWORDED.replace('# CAP-TIC', '# A comment changes nothing: CAP-TIC'), name: 'again.yaml' });
    expect(again.location).to.contain('created=0');
    const page = await browser.open(again.location ?? '');
    expect(page.$('.notice').text()).to.contain('déjà connue');
    expect(await storedVersions().countDocuments({ surveyId: CAPTIC_ID })).to.equal(2);
    // The file's own version uploaded as is: known too.
    expect((await uploadWithForm(browser, { content: CAPTIC_TEXT, name: 'captic-2011.yaml' })).location).to.contain('created=0');
  });

  it('refuses a definition with problems with 422, listing every one with its line, and stores nothing', async () => {
    const page = await uploadWithForm(browser, { content: BROKEN, name: 'broken.yaml' });
    expect(page.status).to.equal(422);
    const problems = page.$('.error-summary .problems li').map((_, li) => page.$(li).text().replace(/\s+/g, ' ').trim()).get();
    expect(page.$('.error-summary').text()).to.contain('6 problème');
    expect(problems).to.have.lengthOf(6);
    expect(problems[0]).to.contain(`ligne ${lineOf(BROKEN, 'type: yes_or_no')}`).and.contain('pages[0].questions[0].type').and.contain('yes_or_no');
    expect(problems[1]).to.contain(`ligne ${lineOf(BROKEN, 'requried: true')}`).and.contain('requried');
    expect(problems[2]).to.contain(`ligne ${lineOf(BROKEN, '          - id: professional') + 2}`).and.contain('duplicate option id "professional"');
    expect(problems[3]).to.contain(`ligne ${lineOf(BROKEN, "show_if: { question: usage, in: [personal, both] }")}`).and.contain('unknown option "personal"');
    expect(problems[4]).to.contain('report.statements[0].text.fr');
    expect(await storedVersions().countDocuments({ surveyId: CAPTIC_ID })).to.equal(1);
  });

  it('refuses a file over 1 MB with 413 and a clear message, and stores nothing', async () => {
    const padded = Buffer.from(`${CAPTIC_REWORDED}\n# ${'x'.repeat(ONE_MEGABYTE)}`);
    const tooLarge = padded.subarray(0, ONE_MEGABYTE + 1);
    const page = await uploadWithForm(browser, { content: tooLarge, name: 'large.yaml' });
    expect(page.status).to.equal(413);
    expect(page.$('.error-summary').text()).to.contain('dépasse 1 Mo');
    expect(await storedVersions().countDocuments({ surveyId: CAPTIC_ID })).to.equal(1);
    // 1 MB exactly is accepted (a comment pads the changed definition).
    const justRight = padded.subarray(0, ONE_MEGABYTE);
    expect((await uploadWithForm(browser, { content: justRight, name: 'large.yaml' })).status).to.equal(303);
  });

  it('refuses what is not a YAML or JSON file with 415', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    for (const file of [{ content: png, name: 'captic.yaml' }, { content: CAPTIC_REWORDED, name: 'captic.docx' }]) {
      const page = await uploadWithForm(browser, file);
      expect(page.status, file.name).to.equal(415);
      expect(page.$('.error-summary').text()).to.contain('YAML ou JSON');
    }
    expect(await storedVersions().countDocuments({ surveyId: CAPTIC_ID })).to.equal(1);
  });

  it('accepts the same definition written as JSON', async () => {
    const json = JSON.stringify({ ...(await storedVersions().findOne({ surveyId: CAPTIC_ID }))?.definition, sampling: 'probability' });
    const posted = await uploadWithForm(browser, { content: json, name: 'captic.json' });
    expect(posted.status, posted.html.slice(0, 300)).to.equal(303);
    expect(posted.location).to.contain('created=1');
  });

  it('refuses another survey\'s definition, naming both ids', async () => {
    const page = await uploadWithForm(browser, { content: COWORKING_TEXT, name: 'coworking.yaml' });
    expect(page.status).to.equal(422);
    expect(page.$('.error-summary').text()).to.contain('coworking_members_2026').and.contain(CAPTIC_ID);
    expect(await storedVersions().countDocuments({ surveyId: { $in: [CAPTIC_ID, 'coworking_members_2026'] }, source: 'upload' })).to.equal(0);
  });

  it('asks for a file when none is sent', async () => {
    const page = await uploadWithForm(browser, undefined);
    expect(page.status).to.equal(400);
    expect(page.$('.error-summary').text()).to.contain('Choisissez un fichier');
  });

  it('refuses a form that sends its file under another name with 400', async () => {
    const form = await browser.get(VERSIONS_PAGE);
    const res = await browser.agent.post(VERSIONS_PAGE).set('Accept', 'text/html').field('_csrf', form.$('#upload-version input[name=_csrf]').attr('value') ?? '').attach('file', Buffer.from(CAPTIC_REWORDED), 'c.yaml');
    expect(res.status).to.equal(400);
    expect(await storedVersions().countDocuments({ surveyId: CAPTIC_ID })).to.equal(1);
  });

  it('refuses a form without its CSRF token', async () => {
    const page = await uploadWithForm(browser, { content: CAPTIC_REWORDED, name: 'captic.yaml' }, 'forged');
    expect(page.status).to.equal(403);
    expect(await storedVersions().countDocuments({ surveyId: CAPTIC_ID })).to.equal(1);
  });

  it('lets an analyst neither see the versions nor upload one', async () => {
    const analyst = await signedInBrowser(app, await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }));
    expect((await analyst.get(VERSIONS_PAGE)).status).to.equal(403);
    const res = await analyst.agent.post(VERSIONS_PAGE).set('Accept', 'text/html').field('_csrf', 'x').attach('definition', Buffer.from(CAPTIC_REWORDED), 'c.yaml');
    expect(res.status).to.equal(403);
    expect(await storedVersions().countDocuments({ surveyId: CAPTIC_ID })).to.equal(1);
  });

  describe('through the API', () => {
    let token: string;
    const post = (body: string | Buffer, type = 'text/yaml', bearer = token) =>
      supertest(app.url).post(VERSIONS_API).set('Authorization', `Bearer ${bearer}`).set('Content-Type', type).send(body);

    beforeEach(async () => {
      token = await apiTokenFor(organizer, 'manage');
    });

    it('answers 201 with the new fingerprint, then 200 for the same definition', async () => {
      const created = await post(CAPTIC_REWORDED);
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.have.keys(['fingerprint', 'created']);
      expect(created.body.created).to.equal(true);
      const known = await post(CAPTIC_REWORDED);
      expect(known.status).to.equal(200);
      expect(known.body).to.deep.equal({ fingerprint: created.body.fingerprint, created: false });
      expect(await storedVersions().findOne({ fingerprint: created.body.fingerprint })).to.include({ source: 'upload', uploadedBy: 'organizer@example.org' });
    });

    it('takes JSON as application/json', async () => {
      const definition = (await storedVersions().findOne({ surveyId: CAPTIC_ID }))?.definition as Record<string, unknown>;
      const res = await post(JSON.stringify({ ...definition, sampling: 'probability' }), 'application/json');
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    });

    it('answers 422 with every problem, each with its line and path', async () => {
      const res = await post(BROKEN);
      expect(res.status).to.equal(422);
      expect(res.body.problems).to.have.lengthOf(6);
      expect(res.body.problems[0]).to.deep.equal({ line: lineOf(BROKEN, 'type: yes_or_no'), path: 'pages[0].questions[0].type', message: res.body.problems[0].message });
      for (const problem of res.body.problems) expect(problem).to.have.keys(['line', 'path', 'message']);
      expect(await storedVersions().countDocuments({ surveyId: CAPTIC_ID })).to.equal(1);
    });

    it('refuses another survey\'s definition, a body over 1 MB, and a body that is not text', async () => {
      const wrong = await post(COWORKING_TEXT);
      expect(wrong.status).to.equal(422);
      expect(wrong.body.error.message).to.contain('coworking_members_2026').and.contain(CAPTIC_ID);
      expect((await post(`${CAPTIC_REWORDED}\n# ${'x'.repeat(ONE_MEGABYTE)}`)).status).to.equal(413);
      expect((await post(Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png')).status).to.equal(415);
      expect(await storedVersions().countDocuments({ surveyId: CAPTIC_ID })).to.equal(1);
    });

    it('refuses a read-only token', async () => {
      const res = await post(CAPTIC_REWORDED, 'text/yaml', await apiTokenFor(organizer, 'read'));
      expect(res.status).to.equal(403);
    });
  });
});
