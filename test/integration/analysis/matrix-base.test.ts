// A matrix's overall base is who rated at least one of its rows: someone who answered "don't know"
// to every row rated nothing, as each row's own base already said. Live counters and a recompute
// over the responses must agree on it.
import { expect } from 'chai';
import supertest from 'supertest';
import * as cheerio from 'cheerio';
import { importResponses } from '../../../server/responses/import.service';
import { startTestApp, type TestApp } from '../../support/app';
import { apiTokenFor, createStaff, signedInBrowser } from '../../support/staff';
import type { Browser } from '../../support/browser';
import { CAPTIC_ID, USER_STORED_ANSWERS, USER_STORED_OTHER_TEXTS } from '../../fixtures/captic-answers';

const FIGURES = `/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/figures`;

function response(satisfactionPersonal: Record<string, number | 'dont_know'>): string {
  return JSON.stringify({ answers: { ...USER_STORED_ANSWERS, satisfaction_personal: satisfactionPersonal }, otherTexts: USER_STORED_OTHER_TEXTS, language: 'en' });
}

describe('A matrix answered "don\'t know" on every row', function () {
  this.timeout(30_000);
  let app: TestApp;
  let analyst: Browser;
  let readToken: string;
  const api = (path: string) => supertest(app.url).get(path).set('Authorization', `Bearer ${readToken}`).set('Accept', 'application/json');

  before(async () => {
    app = await startTestApp();
    await app.reset();
    const content = [
      response({ facebook: 'dont_know', viadeo: 'dont_know' }),
      response({ facebook: 4, viadeo: 'dont_know' }),
      response({ facebook: 'dont_know', viadeo: 2 }),
    ].join('\n');
    const report = await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: '2011-03', format: 'jsonl', content });
    expect(report.problems).to.deep.equal([]);
    expect(report.imported).to.equal(3);
    const staff = await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    analyst = await signedInBrowser(app, staff);
    readToken = await apiTokenFor(staff, 'read');
  });
  after(async () => app.close());

  it('leaves that respondent out of the matrix base, in the live counters and in a recompute alike', async () => {
    const live = (await api(FIGURES)).body;
    expect(live.source).to.equal('counters');
    const matrix = live.questions.satisfaction_personal;
    // Three were asked; two rated a row; each row has one rating and two "don't know".
    expect(matrix.base.n).to.equal(2);
    expect(matrix.rows.facebook.base.n).to.equal(1);
    expect(matrix.rows.facebook.dontKnow.count).to.equal(2);
    expect(live.questions.satisfaction_professional.base.n).to.equal(3);

    // A filter every respondent passes forces a recompute over the responses.
    const recomputed = (await api(`${FIGURES}?filter=uses_social:yes,no`)).body;
    expect(recomputed.source).to.equal('responses');
    const fromCounters = (await api(FIGURES)).body;
    for (const figures of [fromCounters, recomputed]) {
      delete figures.source;
      delete figures.filter;
    }
    expect(recomputed).to.deep.equal(fromCounters);
  });

  it('prints that base in the report', async () => {
    const res = await analyst.agent.get(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=en`).set('Accept', 'text/html');
    const $ = cheerio.load(res.text);
    expect($('#result-satisfaction_personal .base-note').text()).to.match(/^base: 2 —/);
  });
});
