import assert from 'node:assert/strict';
import { granularityRounder } from '../../../../server/embedded-mongo/aggregate/stages/granularity';
import { errorOf } from '../error-code';
import { plain } from './helpers';

describe('$bucketAuto granularity rounding', () => {
  it('rounds up to the next series number strictly above, across decades', () => {
    const e6 = granularityRounder('E6');
    assert.equal(plain(e6.roundUp(0.8)), 1);
    assert.equal(plain(e6.roundUp(15)), 22);
    assert.equal(plain(e6.roundUp(700)), 1000);
  });

  it('rounds down to the series number strictly below', () => {
    const e6 = granularityRounder('E6');
    assert.equal(plain(e6.roundDown(15)), 10);
    assert.equal(plain(e6.roundDown(0.8)), 0.68);
    assert.equal(plain(granularityRounder('1-2-5').roundDown(20)), 10);
  });

  it('computes in doubles as mongod does (1.5 rounds up to 16 * 0.1 in R5)', () => {
    assert.equal(plain(granularityRounder('R5').roundUp(1.5)), 16 * 0.1);
  });

  it('leaves zero alone', () => {
    assert.equal(granularityRounder('R10').roundUp(0), 0);
    assert.equal(granularityRounder('POWERSOF2').roundDown(0), 0);
  });

  it('rounds powers of two strictly, typed like $pow of integers', () => {
    const powers = granularityRounder('POWERSOF2');
    assert.equal(powers.roundUp(4), 8);
    assert.equal(powers.roundUp(5), 8);
    assert.equal(powers.roundDown(4), 2);
    assert.equal(powers.roundDown(1), 0.5);
    assert.equal(powers.roundUp(3.5), 4);
    assert.equal(powers.roundUp(2n ** 40n), 2n ** 41n);
  });

  it('refuses non-numeric and negative values with the rounder\'s codes', () => {
    assert.equal(errorOf(() => granularityRounder('R5').roundUp('a')).code, 40262);
    assert.equal(errorOf(() => granularityRounder('R5').roundUp(-1)).code, 40268);
    assert.equal(errorOf(() => granularityRounder('POWERSOF2').roundUp(-1)).code, 40267);
  });
});
