import { expect } from 'chai';
import { parseSurveySource } from '../../../server/surveys/survey.loader';
import { BASE_METADATA_YAML, problemsOf } from './survey-builders';

const body = (segments: string) => `segments: ${segments}
pages:
  - id: p1
    questions:
      - id: size
        type: single_choice
        text: { fr: Taille ?, en: Size? }
        options: [{ id: small, label: { fr: Petite, en: Small } }, { id: large, label: { fr: Grande, en: Large } }]
      - id: tools
        type: multiple_choice
        text: { fr: Outils ?, en: Tools? }
        options: [{ id: a, label: { fr: A, en: A } }, { id: b, label: { fr: B, en: B } }]
`;

describe('survey segments', () => {
  it('accepts single-choice questions as segments', () => {
    expect(parseSurveySource(BASE_METADATA_YAML + body('[size]'), 'surveys/seg.yaml').definition.segments).to.deep.equal(['size']);
  });

  it('rejects an unknown question and a multiple-choice one, naming each', () => {
    expect(problemsOf(body('[nope, tools]')).map((p) => `${p.path}: ${p.message}`)).to.deep.equal([
      'segments[0]: segment "nope" is not a question of this survey',
      'segments[1]: segment "tools" is multiple_choice: segments must be single_choice or yes_no questions',
    ]);
  });
});
