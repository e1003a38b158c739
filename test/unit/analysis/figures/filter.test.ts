import { expect } from 'chai';
import { checkFilter, matchesFilter } from '../../../../server/analysis/figures/figures.service';
import { onePageSurvey } from '../../surveys/survey-builders';

const definition = onePageSurvey('filters', `
      - { id: size, type: single_choice, text: Size?, options: [{ id: small, label: Small }, { id: large, label: Large }] }
      - { id: tools, type: multiple_choice, text: Tools?, options: [{ id: a, label: A }, { id: b, label: B }] }
      - { id: happy, type: rating, text: Happy?, scale: { points: 5, labels: { 1: No, 5: Yes }, dont_know: "Don't know" } }
      - { id: recommend, type: nps, text: Recommend? }
      - { id: age, type: number, text: Age? }
`);

describe('figure filters', () => {
  it('match any of the listed options, scale points or NPS scores, on every question named', () => {
    const answers = { size: 'small', tools: ['b'], happy: 4, recommend: 10 };
    expect(matchesFilter(answers, { size: ['small', 'large'] })).to.equal(true);
    expect(matchesFilter(answers, { tools: ['a'] })).to.equal(false);
    expect(matchesFilter(answers, { happy: ['4', '5'], recommend: ['9', '10'] })).to.equal(true);
    expect(matchesFilter({ happy: 'dont_know' }, { happy: ['dont_know'] })).to.equal(true);
    expect(matchesFilter({}, { size: ['small'] })).to.equal(false);
  });

  it('refuse values a question does not have, and questions that cannot be filtered on', () => {
    expect(() => checkFilter(definition, { happy: ['4', '5'], recommend: ['0'] })).to.not.throw();
    expect(() => checkFilter(definition, { happy: ['6'] })).to.throw('filter: happy has no option "6"');
    expect(() => checkFilter(definition, { age: ['30'] })).to.throw('filter: "age" is not a choice, rating or NPS question of filters');
    expect(() => checkFilter(definition, { nope: ['x'] })).to.throw('"nope" is not a choice, rating or NPS question');
  });
});
