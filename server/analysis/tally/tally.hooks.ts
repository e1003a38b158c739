// Keeps the live counters in step with every change to a complete response, whichever path made
// it (web form, import, edit, deletion).
import { registerResponseHooks } from '../../responses/completion-hooks';
import type { StoredResponse } from '../../responses/response.service';
import type { SurveyCatalog } from '../../surveys/survey.catalog';
import type { TSurveyDefinition } from '../../surveys/survey.schemas';
import { findWaveWeighting } from '../../waves/wave.service';
import { cellVariablesOf } from './cell-tallies';
import { applyToTallies, type TallyTarget } from './tally.service';

/** The single-choice questions whose options get their own live counters (e.g. company_size). */
export function segmentQuestionsOf(definition: TSurveyDefinition): string[] {
  return definition.segments ?? [];
}

export function tallyTargetFor(definition: TSurveyDefinition, waveId: string, cellVariables: readonly string[] = []): TallyTarget {
  return { definition, surveyId: definition.id, waveId, segmentQuestions: segmentQuestionsOf(definition), cellVariables };
}

/**
 * The weighting variables a wave's counters are split by, read from the wave on every change to
 * a response: one small indexed read, and never stale, whichever process changed the weighting
 * (a stale split would only send weighted figures back to a recompute: readSegmentCells).
 */
async function waveCellVariables(surveyId: string, waveId: string): Promise<string[]> {
  return cellVariablesOf((await findWaveWeighting(surveyId, waveId))?.targets);
}

/** The wave's counters as they are kept: by segment, and by cell of its current weighting variables. */
export async function weightedTallyTargetFor(definition: TSurveyDefinition, waveId: string): Promise<TallyTarget> {
  return tallyTargetFor(definition, waveId, await waveCellVariables(definition.id, waveId));
}

/** The design weight a response is counted with (1 when it has none). */
function designWeightOf(response: StoredResponse): number {
  return response.weight ?? 1;
}

export function registerTallyHooks(catalog: SurveyCatalog): void {
  // Counted with the version the response answered (its wave's pinned one), not the file's
  // latest: a question added or retyped since must not change how an older response counts.
  const target = async (response: StoredResponse) => {
    if (!catalog.get(response.surveyId)) return undefined;
    const survey = await catalog.version(response.surveyId, response.fingerprint);
    return weightedTallyTargetFor(survey.definition, response.waveId);
  };
  registerResponseHooks('tallies', {
    async completed(response) {
      const t = await target(response);
      if (t) await applyToTallies(t, { answers: response.answers, weight: designWeightOf(response) }, 1);
    },
    async edited(before, after) {
      const t = await target(after);
      if (!t) return;
      await applyToTallies(t, { answers: before.answers, weight: designWeightOf(before) }, -1);
      await applyToTallies(t, { answers: after.answers, weight: designWeightOf(after) }, 1);
    },
    async deleted(response) {
      const t = await target(response);
      if (t) await applyToTallies(t, { answers: response.answers, weight: designWeightOf(response) }, -1);
    },
  });
}
