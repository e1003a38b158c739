// Calendar arithmetic for the date operators: time zones (Olson names through Intl, or fixed
// UTC offsets), local calendar parts, ISO weeks and the date-like inputs mongod accepts.
import type { Document, ObjectId, Timestamp } from 'bson';
import type { Variables } from './compile';
import { CommandError } from '../../errors';
import { bsonType } from '../../bson/index';
import { isNullish, typeName } from './values';

export interface TimeZone {
  /** True for UTC and fixed offsets of zero: the formats without an explicit zone differ (e.g. %Z). */
  readonly isUtc: boolean;
  /** Offset of local time from UTC, in milliseconds, at the instant `ms`. */
  offsetAt(ms: number): number;
}

export const UTC: TimeZone = { isUtc: true, offsetAt: () => 0 };

const zoneCache = new Map<string, TimeZone>();

function fixedOffset(ms: number): TimeZone {
  return { isUtc: false, offsetAt: () => ms };
}

/** Parses a timezone argument: an Olson identifier, "UTC"/"GMT", or +hh, +hhmm, +hh:mm. */
export function parseTimeZone(spec: string): TimeZone {
  const cached = zoneCache.get(spec);
  if (cached) return cached;
  let zone: TimeZone;
  const offset = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(spec);
  if (offset) {
    const sign = offset[1] === '-' ? -1 : 1;
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? '0');
    zone = fixedOffset(sign * (hours * 60 + minutes) * 60000);
  } else if (spec === 'UTC' || spec === 'GMT' || spec === 'Z' || spec === 'Etc/UTC' || spec === 'Etc/GMT') {
    zone = UTC;
  } else {
    zone = olsonZone(spec);
  }
  zoneCache.set(spec, zone);
  return zone;
}

function olsonZone(name: string): TimeZone {
  let format: Intl.DateTimeFormat;
  try {
    // Intl accepts some names mongod's tz database does not (e.g. lowercase); mongod matches exactly.
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(name)) throw new RangeError(name);
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new CommandError(40485, `unrecognized time zone identifier: "${name}"`);
  }
  const cache = new Map<number, number>();
  return {
    isUtc: false,
    offsetAt(ms: number): number {
      // Offsets change at most every few hours; cache per whole minute.
      const minute = Math.floor(ms / 60000);
      const hit = cache.get(minute);
      if (hit !== undefined) return hit;
      const parts = format.formatToParts(new Date(minute * 60000));
      const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
      let year = get('year');
      if (parts.find((part) => part.type === 'era')?.value === 'BC') year = 1 - year;
      const local = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
      const result = local - minute * 60000;
      if (cache.size > 10000) cache.clear();
      cache.set(minute, result);
      return result;
    },
  };
}

/** Marks a timezone argument that was not given (UTC), as opposed to one that evaluated to missing. */
export const NO_TIMEZONE = Symbol('no timezone argument');

/** The raw value of an optional `timezone` argument, so callers can check nullish arguments first. */
export function timeZoneArgument(zoneOf: ((doc: Document, vars: Variables) => unknown) | undefined, doc: Document, vars: Variables): unknown {
  return zoneOf ? zoneOf(doc, vars) : NO_TIMEZONE;
}

/** A non-nullish timezone argument as a zone: 40517 for a non-string, 40485 for an unknown name. */
export function toTimeZone(value: unknown): TimeZone {
  if (value === NO_TIMEZONE) return UTC;
  if (typeof value !== 'string') throw new CommandError(40517, `timezone must evaluate to a string, found ${typeName(value)}`);
  return parseTimeZone(value);
}

/**
 * The operator's time zone: UTC when no `timezone` argument is given; null (a null result) when
 * the argument evaluates to null or missing.
 */
export function evaluateTimeZone(zoneOf: ((doc: Document, vars: Variables) => unknown) | undefined, doc: Document, vars: Variables): TimeZone | null {
  const value = timeZoneArgument(zoneOf, doc, vars);
  return isNullish(value) ? null : toTimeZone(value);
}

/** The instant of a date-like value (Date, Timestamp, ObjectId), as milliseconds since the epoch. */
export function dateMillis(value: unknown): number {
  switch (bsonType(value)) {
    case 'date':
      return (value as Date).getTime();
    case 'timestamp':
      return (value as Timestamp).high * 1000;
    case 'objectId':
      return (value as ObjectId).getTimestamp().getTime();
    default:
      throw new CommandError(16006, `can't convert from BSON type ${typeName(value)} to Date`);
  }
}

/** Whether dateMillis accepts the value: a date, a timestamp or an ObjectId. */
export function isDateLike(value: unknown): boolean {
  const type = bsonType(value);
  return type === 'date' || type === 'timestamp' || type === 'objectId';
}

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  dayOfWeek: number; // 1 = Sunday ... 7 = Saturday
  dayOfYear: number; // 1-366
  offsetMs: number;
}

export function localParts(ms: number, zone: TimeZone): LocalParts {
  const offsetMs = zone.offsetAt(ms);
  const local = new Date(ms + offsetMs);
  const year = local.getUTCFullYear();
  const startOfYear = utcMidnight(year, 0, 1);
  return {
    year,
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
    dayOfWeek: local.getUTCDay() + 1,
    dayOfYear: Math.floor((ms + offsetMs - startOfYear) / 86400000) + 1,
    offsetMs,
  };
}

/** Midnight UTC of a calendar day (Date.UTC would map years 0-99 to 1900-1999). */
export function utcMidnight(year: number, monthIndex: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d.getTime();
}

/** UTC milliseconds of a local calendar time; fields may overflow (month 13 is next January). */
export function utcFromLocal(
  zone: TimeZone,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millisecond);
  const local = d.getTime();
  return localToUtc(local, zone);
}

/** Converts "local milliseconds" (local wall time read as if UTC) to the UTC instant. */
export function localToUtc(local: number, zone: TimeZone): number {
  const first = zone.offsetAt(local);
  const guess = local - first;
  const second = zone.offsetAt(guess);
  return second === first ? guess : local - second;
}

/** ISO 8601 week-numbering parts of a local date. */
export function isoParts(parts: LocalParts): { isoWeekYear: number; isoWeek: number; isoDayOfWeek: number } {
  const isoDayOfWeek = parts.dayOfWeek === 1 ? 7 : parts.dayOfWeek - 1;
  // The week belongs to the year that holds its Thursday.
  const thursday = new Date(0);
  thursday.setUTCFullYear(parts.year, parts.month - 1, parts.day + 4 - isoDayOfWeek);
  const isoWeekYear = thursday.getUTCFullYear();
  const jan1 = new Date(0);
  jan1.setUTCFullYear(isoWeekYear, 0, 1);
  const dayIndex = Math.round((thursday.getTime() - jan1.getTime()) / 86400000);
  return { isoWeekYear, isoWeek: Math.floor(dayIndex / 7) + 1, isoDayOfWeek };
}

/** Week of the year as %U: weeks start on Sunday; days before the first Sunday are week 0. */
export function sundayWeek(parts: LocalParts): number {
  return Math.floor((parts.dayOfYear - 1 + 7 - (parts.dayOfWeek - 1)) / 7);
}
