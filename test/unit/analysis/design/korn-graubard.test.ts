import { expect } from 'chai';
import { kornGraubardInterval } from '../../../../server/analysis/design/korn-graubard';
import { raoScottTest } from '../../../../server/analysis/design/rao-scott';
import { expectClose } from '../expect-close';
import { buildCellTallies } from './cell-tallies';

// What R cannot say (svyciprop gives NaN when the variance is 0): the choices made here.
describe('analysis/design: degenerate intervals and tables', () => {
  const zero = { estimate: 0, variance: 0, se: 0, domainN: 20, waveN: 50, df: 19 };

  it('gives p = 0 the exact Clopper-Pearson interval on the domain’s n: [0, 1 − (α/2)^(1/n)]', () => {
    const interval = kornGraubardInterval(zero, true);
    expect(interval.lower).to.equal(0);
    expectClose(interval.upper, 1 - 0.025 ** (1 / 20));
    expect(interval.effectiveN).to.equal(20);
  });

  it('gives p = 1 the mirror interval', () => {
    const interval = kornGraubardInterval({ ...zero, estimate: 1 }, false);
    expectClose(interval.lower, 0.025 ** (1 / 20));
    expect(interval.upper).to.equal(1);
  });

  it('makes no Rao-Scott test when only one row or column has anyone in it', () => {
    const respondents = [1, 2, 3].map((i) => ({ id: `r${i}`, values: { a: 'x' }, keys: { y: { answered: 1, 'opt:o1': 1 } } }));
    const wave = buildCellTallies(respondents, ['a']);
    const test = raoScottTest(wave, { question: 'y', rowKeys: ['opt:o1', 'opt:o2'], denominator: 'answered', columns: [wave] }, { method: 'none' });
    expect(Number.isNaN(test.p)).to.equal(true);
    expect(test.rows).to.deep.equal(['opt:o1']);
  });
});
