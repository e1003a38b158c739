import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseSurveySource } from '../../../server/surveys/survey.loader';
import { validateResponse } from '../../../server/surveys/answers';

// The organizers' reference must not lie: its complete example is checked like a real file.
describe('docs/survey-format.md', () => {
  const doc = readFileSync('docs/survey-format.md', 'utf8');
  const example = /<!-- survey-format-example:start -->\s*```yaml\n([\s\S]*?)```\s*<!-- survey-format-example:end -->/.exec(doc)?.[1];

  it('has a complete example that passes the check', () => {
    expect(example, 'example block').to.be.a('string');
    const { definition } = parseSurveySource(example ?? '', 'docs/survey-format.md');
    expect(definition.id).to.equal('lunch_2026');
    expect(definition.pages.flatMap((p) => p.questions).map((q) => q.type)).to.include.members(['yes_no', 'number', 'multiple_choice', 'matrix', 'ranking', 'long_text']);
  });

  it('whose example accepts a plausible response', () => {
    const { definition } = parseSurveySource(example ?? '', 'docs/survey-format.md');
    const result = validateResponse(definition, { eats_canteen: 'yes', days_per_week: '4', dishes: ['main', 'other'], dish_rating: { main: '5' }, improvements: ['queue', 'price', 'choice'] }, { dishes: 'Salade' });
    expect(result).to.deep.equal({
      ok: true,
      answers: { eats_canteen: 'yes', days_per_week: 4, dishes: ['main', 'other'], dish_rating: { main: 5 }, improvements: ['queue', 'price', 'choice'] },
      otherTexts: { dishes: 'Salade' },
    });
  });
});
