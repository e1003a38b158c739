// A survey's own look on the respondent's pages (logo, accent colour, sponsor line, thank-you
// link), read from its definition. Filled in by the branding part; until then no survey has one.
import type { TSurveyDefinition } from './survey.schemas';

export interface RespondentBranding {
  /** Placeholder until the branding part defines what the respondent's pages show. */
  readonly surveyId: string;
}

export function respondentBranding(_definition: TSurveyDefinition, _lang: string): RespondentBranding | undefined {
  return undefined;
}
