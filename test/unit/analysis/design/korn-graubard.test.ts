import { expect } from 'chai';
import { kornGraubardInterval } from '../../../../server/analysis/design/korn-graubard';
import { meanInterval } from '../../../../server/analysis/design/design-variance';
import { raoScottTest } from '../../../../server/analysis/design/rao-scott';
import { expectClose } from '../expect-close';
import { buildCellTallies } from './cell-tallies';

// What R cannot say (svyciprop gives NaN when the variance is 0): the choices made here.
describe('analysis/design: degenerate intervals and tables', () => {
  const zero = { estimate: 0, variance: 0, se: 0, domainN: 20, waveN: 50, df: 19 };

  it('gives p = 0 the exact Clopper-Pearson interval on the domain’s n: [0, 1 − (α/2)^(1/n)]', () => {
    const interval = kornGraubardInterval(zero, true);
    expect(interval?.lower).to.equal(0);
    expectClose(interval?.upper ?? Number.NaN, 1 - 0.025 ** (1 / 20));
    expect(interval?.effectiveN).to.equal(20);
  });

  it('gives p = 1 the mirror interval', () => {
    const interval = kornGraubardInterval({ ...zero, estimate: 1 }, false);
    expectClose(interval?.lower ?? Number.NaN, 0.025 ** (1 / 20));
    expect(interval?.upper).to.equal(1);
  });

  it('gives no interval, rather than NaN bounds, where there is none: an empty domain, a mean on one respondent', () => {
    // NaN would reach the figures' JSON as null bounds that look like numbers to the reader of the type.
    const empty = { estimate: Number.NaN, variance: Number.NaN, se: Number.NaN, domainN: 0, waveN: 50, df: -1 };
    expect(kornGraubardInterval(empty, true)).to.equal(null);
    expect(kornGraubardInterval(empty, false)).to.equal(null);
    expect(meanInterval(empty)).to.equal(null);
    // One respondent: R's confint(svymean, df = degf) has t on 0 degrees of freedom, NaN.
    expect(meanInterval({ estimate: 7, variance: 0, se: 0, domainN: 1, waveN: 50, df: 0 })).to.equal(null);
    // A wave of one: n/(n − 1) is undefined, so is the variance; the proportion keeps its exact interval.
    const alone = { estimate: 1, variance: Number.NaN, se: Number.NaN, domainN: 1, waveN: 1, df: 0 };
    expect(meanInterval(alone)).to.equal(null);
    expectClose(kornGraubardInterval(alone, false)?.lower ?? Number.NaN, 0.025);
  });

  it('makes no Rao-Scott test when only one row or column has anyone in it', () => {
    const respondents = [1, 2, 3].map((i) => ({ id: `r${i}`, values: { a: 'x' }, keys: { y: { answered: 1, 'opt:o1': 1 } } }));
    const wave = buildCellTallies(respondents, ['a']);
    const test = raoScottTest(wave, { question: 'y', rowKeys: ['opt:o1', 'opt:o2'], denominator: 'answered', columns: [wave] }, { method: 'none' });
    expect(Number.isNaN(test.p)).to.equal(true);
    expect(test.rows).to.deep.equal(['opt:o1']);
  });

  it('makes no Rao-Scott test, and claims no p-value, when the empty cells leave the design effects undefined', () => {
    // Rows o2, o3 × columns c2, c3 are all empty: an interaction contrast lives on empty cells only,
    // C'D⁻¹C is singular and R's svychisq stops ("system is computationally singular").
    const plan: [string, string, number][] = [['o1', 'c1', 4], ['o2', 'c1', 3], ['o3', 'c1', 2], ['o1', 'c2', 3], ['o1', 'c3', 2]];
    const people = plan.flatMap(([y, column, k]) => Array.from({ length: k }, (_, i) => ({ id: `${y}-${column}-${i}`, column, values: { a: i % 2 ? 'x' : 'z' }, weight: 1 + i, keys: { y: { answered: 1, [`opt:${y}`]: 1 } } })));
    const wave = buildCellTallies(people, ['a']);
    const columns = ['c1', 'c2', 'c3'].map((column) => buildCellTallies(people.filter((person) => person.column === column), ['a']));
    const test = raoScottTest(wave, { question: 'y', rowKeys: ['opt:o1', 'opt:o2', 'opt:o3'], denominator: 'answered', columns }, { method: 'none' });
    expect(Number.isNaN(test.p), `p = ${test.p}`).to.equal(true);
    expect(Number.isNaN(test.f)).to.equal(true);
  });
});
