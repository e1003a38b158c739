import { expect } from 'chai';
import { cellsOf } from '../../../server/fieldwork/quotas';
import { quotaQuestionsOf } from '../../../server/waves/quota-cells';
import { onePage, opts, t } from '../surveys/survey-builders';

describe('quota cells', () => {
  const quotas = [
    { questionId: 'size', optionId: 'small', limit: 10 },
    { questionId: 'size', optionId: 'large', limit: 5 },
    { questionId: 'member', optionId: 'yes', limit: 3 },
  ];

  it('places answers in every quota cell whose option they chose, and in none before the question is answered', () => {
    expect(cellsOf({ quotas }, { size: 'small', member: 'yes' })).to.deep.equal([quotas[0], quotas[2]]);
    expect(cellsOf({ quotas }, { size: 'large', member: 'no' })).to.deep.equal([quotas[1]]);
    expect(cellsOf({ quotas }, { other: 'small' })).to.deep.equal([]);
    expect(cellsOf({ quotas: [] }, { size: 'small' })).to.deep.equal([]);
  });

  it('offers quotas on single-choice and yes/no questions only', () => {
    const definition = onePage(
      { id: 'size', type: 'single_choice', text: t('Taille ?'), options: opts('small', 'large') },
      { id: 'tools', type: 'multiple_choice', text: t('Outils ?'), options: opts('a', 'b') },
      { id: 'member', type: 'yes_no', text: t('Membre ?') },
      { id: 'age', type: 'number', text: t('Âge ?') },
    );
    expect(quotaQuestionsOf(definition).map((q) => [q.id, q.options.map((o) => o.id)])).to.deep.equal([
      ['size', ['small', 'large']],
      ['member', ['yes', 'no']],
    ]);
  });
});
