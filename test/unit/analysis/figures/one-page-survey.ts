// A survey definition for the figures' unit tests: the fields every survey needs, then one page
// holding the questions given (YAML, indented as items of `questions:`).
import type { TSurveyDefinition } from '../../../../server/surveys/survey.schemas';
import { parseSurveySource } from '../../../../server/surveys/survey.loader';

export function onePageSurvey(id: string, questionsYaml: string): TSurveyDefinition {
  const source = `id: ${id}
title: ${id}
languages: [en]
sponsor: S
conducted_by: C
target_population: P
method: M
sampling: opt_in
thank_you: Thanks
pages:
  - id: p1
    questions:
${questionsYaml}`;
  return parseSurveySource(source, `surveys/${id}.yaml`).definition;
}
