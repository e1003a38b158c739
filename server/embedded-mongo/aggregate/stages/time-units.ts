// Date steps of $densify and of $setWindowFields range windows, in UTC as mongod computes them.
import { CommandError } from '../../errors';

export const TIME_UNITS = ['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

const FIXED_MS: Partial<Record<TimeUnit, number>> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

export function parseTimeUnit(value: unknown, code: number, what: string): TimeUnit {
  if (typeof value !== 'string' || !(TIME_UNITS as readonly string[]).includes(value)) {
    throw new CommandError(code, `${what}: unknown time unit value: ${String(value)}`);
  }
  return value as TimeUnit;
}

/**
 * `date` moved by `amount` units. Months, quarters and years move the calendar month and keep
 * the day, clamped to the month's last day (Jan 31 + 1 month = Feb 28 or 29), like $dateAdd.
 */
export function addToDate(date: Date, unit: TimeUnit, amount: number): Date {
  const fixed = FIXED_MS[unit];
  if (fixed !== undefined) return new Date(date.getTime() + amount * fixed);
  const months = amount * (unit === 'year' ? 12 : unit === 'quarter' ? 3 : 1);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const targetYear = year + Math.floor(month / 12);
  const targetMonth = ((month % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return new Date(Date.UTC(targetYear, targetMonth, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()));
}
