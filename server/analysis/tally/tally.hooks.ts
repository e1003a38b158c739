// Keeps the live counters in step with every change to a complete response, whichever path made
// it (web form, import, edit, deletion).
import { registerResponseHooks } from '../../responses/completion-hooks';
import type { StoredResponse } from '../../responses/response.service';
import type { SurveyCatalog } from '../../surveys/survey.catalog';
import type { TSurveyDefinition } from '../../surveys/survey.schemas';
import { applyToTallies, type TallyTarget } from './tally.service';

/** The single-choice questions whose options get their own live counters (e.g. company_size). */
export function segmentQuestionsOf(definition: TSurveyDefinition): string[] {
  return definition.segments ?? [];
}

export function tallyTargetFor(definition: TSurveyDefinition, waveId: string): TallyTarget {
  return { definition, surveyId: definition.id, waveId, segmentQuestions: segmentQuestionsOf(definition) };
}

export function registerTallyHooks(catalog: SurveyCatalog): void {
  // Counted with the version the response answered (its wave's pinned one), not the file's
  // latest: a question added or retyped since must not change how an older response counts.
  const target = async (response: StoredResponse) => {
    if (!catalog.get(response.surveyId)) return undefined;
    const survey = await catalog.version(response.surveyId, response.fingerprint);
    return tallyTargetFor(survey.definition, response.waveId);
  };
  registerResponseHooks('tallies', {
    async completed(response) {
      const t = await target(response);
      if (t) await applyToTallies(t, response.answers, 1);
    },
    async edited(before, after) {
      const t = await target(after);
      if (!t) return;
      await applyToTallies(t, before.answers, -1);
      await applyToTallies(t, after.answers, 1);
    },
    async deleted(response) {
      const t = await target(response);
      if (t) await applyToTallies(t, response.answers, -1);
    },
  });
}
