// Live weighted figures against a recompute: every number within 1e-9 (relative above 1), every
// other value equal; what only a recompute gives (it holds every value) is not compared.
import { expect } from 'chai';

/** Medians, quartiles, histograms binned from the data. */
const RECOMPUTE_ONLY = new Set(['median', 'quartiles', 'distribution']);

/** Every number of `live` within 1e-9 (relative above 1) of `recomputed`'s, every other value equal; `path` names the first difference. */
export function expectSameFigures(live: unknown, recomputed: unknown, path = ''): void {
  if (typeof live === 'number' && typeof recomputed === 'number') {
    expect(Math.abs(live - recomputed), `${path}: ${live} vs ${recomputed}`).to.be.at.most(1e-9 * Math.max(1, Math.abs(recomputed)));
    return;
  }
  if (live === null || recomputed === null || typeof live !== 'object' || typeof recomputed !== 'object') {
    expect(live, path).to.deep.equal(recomputed);
    return;
  }
  const liveRecord = live as Record<string, unknown>;
  const recomputedRecord = recomputed as Record<string, unknown>;
  const keys = new Set([...Object.keys(liveRecord), ...Object.keys(recomputedRecord)]);
  for (const key of keys) {
    if (path === '' && (key === 'source' || key === 'filter')) continue;
    if (!(key in liveRecord) && RECOMPUTE_ONLY.has(key)) continue;
    expectSameFigures(liveRecord[key], recomputedRecord[key], `${path}.${key}`);
  }
}
