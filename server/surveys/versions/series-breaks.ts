// A break in series: a question whose wording changed between two waves (its text, or the label
// of one of its options), so that a difference in its figures may come from the new wording rather
// than from the respondents. Comparisons mark such a question and do not test across it, unless
// the organizer marked the change as editorial (a typo) on the wave that made it.
import type { SurveyCatalog } from '../survey.catalog';
import type { TSurveyDefinition } from '../survey.schemas';
import { listWaves, type Wave } from '../../waves/wave.service';
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

/** The breaks between two waves of a survey, in either order: along the waves made between them. */
export async function findSeriesBreaks(catalog: SurveyCatalog, first: Wave, second: Wave): Promise<SeriesBreaks> {
  const oldestFirst = (await listWaves(first.surveyId)).reverse();
  const indexOf = (wave: Wave) => oldestFirst.findIndex((w) => w.waveId === wave.waveId);
  const [from, to] = [indexOf(first), indexOf(second)].sort((a, b) => a - b) as [number, number];
  if (from < 0) return new Map();
  const chain = await Promise.all(
    oldestFirst.slice(from, to + 1).map(async (wave) => ({ definition: (await catalog.forWave(wave)).definition, editorialRefs: wave.editorialChanges.map((c) => c.ref) })),
  );
  return seriesBreaksAlong(chain);
}
