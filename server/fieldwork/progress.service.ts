// How a wave's fieldwork stands: responses by status, the completion rate, the median time to
// complete, where partial responses stopped, each quota cell, and the target sample and field
// dates against it. Every figure comes from the database's own grouping (one $group over the
// wave's responses, one sorted pass for the median): no response is loaded into memory, so the
// page costs the same at 50 responses as at 50,000. Test responses are left out (COUNTED);
// voided ones are counted apart and in nothing else.
import { ResponseModel } from '../responses/response.model';
import { COUNTED, type ResponseStatus } from '../responses/response.service';
import type { TLocalizedText, TSurveyDefinition } from '../surveys/survey.schemas';
import { fieldDatesOf, fieldPeriodOf } from '../waves/wave-dates';
import { phaseOf, type WavePhase } from '../waves/wave-phase';
import type { Wave } from '../waves/wave.service';
import type { QuotaCellStatus } from './quota.service';

export interface ResponseCounts {
  /** Every response that consented: partial + complete + screened out (voided ones apart). */
  started: number;
  complete: number;
  partial: number;
  screenedOut: number;
  /** Removed from the figures by an organizer: shown apart, counted in nothing else. */
  voided: number;
}

export interface FunnelStep {
  pageId: string;
  title?: TLocalizedText;
  /** Responses whose last saved page is this one or a later one (a page their answers hid counts as passed). */
  reached: number;
  /** Partial responses whose last saved page is this one: they stopped after it. */
  stoppedHere: number;
}

export interface FieldworkPace {
  /** The first and last days of fieldwork in the survey's zone (YYYY-MM-DD), when known. */
  startDay?: string;
  endDay?: string;
  opensAt?: Date;
  closesAt?: Date;
  /** Share of the field period gone by at `now` (0–1); null without both ends. */
  elapsedShare: number | null;
  /** Completes a steady pace would have reached by now, for the target sample; null without both. */
  expectedCompletes: number | null;
}

export interface WaveProgress {
  surveyId: string;
  waveId: string;
  phase: WavePhase;
  counts: ResponseCounts;
  /** complete / started; null before anyone started. */
  completionRate: number | null;
  /** Median of completedAt − startedAt over the complete responses, in milliseconds. */
  medianDurationMs: number | null;
  /** Partial responses that consented but saved no page: they stopped on the first one. */
  noPageSaved: number;
  funnel: FunnelStep[];
  quotas: QuotaCellStatus[];
  targetSample?: number;
  /** complete / targetSample; null without a target. */
  targetShare: number | null;
  pace: FieldworkPace;
}

interface StatusPageGroup {
  _id: { status: ResponseStatus; lastPageId: string | null };
  n: number;
  /** Complete responses with both dates, which the median is taken over. */
  timed: number;
}

/** Responses of the wave grouped by status and last saved page: a few dozen groups at most. */
function groupByStatusAndPage(wave: Pick<Wave, 'surveyId' | 'waveId'>): Promise<StatusPageGroup[]> {
  return ResponseModel.aggregate<StatusPageGroup>([
    { $match: { surveyId: wave.surveyId, waveId: wave.waveId, ...COUNTED } },
    {
      $group: {
        _id: { status: '$status', lastPageId: { $ifNull: ['$lastPageId', null] } },
        n: { $sum: 1 },
        timed: { $sum: { $cond: [{ $and: [{ $eq: ['$status', 'complete'] }, { $eq: [{ $type: '$completedAt' }, 'date'] }, { $eq: [{ $type: '$startedAt' }, 'date'] }] }, 1, 0] } },
      },
    },
  ]);
}

/**
 * The median duration of the `timed` complete responses: the database sorts their durations and
 * hands back the middle one (the mean of the middle two for an even count).
 */
async function medianDuration(wave: Pick<Wave, 'surveyId' | 'waveId'>, timed: number): Promise<number | null> {
  if (timed === 0) return null;
  const middle = await ResponseModel.aggregate<{ ms: number }>([
    { $match: { surveyId: wave.surveyId, waveId: wave.waveId, status: 'complete', ...COUNTED, completedAt: { $type: 'date' }, startedAt: { $type: 'date' } } },
    { $project: { _id: 0, ms: { $subtract: ['$completedAt', '$startedAt'] } } },
    { $sort: { ms: 1 } },
    { $skip: Math.floor((timed - 1) / 2) },
    { $limit: timed % 2 === 1 ? 1 : 2 },
  ]);
  if (middle.length === 0) return null;
  return middle.reduce((sum, { ms }) => sum + Number(ms), 0) / middle.length;
}

function countsOf(groups: readonly StatusPageGroup[]): ResponseCounts {
  const by = (status: ResponseStatus) => groups.filter((g) => g._id.status === status).reduce((sum, g) => sum + g.n, 0);
  const complete = by('complete');
  const partial = by('partial');
  const screenedOut = by('screened_out');
  return { started: complete + partial + screenedOut, complete, partial, screenedOut, voided: by('voided') };
}

/** For each page in order, how many got that far and how many partial responses stopped after it. */
function funnelOf(definition: TSurveyDefinition, groups: readonly StatusPageGroup[]): { funnel: FunnelStep[]; noPageSaved: number } {
  const funnel: FunnelStep[] = definition.pages.map((page) => ({ pageId: page.id, ...(page.title ? { title: page.title } : {}), reached: 0, stoppedHere: 0 }));
  const indexOf = new Map(definition.pages.map((page, index) => [page.id, index]));
  let noPageSaved = 0;
  for (const { _id, n } of groups) {
    if (_id.status === 'voided') continue;
    if (_id.lastPageId === null) {
      if (_id.status === 'partial') noPageSaved += n;
      continue;
    }
    // A page the wave's version does not have (an answer imported from elsewhere) places nobody.
    const last = indexOf.get(_id.lastPageId);
    if (last === undefined) continue;
    for (let index = 0; index <= last; index += 1) funnel[index]!.reached += n;
    if (_id.status === 'partial') funnel[last]!.stoppedHere += n;
  }
  return { funnel, noPageSaved };
}

function paceOf(wave: Wave, timeZone: string, now: Date): FieldworkPace {
  const { start: startDay, end: endDay } = fieldDatesOf(wave, timeZone);
  const { start: opensAt, end: closesAt } = fieldPeriodOf(wave);
  const span = opensAt && closesAt ? closesAt.getTime() - opensAt.getTime() : 0;
  const elapsedShare = opensAt && span > 0 ? Math.min(1, Math.max(0, (now.getTime() - opensAt.getTime()) / span)) : null;
  return {
    ...(startDay ? { startDay } : {}),
    ...(endDay ? { endDay } : {}),
    ...(opensAt ? { opensAt } : {}),
    ...(closesAt ? { closesAt } : {}),
    elapsedShare,
    expectedCompletes: elapsedShare !== null && wave.targetSample !== undefined ? Math.round(wave.targetSample * elapsedShare) : null,
  };
}

/**
 * The wave's progress at `now`. `definition` is the wave's pinned version (its pages make the
 * funnel); `quotas` are its cells with their counts (quota.service.ts).
 */
export async function computeWaveProgress(input: { wave: Wave; definition: TSurveyDefinition; timeZone: string; quotas: QuotaCellStatus[]; now: Date }): Promise<WaveProgress> {
  const { wave, definition, timeZone, quotas, now } = input;
  const groups = await groupByStatusAndPage(wave);
  const counts = countsOf(groups);
  const timed = groups.reduce((sum, g) => sum + g.timed, 0);
  const { funnel, noPageSaved } = funnelOf(definition, groups);
  return {
    surveyId: wave.surveyId,
    waveId: wave.waveId,
    phase: phaseOf(wave, now),
    counts,
    completionRate: counts.started > 0 ? counts.complete / counts.started : null,
    medianDurationMs: await medianDuration(wave, timed),
    noPageSaved,
    funnel,
    quotas,
    ...(wave.targetSample !== undefined ? { targetSample: wave.targetSample } : {}),
    targetShare: wave.targetSample ? counts.complete / wave.targetSample : null,
    pace: paceOf(wave, timeZone, now),
  };
}
