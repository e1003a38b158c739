// Removing a response: an organizer voids one with a reason (it leaves the figures and the live
// counters at once, stays stored and in the audit trail) or erases one for good on a respondent's
// request (typed confirmation; the audit line keeps no answer). Each refusal comes back with its
// status and message and changes nothing; the same use cases answer over the API for tokens.
import { expect } from 'chai';
import mongoose from 'mongoose';
import supertest from 'supertest';
import { useAppSuite } from '../../support/app-suite';
import { text, type FormFields, type Page } from '../../support/browser';
import { apiTokenFor, createStaff, signedInBrowser, storedCollection } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { importResponses } from '../../../server/responses/import.service';
import { countResponsesByWave } from '../../../server/responses/response.service';
import { readTallies } from '../../../server/analysis/tally/tally.service';

const NOW = '2026-12-01T10:00:00Z';
const COWORKING_ID = 'coworking_members_2026';
const SURVEY_ADMIN = `/admin/surveys/${CAPTIC_ID}`;
const responsePage = (id: string) => `${SURVEY_ADMIN}/responses/${id}`;
const API = `/api/v1/surveys/${CAPTIC_ID}/responses`;

function responses() {
  return mongoose.connection.db!.collection('responses');
}

async function stored(id: string) {
  return responses().findOne({ _id: new mongoose.Types.ObjectId(id) });
}

describe('Voiding and erasing a response', function () {
  this.timeout(60_000);
  /** The wave's real complete responses, oldest first. */
  let ids: string[];
  const suite = useAppSuite({
    startAt: NOW,
    async seed({ app, clock }) {
      const content = buildCaptic250(3).slice(0, 3).map((r) => JSON.stringify(r)).join('\n');
      const report = await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: 'demo', format: 'jsonl', content, now: clock.now() });
      expect(report.imported, JSON.stringify(report.problems)).to.equal(3);
      ids = (await responses().find({}).sort({ _id: 1 }).toArray()).map((r) => r._id.toHexString());
    },
    organizerOf: [CAPTIC_ID, COWORKING_ID],
  });

  /** Posts the form `formId` of the response's page with its own CSRF token, as a person would. */
  async function submitOnResponsePage(id: string, formId: string, fields: FormFields): Promise<Page> {
    const page = await suite.browser.get(responsePage(id));
    const form = page.$(`form#${formId}`);
    expect(form.length, `no form #${formId} on the page of ${id} (${page.status})`).to.equal(1);
    return suite.browser.post(form.attr('action') as string, { _csrf: form.find('input[name=_csrf]').attr('value') ?? '', ...fields });
  }

  /** A form post to an address the page does not offer, with a valid token: a hand-made request. */
  async function postTo(action: string, fields: FormFields = {}): Promise<Page> {
    return suite.browser.post(action, { ...suite.browser.hiddenFields(await suite.browser.get('/admin')), ...fields });
  }

  /** What the counters hold for the wave: respondents counted live, and completes the console counts. */
  async function counted(): Promise<{ live: number; console: number }> {
    const live = (await readTallies(CAPTIC_ID, 'demo')).get('_response')?.n ?? 0;
    return { live, console: (await countResponsesByWave(CAPTIC_ID)).get('demo')?.complete ?? 0 };
  }

  async function auditEvents(action: string) {
    return storedCollection('audit_events').find({ action }).toArray();
  }

  describe('voiding', () => {
    it('voids a complete response with a reason: stored with who, when and why, dropped from the counters at once, audited', async () => {
      expect(await counted()).to.deep.equal({ live: 3, console: 3 });
      const voided = await submitOnResponsePage(ids[0]!, 'void-response', { reason: '  Speeder: 40 seconds for the whole survey ' });
      expect(voided.status, text(voided, '.error-summary')).to.equal(303);
      expect(voided.location).to.equal(`${responsePage(ids[0]!)}?done=voided`);

      const doc = await stored(ids[0]!);
      expect(doc?.status).to.equal('voided');
      expect(doc?.voided).to.deep.equal({ at: new Date(NOW), by: 'organizer@example.org', reason: 'Speeder: 40 seconds for the whole survey', previousStatus: 'complete' });
      expect(Object.keys(doc?.answers ?? {})).not.to.have.length(0);
      expect(await counted()).to.deep.equal({ live: 2, console: 2 });

      const page = await suite.browser.open(voided.location as string);
      expect(text(page, '.notice')).to.equal('The response is voided: it no longer counts in any figure.');
      expect(text(page, '#response-voided')).to.equal('on 2026-12-01 11:00 by organizer@example.org (before: complete): Speeder: 40 seconds for the whole survey');
      expect(page.$('form#void-response').length).to.equal(0);

      const events = await auditEvents('response_voided');
      expect(events.map((e) => [e.actorEmail, e.surveyId, e.target, e.details])).to.deep.equal([
        ['organizer@example.org', CAPTIC_ID, ids[0], { waveId: 'demo', reason: 'Speeder: 40 seconds for the whole survey', previousStatus: 'complete' }],
      ]);
    });

    it('refuses an empty or too short reason with 422, the message and what was typed, and changes nothing', async () => {
      for (const reason of ['', '   ', 'no']) {
        const refused = await submitOnResponsePage(ids[0]!, 'void-response', { reason });
        expect(refused.status).to.equal(422);
        expect(text(refused, '.error-summary')).to.equal('Say why the response is voided, in 3 to 500 characters. Nothing was changed.');
        expect(refused.$('textarea#reason').text()).to.equal(reason);
      }
      const tooLong = await submitOnResponsePage(ids[0]!, 'void-response', { reason: 'x'.repeat(501) });
      expect(tooLong.status).to.equal(422);
      expect((await stored(ids[0]!))?.status).to.equal('complete');
      expect(await counted()).to.deep.equal({ live: 3, console: 3 });
      expect(await auditEvents('response_voided')).to.have.length(0);
    });

    it('refuses voiding a voided response again (409), and counts it out only once', async () => {
      await submitOnResponsePage(ids[0]!, 'void-response', { reason: 'Duplicate' });
      const again = await postTo(`${responsePage(ids[0]!)}/void`, { reason: 'Duplicate, really' });
      expect(again.status).to.equal(409);
      expect(text(again, '.error-summary')).to.equal('This response is already voided.');
      expect((await stored(ids[0]!))?.voided.reason).to.equal('Duplicate');
      expect(await counted()).to.deep.equal({ live: 2, console: 2 });
    });

    it('answers 404 for an unknown id and for a response of another survey, naming nothing of that survey', async () => {
      const other = await responses().insertOne({
        surveyId: COWORKING_ID, waveId: '2026-spring', fingerprint: 'sha256:0000000000000000', status: 'complete', answers: {}, otherTexts: {},
        language: 'fr', source: 'web', startedAt: new Date(NOW), completedAt: new Date(NOW), revision: 1,
      });
      const otherId = other.insertedId.toHexString();
      for (const id of [otherId, '0123456789abcdef01234567', 'not-an-id']) {
        const refused = await postTo(`${responsePage(id)}/void`, { reason: 'Duplicate' });
        expect(refused.status, id).to.equal(404);
        expect(refused.html).not.to.contain(COWORKING_ID);
        expect(refused.html).not.to.contain('2026-spring');
        expect((await suite.browser.get(responsePage(id))).status).to.equal(404);
      }
      expect((await stored(otherId))?.status).to.equal('complete');
      expect(await auditEvents('response_voided')).to.have.length(0);
    });

    it('voids a response still in progress without touching the counters', async () => {
      const partial = await responses().insertOne({
        surveyId: CAPTIC_ID, waveId: 'demo', fingerprint: suite.app.catalog.require(CAPTIC_ID).fingerprint, status: 'partial', answers: { uses_social: 'no' }, otherTexts: {},
        language: 'fr', source: 'web', startedAt: new Date(NOW), revision: 1,
      });
      const id = partial.insertedId.toHexString();
      expect((await submitOnResponsePage(id, 'void-response', { reason: 'Withdrew consent by email' })).status).to.equal(303);
      expect((await stored(id))?.voided.previousStatus).to.equal('partial');
      expect(await counted()).to.deep.equal({ live: 3, console: 3 });
    });
  });

  describe('erasing', () => {
    it('erases a response for good once its id is typed: counters updated, audited without its answers', async () => {
      const before = await stored(ids[1]!);
      const erased = await submitOnResponsePage(ids[1]!, 'erase-response', { confirmation: ` ${ids[1]} ` });
      expect(erased.status, text(erased, '.error-summary')).to.equal(303);
      expect(erased.location).to.equal(`${SURVEY_ADMIN}/waves/demo/responses?done=erased&id=${ids[1]}`);
      expect(text(await suite.browser.open(erased.location as string), '.notice')).to.equal(`Response ${ids[1]} is erased for good.`);

      expect(await stored(ids[1]!)).to.equal(null);
      expect(await counted()).to.deep.equal({ live: 2, console: 2 });
      const events = await auditEvents('response_erased');
      expect(events.map((e) => [e.actorEmail, e.surveyId, e.target, e.details])).to.deep.equal([['organizer@example.org', CAPTIC_ID, ids[1], { waveId: 'demo', status: 'complete' }]]);
      // Not one answer of the erased response is left in the trail.
      const trail = JSON.stringify(await storedCollection('audit_events').find({}).toArray());
      for (const value of Object.values(before?.otherTexts ?? {})) expect(trail).not.to.contain(value);
      expect(trail).not.to.contain('answers');
    });

    it('refuses a confirmation that is not the response id (422), with what was typed, and erases nothing', async () => {
      const refused = await submitOnResponsePage(ids[1]!, 'erase-response', { confirmation: ids[0]! });
      expect(refused.status).to.equal(422);
      expect(text(refused, '.error-summary')).to.equal('The id typed is not this response’s: nothing was erased.');
      expect(refused.$('input#confirmation').attr('value')).to.equal(ids[0]);
      expect(await stored(ids[1]!)).not.to.equal(null);
      expect(await auditEvents('response_erased')).to.have.length(0);
    });

    it('erases a voided response without counting it out a second time', async () => {
      await submitOnResponsePage(ids[0]!, 'void-response', { reason: 'Duplicate' });
      expect((await submitOnResponsePage(ids[0]!, 'erase-response', { confirmation: ids[0]! })).status).to.equal(303);
      expect(await stored(ids[0]!)).to.equal(null);
      expect(await counted()).to.deep.equal({ live: 2, console: 2 });
    });
  });

  describe('who may', () => {
    it('shows an analyst the response and its answers, and refuses their void and erase (403)', async () => {
      const analyst = await signedInBrowser(suite.app, await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }));
      const page = await analyst.get(responsePage(ids[0]!));
      expect(page.status).to.equal(200);
      expect(page.$('#answers tbody tr').length).to.be.greaterThan(5);
      expect(page.$('form#void-response, form#erase-response').length).to.equal(0);
      const token = analyst.hiddenFields(await analyst.get('/admin'));
      expect((await analyst.post(`${responsePage(ids[0]!)}/void`, { ...token, reason: 'Duplicate' })).status).to.equal(403);
      expect((await analyst.post(`${responsePage(ids[0]!)}/erase`, { ...token, confirmation: ids[0]! })).status).to.equal(403);
      expect((await stored(ids[0]!))?.status).to.equal('complete');
    });
  });

  describe('the API', () => {
    let token: string;
    beforeEach(async () => {
      token = await apiTokenFor(suite.organizer, 'manage');
    });
    const call = (method: 'post' | 'delete', path: string, bearer = token) => supertest(suite.app.url)[method](path).set('Authorization', `Bearer ${bearer}`);

    it('voids with a reason and answers the response without its answers; refuses again (409) and without a reason (422)', async () => {
      const res = await call('post', `${API}/${ids[0]}/void`).send({ reason: 'Duplicate of another response' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.equal({
        id: ids[0], surveyId: CAPTIC_ID, waveId: 'demo', status: 'voided',
        voided: { at: NOW.replace('Z', '.000Z'), by: 'organizer@example.org', reason: 'Duplicate of another response', previousStatus: 'complete' },
      });
      expect(await counted()).to.deep.equal({ live: 2, console: 2 });
      expect((await call('post', `${API}/${ids[0]}/void`).send({ reason: 'Again' })).status).to.equal(409);
      const noReason = await call('post', `${API}/${ids[1]}/void`).send({});
      expect([noReason.status, noReason.body.error.code]).to.deep.equal([422, 'void_reason_required']);
    });

    it('erases with DELETE (204), then answers 404; a response of another survey is 404 too', async () => {
      expect((await call('delete', `${API}/${ids[2]}`)).status).to.equal(204);
      expect(await stored(ids[2]!)).to.equal(null);
      expect(await counted()).to.deep.equal({ live: 2, console: 2 });
      expect((await call('delete', `${API}/${ids[2]}`)).status).to.equal(404);
      const other = await call('delete', `/api/v1/surveys/${COWORKING_ID}/responses/${ids[0]}`);
      expect(other.status).to.equal(404);
      expect(await stored(ids[0]!)).not.to.equal(null);
    });

    it('refuses a read token and an analyst\'s token (403)', async () => {
      const readToken = await apiTokenFor(suite.organizer, 'read');
      const analystToken = await apiTokenFor(await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }), 'manage');
      for (const bearer of [readToken, analystToken]) {
        expect((await call('post', `${API}/${ids[0]}/void`, bearer).send({ reason: 'Duplicate' })).status).to.equal(403);
        expect((await call('delete', `${API}/${ids[0]}`, bearer)).status).to.equal(403);
      }
      expect((await stored(ids[0]!))?.status).to.equal('complete');
    });
  });
});
