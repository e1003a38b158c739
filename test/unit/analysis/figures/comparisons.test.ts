import { expect } from 'chai';
import { buildFigures, type BuildOptions } from '../../../../server/analysis/figures/build-figures';
import { addWaveChanges, buildCrosstab } from '../../../../server/analysis/figures/comparisons';
import { tallyResponses, type AnsweredResponse } from '../../../../server/analysis/figures/figures.service';
import type { Figures } from '../../../../server/analysis/figures/figures.types';
import type { TAnswers } from '../../../../server/surveys/answers';
import { expectClose } from '../expect-close';
import { scipy } from '../../../support/oracles';
import { onePageSurvey } from '../../surveys/survey-builders';

const definition = onePageSurvey('compare', `
      - id: region
        type: single_choice
        text: Region?
        options: [{ id: north, label: North }, { id: south, label: South }, { id: east, label: East }, { id: west, label: West }]
      - id: member
        type: yes_no
        text: Member?
      - id: role
        type: single_choice
        text: Role?
        options: [{ id: boss, label: Boss }, { id: staff, label: Staff }, { id: intern, label: Intern }]
      - id: happy
        type: rating
        text: Happy?
        scale: { points: 5, labels: { 1: Not at all, 5: Very } }
      - id: grid
        type: matrix
        text: Rate
        rows: [{ id: a, label: A }]
        scale: { points: 5, labels: { 1: Not at all, 5: Very } }
      - id: recommend
        type: nps
        text: Recommend?
      - id: hours
        type: number
        min: 0
        max: 100
        text: Hours?
`);

const OPTIONS: BuildOptions = { base: 'answered', mentions: false, lowBaseBelow: 50 };

function responsesOf(list: TAnswers[]): AnsweredResponse[] {
  return list.map((answers, i) => ({ id: String(i).padStart(24, '0'), answers }));
}

function figuresBy(list: TAnswers[], by: string, adjust?: 'none' | 'bonferroni' | 'bh'): Figures {
  const responses = responsesOf(list);
  const figures = buildFigures(definition, 'w', tallyResponses(definition, responses), OPTIONS, 'responses');
  const ids = ['north', 'south', 'east', 'west'];
  const columns = new Map(ids.map((id) => [id, buildFigures(definition, 'w', tallyResponses(definition, responses.filter((r) => r.answers[by] === id)), OPTIONS, 'responses')] as const));
  figures.crosstab = buildCrosstab(definition, by, columns, adjust ? { adjust } : {});
  return figures;
}

/** n respondents of a region, the first `yes` of them members, roles cycling from `roleOffset`. */
function region(id: string, n: number, yes: number, roleOffset = 0): TAnswers[] {
  return Array.from({ length: n }, (_, i) => ({ region: id, member: i < yes ? 'yes' : 'no', role: (['boss', 'staff', 'intern'] as const)[(i + roleOffset) % 3] as string }));
}

describe('crosstab comparisons', () => {
  // North 60 of 100 members, South 30 of 100, East 45 of 100; West has 6 respondents (withheld).
  const rows = [...region('north', 100, 60), ...region('south', 100, 30), ...region('east', 100, 45), ...region('west', 6, 6)];

  it('puts no letter on or against a withheld column, and names it in the legend', () => {
    const figures = figuresBy(rows, 'region', 'none');
    const markers = figures.crosstab!.tests.member!.markers;
    expect(figures.crosstab!.columns.west!.questions.member!.flags).to.deep.equal(['suppressed']);
    // West's 100% members would beat every column: no letter on it, and none of its letter elsewhere.
    expect(markers.yes!.west).to.deep.equal([]);
    expect(Object.values(markers).flatMap((byColumn) => Object.values(byColumn)).flat().filter((l) => l.toUpperCase() === 'D')).to.deep.equal([]);
    expect(markers.yes!.north).to.deep.equal(['B', 'c']);
    expect(figures.crosstab!.legend).to.deep.equal({
      test: 'column-proportions',
      base: 'respondents',
      adjustment: 'none',
      levels: { upperCase: 0.01, lowerCase: 0.05 },
      withheldColumns: ['west'],
    });
  });

  it('adjusts by Benjamini-Hochberg by default and by Bonferroni on request', () => {
    const p = scipy<{ ab: number; ac: number; bc: number; bh: number[] }>(`from scipy.stats import norm, false_discovery_control
import math
def z(x1, x2, n=100):
    p = (x1 + x2) / (2 * n); se = math.sqrt(p * (1 - p) * 2 / n)
    return 2 * norm.sf(abs((x1 - x2) / n / se))
ps = [z(60, 30), z(60, 45), z(30, 45)]
# Every test of the table: the yes row and the no row give the same three p-values.
print(json.dumps({'ab': ps[0], 'ac': ps[1], 'bc': ps[2], 'bh': false_discovery_control(ps + ps).tolist()[:3]}))`);
    const letter = (adjusted: number, l: string) => (adjusted < 0.01 ? l : adjusted < 0.05 ? l.toLowerCase() : null);
    const bh = figuresBy(rows, 'region').crosstab!;
    expect(bh.legend.adjustment).to.equal('bh');
    expect(bh.tests.member!.markers.yes!.north).to.deep.equal([letter(p.bh[0] as number, 'B'), letter(p.bh[1] as number, 'C')].filter(Boolean));
    const bonferroni = figuresBy(rows, 'region', 'bonferroni').crosstab!;
    expect(bonferroni.tests.member!.markers.yes!.north).to.deep.equal([letter(3 * p.ab, 'B'), letter(3 * p.ac, 'C')].filter(Boolean));
    expect(bonferroni.tests.member!.markers.yes!.east).to.deep.equal([letter(3 * p.bc, 'B')].filter(Boolean));
  });

  it('leaves withheld columns out of the test of independence, and uses Fisher on a sparse 2×2 table', () => {
    // North 10 with 3 members, South 12 with none: members expected 1.4 and 1.6. West's 3 are left out.
    const sparse = figuresBy([...region('north', 10, 3), ...region('south', 12, 0), ...region('west', 3, 3)], 'region');
    const test = sparse.crosstab!.tests.member!.chiSquare!;
    const fisher = scipy<number>(`from scipy.stats import fisher_exact
print(json.dumps(fisher_exact([[3, 0], [7, 12]]).pvalue))`);
    expect(test).to.include({ method: 'fisher', statistic: null, df: null, sparse: true, significant: fisher < 0.05 });
    expectClose(test.pValue, fisher);
  });

  it('makes no claim of significance on a sparse table larger than 2×2', () => {
    // 10, 12 and 11 respondents over three roles: 9 cells, every one expecting under 5.
    const sparse = figuresBy([...region('north', 10, 0), ...region('south', 12, 0, 1), ...region('east', 11, 0, 2)], 'region');
    const test = sparse.crosstab!.tests.role!.chiSquare!;
    expect(test).to.include({ method: 'pearson', pValue: null, significant: false, sparse: true, expectedBelow5: 9, cells: 9 });
  });
});

describe('crosstab comparisons, weighted', () => {
  const list = [...region('north', 100, 60), ...region('south', 100, 30), ...region('west', 6, 6)];
  const responses = responsesOf(list);
  const weights = new Map(responses.map((r, i) => [r.id, i % 2 ? 2 : 0.5]));
  const ids = ['north', 'south', 'east', 'west'];
  const columns = new Map(ids.map((id) => [id, buildFigures(definition, 'w', tallyResponses(definition, responses.filter((r) => r.answers.region === id), weights), OPTIONS, 'responses')] as const));
  /** What a weighted table says when the design gives no test: no statistic, no p, no claim. */
  const NO_DESIGN_TEST = { method: 'rao-scott', statistic: null, df: null, pValue: null, significant: false, sparse: false };

  it("takes the design-based test it is given (Rao-Scott), on the published columns only, and letters on effective bases", () => {
    const asked: Array<[string, readonly string[]]> = [];
    const crosstab = buildCrosstab(definition, 'region', columns, {
      designTest: (question, _options, columnIds) => {
        asked.push([question, columnIds]);
        return { f: 4.2, ndf: 1, ddf: 205, p: 0.041 };
      },
    });
    // East (no one) and West (6) are withheld.
    expect(asked).to.deep.include(['member', ['north', 'south']]);
    expect(crosstab.tests.member!.chiSquare).to.include({ method: 'rao-scott', statistic: 4.2, df: 1, ddf: 205, pValue: 0.041, significant: true, sparse: false });
    expect(crosstab.legend.base).to.equal('effective');
    expect(crosstab.tests.member!.markers.yes!.north).to.deep.equal(['B']);
  });

  // North 60% members against South 30% on 100 each: Pearson's X² on the weighted counts would
  // call this significant, treating weighted counts as respondents. A weighted table is tested by
  // the design or not at all.
  it('never falls back on Pearson on weighted counts: without a design test there is no test', () => {
    const crosstab = buildCrosstab(definition, 'region', columns);
    expect(crosstab.tests.member!.chiSquare).to.deep.include(NO_DESIGN_TEST);
    expect(crosstab.tests.role!.chiSquare).to.deep.include(NO_DESIGN_TEST);
  });

  it('makes no claim when the design test has no result or a NaN p (an untestable table)', () => {
    const none = buildCrosstab(definition, 'region', columns, { designTest: () => null });
    expect(none.tests.member!.chiSquare).to.deep.include(NO_DESIGN_TEST);
    const nan = buildCrosstab(definition, 'region', columns, { designTest: () => ({ f: Number.NaN, ndf: 1, ddf: 205, p: Number.NaN }) });
    expect(nan.tests.member!.chiSquare).to.deep.include(NO_DESIGN_TEST);
    expect(nan.tests.member!.chiSquare).to.not.have.property('ddf');
  });
});

describe('wave changes of boxes and means', () => {
  const wave = (happy: number[], hours: number[], recommend: number[]): Figures => {
    const list = happy.map((h, i) => ({ region: 'north', member: 'yes', role: 'boss', happy: h, grid: { a: h }, hours: hours[i % hours.length] as number, recommend: recommend[i % recommend.length] as number }));
    return buildFigures(definition, 'w', tallyResponses(definition, responsesOf(list)), OPTIONS, 'responses');
  };
  const before = { happy: [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 2, 3, 1, 4, 3, 2, 3, 3, 4, 2], hours: [10, 12, 30, 8, 5, 22, 15], recommend: [3, 6, 7, 8, 9, 10, 5] };
  const now = { happy: [4, 5, 5, 3, 4, 4, 5, 2, 4, 5, 3, 4, 5, 5, 4, 3, 4, 5, 4, 4, 5, 1], hours: [20, 25, 14, 40, 33], recommend: [9, 10, 8, 9, 10, 7] };

  it("tests top-2 and bottom-2 boxes by the pooled z-test and means by Welch's t-test, as scipy does", () => {
    const current = wave(now.happy, now.hours, now.recommend);
    const previous = wave(before.happy, before.hours, before.recommend);
    addWaveChanges(definition, current, previous);
    const expand = (values: number[], n: number) => Array.from({ length: n }, (_, i) => values[i % values.length]);
    const ref = scipy<Record<string, [number, number, number] | number>>(`from scipy.stats import ttest_ind, norm
import math
now_h, before_h = ${JSON.stringify(now.happy)}, ${JSON.stringify(before.happy)}
def welch(a, b):
    r = ttest_ind(a, b, equal_var=False)
    va, vb = (sum((x - sum(a)/len(a))**2 for x in a)/(len(a)-1))/len(a), (sum((x - sum(b)/len(b))**2 for x in b)/(len(b)-1))/len(b)
    return [r.statistic, (va + vb)**2 / (va**2/(len(a)-1) + vb**2/(len(b)-1)), r.pvalue]
def z(a, b, box):
    x1, x2 = sum(v in box for v in a), sum(v in box for v in b); n1, n2 = len(a), len(b)
    p = (x1 + x2) / (n1 + n2); zz = (x1/n1 - x2/n2) / math.sqrt(p*(1-p)*(1/n1 + 1/n2))
    return 2 * norm.sf(abs(zz))
print(json.dumps({'mean': welch(now_h, before_h), 'hours': welch(${JSON.stringify(expand(now.hours, now.happy.length))}, ${JSON.stringify(expand(before.hours, before.happy.length))}),
  'nps': welch(${JSON.stringify(expand(now.recommend, now.happy.length))}, ${JSON.stringify(expand(before.recommend, before.happy.length))}),
  'top2': z(now_h, before_h, (4, 5)), 'bottom2': z(now_h, before_h, (1, 2))}))`);
    const happy = current.questions.happy!;
    const [t, df, p] = ref.mean as [number, number, number];
    expectClose(happy.meanChange?.z, t);
    expectClose(happy.meanChange?.df, df);
    expectClose(happy.meanChange?.pValue, p, 1e-8);
    expect(happy.meanChange?.previous).to.equal(previous.questions.happy!.mean);
    expectClose(happy.top2?.change?.pValue, ref.top2 as number);
    expectClose(happy.bottom2?.change?.pValue, ref.bottom2 as number);
    // A matrix row reads the same as the rating it copies.
    expect(current.questions.grid!.rows!.a!.meanChange).to.deep.equal(happy.meanChange);
    expect(current.questions.grid!.rows!.a!.top2!.change).to.deep.equal(happy.top2!.change);
    const [th, dfh, ph] = ref.hours as [number, number, number];
    expectClose(current.questions.hours!.meanChange?.z, th);
    expectClose(current.questions.hours!.meanChange?.df, dfh);
    expectClose(current.questions.hours!.meanChange?.pValue, ph, 1e-8);
    const [tn, , pn] = ref.nps as [number, number, number];
    expectClose(current.questions.recommend!.meanChange?.z, tn);
    expectClose(current.questions.recommend!.meanChange?.pValue, pn, 1e-8);
  });

  it('gives no change to a withheld figure', () => {
    const current = wave(now.happy.slice(0, 5), now.hours, now.recommend);
    const previous = wave(before.happy, before.hours, before.recommend);
    addWaveChanges(definition, current, previous);
    expect(current.questions.happy!.meanChange).to.equal(undefined);
    expect(current.questions.happy!.top2!.change).to.equal(undefined);
  });
});
