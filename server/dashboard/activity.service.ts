// The dashboard's header: the wave's fieldwork at a glance. Completes, completes per day and the
// last completion come from the wave's activity counters (wave-activity.model.ts), kept by the
// response hooks as the tallies are: one small read at any number of responses. Days are the
// survey's: a response completed at 00:30 in Paris counts for that Paris day, whatever the
// server's zone. Partial and screened-out responses are counted by status through the responses'
// {surveyId, waveId, status} index (the completes, usually the most, are not read).
import { DateTime } from 'luxon';
import { ResponseModel } from '../responses/response.model';
import { COUNTED, countWaveResponses } from '../responses/response.service';
import { translator, type InterfaceLanguage } from '../lib/i18n/index';
import { upsertWithRetry } from '../lib/duplicate-key';
import type { ChartSpec, DashboardHeader } from './dashboard.types';
import { WaveActivityModel } from './wave-activity.model';
import { dayIn } from '../waves/wave-dates';

/** How many days the per-day chart goes back, today included. */
const ACTIVITY_DAYS = 60;

interface WaveRef {
  surveyId: string;
  waveId: string;
}

/** Counts a complete response into (1) or out of (−1) its wave's activity. */
export async function countCompletion(response: WaveRef & { completedAt?: Date | undefined }, timeZone: string, sign: 1 | -1): Promise<void> {
  const at = response.completedAt;
  const inc: Record<string, number> = { completes: sign };
  if (at) inc[`days.${dayIn(at, timeZone)}`] = sign;
  // A response counted out leaves the last completion as it was: it stays a time something happened.
  const update = sign === 1 && at ? { $inc: inc, $max: { lastCompletedAt: at } } : { $inc: inc };
  await upsertWithRetry(() => WaveActivityModel.updateOne({ surveyId: response.surveyId, waveId: response.waveId }, update, { upsert: true }));
}

interface DayGroup {
  _id: string | null;
  completes: number;
  last: Date | null;
}

/**
 * Recomputes a wave's activity from its complete responses (after a crash between a completion
 * and its count, or when the survey's time zone changed): one grouping by the database.
 */
export async function rebuildWaveActivity(wave: WaveRef, timeZone: string): Promise<void> {
  const groups = await ResponseModel.aggregate<DayGroup>([
    { $match: { surveyId: wave.surveyId, waveId: wave.waveId, status: 'complete', ...COUNTED } },
    {
      $group: {
        _id: { $dateToString: { date: '$completedAt', format: '%Y-%m-%d', timezone: timeZone } },
        completes: { $sum: 1 },
        last: { $max: '$completedAt' },
      },
    },
  ]);
  const days = Object.fromEntries(groups.flatMap((g) => (g._id === null ? [] : [[g._id, g.completes]])));
  const last = groups.reduce<Date | null>((latest, g) => (g.last && (!latest || g.last > latest) ? g.last : latest), null);
  await replaceWaveActivity(wave, { completes: groups.reduce((sum, g) => sum + g.completes, 0), days, ...(last ? { lastCompletedAt: last } : {}) });
}

/** Writes a wave's activity as recounted, in place of what was kept. */
export async function replaceWaveActivity(wave: WaveRef, activity: { completes: number; days: Record<string, number>; lastCompletedAt?: Date }): Promise<void> {
  await upsertWithRetry(() => WaveActivityModel.replaceOne({ surveyId: wave.surveyId, waveId: wave.waveId }, { surveyId: wave.surveyId, waveId: wave.waveId, ...activity }, { upsert: true }));
}

interface StoredActivity {
  completes?: number;
  days?: Record<string, number>;
  lastCompletedAt?: Date;
}

function findActivity(wave: WaveRef): Promise<StoredActivity | null> {
  return WaveActivityModel.findOne({ surveyId: wave.surveyId, waveId: wave.waveId }, { _id: 0, completes: 1, days: 1, lastCompletedAt: 1 }).lean<StoredActivity>();
}

/**
 * A wave's activity counters, counted from its responses the first time they are read when the
 * wave has none: its responses were stored before the counters existed (an upgrade). Once counted
 * (zeros included) the document exists and the hooks keep it. A completion landing during that
 * first count may be missed or counted twice, as during `tallies:rebuild`.
 */
async function activityOf(wave: WaveRef, timeZone: string): Promise<StoredActivity | null> {
  const stored = await findActivity(wave);
  if (stored) return stored;
  await rebuildWaveActivity(wave, timeZone);
  return findActivity(wave);
}

/**
 * The wave's activity at `now`. The per-day series runs from the first day with a complete in the
 * last ACTIVITY_DAYS days (a wave that opened last week gets a week, not fifty days of zeros) to
 * today, days without a complete as zeros; it is empty when nobody completed in that window.
 */
export async function readWaveActivity(wave: WaveRef, timeZone: string, now: Date): Promise<DashboardHeader> {
  const [activity, partials, screenedOut] = await Promise.all([
    activityOf(wave, timeZone),
    countWaveResponses(wave.surveyId, wave.waveId, 'partial'),
    countWaveResponses(wave.surveyId, wave.waveId, 'screened_out'),
  ]);
  const completes = activity?.completes ?? 0;
  const days = activity?.days ?? {};
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const todayText = today.toISODate() ?? '';
  const windowStart = today.minus({ days: ACTIVITY_DAYS - 1 }).toISODate() ?? '';
  const firstDay = Object.keys(days)
    .filter((day) => (days[day] ?? 0) > 0 && day >= windowStart && day <= todayText)
    .sort()[0];
  const perDay: DashboardHeader['perDay'] = [];
  if (firstDay) {
    for (let day = DateTime.fromISO(firstDay, { zone: timeZone }); day <= today; day = day.plus({ days: 1 })) {
      const text = day.toISODate() ?? '';
      perDay.push({ day: text, completes: days[text] ?? 0 });
    }
  }
  const started = completes + partials + screenedOut;
  return {
    completes,
    partials,
    screenedOut,
    completionRate: started > 0 ? completes / started : null,
    today: days[todayText] ?? 0,
    perDay,
    lastCompletedAt: completes > 0 ? (activity?.lastCompletedAt ?? null) : null,
  };
}

/** The header's small chart: completes per day, days labelled in the view's language ("3 mars"). */
export function activityChart(header: DashboardHeader, lang: InterfaceLanguage): ChartSpec {
  const t = translator(lang);
  return {
    type: 'trend',
    unit: 'count',
    labels: header.perDay.map(({ day }) => DateTime.fromISO(day).setLocale(lang).toFormat('d LLL')),
    series: [{ label: t('dashboard.figures.completes'), role: 'count', values: header.perDay.map((d) => d.completes) }],
    annotations: [t('dashboard.figures.today', { n: header.today })],
    title: t('dashboard.figures.completes_per_day'),
  };
}
