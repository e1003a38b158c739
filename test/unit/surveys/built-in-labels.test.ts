import { expect } from 'chai';
import { SurveyDefinitionError } from '../../../server/surveys/survey.loader';
import { onePageSurvey } from './survey-builders';

const survey = (language: string) =>
  onePageSurvey(
    'dk_test',
    `      - id: happy
        type: rating
        text: Happy?
        scale: { points: 5, labels: { 1: Not at all, 5: Very }, dont_know: true }
`,
    [language],
  );

describe('the built-in "don’t know" label', () => {
  it('serves a survey in one of its languages without a translation error', () => {
    const definition = survey('en');
    const q = definition.pages[0]!.questions[0]!;
    expect(q.type === 'rating' && q.scale.dont_know).to.deep.equal({ fr: 'Ne sais pas', en: "Don't know" });
  });

  it('asks for a label in a language it does not have', () => {
    expect(() => survey('de'))
      .to.throw(SurveyDefinitionError)
      .with.property('message')
      .that.contains('pages[0].questions[0].scale.dont_know: missing translation "de" (the built-in "don\'t know" label exists in fr and en only');
  });
});
