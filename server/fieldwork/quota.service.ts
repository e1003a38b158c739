// The organizer's quotas: which cells of a wave are capped, and how far each has got. A quota is
// set on an option of a single-choice (or yes/no) question of the wave's pinned version; raising
// or lowering one while the wave runs only moves the cap (lowering it below the count just stops
// new completes in the cell). Each change is checked whole, written to the wave, mirrored in the
// cells' counters and audited.
import { recordAudit, type AuditActor } from '../audit/audit.service';
import { ConflictError, UnprocessableError } from '../lib/errors';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import { quotaProblemsOf, sameCell } from '../waves/quota-cells';
import { createWaveLifecycle } from '../waves/wave-lifecycle.service';
import { WaveModel } from '../waves/wave.model';
import { phaseOf } from '../waves/wave-phase';
import { forgetWaves, type Wave, type WaveQuota } from '../waves/wave.service';
import { QuotaCounterModel } from './quota-counter.model';
import { counterOf, ensureCounters, ensuredCounters, readCounters } from './quotas';

export interface QuotaCellStatus extends WaveQuota {
  /** Counted completes in the cell. */
  count: number;
  full: boolean;
}

/** The refusal naming the first quota that cannot be set on this definition, if any. */
function refusalOf(definition: TSurveyDefinition, quotas: readonly WaveQuota[]): UnprocessableError | undefined {
  const [first] = quotaProblemsOf(definition, quotas);
  return first && new UnprocessableError(first.message, first.quota, first.code);
}

function sameQuotas(a: readonly WaveQuota[], b: readonly WaveQuota[]): boolean {
  return a.length === b.length && a.every((quota) => b.some((other) => sameCell(other, quota) && other.limit === quota.limit));
}

/** Each quota of the wave with the count of its counter among `counters`. */
function statusesOf(wave: Wave, counters: ReadonlyArray<{ questionId: string; optionId: string; count: number }>): QuotaCellStatus[] {
  return wave.quotas.map((quota) => {
    const count = counters.find((counter) => sameCell(counter, quota))?.count ?? 0;
    return { ...quota, count, full: count >= quota.limit };
  });
}

export function createQuotaService({ catalog, logger, clock }: { catalog: SurveyCatalog; logger: Logger; clock: Clock }) {
  const lifecycle = createWaveLifecycle({ catalog, logger, clock });

  /** The definition the wave's respondents answer, which its quotas are checked against. */
  const versionOf = (wave: Wave): Promise<LoadedSurvey> => catalog.forWave(wave);

  /** Each quota of the wave with its count; counters a copied wave lacks are made on the way. */
  async function cellStatuses(wave: Wave): Promise<QuotaCellStatus[]> {
    return statusesOf(wave, await ensuredCounters(wave, wave.quotas));
  }

  return {
    requireWave: lifecycle.requireWave,
    versionOf,
    quotaCells: cellStatuses,

    /**
     * Replaces the wave's quotas with `quotas` (a cell left out has no quota any more). Refused
     * whole, with nothing changed, when one names a question that is not single-choice in the
     * wave's version, an option it does not have, or a limit that is not a whole number from 0 to
     * MAX_QUOTA_LIMIT. `wave` is the wave as the caller just read it (requireWave), which its
     * quotas are compared with.
     */
    async setQuotas(wave: Wave, quotas: readonly WaveQuota[], actor: AuditActor): Promise<{ wave: Wave; cells: QuotaCellStatus[] }> {
      const { surveyId, waveId } = wave;
      if (phaseOf(wave, clock.now()) === 'closed') {
        throw new ConflictError(`Wave "${waveId}" is closed: its quotas no longer turn anyone away`, 'wave_closed');
      }
      const { definition } = await versionOf(wave);
      const refused = refusalOf(definition, quotas);
      if (refused) throw refused;
      const after = quotas.map(({ questionId, optionId, limit }) => ({ questionId, optionId, limit }));
      if (sameQuotas(wave.quotas, after)) return { wave, cells: await cellStatuses(wave) };

      await WaveModel.updateOne({ surveyId, waveId }, { $set: { quotas: after } }, { runValidators: true });
      forgetWaves(surveyId);
      const changed: Wave = { ...wave, quotas: after };
      // Counters of the cells kept take their new limit; those of cells dropped go, so a quota set
      // again later counts the completes it finds then.
      await ensureCounters(changed, after);
      await QuotaCounterModel.deleteMany({ surveyId, waveId, ...(after.length ? { $nor: after.map((quota) => counterOf(changed, quota)) } : {}) });
      await recordAudit({ ...actor, action: 'quota_changed', surveyId, target: waveId, details: { before: wave.quotas, after } }, logger);
      // Every counter of `after` was just made or given its limit: read them as they stand.
      return { wave: changed, cells: statusesOf(changed, await readCounters(changed, after)) };
    },
  };
}

export type QuotaService = ReturnType<typeof createQuotaService>;
