// A break in series: a question whose wording changed between two waves (its text, or the label
// of one of its options), so that a difference in its figures may come from the new wording rather
// than from the respondents. Comparisons mark such a question and do not test across it, unless
// the organizer marked the change as editorial (a typo) on the wave that made it.
import type { SurveyCatalog } from '../survey.catalog';
import type { TSurveyDefinition } from '../survey.schemas';
import { listWaves, type Wave } from '../../waves/wave.service';
import { lineBetween } from '../../waves/wave-lineage';
import { diffDefinitions, questionOfRef, rewordingsOf, type DefinitionDiff } from './definition-diff';

/** question id → the refs of its rewordings that break the series (question:… and option:…). */
export type SeriesBreaks = Map<string, string[]>;

/** The rewordings of one step from a wave to the next that its organizer did not mark editorial. */
export function unexcusedRewordings(diff: DefinitionDiff, editorialRefs: Iterable<string>): Set<string> {
  const editorial = new Set(editorialRefs);
  return new Set(rewordingsOf(diff).map((c) => c.ref).filter((ref) => !editorial.has(ref)));
}

function byQuestion(refs: Iterable<string>): SeriesBreaks {
  const breaks: SeriesBreaks = new Map();
  for (const ref of refs) {
    const questionId = questionOfRef(ref);
    if (questionId === undefined) continue;
    breaks.set(questionId, [...(breaks.get(questionId) ?? []), ref]);
  }
  return breaks;
}

/** One wave of a chain: the definition it pins and the rewordings marked editorial on it. */
export interface ChainLink {
  definition: TSurveyDefinition;
  editorialRefs: readonly string[];
}

/**
 * The breaks between the first and the last wave of a chain, oldest first (each wave against the
 * one created before it, as its changes page shows). A wording differs between the two ends when
 * their versions differ; it breaks the series when a step of the chain reworded it without an
 * editorial mark on the wave of that step. So a typo fixed and marked in one wave stays excused
 * when a later wave is compared with an earlier one, and a rewording undone later is no break.
 */
export function seriesBreaksAlong(chain: readonly ChainLink[]): SeriesBreaks {
  const first = chain[0];
  const last = chain.at(-1);
  if (!first || !last || chain.length < 2) return new Map();
  const differing = new Set(rewordingsOf(diffDefinitions(first.definition, last.definition)).map((c) => c.ref));
  const breaking = new Set<string>();
  for (let step = 1; step < chain.length; step++) {
    const [before, after] = [chain[step - 1] as ChainLink, chain[step] as ChainLink];
    for (const ref of unexcusedRewordings(diffDefinitions(before.definition, after.definition), after.editorialRefs)) if (differing.has(ref)) breaking.add(ref);
  }
  return byQuestion(breaking);
}

/**
 * The breaks between two waves of a survey, in either order: along the line of waves from the
 * earlier to the later, each following the one it was copied from (wave-lineage.ts).
 */
export async function findSeriesBreaks(catalog: SurveyCatalog, first: Wave, second: Wave): Promise<SeriesBreaks> {
  if (first.waveId === second.waveId) return new Map();
  const waves = await listWaves(first.surveyId);
  const created = (wave: Wave) => waves.find((w) => w.waveId === wave.waveId)?.createdAt?.getTime() ?? 0;
  const [earlier, later] = created(first) <= created(second) ? [first, second] : [second, first];
  const current = (wave: Wave) => waves.find((w) => w.waveId === wave.waveId) ?? wave;
  const chain = await Promise.all(
    lineBetween(current(earlier), current(later), waves).map(async (wave) => ({ definition: (await catalog.forWave(wave)).definition, editorialRefs: wave.editorialChanges.map((c) => c.ref) })),
  );
  return seriesBreaksAlong(chain);
}
