// The 250 CAP-TIC responses, imported as a file, must give back every figure the article
// published, on the bases the report states.
import { expect } from 'chai';
import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import supertest from 'supertest';
import { importResponses } from '../../../server/responses/import.service';
import { startTestApp, type TestApp } from '../../support/app';
import type { Browser } from '../../support/browser';
import { apiTokenFor, createStaff, signedInBrowser } from '../../support/staff';
import { captic250AsJsonLines } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

/** Text as a reader sees it: no-break spaces read as spaces. */
function readable(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
}

describe('The CAP-TIC report from 250 imported responses', function () {
  this.timeout(60_000);
  let app: TestApp;
  /** An analyst granted CAP-TIC: signed in for the pages, with a read token for the API. */
  let analyst: Browser;
  let readToken: string;
  const page = (path: string) => analyst.agent.get(path).set('Accept', 'text/html');
  const api = (path: string) => supertest(app.url).get(path).set('Authorization', `Bearer ${readToken}`);

  before(async () => {
    app = await startTestApp();
    await app.reset();
    const report = await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: '2011-03', format: 'jsonl', content: captic250AsJsonLines() });
    expect(report.problems).to.deep.equal([]);
    expect(report.imported).to.equal(250);
    const staff = await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    analyst = await signedInBrowser(app, staff);
    readToken = await apiTokenFor(staff, 'read');
  });
  after(async () => app.close());

  it('renders every published figure as published, each with its base (English)', async () => {
    const res = await page(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=en`);
    expect(res.status).to.equal(200);
    const $ = cheerio.load(res.text);
    const statement = (id: string) => readable($(`#statement-${id}`).text());
    expect(statement('f1')).to.equal('94% (base: 250) of the professionals who answered use social networks');
    expect(statement('f2')).to.contain('(71% (base: 235))');
    expect(statement('f3')).to.contain('(45% (base: 140) of participants satisfied to very satisfied)');
    expect(statement('f4')).to.equal('over 50% (base: 100) satisfied with Viadeo (professional use)');
    expect(statement('f5')).to.contain('79% (base: 250)');
    expect(statement('f6')).to.contain('79% (base: 250)');
    expect(statement('f7')).to.contain('35% (base: 250)');
    expect(statement('f8')).to.contain('33% (base: 162)');
    expect(statement('f9')).to.contain('15% (base: 162)');
    expect(statement('f10')).to.contain('16% (base: 162)');
    expect(statement('f11')).to.contain('75% (base: 250)');
    expect(statement('f12')).to.contain('56% (base: 250)');
    expect(statement('f13')).to.contain('52% (base: 250)');
    expect(statement('f14')).to.contain('48% (base: 250)');
    expect(statement('f15')).to.contain('35% (base: 250)');
    expect(statement('f15').match(/35% \(base: 250\)/g)).to.have.length(2);
    expect(statement('f16')).to.contain('31% (base: 250)');
    expect(statement('f17')).to.contain('89.5% (base: 200)');
    expect(statement('f18')).to.contain('56% (base: 200)');
    const methodology = readable($('.methodology').text());
    expect(methodology).to.contain('250 respondents');
    expect(methodology).to.contain('1 March 2011 to 31 March 2011');
    expect(methodology).to.contain('no margin of sampling error is reported');
    expect($('canvas[data-chart]').length).to.be.greaterThan(8);
  });

  it('generates the methodology box from the data: sampling, sampling error, and the question and base behind each figure', async () => {
    const $ = cheerio.load((await page(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=en`)).text);
    expect(readable($('#sampling').text())).to.equal('Non-probability: opt-in participation');
    expect(readable($('#sample-size').text())).to.equal('250 respondents (complete questionnaires)');
    expect(readable($('#weighting').text())).to.equal('None: unweighted results.');
    // Opt-in: no margin of error, and the tables' intervals are called what they are.
    const samplingError = readable($('.methodology dd.margin').text());
    expect(samplingError).to.contain('no margin of sampling error is reported');
    expect(samplingError).to.contain('credibility intervals');
    expect(samplingError).to.contain('Wilson score intervals.');
    const sources = (id: string) => readable($(`[data-statement-source="${id}"]`).text());
    expect(sources('f1')).to.equal('F1: “Do you use social networks?” — Yes (base: 250, all respondents)');
    expect(sources('f3')).to.equal('F3: “For personal use, how satisfied are you with these networks?” — Facebook (base: 140, respondents who were asked and answered)');
    expect(sources('f17')).to.equal('F17: “Would you trust a community platform with experts providing watch and mediation?” — Yes (base: 200, respondents who were asked and answered)');
    expect(sources('f15').split('; ')).to.have.length(2);
    expect($('[data-statement-source]').length).to.equal(18);
    // Every table that shows an interval says which kind: none says "95% CI" under an opt-in sample.
    const headers = $('.question-result table.figures:not(.crosstab) thead th').map((_, th) => readable($(th).text())).get();
    expect(headers).to.include('95% credibility interval');
    expect(headers).not.to.include('95% CI');
  });

  it('notes rounding under exactly the single-answer tables whose printed percentages do not add to 100', async () => {
    const $ = cheerio.load((await page(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=en`)).text);
    const printedTotal = (section: ReturnType<typeof $>) =>
      section.find('table.figures:not(.crosstab)').first().find('tbody tr').map((_, tr) => Number(readable($(tr).find('td').eq(1).text()).replace('%', ''))).get().reduce((a, b) => a + b, 0);
    const noted = $('.rounding-note').map((_, p) => $(p).closest('section.question-result').attr('id')).get();
    // trust_mediated: 179 and 21 of 200 print as 90% and 11%.
    expect(noted).to.include('result-trust_mediated');
    for (const id of noted) {
      expect(printedTotal($(`#${id}`))).to.not.equal(100);
      expect(readable($(`#${id} .rounding-note`).text())).to.equal('Figures may not add to 100 because of rounding.');
    }
    expect(printedTotal($('#result-usage'))).to.equal(100);
    expect(noted).not.to.include('result-usage');
    // Multi-select tables never add to 100 and say so already.
    expect(noted).not.to.include('result-info_sources');
    const fr = cheerio.load((await page(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=fr`)).text);
    expect(readable(fr('#result-trust_mediated .rounding-note').text())).to.equal('Le total peut ne pas faire 100 % en raison des arrondis.');
  });

  it('renders the French report with French typography', async () => {
    const res = await page(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=fr`);
    const $ = cheerio.load(res.text);
    expect(readable($('#statement-f1').text())).to.equal('94 % (base : 250) des professionnels répondants sont des utilisateurs de réseaux sociaux');
    expect(readable($('#statement-f17').text())).to.contain('89,5 % (base : 200)');
    expect(readable($('#statement-f4').text())).to.contain('plus de 50 % (base : 100)');
    expect(readable($('.methodology').text())).to.contain('du 1 mars 2011 au 31 mars 2011');
    expect(readable($('#sampling').text())).to.equal('Non probabiliste : participation volontaire');
    expect(readable($('.methodology dd.margin').text())).to.contain('intervalles de crédibilité');
    expect(readable($('[data-statement-source="f17"]').text())).to.equal('F17 : « Feriez-vous confiance à une plateforme communautaire avec des experts assurant une veille et une médiation ? » — Oui (base : 200, répondants à qui la question a été posée et qui y ont répondu)');
    expect($('.question-result table.figures:not(.crosstab) thead th').map((_, th) => readable($(th).text())).get()).to.include('Intervalle de crédibilité à 95 %');
  });

  it('splits each question by company size on request, with column bases and significance letters', async () => {
    const res = await page(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=en&by=company_size`);
    expect(res.status).to.equal(200);
    const $ = cheerio.load(res.text);
    const table = $('#result-uses_social table.crosstab');
    expect(readable(table.find('caption').text())).to.equal('By “How large is your company?” (column percentages)');
    const headers = table.find('thead tr').first().find('th').map((_, th) => readable($(th).text())).get();
    expect(headers).to.have.length(4);
    expect(headers[0]).to.match(/\(A\)$/);
    const bases = table.find('tr.bases td').map((_, td) => $(td).text()).get();
    // Bases under 50 are flagged.
    expect(bases).to.deep.equal(['170', '45*', '20*', '15*']);
    expect($('#result-company_size table.crosstab').length).to.equal(0);
    expect($('nav.segments strong').text()).to.equal('company_size');
  });

  it('serves the figures as JSON with unrounded proportions, bases and intervals', async () => {
    const res = await api(`/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/figures`).set('Accept', 'application/json');
    expect(res.status).to.equal(200);
    const body = res.body;
    expect(body).to.include({ survey: CAPTIC_ID, wave: '2011-03', n: 250, weighted: false, source: 'counters' });
    const trust = body.questions.trust_mediated;
    expect(trust.base).to.deep.include({ n: 200, policy: 'answered' });
    expect(trust.options.yes.count).to.equal(179);
    expect(trust.options.yes.proportion).to.equal(0.895);
    // scipy.stats.binomtest(179, 200).proportion_ci(method='wilson')
    expect(trust.options.yes.ci95[0]).to.be.closeTo(0.8448196800887696, 1e-9);
    expect(trust.options.yes.ci95[1]).to.be.closeTo(0.9302925120731899, 1e-9);
    // Multi-select shares are shares of respondents, so they add up past 100 %.
    const sources = body.questions.info_sources.options;
    const total = Object.values(sources as Record<string, { proportion: number }>).reduce((s, o) => s + o.proportion, 0);
    expect(total).to.be.greaterThan(1);
    expect(body.questions.satisfaction_personal.rows.facebook.base.n).to.equal(140);
    expect(body.questions.satisfaction_personal.rows.facebook.dontKnow.count).to.equal(10);
    expect(body.questions.satisfaction_personal.rows.facebook.top2.proportion).to.equal(63 / 140);
  });

  it('gives the same figures from the live counters and from a full recompute', async () => {
    const live = (await api(`/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/figures`)).body;
    const recomputed = (await api(`/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/figures?filter=uses_social:yes,no`)).body;
    expect(recomputed.source).to.equal('responses');
    delete live.source;
    delete recomputed.source;
    delete recomputed.filter;
    expect(recomputed).to.deep.equal(live);
  });

  it('exports the 250 responses as CSV, one row each, whose columns give back the published counts', async () => {
    const res = await analyst.agent.get(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/export.csv`).buffer(true).parse((r, done) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => (text += chunk));
      r.on('end', () => done(null, text));
    });
    expect(res.status).to.equal(200);
    const [header, ...rows] = parse(res.body as string, { bom: true }) as string[][];
    expect(rows).to.have.length(250);
    const column = (name: string) => header!.indexOf(name);
    expect(column('uses_social')).to.be.greaterThan(0);
    expect(column('satisfaction_personal.facebook')).to.be.greaterThan(0);
    const count = (name: string, test: (cell: string) => boolean) => rows.filter((row) => test(row[column(name)] ?? '')).length;
    expect(count('uses_social', (c) => c === 'yes')).to.equal(235);
    expect(count('trust_mediated', (c) => c === 'yes')).to.equal(179);
    expect(count('trust_mediated', (c) => c !== '')).to.equal(200);
    expect(count('club_obstacles', (c) => c.split(';').includes('time'))).to.equal(53);
    expect(count('satisfaction_personal.facebook', (c) => c === 'dont_know')).to.equal(10);
  });

  it('answers 400 with the problem for a bad query, and 404 for an unknown wave', async () => {
    const bad = await api(`/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/figures?base=everyone`).set('Accept', 'application/json');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.match(/^base: /);
    const unknownOption = await api(`/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/figures?filter=company_size:huge`).set('Accept', 'application/json');
    expect(unknownOption.status).to.equal(400);
    expect(unknownOption.body.error.message).to.equal('filter: company_size has no option "huge"');
    const missing = await api(`/api/v1/surveys/${CAPTIC_ID}/waves/1999-01/figures`).set('Accept', 'application/json');
    expect(missing.status).to.equal(404);
  });
});
