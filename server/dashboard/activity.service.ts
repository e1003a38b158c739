// The dashboard's header: the wave's fieldwork at a glance. Counts by status come from the same
// grouping the console uses (countResponsesByWave: test responses left out, voided ones apart and
// not shown here); completes per day are grouped by the database in the survey's time zone, so a
// response completed at 00:30 in Paris counts for that Paris day whatever the server's zone. Both
// queries start with {surveyId, waveId, status}, the responses' index.
import { DateTime } from 'luxon';
import { ResponseModel } from '../responses/response.model';
import { COUNTED, countResponsesByWave } from '../responses/response.service';
import { translator, type InterfaceLanguage } from '../lib/i18n/index';
import type { ChartSpec, DashboardHeader } from './dashboard.types';

/** How many days the per-day chart goes back, today included. */
export const ACTIVITY_DAYS = 60;

interface DayGroup {
  _id: string | null;
  completes: number;
  last: Date | null;
}

/** Completes per day of the zone, from `since` on, with the latest completion of each day. */
function groupCompletesByDay(wave: { surveyId: string; waveId: string }, timeZone: string, since: Date): Promise<DayGroup[]> {
  return ResponseModel.aggregate<DayGroup>([
    { $match: { surveyId: wave.surveyId, waveId: wave.waveId, status: 'complete', ...COUNTED, completedAt: { $gte: since } } },
    {
      $group: {
        _id: { $dateToString: { date: '$completedAt', format: '%Y-%m-%d', timezone: timeZone } },
        completes: { $sum: 1 },
        last: { $max: '$completedAt' },
      },
    },
  ]);
}

/** The last completion of a wave quiet for longer than the chart's window (a closed wave). */
async function lastCompletion(wave: { surveyId: string; waveId: string }): Promise<Date | null> {
  const [latest] = await ResponseModel.aggregate<{ last: Date | null }>([
    { $match: { surveyId: wave.surveyId, waveId: wave.waveId, status: 'complete', ...COUNTED } },
    { $group: { _id: null, last: { $max: '$completedAt' } } },
  ]);
  return latest?.last ?? null;
}

/**
 * The wave's activity at `now`. The per-day series runs from the first day with a complete in the
 * last ACTIVITY_DAYS days (a wave that opened last week gets a week, not fifty days of zeros) to
 * today, days without a complete as zeros; it is empty when nobody completed in that window.
 */
export async function readWaveActivity(wave: { surveyId: string; waveId: string }, timeZone: string, now: Date): Promise<DashboardHeader> {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const windowStart = today.minus({ days: ACTIVITY_DAYS - 1 });
  const [byWave, groups] = await Promise.all([countResponsesByWave(wave.surveyId, wave.waveId), groupCompletesByDay(wave, timeZone, windowStart.toJSDate())]);
  const counts = byWave.get(wave.waveId) ?? { complete: 0, partial: 0, screened_out: 0, voided: 0 };
  const started = counts.complete + counts.partial + counts.screened_out;

  const perDayCounts = new Map(groups.filter((g): g is DayGroup & { _id: string } => g._id !== null).map((g) => [g._id, g.completes]));
  const todayText = today.toISODate() ?? '';
  const firstDay = [...perDayCounts.keys()].filter((day) => day <= todayText).sort()[0];
  const perDay: DashboardHeader['perDay'] = [];
  if (firstDay) {
    for (let day = DateTime.fromISO(firstDay, { zone: timeZone }); day <= today; day = day.plus({ days: 1 })) {
      const text = day.toISODate() ?? '';
      perDay.push({ day: text, completes: perDayCounts.get(text) ?? 0 });
    }
  }

  const lastInWindow = groups.reduce<Date | null>((latest, g) => (g.last && (!latest || g.last > latest) ? g.last : latest), null);
  return {
    completes: counts.complete,
    partials: counts.partial,
    screenedOut: counts.screened_out,
    completionRate: started > 0 ? counts.complete / started : null,
    today: perDayCounts.get(todayText) ?? 0,
    perDay,
    lastCompletedAt: lastInWindow ?? (counts.complete > 0 ? await lastCompletion(wave) : null),
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
