// The organizers' weighting form, in a browser without JavaScript: targets saved from the form go
// through the weighting use case (audited), the page then shows the weights' summary and, per
// variable, target, sample and weighted shares equal to the figures API's; every bad input is
// refused with 422, the form drawn again with what was typed and the problem beside its field,
// and nothing stored. Analysts cannot reach it.
import { expect } from 'chai';
import supertest from 'supertest';
import { importResponses } from '../../../server/responses/import.service';
import { useAppSuite } from '../../support/app-suite';
import { text, type FormFields, type Page } from '../../support/browser';
import { apiTokenFor, auditEvents, signedInBrowser, storedCollection, submitForm } from '../../support/staff';
import { captic250AsJsonLines } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const WAVE = '2011-03';
const WEIGHTING = `/admin/surveys/${CAPTIC_ID}/waves/${WAVE}/weighting`;
const FIGURES = `/api/v1/surveys/${CAPTIC_ID}/waves/${WAVE}/figures`;
const SIZE_TARGETS = { 'target.company_size.tpe': '50', 'target.company_size.pme': '30', 'target.company_size.eti': '12', 'target.company_size.ge': '8' };

async function storedWeighting(): Promise<unknown> {
  const wave = await storedCollection('waves').findOne({ surveyId: CAPTIC_ID, waveId: WAVE });
  return wave?.weighting;
}

function summaryValue(page: Page, item: string): number {
  return Number(page.$(`#weighting-summary [data-item="${item}"]`).attr('data-value'));
}

function marginValues(page: Page, question: string, column: 'target' | 'sample' | 'weighted'): Record<string, number> {
  const values: Record<string, number> = {};
  page.$(`table.weighting-margins[data-question="${question}"] tbody tr`).each((_, row) => {
    values[page.$(row).attr('data-option') ?? ''] = Number(page.$(row).find(`td.${column}`).attr('data-value'));
  });
  return values;
}

describe('The weighting form', function () {
  this.timeout(60_000);
  const suite = useAppSuite({
    organizerOf: [CAPTIC_ID],
    analystOf: [CAPTIC_ID],
    seed: async ({ app }) => {
      await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: WAVE, format: 'jsonl', content: captic250AsJsonLines() });
    },
  });
  const apiFigures = async (query: string) => {
    const token = await apiTokenFor(suite.analyst, 'read');
    const res = await supertest(suite.app.url).get(`${FIGURES}${query}`).set('Authorization', `Bearer ${token}`);
    expect(res.status).to.equal(200);
    return res.body;
  };
  const post = async (fields: FormFields) => submitForm(suite.browser, await suite.browser.get(WEIGHTING), '#weighting-form', fields);

  it('saves post-stratification targets from the form and shows the weights as the figures API computes them', async () => {
    const empty = await suite.browser.get(WEIGHTING);
    expect(empty.status).to.equal(200);
    expect(text(empty, '#no-weighting')).to.equal('This wave has no weighting.');

    const saved = await post({ method: 'poststratify', ...SIZE_TARGETS });
    expect(saved.status, saved.html.slice(0, 800)).to.equal(303);
    expect(saved.location).to.equal(`${WEIGHTING}?done=saved`);
    expect(await storedWeighting()).to.deep.equal({ method: 'poststratify', targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 } } });
    const audited = await auditEvents('weighting_changed');
    expect(audited.map((e) => [e.actorEmail, e.via, e.target])).to.deep.equal([['organizer@example.org', 'session', WAVE]]);

    const page = await suite.browser.get(saved.location!);
    expect(text(page, '#notice')).to.equal('Weighting saved.');
    expect(text(page, '#weighting-description')).to.equal('Post-stratification on How large is your company?');
    const weighted = await apiFigures('?weighted=1');
    const unweighted = await apiFigures('');
    const size = (figures: { questions: Record<string, { options: Record<string, { proportion: number }> }> }) =>
      Object.fromEntries(Object.entries(figures.questions.company_size!.options).map(([id, o]) => [id, o.proportion]));
    expect(marginValues(page, 'company_size', 'target')).to.deep.equal({ tpe: 0.5, pme: 0.3, eti: 0.12, ge: 0.08 });
    expect(marginValues(page, 'company_size', 'sample')).to.deep.equal(size(unweighted));
    expect(marginValues(page, 'company_size', 'weighted')).to.deep.equal(size(weighted));
    expect(text(page, 'table.weighting-margins tr[data-option="tpe"] td.weighted')).to.equal('50.0%');

    // The summary is the API's, with the range of the weights: a stratum's weight is its target
    // share over its sample share, here 0.5 ÷ (170/250) for the small firms.
    const summary = weighted.weighting;
    expect(summaryValue(page, 'design-effect')).to.equal(summary.designEffect);
    expect(summaryValue(page, 'effective-n')).to.equal(summary.effectiveN);
    expect(summaryValue(page, 'efficiency')).to.equal(summary.efficiency);
    expect(summary.efficiency).to.be.closeTo(summary.effectiveN / 250, 1e-12);
    expect(summary.efficiency).to.be.closeTo(1 / summary.designEffect, 1e-12);
    const sampleShares = size(unweighted);
    const strataWeights = Object.entries({ tpe: 0.5, pme: 0.3, eti: 0.12, ge: 0.08 }).map(([id, target]) => target / sampleShares[id]!);
    expect(summary.minWeight).to.be.closeTo(Math.min(...strataWeights), 1e-12);
    expect(summary.maxWeight).to.be.closeTo(Math.max(...strataWeights), 1e-12);
    expect(summary.minWeight).to.be.closeTo(0.5 / (170 / 250), 1e-12);
    expect(summaryValue(page, 'weight-range')).to.equal(summary.maxWeight);
    expect(text(page, '#weighting-summary [data-item="converged"] dd')).to.equal('yes');
    // The form shows what is in place.
    expect(page.$('#method-poststratify').is('[checked]')).to.equal(true);
    expect(page.$('#target-company_size-pme').attr('value')).to.equal('30');
  });

  it('rakes on several questions, with a cap, a decimal comma read as a point', async () => {
    const saved = await post({ method: 'rake', cap: '4', ...SIZE_TARGETS, 'target.club_member.yes': '40,5', 'target.club_member.no': '59,5' });
    expect(saved.status, saved.html.slice(0, 800)).to.equal(303);
    expect(await storedWeighting()).to.deep.equal({ method: 'rake', cap: 4, targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 }, club_member: { yes: 40.5, no: 59.5 } } });
    const page = await suite.browser.get(WEIGHTING);
    const weighted = (await apiFigures('?weighted=1')).questions;
    expect(marginValues(page, 'club_member', 'weighted')).to.deep.equal({ yes: weighted.club_member.options.yes.proportion, no: weighted.club_member.options.no.proportion });
    expect(weighted.club_member.options.yes.proportion).to.be.closeTo(0.405, 0.005);
  });

  const refusals: Array<{ what: string; fields: FormFields; field?: string; says: string; echoed?: Record<string, string> }> = [
    {
      what: 'targets that add up to 90',
      fields: { method: 'poststratify', ...SIZE_TARGETS, 'target.company_size.tpe': '40' },
      field: 'question.company_size',
      says: 'The targets of “How large is your company?” add up to 90, not 100.',
      echoed: { 'target-company_size-tpe': '40' },
    },
    {
      what: 'an option the question does not have (a forged field)',
      fields: { method: 'poststratify', 'target.company_size.tiny': '100' },
      says: '“How large is your company?” has no answer “tiny”.',
    },
    {
      what: 'a negative target',
      fields: { method: 'poststratify', ...SIZE_TARGETS, 'target.company_size.tpe': '-10', 'target.company_size.pme': '90' },
      field: 'target.company_size.tpe',
      says: 'A target cannot be negative.',
      echoed: { 'target-company_size-tpe': '-10', 'target-company_size-pme': '90' },
    },
    {
      what: 'a target that is not a number',
      fields: { method: 'poststratify', ...SIZE_TARGETS, 'target.company_size.ge': 'eight' },
      field: 'target.company_size.ge',
      says: '“eight” is not a number.',
      echoed: { 'target-company_size-ge': 'eight' },
    },
    {
      what: 'post-stratification on two questions',
      fields: { method: 'poststratify', ...SIZE_TARGETS, 'target.club_member.yes': '35', 'target.club_member.no': '65' },
      field: 'method',
      says: 'Post-stratification uses one question; choose raking for several.',
      echoed: { 'target-club_member-yes': '35' },
    },
    {
      what: 'a method the form does not offer',
      fields: { method: 'trim', ...SIZE_TARGETS },
      field: 'method',
      says: 'Choose a method.',
    },
    {
      what: 'no method at all',
      fields: { ...SIZE_TARGETS },
      field: 'method',
      says: 'Choose a method.',
    },
    {
      what: 'no question at all',
      fields: { method: 'rake' },
      says: 'Give the targets of at least one question.',
    },
    {
      what: 'a blank target in a question in use',
      fields: { method: 'poststratify', ...SIZE_TARGETS, 'target.company_size.ge': '' },
      field: 'target.company_size.ge',
      says: 'Give a target (0 if nobody).',
    },
    {
      what: 'a cap of 1',
      fields: { method: 'rake', ...SIZE_TARGETS, cap: '1' },
      field: 'cap',
      says: 'The largest weight is a number over 1, at most 100.',
      echoed: { cap: '1' },
    },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.what} (422), says where, keeps what was typed and stores nothing`, async () => {
      const page = await post(refusal.fields);
      expect(page.status, page.html.slice(0, 800)).to.equal(422);
      expect(text(page, '#form-error li')).to.equal(refusal.says);
      if (refusal.field) {
        expect(page.$('#form-error li').attr('data-field')).to.equal(refusal.field);
        const beside = refusal.field.startsWith('question.') ? `#fieldset-${refusal.field.slice('question.'.length)} .field-error`
          : refusal.field === 'method' ? '#method-problem'
          : refusal.field === 'cap' ? '#cap-problem'
          : `#${refusal.field.replace(/\./g, '-')}-problem`;
        expect(text(page, beside)).to.equal(refusal.says);
      }
      for (const [id, value] of Object.entries(refusal.echoed ?? {})) expect(page.$(`#${id}`).attr('value'), id).to.equal(value);
      expect(await storedWeighting()).to.equal(undefined);
      expect(await auditEvents('weighting_changed')).to.have.length(0);
    });
  }

  it('removes the weighting', async () => {
    await post({ method: 'poststratify', ...SIZE_TARGETS });
    const page = await suite.browser.get(WEIGHTING);
    const removed = await submitForm(suite.browser, page, '#remove-weighting');
    expect(removed.status).to.equal(303);
    expect(removed.location).to.equal(`${WEIGHTING}?done=removed`);
    expect(await storedWeighting()).to.equal(undefined);
    expect(await auditEvents('weighting_removed')).to.have.length(1);
    const after = await suite.browser.get(removed.location!);
    expect(text(after, '#notice')).to.equal('Weighting removed: the figures are no longer weighted.');
    expect(text(after, '#no-weighting')).to.equal('This wave has no weighting.');
  });

  it('says why saved targets give no weights yet instead of failing', async () => {
    const demo = `/admin/surveys/${CAPTIC_ID}/waves/demo/weighting`;
    const saved = await submitForm(suite.browser, await suite.browser.get(demo), '#weighting-form', { method: 'poststratify', ...SIZE_TARGETS });
    expect(saved.status).to.equal(303);
    const page = await suite.browser.get(demo);
    expect(page.status).to.equal(200);
    expect(text(page, '#weighting-problem')).to.equal('The weights cannot be computed with these targets for now: no complete responses.');
    expect(page.$('#weighting-summary').length).to.equal(0);
  });

  it('is the organizers\': an analyst of the survey gets 403 and changes nothing', async () => {
    const analyst = await signedInBrowser(suite.app, suite.analyst);
    expect((await analyst.get(WEIGHTING)).status).to.equal(403);
    // A real CSRF token, from a page the analyst may open.
    const account = await analyst.get('/admin/account');
    const csrf = account.$('input[name=_csrf]').first().attr('value') ?? '';
    expect((await analyst.post(WEIGHTING, { _csrf: csrf, method: 'poststratify', ...SIZE_TARGETS })).status).to.equal(403);
    expect((await analyst.post(`${WEIGHTING}/remove`, { _csrf: csrf })).status).to.equal(403);
    expect(await storedWeighting()).to.equal(undefined);
  });
});
