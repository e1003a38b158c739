import { expect } from 'chai';
import { MAX_QUOTA_LIMIT, quotaProblems } from '../../../server/waves/quota-cells';
import { onePage, opts, t } from '../surveys/survey-builders';

describe('quotaProblems', () => {
  const definition = onePage(
    { id: 'size', type: 'single_choice', text: t('Taille ?'), options: opts('small', 'large') },
    { id: 'tools', type: 'multiple_choice', text: t('Outils ?'), options: opts('a', 'b') },
    { id: 'member', type: 'yes_no', text: t('Membre ?') },
  );

  it('finds nothing wrong with quotas on single-choice and yes/no options, up to the largest limit', () => {
    expect(quotaProblems(definition, [
      { questionId: 'size', optionId: 'small', limit: 0 },
      { questionId: 'size', optionId: 'large', limit: MAX_QUOTA_LIMIT },
      { questionId: 'member', optionId: 'yes', limit: 3 },
    ])).to.deep.equal([]);
  });

  it('names every quota a definition cannot hold, one sentence each', () => {
    expect(quotaProblems(definition, [
      { questionId: 'age', optionId: 'x', limit: 1 },
      { questionId: 'tools', optionId: 'a', limit: 1 },
      { questionId: 'size', optionId: 'huge', limit: 1 },
      { questionId: 'size', optionId: 'small', limit: -1 },
      { questionId: 'size', optionId: 'small', limit: 2.5 },
      { questionId: 'size', optionId: 'large', limit: 1e20 },
      { questionId: 'member', optionId: 'no', limit: 1 },
      { questionId: 'member', optionId: 'no', limit: 2 },
    ])).to.deep.equal([
      'Quota on "age": the wave\'s version has no such question',
      'Quota on "tools": it is a multiple_choice question; quotas go on single-choice or yes/no questions',
      'Quota on "size": it has no option "huge"',
      'Quota on "size.small": the limit -1 is not a whole number of completes from 0 to 10000000',
      'Quota on "size.small": the limit 2.5 is not a whole number of completes from 0 to 10000000',
      'Quota on "size.large": the limit 100000000000000000000 is not a whole number of completes from 0 to 10000000',
      'Quota on "member.no" is given twice',
    ]);
  });
});
