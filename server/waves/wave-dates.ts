// Field dates are stored as instants (UTC) and read and shown as days and times in the survey's
// time zone: "closes at the end of 31 March" means midnight in Paris, not in the server's zone.
// luxon does the zone arithmetic (daylight saving included), which Date alone cannot.
import { DateTime } from 'luxon';
import { DEFAULT_TIME_ZONE, type TSurveyDefinition } from '../surveys/survey.schemas';
import type { Wave } from './wave.service';

/**
 * The zone a survey's field dates are read and shown in. Always the survey file's (pass
 * `catalog.require(id)`), never a pinned version's: the zone is not part of a version (it is left
 * out of the fingerprint), and respondents and organizers must see the same dates.
 */
export function surveyTimeZone(survey: { definition: Pick<TSurveyDefinition, 'time_zone'> }): string {
  return survey.definition.time_zone ?? DEFAULT_TIME_ZONE;
}

/** The instant a day starts in a zone: "2011-03-01" in Europe/Paris is 2011-02-28T23:00Z. */
export function startOfDay(isoDate: string, timeZone: string): Date {
  return DateTime.fromISO(isoDate, { zone: timeZone }).startOf('day').toJSDate();
}

/** The instant a day ends in a zone (the next day's start): a wave closes then. */
export function endOfDay(isoDate: string, timeZone: string): Date {
  return DateTime.fromISO(isoDate, { zone: timeZone }).startOf('day').plus({ days: 1 }).toJSDate();
}

/** The day an instant falls on in a zone, as YYYY-MM-DD. */
export function dayIn(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate() ?? '';
}

/** An instant as a local date and time in a zone, as a datetime-local field shows it. */
export function localDateTime(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** A datetime-local value ("2012-03-01T09:00") read in a zone; undefined when it is not one. */
export function parseLocalDateTime(value: string, timeZone: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  const parsed = DateTime.fromISO(value, { zone: timeZone });
  return parsed.isValid ? parsed.toJSDate() : undefined;
}

/** An instant for people: "31 mars 2011 à 23:59 (Europe/Paris)" or "31 March 2011, 23:59 (Europe/Paris)". */
export function formatInZone(instant: Date, timeZone: string, lang: string): string {
  return `${DateTime.fromJSDate(instant, { zone: timeZone }).setLocale(lang === 'fr' ? 'fr-FR' : 'en-GB').toLocaleString(DateTime.DATETIME_MED)} (${timeZone})`;
}

type FieldTimes = Pick<Wave, 'opensAt' | 'closesAt' | 'openedAt' | 'closedAt'>;

/** The instants fieldwork starts and ends (or will); undefined ends are not known yet. */
export function fieldPeriodOf(wave: FieldTimes): { start?: Date; end?: Date } {
  const start = wave.opensAt ?? wave.openedAt;
  // Closed by hand before its close time, a wave's fieldwork ended then.
  const end = [wave.closesAt, wave.closedAt].filter((d): d is Date => d instanceof Date).sort((a, b) => a.getTime() - b.getTime())[0];
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

/**
 * The wave's field dates as days in the zone: from the day it opens to the last day it is open
 * (a wave closing at midnight ends the day before). Undefined ends are not known yet.
 */
export function fieldDatesOf(wave: FieldTimes, timeZone: string): { start?: string; end?: string } {
  const { start, end } = fieldPeriodOf(wave);
  return {
    ...(start ? { start: dayIn(start, timeZone) } : {}),
    ...(end ? { end: dayIn(new Date(end.getTime() - 1), timeZone) } : {}),
  };
}
