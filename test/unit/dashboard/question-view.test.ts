import { expect } from 'chai';
import { addWaveChanges } from '../../../server/analysis/figures/comparisons';
import type { AnsweredResponse } from '../../../server/analysis/figures/figures.service';
import type { Figures } from '../../../server/analysis/figures/figures.types';
import type { QuestionView, TableRow } from '../../../server/dashboard/dashboard.types';
import { buildQuestionViews } from '../../../server/dashboard/question-view';
import type { TAnswers } from '../../../server/surveys/answers';
import { loadSurveyFile } from '../../../server/surveys/survey.loader';
import type { TNumberQuestion, TSurveyDefinition } from '../../../server/surveys/survey.schemas';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { answered, figuresOf, weightedFiguresOf } from './dashboard-figures';

const NNBSP = '\u202F';

function viewsOf(definition: TSurveyDefinition, figures: Figures, lang: 'fr' | 'en' = 'en'): Map<string, QuestionView> {
  const views = buildQuestionViews({ definition, figures, lang, lowBaseBelow: 50, openAnswersHref: (id) => `/open?question=${id}` });
  return new Map(views.map((v) => [v.id, v]));
}

/** The coworking survey with days_per_week's range changed. */
function withDaysPerWeek(definition: TSurveyDefinition, change: Partial<Pick<TNumberQuestion, 'min' | 'max' | 'integer'>>): TSurveyDefinition {
  const pages = definition.pages.map((p) => ({ ...p, questions: p.questions.map((q) => (q.id === 'days_per_week' && q.type === 'number' ? { ...q, ...change } : q)) }));
  return { ...definition, pages };
}

function rowOf(view: QuestionView | undefined, label: string): TableRow {
  const row = view?.table.rows.find((r) => r.label === label);
  if (!row) throw new Error(`no row "${label}" in ${view?.id}: ${view?.table.rows.map((r) => r.label).join(', ')}`);
  return row;
}

describe('dashboard question views', () => {
  let captic: TSurveyDefinition;
  let sample: AnsweredResponse[];
  before(async () => {
    captic = (await loadSurveyFile('surveys/captic-2011.yaml')).definition;
    sample = answered(buildCaptic250().map((r) => r.answers));
  });

  describe('choice questions on the 250 CAP-TIC responses', () => {
    let figures: Figures;
    let views: Map<string, QuestionView>;
    before(() => {
      figures = figuresOf(captic, sample);
      views = viewsOf(captic, figures);
    });

    it('gives one view per question, in the questionnaire’s order', () => {
      expect([...views.keys()]).to.deep.equal(captic.pages.flatMap((p) => p.questions).map((q) => q.id));
      expect(views.get('uses_social')?.kind).to.equal('choice');
      expect(views.get('satisfaction_personal')?.kind).to.equal('matrix');
      expect(views.get('comments')?.kind).to.equal('text');
    });

    it('tables each option with its count, share and 95 % interval, the base row first, values as the API gives them', () => {
      const view = views.get('uses_social');
      expect(view?.table.columns).to.deep.equal(['Answer', 'Count', '%', '95% credibility interval']);
      expect(view?.table.rows[0]).to.include({ label: 'Base', kind: 'base' });
      expect(view?.table.rows[0]?.cells[0]).to.deep.equal({ text: '250', value: 250 });
      const yes = rowOf(view, 'Yes');
      expect(yes.cells[0]).to.deep.equal({ text: '235', value: 235 });
      expect(yes.cells[1]).to.deep.equal({ text: '94%', value: figures.questions.uses_social?.options?.yes?.proportion });
      expect(yes.cells[1]?.value).to.equal(0.94);
      expect(yes.cells[2]?.text).to.match(/^90\.\d% – 96\.\d%$/);
      expect(view?.baseNote).to.equal('Base: 250 respondents who were asked and answered. Unweighted.');
      expect(view?.notForPublication).to.equal(false);
      expect(view?.lowBase).to.equal(false);
    });

    it('names the interval column as the report does, from the survey\'s publication rules, and shows none where they hide intervals', () => {
      const columnsUnder = (rules: Pick<TSurveyDefinition, 'sampling' | 'intervals'>, lang: 'fr' | 'en' = 'en') => {
        const views = viewsOf({ ...captic, ...rules }, figures, lang);
        return { choice: views.get('uses_social'), matrix: views.get('satisfaction_personal') };
      };
      expect(columnsUnder({ sampling: 'opt_in' }).choice?.table.columns.at(-1)).to.equal('95% credibility interval');
      expect(columnsUnder({ sampling: 'opt_in' }, 'fr').choice?.table.columns.at(-1)).to.equal('Intervalle de crédibilité à 95 %');
      expect(columnsUnder({ sampling: 'probability' }).choice?.table.columns.at(-1)).to.equal('95% interval (margin of error)');
      for (const rules of [{ sampling: 'census' as const }, { sampling: 'opt_in' as const, intervals: 'hidden' as const }, { sampling: 'probability' as const, intervals: 'hidden' as const }]) {
        const { choice } = columnsUnder(rules);
        expect(choice?.table.columns, JSON.stringify(rules)).to.deep.equal(['Answer', 'Count', '%']);
        expect(rowOf(choice, 'Yes').cells).to.have.lengthOf(2);
        expect(choice?.chart?.series[0], 'no whiskers').not.to.have.any.keys('low', 'high');
      }
    });

    it('draws horizontal bars in percent with the interval as whiskers', () => {
      const chart = views.get('uses_social')?.chart;
      const yes = figures.questions.uses_social?.options?.yes;
      expect(chart).to.include({ type: 'bars', unit: 'percent' });
      expect(chart?.labels).to.deep.equal(['Yes', 'No']);
      expect(chart?.series).to.have.lengthOf(1);
      expect(chart?.series[0]).to.include({ role: 'total' });
      expect(chart?.series[0]?.values).to.deep.equal(['yes', 'no'].map((o) => (figures.questions.uses_social?.options?.[o]?.proportion ?? NaN) * 100));
      expect(chart?.series[0]?.values[0]).to.be.closeTo(94, 1e-9);
      expect(chart?.series[0]?.low?.[0]).to.equal((yes?.ci95?.[0] ?? NaN) * 100);
      expect(chart?.series[0]?.high?.[0]).to.equal((yes?.ci95?.[1] ?? NaN) * 100);
      expect(chart?.title).to.equal('Chart: Do you use social networks?');
    });

    it('says that a multiple choice adds up to more than 100 %, and links its "other (specify)" answers', () => {
      const networks = views.get('networks');
      expect(networks?.notes).to.include('Several answers allowed: the total exceeds 100%.');
      // 15 users ticked "other" (the fixture): each wrote what it was.
      expect(networks?.openAnswers).to.deep.equal({ count: 15, href: '/open?question=networks' });
      expect(views.get('uses_social')?.openAnswers).to.equal(undefined);
    });

    it('counts the answers to an open question and links them, with no chart', () => {
      const comments = views.get('comments');
      expect(comments?.chart).to.equal(null);
      expect(comments?.openAnswers).to.deep.equal({ count: 30, href: '/open?question=comments' });
      expect(comments?.table.rows[0]?.cells[0]?.value).to.equal(30);
      // Whatever the base: on every respondent, the base is 250 but 30 wrote something.
      const onAll = viewsOf(captic, figuresOf(captic, sample, { options: { base: 'all' } })).get('comments');
      expect(onAll?.base).to.equal(250);
      expect(onAll?.openAnswers?.count).to.equal(30);
    });

    it('writes French with its own typography', () => {
      const view = viewsOf(captic, figures, 'fr').get('uses_social');
      expect(rowOf(view, 'Oui').cells[1]?.text).to.equal(`94${NNBSP}%`);
      expect(view?.baseNote).to.equal('Base\u00a0: 250 répondants à qui la question a été posée et qui y ont répondu. Non pondéré.');
    });
  });

  describe('a matrix', () => {
    it('tables each row’s distribution with "don’t know", base, mean and top-2, and stacks it in a chart that adds up to 100 %', () => {
      const figures = figuresOf(captic, sample);
      const view = viewsOf(captic, figures).get('satisfaction_personal');
      const facebook = figures.questions.satisfaction_personal?.rows?.facebook;
      expect(view?.table.columns).to.deep.equal(['Row', '1 – Not at all satisfied', '2 – Not very satisfied', '3 – Moderately satisfied', '4 – Satisfied', '5 – Very satisfied', "Don't know", 'Base', 'Mean', 'Top-2 box']);
      const row = rowOf(view, 'Facebook');
      expect(row.cells[0]?.value).to.equal(facebook?.options['1']?.proportion);
      expect(row.cells[5]).to.deep.equal({ text: '10', value: 10 });
      expect(row.cells[6]).to.deep.equal({ text: '140', value: 140 });
      expect(row.cells[7]?.value).to.equal(facebook?.mean);
      // F3: Facebook, personal use, top-2 = 63 / 140.
      expect(row.cells[8]).to.deep.equal({ text: '45%', value: 63 / 140 });

      const chart = view?.chart;
      expect(chart?.type).to.equal('stacked');
      expect(chart?.series.map((s) => s.role)).to.deep.equal(['point', 'point', 'point', 'point', 'point', 'dont_know']);
      const at = chart?.labels.indexOf('Facebook') ?? -1;
      const bar = chart?.series.map((s) => s.values[at] ?? 0) ?? [];
      // Over the 150 who answered, "don't know" included.
      expect(bar[5]).to.be.closeTo((10 / 150) * 100, 1e-9);
      expect(bar.reduce((a, b) => a + b, 0)).to.be.closeTo(100, 1e-9);
      expect(chart?.annotations).to.include(`Facebook: Top-2 45% · mean ${facebook?.mean?.toFixed(1)}`);
      expect(view?.notes[0]).to.match(/^Chart: share of those who answered/);
    });
  });

  describe('segmented by company size', () => {
    let figures: Figures;
    let views: Map<string, QuestionView>;
    before(() => {
      figures = figuresOf(captic, sample, { by: 'company_size' });
      views = viewsOf(captic, figures);
    });

    it('has a Total column then one per segment with its letter, the bases first', () => {
      const view = views.get('usage');
      expect(view?.table.columns).to.deep.equal([
        'Answer',
        'Total',
        'Fewer than 50 employees (micro / small) (A)',
        '50 to 249 employees (medium) (B)',
        '250 to 4,999 employees (intermediate) (C)',
        '5,000 employees or more (large) (D)',
      ]);
      const base = view?.table.rows[0];
      expect(base?.kind).to.equal('base');
      expect(base?.cells.map((c) => c.value)).to.deep.equal([235, ...['tpe', 'pme', 'eti', 'ge'].map((s) => figures.crosstab?.columns[s]?.questions.usage?.base.n)]);
      const both = rowOf(view, 'Both professional and personal').cells;
      expect(both[0]?.value).to.equal(figures.questions.usage?.options?.both?.proportion);
      expect(both[3]?.value).to.equal(figures.crosstab?.columns.eti?.questions.usage?.options?.both?.proportion);
    });

    it('marks a share significantly higher than other columns with their letters, upper case at p < 0.01, after the adjustment the legend states', () => {
      // In this sample, Twitter users are more common among mid-caps (C) than among VSEs (A) and
      // SMEs (B): p < 0.01 for both pairs unadjusted, p < 0.05 only after Bonferroni's adjustment,
      // and not significant once Benjamini-Hochberg, the default, controls the table's false discovery rate.
      const unadjusted = viewsOf(captic, figuresOf(captic, sample, { by: 'company_size', adjust: 'none' }));
      const twitter = rowOf(unadjusted.get('networks'), 'Twitter');
      expect(twitter.cells[3]).to.include({ marker: 'AB', markerLabel: 'Significantly higher than in the columns lettered A, B (upper-case letter: p < 0.01; lower case: p < 0.05; see the legend)' });
      expect(unadjusted.get('networks')?.table.rows.flatMap((r) => r.cells).filter((c) => c.marker)).to.have.lengthOf(1);
      expect(unadjusted.get('networks')?.notes).to.include('Letters: the column’s percentage is significantly higher than that of the column named (z-test of column proportions, on each column’s respondents; p-values not adjusted for multiple comparisons). Upper case: p < 0.01; lower case: p < 0.05.');
      const bonferroni = figuresOf(captic, sample, { by: 'company_size', adjust: 'bonferroni' });
      expect(bonferroni.crosstab?.tests.networks?.markers.twitter?.eti).to.deep.equal(['a', 'b']);
      expect(rowOf(viewsOf(captic, bonferroni).get('networks'), 'Twitter').cells[3]?.marker).to.equal('ab');
      expect(figures.crosstab?.legend.adjustment).to.equal('bh');
      expect(figures.crosstab?.tests.networks?.markers.twitter?.eti).to.deep.equal([]);
      expect(views.get('networks')?.table.rows.flatMap((r) => r.cells).filter((c) => c.marker)).to.have.lengthOf(0);
      expect(views.get('networks')?.notes.find((n) => n.startsWith('Letters'))).to.include('adjusted for multiple comparisons by Benjamini-Hochberg over the whole table (false discovery rate), the default');
    });

    it('draws one series per segment beside the total, gives the chi-square of a single choice, and no claim on a sparse table', () => {
      const view = views.get('usage');
      expect(view?.chart?.series.map((s) => s.role)).to.deep.equal(['total', 'segment', 'segment', 'segment', 'segment']);
      const pme = view?.chart?.series[2];
      expect(pme?.values[2]).to.equal((figures.crosstab?.columns.pme?.questions.usage?.options?.both?.proportion ?? NaN) * 100);
      expect(pme?.low?.[2]).to.equal((figures.crosstab?.columns.pme?.questions.usage?.options?.both?.ci95?.[0] ?? NaN) * 100);
      // club_member (yes, no) by company size: scipy.stats.chi2_contingency([[59, 15, 8, 6], [111, 30, 12, 9]], correction=False) gives p = 0.93176.
      expect(figures.crosstab?.tests.club_member?.chiSquare).to.include({ method: 'pearson', sparse: false, significant: false });
      expect(figures.crosstab?.tests.club_member?.chiSquare?.pValue).to.be.closeTo(0.9318, 1e-4);
      expect(views.get('club_member')?.notes).to.include('Chi-square test of independence: p = 0.932 — no significant difference at the 5% level.');
      // usage by company size: 4 of its 12 cells expect fewer than 5 respondents.
      expect(figures.crosstab?.tests.usage?.chiSquare).to.include({ sparse: true, expectedBelow5: 4, cells: 12, pValue: null, significant: false });
      expect(view?.notes).to.include('No test of independence: 4 of 12 cells expect fewer than 5 respondents (Cochran’s rule); the table is too sparse to claim a significant difference.');
      expect(view?.notes.some((n) => n.startsWith('Chi-square'))).to.equal(false);
      expect(views.get('networks')?.notes.some((n) => n.startsWith('Chi-square') || n.startsWith('No test'))).to.equal(false);
    });

    it('names the segments with a low base', () => {
      // 20 mid-caps and 15 large companies answered.
      expect(views.get('uses_social')?.notes.find((n) => n.startsWith('Low base'))).to.match(/^Low base \(under 50\): .+, .+\.$/);
    });

    it('shows the segment question itself without a crosstab', () => {
      expect(views.get('company_size')?.table.columns).to.deep.equal(['Answer', 'Count', '%', '95% credibility interval']);
    });

    it('gives a matrix its top-2 per row and segment, as bars', () => {
      const view = views.get('satisfaction_personal');
      const facebook = rowOf(view, 'Facebook');
      expect(facebook.cells[0]?.value).to.equal(63 / 140);
      expect(facebook.cells[1]?.value).to.equal(figures.crosstab?.columns.tpe?.questions.satisfaction_personal?.rows?.facebook?.top2?.proportion);
      expect(view?.chart?.type).to.equal('bars');
      expect(view?.chart?.series.map((s) => s.role)).to.deep.equal(['total', 'segment', 'segment', 'segment', 'segment']);
      expect(view?.chart?.series[0]?.low).to.have.lengthOf(view?.chart?.labels.length ?? -1);
      // A census shows no interval: no whiskers either.
      const census = viewsOf({ ...captic, sampling: 'census' }, figures).get('satisfaction_personal');
      expect(census?.chart?.series.every((s) => s.low === undefined && s.high === undefined)).to.equal(true);
    });
  });

  describe('compared with an earlier wave', () => {
    // The earlier wave: the same respondents, but 60 of the social network users did not use them yet.
    let figures: Figures;
    before(() => {
      const earlier = answered(buildCaptic250().map((r) => r.answers)).map((r, i) => {
        if (i < 100 && r.answers.uses_social === 'yes' && i % 3 !== 2) return { ...r, answers: { ...r.answers, uses_social: 'no' } };
        return r;
      });
      figures = figuresOf(captic, sample);
      const previous = figuresOf(captic, earlier);
      addWaveChanges(captic, figures, previous, new Map([['usage', ['option:usage.both']]]));
      figures.comparedWith = { wave: '2010-03', n: previous.n };
    });

    it('adds the previous share and the change in points, starred when significant', () => {
      const view = viewsOf(captic, figures).get('uses_social');
      const change = figures.questions.uses_social?.options?.yes?.change;
      expect(change?.significant).to.equal(true);
      expect(view?.table.columns.slice(-2)).to.deep.equal(['Wave 2010-03 (%)', 'Change (points)']);
      const yes = rowOf(view, 'Yes');
      expect(yes.cells.at(-2)?.value).to.equal(change?.previous);
      expect(yes.cells.at(-1)).to.deep.equal({ text: `+${((change?.difference ?? 0) * 100).toFixed(1)} pts`, value: change?.difference, marker: '*', markerLabel: 'Significant change at the 5% level (z-test)' });
      expect(view?.chart?.series.map((s) => [s.role, s.label])).to.deep.equal([['current', 'Wave 2011-03'], ['previous', 'Wave 2010-03']]);
      expect(view?.chart?.series[1]?.values[0]).to.equal((change?.previous ?? NaN) * 100);
    });

    it('says what was reworded across a break in series, and compares nothing there', () => {
      const view = viewsOf(captic, figures).get('usage');
      expect(view?.seriesBreak).to.equal('Wording changed since wave 2010-03 (Both professional and personal): not compared.');
      expect(rowOf(view, 'Both professional and personal').cells.at(-1)).to.deep.equal({ text: '—', value: null });
    });
  });

  describe('below the publication threshold', () => {
    // The dashboard asks the figures service not to withhold: every figure computed, flags kept.
    const unwithheld = { options: { withhold: false } };

    it('shows analysts the real share, interval and chart, flagged not for publication', () => {
      const three = sample.slice(0, 3);
      const figures = figuresOf(captic, three, unwithheld);
      const view = viewsOf(captic, figures).get('uses_social');
      const yesFigure = figures.questions.uses_social?.options?.yes;
      expect(figures.questions.uses_social?.flags).to.deep.equal(['suppressed']);
      expect(yesFigure?.proportion).to.equal((yesFigure?.count ?? NaN) / 3);
      expect(view?.notForPublication).to.equal(true);
      const yes = rowOf(view, 'Yes');
      expect(yes.cells[0]?.value).to.equal(yesFigure?.count);
      expect(yes.cells[1]?.value).to.equal(yesFigure?.proportion);
      expect(yes.cells[2]?.text).to.match(/^\d+\.\d% – \d+\.\d%$/);
      expect(view?.chart?.series[0]?.values[0]).to.equal((yesFigure?.proportion ?? NaN) * 100);
      expect(view?.chart?.series[0]?.low?.[0]).to.equal((yesFigure?.ci95?.[0] ?? NaN) * 100);
    });

    it('shows a matrix row\'s mean and top-2 box there, where the published figures withhold them', () => {
      const few = sample.filter((r) => r.answers.uses_social === 'yes').slice(0, 6);
      const figures = figuresOf(captic, few, unwithheld);
      const facebook = figures.questions.satisfaction_personal?.rows?.facebook;
      expect(facebook?.flags).to.deep.equal(['suppressed']);
      expect(facebook?.mean).to.be.a('number');
      const row = rowOf(viewsOf(captic, figures).get('satisfaction_personal'), 'Facebook');
      expect(row.cells[7]?.value).to.equal(facebook?.mean);
      expect(row.cells[8]?.value).to.equal(facebook?.top2?.proportion);
      expect(figuresOf(captic, few).questions.satisfaction_personal?.rows?.facebook?.mean).to.equal(null);
    });

    it('flags a segmented view whose segments fall below it', () => {
      const figures = figuresOf(captic, sample.slice(0, 40), { by: 'company_size', ...unwithheld });
      const view = viewsOf(captic, figures).get('uses_social');
      expect(view?.notForPublication).to.equal(true);
      expect(view?.notes.find((n) => n.startsWith('Not for publication'))).to.be.a('string');
    });
  });

  describe('weighted', () => {
    it('shows weighted counts and says the method and the effective base', () => {
      const config = { method: 'poststratify' as const, targets: { company_size: { tpe: 40, pme: 30, eti: 20, ge: 10 } } };
      const figures = weightedFiguresOf(captic, sample, config);
      const view = viewsOf(captic, figures).get('uses_social');
      const yes = figures.questions.uses_social?.options?.yes;
      expect(view?.table.columns).to.deep.equal(['Answer', 'Count', 'Weighted count', '%', '95% credibility interval']);
      expect(rowOf(view, 'Yes').cells[1]?.value).to.equal(yes?.weightedCount);
      expect(rowOf(view, 'Yes').cells[2]?.value).to.equal(yes?.proportion);
      const effective = Math.round(figures.questions.uses_social?.base.effective ?? NaN);
      expect(view?.baseNote).to.equal(`Base: 250 respondents who were asked and answered. Weighted (Post-stratification): effective base ${effective}.`);
    });
  });

  describe('ratings, NPS, numbers and rankings (the coworking survey)', () => {
    let coworking: TSurveyDefinition;
    let responses: AnsweredResponse[];
    before(async () => {
      coworking = (await loadSurveyFile('surveys/coworking-members-2026.yaml')).definition;
      // Ten times these six: three members (NPS 10, 9, 3; their priorities ranked), three former
      // members (would come back: 5, 4, 1); days a week 2, 4, 6, 0, 1, 3.
      const SIX: TAnswers[] = [
        { still_member: 'yes', days_per_week: 2, recommend: 10, priorities: ['quiet_zones', 'phone_booths', 'events'] },
        { still_member: 'yes', days_per_week: 4, recommend: 9, priorities: ['quiet_zones', 'events', 'phone_booths'] },
        { still_member: 'yes', days_per_week: 6, recommend: 3, priorities: ['phone_booths', 'quiet_zones', 'events'] },
        { still_member: 'no', days_per_week: 0, leave_reasons: ['price'], come_back: 5 },
        { still_member: 'no', days_per_week: 1, leave_reasons: ['noise'], come_back: 4 },
        { still_member: 'no', days_per_week: 3, leave_reasons: ['price'], come_back: 1 },
      ];
      responses = answered(Array.from({ length: 10 }, () => SIX).flat());
    });

    it('gives a rating every point, the top-2 box and the mean, and one stacked bar', () => {
      const view = viewsOf(coworking, figuresOf(coworking, responses)).get('come_back');
      expect(view?.kind).to.equal('scale');
      expect(view?.table.rows.map((r) => r.label)).to.deep.equal(['Base', '1 – Certainly not', '2', '3', '4', '5 – Certainly', 'Top-2 box', 'Mean', 'Standard deviation']);
      expect(rowOf(view, '5 – Certainly').cells.slice(0, 2).map((c) => c.value)).to.deep.equal([10, 1 / 3]);
      expect(rowOf(view, 'Top-2 box')).to.include({ kind: 'summary' });
      expect(rowOf(view, 'Top-2 box').cells[1]?.value).to.equal(2 / 3);
      expect(rowOf(view, 'Mean').cells[1]?.value).to.be.closeTo(10 / 3, 1e-12);
      expect(view?.chart?.labels).to.deep.equal(['Total']);
      expect(view?.chart?.series.map((s) => s.role)).to.deep.equal(['point', 'point', 'point', 'point', 'point']);
      expect(view?.chart?.series.map((s) => s.values[0])).to.deep.equal([100 / 3, 0, 0, 100 / 3, 100 / 3]);
      expect(view?.chart?.annotations).to.deep.equal(['Top-2 67% · mean 3.3']);
    });

    it('gives an NPS its three groups and its score', () => {
      const view = viewsOf(coworking, figuresOf(coworking, responses)).get('recommend');
      expect(view?.table.rows.map((r) => [r.label, r.cells[0]?.value])).to.deep.equal([
        ['Base', 30],
        ['Promoters (9-10)', 20],
        ['Passives (7-8)', 0],
        ['Detractors (0-6)', 10],
        ['NPS score', null],
      ]);
      expect(rowOf(view, 'Promoters (9-10)').cells[1]?.value).to.equal(2 / 3);
      expect(rowOf(view, 'NPS score').cells[1]?.value).to.be.closeTo(100 / 3, 1e-9);
      expect(rowOf(view, 'NPS score').cells[1]?.text).to.equal('+33');
      expect(view?.chart?.type).to.equal('stacked');
      expect(view?.chart?.series.map((s) => s.label)).to.deep.equal(['Detractors (0-6)', 'Passives (7-8)', 'Promoters (9-10)']);
      expect(view?.chart?.series[2]?.values[0]).to.be.closeTo(200 / 3, 1e-9);
      expect(view?.chart?.annotations).to.deep.equal(['NPS +33']);
      expect(view?.lowBase).to.equal(true);
    });

    it('gives a number its histogram, one bin per day, then its mean, SD and, recomputed from responses, median and quartiles', () => {
      const figures = figuresOf(coworking, responses);
      figures.questions.days_per_week = { ...figures.questions.days_per_week!, median: 2.5, quartiles: [1, 2.5, 4] };
      const view = viewsOf(coworking, figures).get('days_per_week');
      expect(view?.table.rows.map((r) => [r.label, r.cells[0]?.value])).to.deep.equal([
        ['Base', 60],
        ['Answered 0', 10],
        ['Answered 1', 10],
        ['Answered 2', 10],
        ['Answered 3', 10],
        ['Answered 4', 10],
        ['Answered 5', 0],
        ['Answered 6', 10],
        ['Answered 7', 0],
        ['Mean', 16 / 6],
        ['Standard deviation', figures.questions.days_per_week?.sd],
        ['Median', 2.5],
        ['First quartile', 1],
        ['Third quartile', 4],
      ]);
      expect(view?.chart).to.deep.include({ type: 'histogram', unit: 'count', labels: ['0', '1', '2', '3', '4', '5', '6', '7'] });
      expect(view?.chart?.series).to.deep.equal([{ label: 'Count', role: 'count', values: [10, 10, 10, 10, 10, 0, 10, 0] }]);
      expect(view?.notes).to.deep.equal([]);
    });

    it('draws ranges "from–to", weighted counts when weighted, one series per segment, and says why a number has no histogram', () => {
      const hours = withDaysPerWeek(coworking, { integer: false, max: 70 });
      const weights = new Map(responses.map((r, i) => [r.id, i % 2 ? 0.5 : 1.5]));
      const figures = figuresOf(hours, responses.map((r) => ({ ...r, answers: { ...r.answers, days_per_week: (r.answers.days_per_week as number) * 10 } })), { weights, by: 'still_member' });
      const view = viewsOf(hours, figures).get('days_per_week');
      expect(view?.chart?.labels.slice(0, 2)).to.deep.equal(['0–7', '7–14']);
      expect(view?.notes[0]).to.equal('Each range includes its lower bound; the last one both bounds.');
      // The ten who come 0 days (× 10) all weigh 0.5.
      expect(rowOf(view, 'Answered 0–7').cells[0]).to.deep.equal({ text: '5.0', value: 5 });
      expect(view?.chart?.series.map((s) => [s.label, s.role])).to.deep.equal([['Yes', 'segment'], ['No', 'segment']]);
      expect(view?.chart?.series[1]?.values[0]).to.equal(figures.crosstab?.columns.no?.questions.days_per_week?.distribution?.[0]?.weightedCount);

      const unbounded = withDaysPerWeek(coworking, { max: undefined });
      const noRange = viewsOf(unbounded, figuresOf(unbounded, responses)).get('days_per_week');
      expect(noRange?.chart).to.equal(null);
      expect(noRange?.notes[0]).to.match(/^No live histogram: the question has no minimum and maximum/);
    });

    it('gives a ranking the mean rank of each option, charted in ranks', () => {
      const view = viewsOf(coworking, figuresOf(coworking, responses)).get('priorities');
      expect(rowOf(view, 'More quiet zones').cells.map((c) => c.value)).to.deep.equal([4 / 3, 30]);
      expect(rowOf(view, 'Bike parking').cells.map((c) => c.text)).to.deep.equal(['—', '0']);
      expect(view?.chart).to.include({ type: 'bars', unit: 'rank' });
      expect(view?.chart?.series[0]?.values).to.deep.equal([4 / 3, 2, 8 / 3, null, null]);
    });
  });
});
