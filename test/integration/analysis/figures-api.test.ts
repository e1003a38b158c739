// Segments, wave-over-wave changes and weighting through the figures API.
import { expect } from 'chai';
import type { CheerioAPI } from 'cheerio';
import supertest from 'supertest';
import { importResponses } from '../../../server/responses/import.service';
import { importTwoCapticEditions, TEST_ACTOR, wavesOf } from '../../support/waves';
import { startTestApp, type TestApp } from '../../support/app';
import { apiTokenFor, createStaff, signedInBrowser, storedCollection, type StaffMember } from '../../support/staff';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const FIGURES = `/api/v1/surveys/${CAPTIC_ID}/waves`;
const COWORKING_ID = 'coworking_members_2026';

/** A question's section of the dashboard: its flags and each table row's data-values. */
interface PageQuestion {
  flags: string[];
  rows: Array<{ label: string; values: Array<number | null> }>;
}

/** A wave change as the API gives it. */
interface WaveChangeBody {
  previous: number;
  difference: number;
  significant: boolean;
}

/** Spaces as a reader sees them: non-breaking ones as spaces, runs as one. */
function readable(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** What a reader sees of an element: without the words only screen readers get. */
function seen(page: { $: CheerioAPI }, selector: Parameters<CheerioAPI>[0]): string {
  const element = page.$(selector).clone();
  element.find('.visually-hidden').remove();
  return readable(element.text());
}

/** A change as the report prints it: points with one decimal ("+5.0 pts") or a mean's two ("−0.25"), then "*" when significant. */
function changeText(change: WaveChangeBody | undefined, unit: 'points' | 'mean'): string {
  if (!change) return '—';
  const digits = unit === 'points' ? 1 : 2;
  const value = unit === 'points' ? change.difference * 100 : change.difference;
  // Signed as printed: a change that rounds to zero is "±0.00", whatever its sign.
  const rounded = Number(value.toFixed(digits));
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '±';
  return `${sign}${Math.abs(value).toFixed(digits)}${unit === 'points' ? ' pts' : ''}${change.significant ? '*' : ''}`;
}

describe('The figures API: segments, waves and weighting', function () {
  this.timeout(60_000);
  let app: TestApp;
  /** The analyst also signs in, for the report page. */
  let analyst: StaffMember;
  /** Tokens as scripts use them: an analyst's read token for figures, an organizer's manage token for weighting. */
  let analystToken: string;
  let organizerToken: string;
  const read = (path: string) => supertest(app.url).get(path).set('Authorization', `Bearer ${analystToken}`);
  const organizer = {
    put: (path: string) => supertest(app.url).put(path).set('Authorization', `Bearer ${organizerToken}`),
    delete: (path: string) => supertest(app.url).delete(path).set('Authorization', `Bearer ${organizerToken}`),
  };

  before(async () => {
    app = await startTestApp();
    await app.reset();
    // A second edition where everyone uses social networks and fewer belong to a club.
    await importTwoCapticEditions(app, buildCaptic250(99).filter((r) => r.answers.uses_social === 'yes').slice(0, 200));
    analyst = await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    analystToken = await apiTokenFor(analyst, 'read');
    organizerToken = await apiTokenFor(await createStaff(app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] }), 'manage');
  });
  after(async () => app.close());

  it('splits figures by company size from the live counters, with column bases and markers', async () => {
    const res = await read(`${FIGURES}/2011-03/figures?by=company_size`);
    expect(res.status).to.equal(200);
    const { crosstab } = res.body;
    expect(res.body.source).to.equal('counters');
    expect(crosstab.question).to.equal('company_size');
    expect(Object.keys(crosstab.columns)).to.deep.equal(['tpe', 'pme', 'eti', 'ge']);
    expect(crosstab.columns.tpe).to.include({ letter: 'A', n: 170 });
    const columnsN = Object.values(crosstab.columns as Record<string, { n: number }>).reduce((s, c) => s + c.n, 0);
    expect(columnsN).to.equal(250);
    const usesTpe = crosstab.columns.tpe.questions.uses_social;
    expect(usesTpe.base.n).to.equal(170);
    expect(usesTpe.options.yes.proportion).to.equal(usesTpe.options.yes.count / 170);
    expect(crosstab.tests.club_member.chiSquare).to.have.keys(['method', 'statistic', 'df', 'pValue', 'significant', 'sparse', 'expectedBelow5', 'cells']);
    expect(crosstab.tests.club_member.chiSquare).to.include({ method: 'pearson', df: 3, sparse: false, expectedBelow5: 0, cells: 8 });
    expect(crosstab.legend).to.include({ test: 'column-proportions', base: 'respondents', adjustment: 'bh' });
    expect(crosstab.tests.networks.chiSquare).to.equal(null);
    expect(crosstab.tests.club_member.markers.yes).to.have.keys(['tpe', 'pme', 'eti', 'ge']);
  });

  it('gives the same crosstab from a recompute as from the counters', async () => {
    const live = (await read(`${FIGURES}/2011-03/figures?by=company_size`)).body;
    const recomputed = (await read(`${FIGURES}/2011-03/figures?by=company_size&filter=uses_social:yes,no`)).body;
    expect(recomputed.crosstab).to.deep.equal(live.crosstab);
  });

  it('reads a filter on a segment question from the counters, equal to a recompute', async () => {
    const live = (await read(`${FIGURES}/2011-03/figures?filter=company_size:tpe,pme`)).body;
    expect(live.source).to.equal('counters');
    expect(live.n).to.equal(215);
    expect(live.filter).to.deep.equal({ company_size: ['tpe', 'pme'] });
    const recomputed = (await read(`${FIGURES}/2011-03/figures?filter=company_size:tpe,pme;uses_social:yes,no`)).body;
    expect(recomputed.source).to.equal('responses');
    expect(recomputed.questions).to.deep.equal(live.questions);
  });

  it('reads every filter on a segment question and every base from the counters in one go, equal to a recompute', async () => {
    for (const [filter, base] of [['company_size:ge', 'answered'], ['company_size:tpe,tpe', 'shown'], ['company_size:pme,eti,ge', 'all']] as const) {
      const live = (await read(`${FIGURES}/2011-03/figures?filter=${filter}&base=${base}`)).body;
      expect(live.source, filter).to.equal('counters');
      const recomputed = (await read(`${FIGURES}/2011-03/figures?filter=${filter};uses_social:yes,no&base=${base}`)).body;
      expect(recomputed.source).to.equal('responses');
      expect(live.n, filter).to.equal(recomputed.n);
      expect(recomputed.questions, filter).to.deep.equal(live.questions);
    }
    for (const base of ['shown', 'all']) {
      const live = (await read(`${FIGURES}/2011-03/figures?by=company_size&base=${base}`)).body;
      expect(live.source).to.equal('counters');
      const recomputed = (await read(`${FIGURES}/2011-03/figures?by=company_size&filter=uses_social:yes,no&base=${base}`)).body;
      expect(recomputed.crosstab, base).to.deep.equal(live.crosstab);
    }
  });

  it('measures wave-over-wave changes with a pooled z-test', async () => {
    const res = await read(`${FIGURES}/2012-03/figures?compare=2011-03`);
    expect(res.status).to.equal(200);
    expect(res.body.comparedWith).to.deep.equal({ wave: '2011-03', n: 250 });
    const change = res.body.questions.uses_social.options.yes.change;
    expect(change.previous).to.equal(235 / 250);
    expect(change.difference).to.be.closeTo(1 - 235 / 250, 1e-12);
    // Pooled test, 200/200 against 235/250:
    // p = 435/450; se = sqrt(p*(1-p)*(1/200+1/250)); z = 0.06/se; 2*scipy.stats.norm.sf(z)
    expect(change.z).to.be.closeTo(3.5233213170882207, 1e-9);
    expect(change.pValue).to.be.closeTo(0.0004261743504974146, 1e-12);
    expect(change.significant).to.equal(true);
    // 2012-03 is a draft here: `current` is the open wave, the demonstration one.
    const current = await read(`${FIGURES}/current/figures`);
    expect(current.body.wave).to.equal('demo');
  });

  it("prints in the report each matrix row's change of mean and of top-2 box, starred as the API's tests judge them", async () => {
    const body = (await read(`${FIGURES}/2012-03/figures?compare=2011-03`)).body;
    const rows = body.questions.satisfaction_professional.rows as Record<string, { mean: number; meanChange?: WaveChangeBody; top2: { change?: WaveChangeBody } }>;
    const browser = await signedInBrowser(app, analyst);
    const page = await browser.open(`/admin/surveys/${CAPTIC_ID}/waves/2012-03/report?lang=en&compare=2011-03`);
    expect(page.status).to.equal(200);
    expect(readable(page.$('#compared-with').text())).to.equal('Changes since wave 2011-03 (250 respondents). *: change significant at 5%. Percentages compared by the z-test, means by Welch’s t-test.');
    const table = page.$('#result-satisfaction_professional table.figures');
    expect(table.find('thead th').toArray().map((th) => page.$(th).text())).to.deep.equal(['Row', 'Count', 'Mean', 'Mean, change', 'Top 2 box', 'Top 2 box, change']);
    const printed = table.find('tbody tr').toArray().map((tr) => page.$(tr).find('td').toArray().map((td) => seen(page, td)));
    const expected = Object.values(rows).map((row) => [changeText(row.meanChange, 'mean'), changeText(row.top2.change, 'points')]);
    expect(printed.map((cells) => [cells[2], cells[4]])).to.deep.equal(expected);
    expect(expected.flat().some((text) => text.endsWith('*'))).to.equal(true);
    expect(table.find('td.change strong').first().attr('title')).to.be.oneOf(['significant at 5% (Welch’s t-test)', 'significant at 5%']);
  });

  describe('a rating\'s, an NPS\'s and a number\'s changes in the report (the coworking survey)', () => {
    it('prints the mean\'s change beside the mean and a rating\'s top-2 box with its change, as the API gives them', async () => {
      const survey = app.catalog.require(COWORKING_ID);
      const waves = wavesOf(app);
      // Two editions of 30 members and 30 former members: the later one recommends more, comes more often and would come back more.
      const editions = [
        { waveId: '2025-spring', recommend: (i: number) => i % 11, days: (i: number) => i % 4, comeBack: (i: number) => 1 + (i % 5) },
        { waveId: '2025-autumn', recommend: (i: number) => 10 - (i % 4), days: (i: number) => 3 + (i % 5), comeBack: (i: number) => 3 + (i % 3) },
      ];
      // The evening opening is rated only by those who come at least three days a week.
      const facilitiesFor = (days: number) => ({ wifi: 3, desks: 3, meeting_rooms: 2, kitchen: 4, ...(days >= 3 ? { evening_hours: 3 } : {}) });
      for (const edition of editions) {
        await waves.createWave(COWORKING_ID, { waveId: edition.waveId, copyFrom: '2026-spring' }, TEST_ACTOR);
        const lines = Array.from({ length: 30 }, (_, i) => [
          JSON.stringify({ answers: { still_member: 'yes', days_per_week: edition.days(i), facilities: facilitiesFor(edition.days(i)), priorities: ['quiet_zones', 'phone_booths', 'events'], recommend: edition.recommend(i), nickname: `${edition.waveId} member ${i}` } }),
          JSON.stringify({ answers: { still_member: 'no', days_per_week: edition.days(i), leave_reasons: ['price'], come_back: edition.comeBack(i), nickname: `${edition.waveId} former ${i}` } }),
        ]).flat();
        const imported = await importResponses({ survey, wave: edition.waveId, format: 'jsonl', content: lines.join('\n') });
        expect(imported.imported, JSON.stringify(imported).slice(0, 500)).to.equal(60);
      }
      const member = await createStaff(app, { email: 'coworking-report@example.org', role: 'analyst', grants: [COWORKING_ID] });
      const token = await apiTokenFor(member, 'read');
      const { questions } = (await supertest(app.url).get(`/api/v1/surveys/${COWORKING_ID}/waves/2025-autumn/figures?compare=2025-spring`).set('Authorization', `Bearer ${token}`).expect(200)).body;
      const page = await (await signedInBrowser(app, member)).open(`/admin/surveys/${COWORKING_ID}/waves/2025-autumn/report?lang=en&compare=2025-spring`);
      expect(page.status).to.equal(200);
      const line = (id: string, kind: 'mean' | 'top2') => seen(page, `#result-${id} p.${kind}`);
      const mean = (value: number) => value.toFixed(2);
      for (const id of ['recommend', 'days_per_week', 'come_back']) {
        const figures = questions[id] as { mean: number; meanChange: WaveChangeBody };
        expect(figures.meanChange, id).to.have.keys(['previous', 'difference', 'z', 'df', 'pValue', 'significant']);
        expect(line(id, 'mean')).to.equal(`Mean: ${mean(figures.mean)} (change since 2025-spring: ${changeText(figures.meanChange, 'mean')})`);
      }
      const top2 = questions.come_back.top2 as { proportion: number; change: WaveChangeBody };
      expect(line('come_back', 'top2')).to.equal(`Top 2 box: ${Math.round(top2.proportion * 100)}% (change since 2025-spring: ${changeText(top2.change, 'points')})`);
      expect(page.$('#result-recommend p.top2').length, 'an NPS has no top-2 line').to.equal(0);
      const french = await (await signedInBrowser(app, member)).open(`/admin/surveys/${COWORKING_ID}/waves/2025-autumn/report?lang=fr&compare=2025-spring`);
      expect(seen(french, '#result-come_back p.mean')).to.match(/^Moyenne : \d,\d\d \(évolution depuis 2025-spring : [+−±]\d,\d\d\*?\)$/);
    });
  });

  describe('a number\'s histogram, and figures below the publication threshold (the coworking survey)', () => {
    // Eight former members (below the 10 a published figure needs), coming 0 to 7 days a week.
    const DAYS = [0, 1, 1, 2, 3, 5, 7, 7];
    const figuresPath = `/api/v1/surveys/${COWORKING_ID}/waves/2026-spring/figures`;
    let token: string;
    let member: StaffMember;
    before(async () => {
      const survey = app.catalog.require(COWORKING_ID);
      const lines = DAYS.map((days, i) => JSON.stringify({ answers: { still_member: 'no', days_per_week: days, leave_reasons: ['price'], come_back: 1 + (i % 5), nickname: `former ${i}` } }));
      const imported = await importResponses({ survey, wave: '2026-spring', format: 'jsonl', content: lines.join('\n') });
      expect(imported.imported, JSON.stringify(imported).slice(0, 600)).to.equal(8);
      member = await createStaff(app, { email: 'coworking-analyst@example.org', role: 'analyst', grants: [COWORKING_ID] });
      token = await apiTokenFor(member, 'read');
    });
    const readCoworking = (search: string) => supertest(app.url).get(`${figuresPath}${search}`).set('Authorization', `Bearer ${token}`);

    it('gives days a week one bin per day from the live counters, equal to a recompute', async () => {
      const live = (await readCoworking('')).body;
      expect(live.source).to.equal('counters');
      const days = live.questions.days_per_week;
      expect(days.distribution).to.deep.equal([1, 2, 1, 1, 0, 1, 0, 2].map((count, value) => ({ from: value, to: value, count, weightedCount: count })));
      const recomputed = (await readCoworking('?filter=still_member:yes,no')).body;
      expect(recomputed.source).to.equal('responses');
      expect(recomputed.questions.days_per_week.distribution).to.deep.equal(days.distribution);
    });

    it('still withholds shares, intervals and means below the threshold, which the analysts\' dashboard shows flagged', async () => {
      const { questions } = (await readCoworking('')).body;
      expect(questions.days_per_week.flags).to.deep.equal(['suppressed']);
      expect(questions.days_per_week.mean).to.equal(null);
      expect(questions.come_back.mean).to.equal(null);
      expect(questions.come_back.top2).to.include({ count: 2, proportion: null, ci95: null });
      expect(questions.still_member.options.no).to.deep.include({ count: 8, proportion: null, ci95: null });

      const browser = await signedInBrowser(app, member);
      const page = await browser.open(`/admin/surveys/${COWORKING_ID}/waves/2026-spring/dashboard?lang=en`);
      expect(page.status).to.equal(200);
      const sectionOf = (id: string): PageQuestion => {
        const section = page.$(`section[data-part="q:${id}"]`);
        return {
          flags: section.find('[data-flag]').toArray().map((f) => page.$(f).attr('data-flag') ?? ''),
          rows: section.find('tbody tr').toArray().map((tr) => ({
            label: page.$(tr).find('th').text().trim(),
            values: page.$(tr).find('td').toArray().map((td) => (page.$(td).attr('data-value') ? Number(page.$(td).attr('data-value')) : null)),
          })),
        };
      };
      const valueAt = (q: PageQuestion, label: string) => q.rows.find((r) => r.label === label)?.values[0];
      const days = sectionOf('days_per_week');
      expect(days.flags).to.include('not_for_publication');
      expect(valueAt(days, 'Mean')).to.be.closeTo(DAYS.reduce((a, b) => a + b, 0) / 8, 1e-12);
      expect(valueAt(days, 'Answered 7')).to.equal(2);
      const comeBack = sectionOf('come_back');
      // A rating's table gives its mean in the share column.
      expect(comeBack.rows.find((r) => r.label === 'Mean')?.values[1]).to.be.closeTo((1 + 2 + 3 + 4 + 5 + 1 + 2 + 3) / 8, 1e-12);
      expect(comeBack.rows.find((r) => r.label === 'Top-2 box')?.values[1]).to.equal(2 / 8);
      expect(sectionOf('still_member').rows.find((r) => r.label === 'No')?.values[1]).to.equal(1);
    });
  });

  describe('weighting', () => {
    after(async () => {
      await organizer.delete(`${FIGURES}/2011-03/weighting`).expect(204);
    });

    it('refuses targets that do not sum to 100, or name unknown options, with 4xx and a message', async () => {
      const notHundred = await organizer.put(`${FIGURES}/2011-03/weighting`).send({ method: 'poststratify', targets: { company_size: { tpe: 50, pme: 30, eti: 10, ge: 5 } } });
      expect(notHundred.status).to.equal(422);
      expect(notHundred.body.error.message).to.contain('sum to 95%');
      const unknown = await organizer.put(`${FIGURES}/2011-03/weighting`).send({ method: 'poststratify', targets: { company_size: { tiny: 100 } } });
      expect(unknown.status).to.equal(422);
      expect(unknown.body.error.message).to.equal('targets.company_size.tiny: no such option');
      const weighted = await read(`${FIGURES}/2011-03/figures?weighted=1`);
      expect(weighted.status).to.equal(404);
      expect(weighted.body.error.code).to.equal('weighting_not_set');
      expect(await storedCollection('audit_events').countDocuments({ action: 'weighting_changed' })).to.equal(0);
    });

    it('post-stratifies to the target margins and reports the design effect', async () => {
      await organizer
        .put(`${FIGURES}/2011-03/weighting`)
        .send({ method: 'poststratify', targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 } } })
        .expect(204);
      const changes = await storedCollection('audit_events').find({ action: 'weighting_changed' }).toArray();
      expect(changes.map((e) => [e.actorEmail, e.via, e.surveyId, e.target])).to.deep.equal([['organizer@example.org', 'token', CAPTIC_ID, '2011-03']]);
      const res = await read(`${FIGURES}/2011-03/figures?weighted=1`);
      expect(res.status).to.equal(200);
      const body = res.body;
      expect(body.weighted).to.equal(true);
      expect(body.weighting.method).to.equal('poststratify');
      expect(body.weighting.designEffect).to.be.greaterThan(1);
      const size = body.questions.company_size;
      expect(size.options.tpe.proportion).to.be.closeTo(0.5, 1e-12);
      expect(size.options.ge.proportion).to.be.closeTo(0.08, 1e-12);
      expect(size.options.tpe.count).to.equal(170);
      expect(size.base.weighted).to.be.closeTo(250, 1e-9);
      expect(size.base.effective).to.be.below(250);
      const signedIn = await signedInBrowser(app, analyst);
      const report = await signedIn.agent.get(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=en&weighted=1`).set('Accept', 'text/html');
      // The methodology box names the method, each target with the question's wording, and the efficiency.
      expect(report.text).to.contain('Post-stratification on these targets (share of the population):');
      expect(report.text).to.contain('“How large is your company?”: Fewer than 50 employees (micro / small) 50.0%, 50 to 249 employees (medium) 30.0%');
      const deff = body.weighting.designEffect as number;
      expect(report.text).to.contain(`Weighting efficiency ${Math.round(100 / deff)}% (effective base ${Math.round(250 / deff)} of 250, design effect ${deff.toFixed(2)})`);
    });

    it('says which category has no respondents when a target cannot be met', async () => {
      await organizer
        .put(`${FIGURES}/2011-03/weighting`)
        .send({ method: 'rake', targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 }, function: { business_owner: 50, self_employed: 20, senior_executive: 10, manager: 10, sales_marketing: 5, employee: 4, other: 1 } } })
        .expect(204);
      const res = await read(`${FIGURES}/2011-03/figures?weighted=1`);
      expect(res.status).to.equal(422);
      expect(res.body.error.message).to.match(/function.*other/);
    });
  });
});
