import { expect } from 'chai';
import { ZSurveyDefinition, type TSurveyDefinition, type TSurveyDefinitionInput } from '../../../server/surveys/survey.schemas';
import { parseSurveySource, SurveyDefinitionError, type SurveyProblem } from '../../../server/surveys/survey.loader';

/** The metadata every test survey needs, bilingual fr (source) + en. */
export const BASE_METADATA = {
  id: 'test_survey',
  title: { fr: 'Enquête de test', en: 'Test survey' },
  languages: ['fr', 'en'],
  sponsor: { fr: 'Barometer', en: 'Barometer' },
  conducted_by: { fr: 'Barometer', en: 'Barometer' },
  target_population: { fr: 'Testeurs', en: 'Testers' },
  method: { fr: 'En ligne', en: 'Online' },
  sampling: 'opt_in',
  thank_you: { fr: 'Merci', en: 'Thanks' },
} as const;

export const BASE_METADATA_YAML = `id: test_survey
title: { fr: Enquête de test, en: Test survey }
languages: [fr, en]
sponsor: { fr: Barometer, en: Barometer }
conducted_by: { fr: Barometer, en: Barometer }
target_population: { fr: Testeurs, en: Testers }
method: { fr: En ligne, en: Online }
sampling: opt_in
thank_you: { fr: Merci, en: Thanks }
`;

export function t(fr: string, en = `${fr} (en)`): { fr: string; en: string } {
  return { fr, en };
}

export function opts(...ids: string[]): { id: string; label: { fr: string; en: string } }[] {
  return ids.map((id) => ({ id, label: t(id) }));
}

/** Parses a definition made of the base metadata plus the given fields; fails the test if it is invalid. */
export function defineSurvey(fields: Omit<Partial<TSurveyDefinitionInput>, 'pages'> & { pages: unknown[] }): TSurveyDefinition {
  const result = ZSurveyDefinition.safeParse({ ...BASE_METADATA, ...fields });
  if (!result.success) throw new Error(`test survey is invalid:\n${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return result.data;
}

/** One page with the given questions. */
export function onePage(...questions: unknown[]): TSurveyDefinition {
  return defineSurvey({ pages: [{ id: 'p1', questions }] });
}

/**
 * A survey written in YAML with one page holding the questions given (indented as items of
 * `questions:`), in English unless told: in one language its texts can be plain strings.
 */
export function onePageSurvey(id: string, questionsYaml: string, languages: string[] = ['en']): TSurveyDefinition {
  const source = `id: ${id}
title: ${id}
languages: [${languages.join(', ')}]
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

/** The problems a YAML body (appended to the base metadata) is rejected with. */
export function problemsOf(yamlBody: string, file = 'surveys/test.yaml'): SurveyProblem[] {
  try {
    parseSurveySource(BASE_METADATA_YAML + yamlBody, file);
  } catch (error) {
    if (error instanceof SurveyDefinitionError) return error.problems;
    throw error;
  }
  expect.fail('the definition was accepted');
}

/** Line number (1-based) of the first line of the full YAML (base + body) containing `needle`. */
export function lineOfText(yamlBody: string, needle: string, occurrence = 1): number {
  const lines = (BASE_METADATA_YAML + yamlBody).split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.includes(needle) && ++seen === occurrence) return i + 1;
  }
  throw new Error(`"${needle}" not found`);
}
