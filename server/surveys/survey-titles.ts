// Surveys named for a reader: the title in their language (the source language when missing).
import { localize } from './localize';
import type { SurveyCatalog } from './survey.catalog';
import type { TSurveyDefinition } from './survey.schemas';

export function surveyTitle(definition: Pick<TSurveyDefinition, 'title' | 'languages'>, lang: string): string {
  return localize(definition.title, lang, definition.languages[0]);
}

/** Every survey of the catalog, in its order, with its title in `lang`. */
export function surveyTitles(catalog: SurveyCatalog, lang: string): Array<{ id: string; title: string }> {
  return catalog.list().map(({ definition }) => ({ id: definition.id, title: surveyTitle(definition, lang) }));
}
