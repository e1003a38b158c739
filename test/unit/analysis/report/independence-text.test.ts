import { expect } from 'chai';
import type { CrosstabChiSquare } from '../../../../server/analysis/figures/comparisons';
import { independenceText } from '../../../../server/analysis/report/crosstab-section';
import { translator } from '../../../../server/lib/i18n/index';

const t = translator('en');
const base = { sparse: false, expectedBelow5: 0, cells: 6 };

describe('analysis/report: the test of independence in words', () => {
  it('names the test that gave the p: Pearson, Fisher or Rao-Scott', () => {
    expect(independenceText({ ...base, method: 'pearson', statistic: 9.1, df: 2, pValue: 0.0106, significant: true }, t, 'en')).to.match(/^Chi-square test of independence: p = 0\.011 — significant/);
    expect(independenceText({ ...base, method: 'rao-scott', statistic: 1.2, df: 1.9, ddf: 470, pValue: 0.3, significant: false }, t, 'en')).to.match(/^Chi-square test of independence corrected for the design \(Rao-Scott, F\): p = 0\.300 — no significant/);
    expect(independenceText({ ...base, sparse: true, expectedBelow5: 2, cells: 4, method: 'fisher', statistic: null, df: null, pValue: 0.04, significant: true }, t, 'en')).to.match(/^Fisher’s exact test/);
  });

  it('claims nothing on a sparse table, even when an approximate test has a small p', () => {
    const sparse: CrosstabChiSquare = { sparse: true, expectedBelow5: 4, cells: 12, method: 'rao-scott', statistic: 5, df: 3, ddf: 700, pValue: 0.001, significant: false };
    expect(independenceText(sparse, t, 'en')).to.equal(t('crosstab.sparse', { below: 4, cells: 12 }));
  });

  it('says why a weighted table has no test when the design-corrected one cannot be computed, and does not call it sparse', () => {
    const text = independenceText({ ...base, method: 'rao-scott', statistic: null, df: null, pValue: null, significant: false }, t, 'en');
    expect(text).to.equal(t('crosstab.no_design_test'));
    expect(text).not.to.include('Cochran');
  });
});
