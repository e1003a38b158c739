// The organizer's use cases for a wave's life: make a new wave (copying the previous one's
// settings), set its field dates, schedule, open and close it. Each is checked against the
// survey's other waves at the moment of the change (the clock's), audited, and refused whole with
// a message that says what to do instead.
import { z } from 'zod';
import { recordAudit, type AuditActor } from '../audit/audit.service';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../lib/errors';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { ZLocalizedText } from '../surveys/survey.schemas';
import { WaveModel } from './wave.model';
import { phaseOf, type WavePhase } from './wave-phase';
import { quotaProblems } from './quota-cells';
import { CURRENT_WAVE, forgetWaves, listWaves, toWave, type Wave } from './wave.service';
import { issuesText } from '../lib/input-errors';
import { findPanel } from '../panels/panel.service';
import { invitationsWereSent } from '../invitations/invitation.service';
import { isDuplicateKey } from '../lib/duplicate-key';

const WAVE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const ZNewWave = z.strictObject({
  waveId: z
    .string()
    .regex(WAVE_ID, 'a wave id uses letters, digits, - and _ (at most 64), e.g. "2012-03"')
    .refine((id) => id !== CURRENT_WAVE, '"current" is reserved: it names the current wave in addresses'),
  label: ZLocalizedText.optional(),
  /** The wave whose settings the new one starts from; the newest wave when not given. */
  copyFrom: z.string().optional(),
  /** The definition version to pin; the survey file's version when not given. */
  fingerprint: z.string().optional(),
});
export type NewWave = z.input<typeof ZNewWave>;

export interface Schedule {
  /** Undefined leaves it as it is; null removes it. */
  opensAt?: Date | null;
  closesAt?: Date | null;
  graceMinutes?: number;
}

/** A change to a wave's version, dates or settings; the parts not given stay as they are. */
export interface WaveChange {
  fingerprint?: string;
  schedule?: Schedule;
  settings?: WaveSettings;
}

export interface WaveSettings {
  targetSample?: number | null;
  accessMode?: 'open' | 'panel';
  reminderDays?: number[];
  /** The panel a panel wave invites; null removes it. */
  panelId?: string | null;
  /** Responses not linkable to members; fixed once invitations are sent. */
  anonymous?: boolean;
}

/** The settings a new wave takes from the one it copies. Quotas included: raise them per wave. */
const COPIED_SETTINGS = ['accessMode', 'panelId', 'anonymous', 'targetSample', 'quotas', 'reminderDays', 'graceMinutes'] as const;

/** A panel wave names the panel it invites before it can take answers. */
function refuseIfPanelMissing(wave: Wave, doing: string): void {
  if (wave.accessMode === 'panel' && !wave.panelId) {
    throw new UnprocessableError(`Wave "${wave.waveId}" is for invited panel members but names no panel: choose its panel before it is ${doing}`, undefined, 'panel_required');
  }
}

/**
 * When a new wave is made: the app's time (like the seed's, so which wave is newer does not depend
 * on whose clock), and always after the newest wave, so creation order is never a tie.
 */
function creationTime(newest: Wave | undefined, now: Date): Date {
  const after = newest?.createdAt ? newest.createdAt.getTime() + 1 : -Infinity;
  return new Date(Math.max(now.getTime(), after));
}

function describeWave(wave: Wave, now: Date): string {
  const phase = phaseOf(wave, now);
  return `"${wave.waveId}" (${phase})`;
}

export function createWaveLifecycle({ catalog, logger, clock }: { catalog: SurveyCatalog; logger: Logger; clock: Clock }) {
  async function requireWave(surveyId: string, waveId: string): Promise<Wave> {
    catalog.require(surveyId);
    const doc = await WaveModel.findOne({ surveyId, waveId }, { weighting: 0 }).lean<Parameters<typeof toWave>[0]>();
    if (!doc) throw new NotFoundError(`Survey "${surveyId}" has no wave "${waveId}"`, 'wave_not_found');
    return toWave(doc);
  }

  /** Writes a change to one wave, only if it still has the status it was checked with. */
  async function update(wave: Wave, set: Record<string, unknown>, unset: string[] = []): Promise<Wave> {
    try {
      const result = await WaveModel.updateOne(
        { surveyId: wave.surveyId, waveId: wave.waveId, status: wave.status },
        { ...(Object.keys(set).length ? { $set: set } : {}), ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, 1])) } : {}) },
        { runValidators: true },
      );
      if (result.matchedCount === 0) throw new ConflictError(`Wave "${wave.waveId}" changed while this was being done; look at it again`, 'wave_changed');
    } catch (error) {
      if (isDuplicateKey(error)) {
        const open = (await listWaves(wave.surveyId)).find((w) => w.status === 'open');
        throw new ConflictError(`Wave ${open ? `"${open.waveId}"` : 'another wave'} of survey "${wave.surveyId}" is open; close it first`, 'another_wave_open');
      }
      throw error;
    } finally {
      forgetWaves(wave.surveyId);
    }
    return requireWave(wave.surveyId, wave.waveId);
  }

  /** Among the survey's `waves`, the others that take answers at `now`, or will while `wave` would. */
  function overlapping(wave: Wave, waves: readonly Wave[], now: Date): Wave[] {
    const others = waves.filter((w) => w.waveId !== wave.waveId);
    const start = wave.opensAt && wave.opensAt > now ? wave.opensAt : now;
    const end = wave.closesAt;
    return others.filter((other) => {
      const phase = phaseOf(other, now);
      if (phase === 'open') return !end || end > now;
      if (phase !== 'scheduled' || !other.opensAt) return false;
      // Both windows [start, end) and [other.opensAt, other.closesAt) share a moment.
      return (!end || other.opensAt < end) && (!other.closesAt || start < other.closesAt);
    });
  }

  function refuseIfEnded(wave: Wave, now: Date, doing: string): void {
    if (phaseOf(wave, now) === 'closed') {
      throw new ConflictError(`Wave "${wave.waveId}" is closed: it cannot be ${doing}. Make a new wave instead`, 'wave_closed');
    }
  }

  /**
   * The field dates and grace period a change asks for, checked against the wave and the survey's
   * other waves: what to write, or a refusal, with nothing written either way. `asStatus` checks
   * the dates as the wave will be once the change is made (scheduling a draft checks them as
   * scheduled).
   */
  async function plannedSchedule(wave: Wave, schedule: Schedule, now: Date, asStatus: Wave['status'] = wave.status) {
    refuseIfEnded(wave, now, 'rescheduled');
    const opensAt = schedule.opensAt === undefined ? wave.opensAt : schedule.opensAt ?? undefined;
    const closesAt = schedule.closesAt === undefined ? wave.closesAt : schedule.closesAt ?? undefined;
    const graceMinutes = schedule.graceMinutes ?? wave.graceMinutes;
    if (!Number.isInteger(graceMinutes) || graceMinutes < 0 || graceMinutes > 7 * 24 * 60) {
      throw new UnprocessableError('The grace period is a whole number of minutes, from 0 to 10080 (a week)', undefined, 'invalid_grace');
    }
    const phase = phaseOf(wave, now);
    const changes = (before: Date | undefined, after: Date | undefined) => before?.getTime() !== after?.getTime();
    // An open wave's open time is history: its respondents have answered since then.
    if (phase === 'open' && changes(wave.opensAt, opensAt)) {
      throw new UnprocessableError(`Wave "${wave.waveId}" is open: its open time cannot change any more`, undefined, 'already_open');
    }
    if (phase !== 'open' && opensAt && changes(wave.opensAt, opensAt) && opensAt <= now) {
      throw new UnprocessableError('That open time has passed: give one in the future, or open the wave now', undefined, 'open_time_past');
    }
    if (opensAt && closesAt && closesAt <= opensAt) {
      throw new UnprocessableError('The close time is before the open time: a wave must open before it closes', undefined, 'close_before_open');
    }
    if (closesAt && changes(wave.closesAt, closesAt) && closesAt <= now) {
      throw new UnprocessableError('That close time has passed: give one in the future (to stop an open wave now, close it)', undefined, 'close_in_past');
    }
    if (asStatus === 'scheduled' && !opensAt) {
      throw new UnprocessableError('A scheduled wave needs an open time; to leave it unscheduled, set it back to draft', undefined, 'open_time_required');
    }
    if (asStatus === 'scheduled' && wave.status === 'draft' && opensAt && opensAt <= now) {
      throw new UnprocessableError('That open time has passed: give one in the future, or open the wave now', undefined, 'open_time_past');
    }
    const candidate = { ...wave, ...(opensAt ? { opensAt } : {}), ...(closesAt ? { closesAt } : {}) };
    if (asStatus === 'scheduled' || asStatus === 'open') {
      const clash = overlapping(candidate, await listWaves(wave.surveyId), now);
      if (clash.length > 0) throw new ConflictError(`Those dates overlap wave ${clash.map((w) => describeWave(w, now)).join(', ')}`, 'another_wave_open');
    }
    const set: Record<string, unknown> = { graceMinutes };
    const unset: string[] = [];
    if (opensAt) set.opensAt = opensAt;
    else unset.push('opensAt');
    if (closesAt) set.closesAt = closesAt;
    else unset.push('closesAt');
    return { set, unset, opensAt, closesAt, audited: { opensAt: opensAt?.toISOString() ?? null, closesAt: closesAt?.toISOString() ?? null, graceMinutes } };
  }

  /**
   * Records as closed the survey's `waves` still stored as open whose close time has passed: they
   * take no answers (their phase is closed), but the one-open-wave index would still count them.
   */
  async function settleOverdue(surveyId: string, waves: readonly Wave[], now: Date): Promise<void> {
    const overdue = waves.filter((w) => w.status === 'open' && phaseOf(w, now) === 'closed');
    for (const wave of overdue) {
      await WaveModel.updateOne({ surveyId, waveId: wave.waveId, status: 'open' }, { $set: { status: 'closed', closedAt: wave.closesAt ?? now } });
    }
    if (overdue.length > 0) forgetWaves(surveyId);
  }

  function audit(action: Parameters<typeof recordAudit>[0]['action'], wave: Wave, actor: AuditActor, details: Record<string, unknown> = {}) {
    return recordAudit({ ...actor, action, surveyId: wave.surveyId, target: wave.waveId, details }, logger);
  }
  /** The version a change pins: only before the wave opens, so respondents of a wave all answer one. */
  async function plannedPin(wave: Wave, fingerprint: string, now: Date): Promise<void> {
    const phase = phaseOf(wave, now);
    if (phase !== 'draft' && phase !== 'scheduled') {
      throw new ConflictError(`Wave "${wave.waveId}" is ${phase}: its respondents answer the version it opened with. Make a new wave to use another`, 'wave_not_draft');
    }
    const { definition } = await catalog.version(wave.surveyId, fingerprint);
    const problems = quotaProblems(definition, wave.quotas);
    if (problems.length > 0) {
      throw new UnprocessableError(`The wave's quotas do not fit version ${fingerprint}: ${problems.join('; ')}. Change the quotas first`, { problems }, 'quotas_do_not_fit');
    }
  }

  /**
   * The panel and anonymity settings: the panel must exist; once invitations are sent, neither the
   * panel nor the anonymity promised to the invited can change.
   */
  async function plannedPanelSettings(wave: Wave, settings: WaveSettings, set: Record<string, unknown>, unset: string[]): Promise<void> {
    const panelChanges = settings.panelId !== undefined && (settings.panelId ?? undefined) !== wave.panelId;
    const anonymityChanges = settings.anonymous !== undefined && settings.anonymous !== wave.anonymous;
    if (!panelChanges && !anonymityChanges) return;
    if (await invitationsWereSent(wave.surveyId, wave.waveId)) {
      throw new ConflictError(
        anonymityChanges
          ? `Wave "${wave.waveId}"'s invitations are sent: whether its responses are anonymous was promised to the invited and cannot change`
          : `Wave "${wave.waveId}"'s invitations are sent: the panel it invites cannot change`,
        anonymityChanges ? 'anonymity_locked' : 'panel_locked',
      );
    }
    if (panelChanges) {
      if (settings.panelId) {
        if (!(await findPanel(wave.surveyId, settings.panelId))) throw new UnprocessableError(`Survey "${wave.surveyId}" has no panel "${settings.panelId}"`, undefined, 'panel_not_found');
        set.panelId = settings.panelId;
      } else unset.push('panelId');
    }
    if (anonymityChanges) set.anonymous = settings.anonymous;
  }

  /** Target sample, access mode, reminders, panel and anonymity, checked: what to write. */
  async function plannedSettings(wave: Wave, settings: WaveSettings): Promise<{ set: Record<string, unknown>; unset: string[] }> {
    const set: Record<string, unknown> = {};
    const unset: string[] = [];
    await plannedPanelSettings(wave, settings, set, unset);
    if (settings.targetSample !== undefined) {
      if (settings.targetSample === null) unset.push('targetSample');
      else if (!Number.isInteger(settings.targetSample) || settings.targetSample < 1 || settings.targetSample > 10_000_000) {
        throw new UnprocessableError('The target sample is a whole number of completes, from 1 to 10,000,000', undefined, 'invalid_target');
      } else set.targetSample = settings.targetSample;
    }
    if (settings.accessMode !== undefined) set.accessMode = settings.accessMode;
    if (settings.reminderDays !== undefined) {
      const days = [...new Set(settings.reminderDays)].sort((a, b) => a - b);
      if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) throw new UnprocessableError('Reminders are sent a whole number of days after the invitation, from 1 to 365', undefined, 'invalid_reminders');
      set.reminderDays = days;
    }
    // A wave that takes answers (or will by itself) cannot become a panel wave with no panel.
    const phase = phaseOf(wave, clock.now());
    if (phase === 'open' || phase === 'scheduled') {
      const panelId = unset.includes('panelId') ? undefined : ((set.panelId as string | undefined) ?? wave.panelId);
      refuseIfPanelMissing({ ...wave, accessMode: (set.accessMode as Wave['accessMode'] | undefined) ?? wave.accessMode, ...(panelId ? { panelId } : { panelId: undefined }) }, phase);
    }
    return { set, unset };
  }

  /**
   * Changes any of a wave's version, field dates and grace period, and settings at once: every
   * part is checked first, then written in one update, so a refused part changes nothing.
   */
  async function changeWave(surveyId: string, waveId: string, change: WaveChange, actor: AuditActor): Promise<Wave> {
    const wave = await requireWave(surveyId, waveId);
    const now = clock.now();
    const set: Record<string, unknown> = {};
    const unset: string[] = [];
    let audited: Record<string, unknown> = {};
    if (change.fingerprint !== undefined) {
      await plannedPin(wave, change.fingerprint, now);
      set.fingerprint = change.fingerprint;
      audited.fingerprint = change.fingerprint;
    }
    if (change.schedule && Object.keys(change.schedule).length > 0) {
      const planned = await plannedSchedule(wave, change.schedule, now);
      Object.assign(set, planned.set);
      unset.push(...planned.unset);
      audited = { ...audited, ...planned.audited };
    }
    if (change.settings) {
      const planned = await plannedSettings(wave, change.settings);
      Object.assign(set, planned.set);
      unset.push(...planned.unset);
      audited = { ...audited, ...planned.set, ...Object.fromEntries(planned.unset.map((k) => [k, null])) };
    }
    if (Object.keys(set).length === 0 && unset.length === 0) return wave;
    const updated = await update(wave, set, unset);
    await audit('wave_changed', updated, actor, audited);
    return updated;
  }


  return {
    requireWave,

    /** A new draft wave, pinned to a version, with the settings of the wave it copies. */
    async createWave(surveyId: string, input: unknown, actor: AuditActor): Promise<Wave> {
      const survey = catalog.require(surveyId);
      const parsed = ZNewWave.safeParse(input);
      if (!parsed.success) throw new ValidationError(issuesText(parsed.error.issues, 'wave'), { issues: parsed.error.issues }, 'invalid_wave');
      const { waveId, label, copyFrom, fingerprint = survey.fingerprint } = parsed.data;
      const waves = await listWaves(surveyId);
      const source = copyFrom ? waves.find((w) => w.waveId === copyFrom) : waves[0];
      if (copyFrom && !source) throw new NotFoundError(`Survey "${surveyId}" has no wave "${copyFrom}" to copy`, 'wave_not_found');
      const { definition } = await catalog.version(surveyId, fingerprint);
      const copied: Record<string, unknown> = source ? Object.fromEntries(COPIED_SETTINGS.map((key) => [key, source[key]]).filter(([, v]) => v !== undefined)) : {};
      // A quota cell the new version no longer has (a question or option gone or retyped) is not
      // copied: it could never fill. The audit trail says which.
      const quotasNotCopied = (source?.quotas ?? []).filter((quota) => quotaProblems(definition, [quota]).length > 0);
      if (source) copied.quotas = source.quotas.filter((quota) => !quotasNotCopied.includes(quota));
      try {
        await WaveModel.create({
          surveyId,
          waveId,
          ...(label !== undefined ? { label } : {}),
          status: 'draft',
          fingerprint,
          ...copied,
          ...(source ? { copiedFrom: source.waveId } : {}),
          createdBy: actor.actorEmail ?? actor.via,
          createdAt: creationTime(waves[0], clock.now()),
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw new ConflictError(`Survey "${surveyId}" already has a wave "${waveId}"`, 'wave_exists');
        throw error;
      } finally {
        forgetWaves(surveyId);
      }
      const wave = await requireWave(surveyId, waveId);
      await audit('wave_created', wave, actor, {
        fingerprint,
        ...(source ? { copiedFrom: source.waveId } : {}),
        ...(quotasNotCopied.length > 0 ? { quotasNotCopied } : {}),
      });
      return wave;
    },

    changeWave,

    /** Field dates and grace period; a closed wave keeps its dates. */
    setSchedule(surveyId: string, waveId: string, schedule: Schedule, actor: AuditActor): Promise<Wave> {
      return changeWave(surveyId, waveId, { schedule }, actor);
    },

    /** Target sample, access mode, reminders. */
    setSettings(surveyId: string, waveId: string, settings: WaveSettings, actor: AuditActor): Promise<Wave> {
      return changeWave(surveyId, waveId, { settings }, actor);
    },

    /** Pins another version; only before the wave opens, so respondents of a wave all answer one. */
    pinVersion(surveyId: string, waveId: string, fingerprint: string, actor: AuditActor): Promise<Wave> {
      return changeWave(surveyId, waveId, { fingerprint }, actor);
    },

    /**
     * Opens on its open time, by itself: the field dates are enforced on every request. Dates
     * given here are checked with the scheduling and written with it, or not at all.
     */
    async scheduleWave(surveyId: string, waveId: string, actor: AuditActor, schedule: Schedule = {}): Promise<Wave> {
      const wave = await requireWave(surveyId, waveId);
      const now = clock.now();
      if (wave.status !== 'draft') throw new ConflictError(`Wave "${waveId}" is ${phaseOf(wave, now)}: only a draft can be scheduled`, 'wave_not_draft');
      refuseIfPanelMissing(wave, 'scheduled');
      const planned = await plannedSchedule(wave, schedule, now, 'scheduled');
      const updated = await update(wave, { ...planned.set, status: 'scheduled' }, planned.unset);
      await audit('wave_scheduled', updated, actor, planned.audited);
      return updated;
    },

    /** Opens now. Refused while another wave of the survey takes answers: it says which. */
    async openWave(surveyId: string, waveId: string, actor: AuditActor): Promise<Wave> {
      const wave = await requireWave(surveyId, waveId);
      const now = clock.now();
      const phase: WavePhase = phaseOf(wave, now);
      // Already taking answers (opened, or scheduled and past its open time): its open time stays.
      if (phase === 'open') return wave;
      refuseIfEnded(wave, now, 'opened again');
      refuseIfPanelMissing(wave, 'opened');
      if (wave.closesAt && wave.closesAt <= now) {
        throw new UnprocessableError(`Wave "${waveId}"'s close time has passed: move it or remove it before opening the wave`, undefined, 'close_in_past');
      }
      const waves = await listWaves(surveyId);
      const clash = overlapping({ ...wave, opensAt: now }, waves, now);
      const open = clash.filter((w) => phaseOf(w, now) === 'open');
      if (open.length > 0) throw new ConflictError(`Wave ${open.map((w) => describeWave(w, now)).join(', ')} of this survey is open: close it before opening "${waveId}"`, 'another_wave_open');
      // A wave scheduled to open while this one would still be open: two would take answers.
      if (clash.length > 0) {
        throw new ConflictError(
          `Wave ${clash.map((w) => describeWave(w, now)).join(', ')} is scheduled to open while "${waveId}" would still be open: give "${waveId}" a close time before then, or move that wave`,
          'another_wave_open',
        );
      }
      await settleOverdue(surveyId, waves, now);
      const updated = await update(wave, { status: 'open', openedAt: now, opensAt: now });
      await audit('wave_opened', updated, actor);
      return updated;
    },

    /** Closes now: no new respondent; those in progress may finish within the grace period. */
    async closeWave(surveyId: string, waveId: string, actor: AuditActor): Promise<Wave> {
      const wave = await requireWave(surveyId, waveId);
      const now = clock.now();
      if (wave.status === 'closed') return wave;
      if (wave.status === 'draft') throw new ConflictError(`Wave "${waveId}" is a draft that never opened: there is nothing to close`, 'wave_not_open');
      const updated = await update(wave, { status: 'closed', closedAt: wave.closesAt && wave.closesAt < now ? wave.closesAt : now });
      await audit('wave_closed', updated, actor, { graceMinutes: wave.graceMinutes });
      return updated;
    },
  };
}

export type WaveLifecycle = ReturnType<typeof createWaveLifecycle>;
