/*
 * Fisher's exact test for a 2×2 table of counts, two-sided: the probability, under independence
 * with the margins fixed (hypergeometric), of every table at most as likely as the one observed.
 * Same definition as R's fisher.test and scipy.stats.fisher_exact, including R's relative
 * tolerance of 1e-7 so that tables as likely as the observed one in exact arithmetic are not lost
 * to rounding. Used where a 2×2 table is too sparse for the chi-square approximation.
 */

/** ln(k!) for k = 0..n, by summing logarithms: exact enough, and n is a survey's sample size. */
function logFactorials(n: number): Float64Array {
  const table = new Float64Array(n + 1);
  for (let k = 2; k <= n; k += 1) table[k] = (table[k - 1] ?? 0) + Math.log(k);
  return table;
}

const RELATIVE_TOLERANCE = 1 + 1e-7;

/** Two-sided p-value of Fisher's exact test on [[a, b], [c, d]] (non-negative integers). */
export function fisherExactTwoSided(table: readonly (readonly number[])[]): number {
  const [a = 0, b = 0] = table[0] ?? [];
  const [c = 0, d = 0] = table[1] ?? [];
  if (table.length !== 2 || table.some((row) => row.length !== 2)) throw new RangeError('Fisher’s exact test needs a 2×2 table');
  for (const count of [a, b, c, d]) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`Fisher’s exact test needs whole counts, got ${count}`);
  }
  const row1 = a + b;
  const row2 = c + d;
  const column1 = a + c;
  const n = row1 + row2;
  const lf = logFactorials(n);
  const at = (k: number): number => lf[k] ?? 0;
  // ln P(X = x), X the top-left cell, hypergeometric with the margins fixed.
  const constant = at(row1) + at(row2) + at(column1) + at(n - column1) - at(n);
  const logProbability = (x: number): number => constant - at(x) - at(row1 - x) - at(column1 - x) - at(row2 - column1 + x);
  const lowest = Math.max(0, column1 - row2);
  const highest = Math.min(row1, column1);
  const observed = logProbability(a);
  let pValue = 0;
  for (let x = lowest; x <= highest; x += 1) {
    const logP = logProbability(x);
    if (logP <= observed + Math.log(RELATIVE_TOLERANCE)) pValue += Math.exp(logP);
  }
  return Math.min(1, pValue);
}
