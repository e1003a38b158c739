import { expect } from 'chai';
import { parseSurveySource } from '../../../server/surveys/survey.loader';
import { SurveyDefinitionError } from '../../../server/surveys/survey.loader';

const survey = (segments: string) => `
id: seg_test
title: Test
languages: [en]
sponsor: S
conducted_by: C
target_population: P
method: M
sampling: opt_in
thank_you: Thanks
segments: ${segments}
pages:
  - id: p1
    questions:
      - id: size
        type: single_choice
        text: Size?
        options: [{ id: small, label: Small }, { id: large, label: Large }]
      - id: tools
        type: multiple_choice
        text: Tools?
        options: [{ id: a, label: A }, { id: b, label: B }]
`;

function problemsOf(source: string): string[] {
  try {
    parseSurveySource(source, 'surveys/seg.yaml');
    return [];
  } catch (error) {
    if (error instanceof SurveyDefinitionError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
}

describe('survey segments', () => {
  it('accepts single-choice questions as segments', () => {
    expect(problemsOf(survey('[size]'))).to.deep.equal([]);
  });

  it('rejects an unknown question and a multiple-choice one, naming each', () => {
    expect(problemsOf(survey('[nope, tools]'))).to.deep.equal([
      'segments[0]: segment "nope" is not a question of this survey',
      'segments[1]: segment "tools" is multiple_choice: segments must be single_choice or yes_no questions',
    ]);
  });
});
