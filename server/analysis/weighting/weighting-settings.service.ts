// Changing how a wave's figures are weighted: the use case behind the weighting API. The targets
// must name single-choice questions and their options, or weighting cannot work; every change is
// audited, since it changes every published weighted figure.
import type { Logger } from '../../lib/logger';
import { UnprocessableError, ValidationError } from '../../lib/errors';
import { recordAudit, type AuditActor } from '../../audit/audit.service';
import { findSingleChoiceQuestion } from '../../surveys/single-choice';
import type { SurveyCatalog } from '../../surveys/survey.catalog';
import type { TSurveyDefinition } from '../../surveys/survey.schemas';
import { findWave, findWaveWeighting, setWaveWeighting } from '../../waves/wave.service';
import { streamCompleteAnswers } from '../../responses/response.service';
import { cellVariablesOf } from '../tally/cell-tallies';
import { weightedTallyTargetFor } from '../tally/tally.hooks';
import { rebuildCellTallies } from '../tally/tally.service';
import { ZWeightingConfig, type TWeightingConfig } from '../figures/figures.schemas';
import { readTargetShares } from './targets';
import { issueDetails, issuesText } from '../../lib/input-errors';
import { bumpLiveVersion } from '../../dashboard/live/live-version';

/** A refusal's details: where (a path in the weighting's JSON) and what is wrong, as issueDetails gives Zod's. */
type WeightingProblem = ReturnType<typeof issueDetails>[number];

function checkWeightingTargets(definition: TSurveyDefinition, config: TWeightingConfig): void {
  const problems: WeightingProblem[] = [];
  for (const [questionId, margins] of Object.entries(config.targets)) {
    const question = findSingleChoiceQuestion(definition, questionId);
    if (!question) {
      problems.push({ path: `targets.${questionId}`, message: `not a single-choice question of ${definition.id}` });
      continue;
    }
    const known = new Set(question.options.map((o) => o.id));
    for (const optionId of Object.keys(margins)) if (!known.has(optionId)) problems.push({ path: `targets.${questionId}.${optionId}`, message: 'no such option' });
  }
  if (config.method === 'poststratify' && Object.keys(config.targets).length !== 1) {
    problems.push({ path: 'method', message: 'post-stratification uses exactly one variable; use method "rake" for several' });
  }
  if (problems.length) throw new UnprocessableError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems, 'invalid_weighting');
  // Sums to 100, no negative shares: the same check the weighting itself runs.
  readTargetShares(config.targets);
}

/**
 * Sets a wave's weighting and, when its variables change, splits the wave's counters by the new
 * cells before returning (synchronously: one pass over the wave's responses). Meanwhile weighted
 * figures are recomputed from the responses, as the counters' cells do not add up (tally.service).
 */
async function applyWeighting(surveyId: string, waveId: string, definition: TSurveyDefinition, weighting: TWeightingConfig | null): Promise<void> {
  const before = cellVariablesOf((await findWaveWeighting(surveyId, waveId))?.targets);
  await setWaveWeighting(surveyId, waveId, weighting);
  const after = cellVariablesOf(weighting?.targets);
  if (before.join('&') !== after.join('&')) {
    await rebuildCellTallies(await weightedTallyTargetFor(definition, waveId), streamCompleteAnswers(surveyId, waveId));
  }
}

export function createWeightingSettings(catalog: SurveyCatalog, logger: Logger) {
  return {
    async change(surveyId: string, waveName: string, body: unknown, actor: AuditActor): Promise<void> {
      catalog.require(surveyId);
      const wave = await findWave(surveyId, waveName);
      // Checked against the questions the wave's respondents answered, which the figures weight.
      const { definition } = await catalog.forWave(wave);
      const parsed = ZWeightingConfig.safeParse(body);
      if (!parsed.success) {
        throw new ValidationError(issuesText(parsed.error.issues), issueDetails(parsed.error.issues), 'invalid_weighting');
      }
      checkWeightingTargets(definition, parsed.data);
      await applyWeighting(surveyId, wave.waveId, definition, parsed.data);
      // Every weighted figure changed: open dashboards recompute.
      await bumpLiveVersion(surveyId, wave.waveId);
      await recordAudit({ ...actor, action: 'weighting_changed', surveyId, target: wave.waveId, details: { weighting: parsed.data } }, logger);
    },

    async remove(surveyId: string, waveName: string, actor: AuditActor): Promise<void> {
      catalog.require(surveyId);
      const wave = await findWave(surveyId, waveName);
      await applyWeighting(surveyId, wave.waveId, (await catalog.forWave(wave)).definition, null);
      await bumpLiveVersion(surveyId, wave.waveId);
      await recordAudit({ ...actor, action: 'weighting_removed', surveyId, target: wave.waveId }, logger);
    },
  };
}
