import { expect } from 'chai';

/** Relative tolerance for comparing against scipy/numpy reference values. */
export const RELATIVE_TOLERANCE = 1e-9;

/**
 * Asserts |actual − expected| ≤ rel·|expected| (or ≤ rel when expected is 0), i.e. agreement to
 * about nine significant digits, which tells a correct formula from a near miss.
 */
export function expectClose(actual: number | null | undefined, expected: number, rel = RELATIVE_TOLERANCE): void {
  expect(actual, `expected a number close to ${expected}`).to.be.a('number');
  const tolerance = rel * Math.max(Math.abs(expected), 1e-300) + (expected === 0 ? rel : 0);
  expect(Math.abs((actual as number) - expected), `${actual} should be within ${rel} (relative) of ${expected}`).to.be.at.most(tolerance);
}

export function expectAllClose(actual: readonly number[] | null | undefined, expected: readonly number[], rel = RELATIVE_TOLERANCE): void {
  expect(actual, 'expected an array').to.be.an('array').with.lengthOf(expected.length);
  expected.forEach((value, i) => expectClose(actual?.[i], value, rel));
}
