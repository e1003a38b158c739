// The publication rules: how intervals are shown for each sampling method, the largest margin of
// error of a probability sample, and which tables need the rounding note.
import { expect } from 'chai';
import { intervalRuleOf, maximumMarginOfError, needsRoundingNote } from '../../../../server/analysis/report/publication-rules';

describe('publication rules', () => {
  describe('intervalRuleOf', () => {
    it('shows a probability sample\'s intervals as margins of error', () => {
      expect(intervalRuleOf({ sampling: 'probability' })).to.deep.equal({
        presentation: 'margin_of_error',
        columnHeader: 'publication.interval_margin',
        methodologyNote: 'publication.note_margin',
      });
    });

    it('calls an opt-in sample\'s intervals credibility intervals, with the AAPOR caveat', () => {
      expect(intervalRuleOf({ sampling: 'opt_in' })).to.deep.equal({
        presentation: 'credibility_interval',
        columnHeader: 'publication.interval_credibility',
        methodologyNote: 'publication.note_credibility',
      });
      expect(intervalRuleOf({ sampling: 'opt_in', intervals: 'shown' }).presentation).to.equal('credibility_interval');
    });

    it('shows no interval when the definition hides them, or for a census', () => {
      expect(intervalRuleOf({ sampling: 'opt_in', intervals: 'hidden' })).to.deep.equal({ presentation: 'none', methodologyNote: 'publication.note_opt_in_hidden' });
      expect(intervalRuleOf({ sampling: 'probability', intervals: 'hidden' })).to.deep.equal({ presentation: 'none', methodologyNote: 'publication.note_margin_no_tables' });
      expect(intervalRuleOf({ sampling: 'census' })).to.deep.equal({ presentation: 'none', methodologyNote: 'publication.note_census' });
      expect(intervalRuleOf({ sampling: 'census', intervals: 'shown' }).columnHeader).to.equal(undefined);
    });
  });

  describe('maximumMarginOfError', () => {
    it('is 1.96 × √(0.25 × deff ÷ n) points for a probability sample, and none otherwise', () => {
      // python3 -c "from scipy.stats import norm; print(100*norm.ppf(0.975)*(0.25/1000)**0.5, 100*norm.ppf(0.975)*(0.25*1.5/1000)**0.5)"
      expect(maximumMarginOfError('probability', 1000)).to.be.closeTo(3.098975161522808, 1e-12);
      expect(maximumMarginOfError('probability', 1000, 1.5)).to.be.closeTo(3.7954539356449803, 1e-12);
      expect(maximumMarginOfError('probability', 0)).to.equal(undefined);
      expect(maximumMarginOfError('opt_in', 1000)).to.equal(undefined);
      expect(maximumMarginOfError('census', 1000)).to.equal(undefined);
    });
  });

  describe('needsRoundingNote', () => {
    it('asks for the note when the printed whole percentages of a single-answer table miss 100', () => {
      // 179/200 and 21/200 print as 90 % and 11 %.
      expect(needsRoundingNote('yes_no', [179 / 200, 21 / 200])).to.equal(true);
      // Three thirds print as 33 % each.
      expect(needsRoundingNote('single_choice', [1 / 3, 1 / 3, 1 / 3])).to.equal(true);
      expect(needsRoundingNote('rating', [0.125, 0.125, 0.25, 0.25, 0.25])).to.equal(true);
    });

    it('says nothing when they add to 100, for multi-select tables, or for a table nobody answered', () => {
      expect(needsRoundingNote('single_choice', [40 / 235, 28 / 235, 167 / 235])).to.equal(false);
      // At one decimal, 179/200 and 21/200 print as 89.5 % and 10.5 %.
      expect(needsRoundingNote('yes_no', [179 / 200, 21 / 200], 1)).to.equal(false);
      expect(needsRoundingNote('multiple_choice', [0.5, 0.7])).to.equal(false);
      expect(needsRoundingNote('single_choice', [null, null])).to.equal(false);
      expect(needsRoundingNote('single_choice', [0, 0])).to.equal(false);
    });
  });
});
