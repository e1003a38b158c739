// Reminders are not mailed at night in the survey's time zone (MAIL_QUIET_HOURS, "21-8"): one
// that falls due then is queued to leave when the quiet hours end.
import { DateTime } from 'luxon';

export interface QuietHours {
  /** The hour they start (21) and end (8), local. Equal hours mean none. */
  from: number;
  to: number;
}

export function parseQuietHours(setting: string): QuietHours {
  const [from, to] = setting.split('-').map(Number);
  return { from: from ?? 0, to: to ?? 0 };
}

function isQuiet(hour: number, { from, to }: QuietHours): boolean {
  if (from === to) return false;
  return from < to ? hour >= from && hour < to : hour >= from || hour < to;
}

/** When a mail due at `now` may leave: `now`, or the end of the quiet hours it falls in. */
export function endOfQuietHours(now: Date, timeZone: string, quiet: QuietHours): Date {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (!isQuiet(local.hour, quiet)) return now;
  let end = local.set({ hour: quiet.to, minute: 0, second: 0, millisecond: 0 });
  if (end <= local) end = end.plus({ days: 1 });
  return end.toJSDate();
}
