import { expect } from 'chai';
import { parseSurveySource, SurveyDefinitionError } from '../../../server/surveys/survey.loader';

const survey = (languages: string) => `
id: dk_test
title: T
languages: [${languages}]
sponsor: S
conducted_by: C
target_population: P
method: M
sampling: opt_in
thank_you: Thanks
pages:
  - id: p1
    questions:
      - id: happy
        type: rating
        text: Happy?
        scale: { points: 5, labels: { 1: Not at all, 5: Very }, dont_know: true }
`;

describe('the built-in "don’t know" label', () => {
  it('serves a survey in one of its languages without a translation error', () => {
    const { definition } = parseSurveySource(survey('en'), 'surveys/dk.yaml');
    const q = definition.pages[0]!.questions[0]!;
    expect(q.type === 'rating' && q.scale.dont_know).to.deep.equal({ fr: 'Ne sais pas', en: "Don't know" });
  });

  it('asks for a label in a language it does not have', () => {
    expect(() => parseSurveySource(survey('de'), 'surveys/dk.yaml'))
      .to.throw(SurveyDefinitionError)
      .with.property('message')
      .that.contains('pages[0].questions[0].scale.dont_know: missing translation "de" (the built-in "don\'t know" label exists in fr and en only');
  });
});
