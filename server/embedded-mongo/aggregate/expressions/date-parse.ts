// Parsing date strings for $dateFromString and $convert to date. mongod uses timelib, which
// reads many formats; this reads the ISO 8601 forms (date, date and time with "T" or a space,
// fractional seconds, "Z", offsets or a zone name), "YYYY/MM/DD", "MM/DD/YYYY", and any string
// described by an explicit format of the $dateFromString specifiers.
import { CommandError } from '../../errors';
import type { TimeZone } from './date-time';
import { UTC, localToUtc, parseTimeZone, utcMidnight } from './date-time';

export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface Fields {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
  dayOfYear?: number;
  isoWeekYear?: number;
  isoWeek?: number;
  isoDayOfWeek?: number;
  zone?: TimeZone;
  zoneText?: string;
}

/**
 * Parses `text` into a Date. `format` follows $dateFromString; `zone` is the timezone argument.
 * Returns an Error (not thrown) with mongod's whole message ("Error parsing date string '...'; ..."),
 * so callers can apply onError or report it as it is.
 */
export function parseDateString(text: string, format: string | undefined, zone: TimeZone | undefined): Date | Error {
  const fields = format === undefined ? parseFree(text) : parseWithFormat(text, format);
  if (fields instanceof Error) return fields;
  if (fields.zone && zone) {
    return parseError(text, `you cannot pass in a date/time string with time zone information ('${fields.zoneText ?? ''}') together with a timezone argument`);
  }
  const effectiveZone = fields.zone ?? zone ?? UTC;
  let localMidnight: number;
  if (fields.isoWeekYear !== undefined) {
    localMidnight = isoWeekStart(fields.isoWeekYear) + ((fields.isoWeek ?? 1) - 1) * 7 * 86400000 + ((fields.isoDayOfWeek ?? 1) - 1) * 86400000;
  } else if (fields.year === undefined) {
    return parseError(text, 'an incomplete date/time string has been found, with elements missing');
  } else if (fields.dayOfYear !== undefined) {
    localMidnight = utcMidnight(fields.year, 0, 1) + (fields.dayOfYear - 1) * 86400000;
  } else {
    const month = fields.month ?? 1;
    const day = fields.day ?? 1;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(fields.year, month)) {
      return parseError(text, 'The parsed date was invalid');
    }
    localMidnight = utcMidnight(fields.year, month - 1, day);
  }
  const hour = fields.hour ?? 0;
  const minute = fields.minute ?? 0;
  const second = fields.second ?? 0;
  if (hour > 24 || minute > 59 || second > 60) return parseError(text, 'The parsed time was invalid');
  const local = localMidnight + ((hour * 60 + minute) * 60 + second) * 1000 + (fields.millisecond ?? 0);
  return new Date(localToUtc(local, effectiveZone));
}

export function daysInMonth(year: number, month: number): number {
  return new Date(utcMidnight(year, month, 0)).getUTCDate();
}

/** Midnight (as UTC ms) of the Monday that starts ISO week 1 of `isoYear`. */
export function isoWeekStart(isoYear: number): number {
  const jan4 = utcMidnight(isoYear, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday = 0
  return jan4 - weekday * 86400000;
}

// timelib also reads "11:56.02" (and "11:56.02.813") as 11:56:02, which mongod's jstests rely on.
const ISO_PATTERN =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?:[:.](\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|\s*[A-Za-z][A-Za-z0-9_/+-]*)?$/;
const SLASH_YMD = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;
const SLASH_MDY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;

/** A parse failure as mongod words it. */
function parseError(text: string, reason: string): Error {
  return new Error(`Error parsing date string '${text}'; ${reason}`);
}

function parseFree(text: string): Fields | Error {
  const trimmed = text.trim();
  let match = ISO_PATTERN.exec(trimmed);
  if (match) {
    const fields = timeFields(match[4], match[5], match[6], match[7]);
    fields.year = Number(match[1]);
    fields.month = Number(match[2]);
    fields.day = Number(match[3]);
    const zoneText = match[8]?.trim();
    if (zoneText) {
      try {
        fields.zone = zoneText === 'Z' ? UTC : parseTimeZone(zoneText);
      } catch {
        return parseError(text, '0: The timezone could not be found in the database');
      }
      fields.zoneText = zoneText;
    }
    return fields;
  }
  match = SLASH_YMD.exec(trimmed);
  if (match) {
    const fields = timeFields(match[4], match[5], match[6], match[7]);
    fields.year = Number(match[1]);
    fields.month = Number(match[2]);
    fields.day = Number(match[3]);
    return fields;
  }
  match = SLASH_MDY.exec(trimmed);
  if (match) {
    const fields = timeFields(match[4], match[5], match[6], match[7]);
    fields.month = Number(match[1]);
    fields.day = Number(match[2]);
    fields.year = Number(match[3]);
    return fields;
  }
  return parseError(text, `0: Unexpected character '${text[0] ?? ''}'`);
}

function timeFields(hour?: string, minute?: string, second?: string, fraction?: string): Fields {
  const fields: Fields = {};
  if (hour !== undefined) fields.hour = Number(hour);
  if (minute !== undefined) fields.minute = Number(minute);
  if (second !== undefined) fields.second = Number(second);
  if (fraction !== undefined) fields.millisecond = Math.floor(Number(`0.${fraction}`) * 1000 + 1e-9);
  return fields;
}

/** The specifiers a date format may use, in $dateFromString and $dateToString alike. */
const FORMAT_SPECIFIERS = new Set(['d', 'G', 'H', 'j', 'L', 'm', 'M', 'S', 'u', 'U', 'V', 'w', 'Y', 'z', 'Z', 'b', 'B', '%']);

/** Refuses a trailing '%' (18535) and an unknown specifier (18536). */
export function validateDateFormat(format: string): void {
  for (let i = 0; i < format.length; i += 1) {
    if (format[i] !== '%') continue;
    const specifier = format[i + 1];
    if (specifier === undefined) throw new CommandError(18535, 'Unmatched \'%\' at end of format string');
    if (!FORMAT_SPECIFIERS.has(specifier)) throw new CommandError(18536, `Invalid format character '%${specifier}' in format string`);
    i += 1;
  }
}

function parseWithFormat(text: string, format: string): Fields | Error {
  validateDateFormat(format);
  const fields: Fields = {};
  let pos = 0;
  const fail = (): Error => parseError(text, `${pos}: Unexpected data found.`);
  const digits = (min: number, max: number): number | undefined => {
    const match = new RegExp(`^[0-9]{${min},${max}}`).exec(text.slice(pos));
    if (!match) return undefined;
    pos += match[0].length;
    return Number(match[0]);
  };
  for (let i = 0; i < format.length; i += 1) {
    const c = format[i] as string;
    if (c !== '%') {
      if (text[pos] !== c) return fail();
      pos += 1;
      continue;
    }
    const specifier = format[i + 1] as string;
    i += 1;
    let value: number | undefined;
    switch (specifier) {
      case 'Y':
        value = digits(4, 4);
        fields.year = value;
        break;
      case 'G':
        value = digits(4, 4);
        fields.isoWeekYear = value;
        break;
      case 'm':
        value = digits(1, 2);
        fields.month = value;
        break;
      case 'd':
        value = digits(1, 2);
        fields.day = value;
        break;
      case 'H':
        value = digits(1, 2);
        fields.hour = value;
        break;
      case 'M':
        value = digits(1, 2);
        fields.minute = value;
        break;
      case 'S':
        value = digits(1, 2);
        fields.second = value;
        break;
      case 'L': {
        const start = pos;
        value = digits(1, 9);
        if (value !== undefined) fields.millisecond = Math.floor(Number(`0.${text.slice(start, pos)}`) * 1000 + 1e-9);
        break;
      }
      case 'j':
        value = digits(1, 3);
        fields.dayOfYear = value;
        break;
      case 'V':
        value = digits(1, 2);
        fields.isoWeek = value;
        break;
      case 'u':
        value = digits(1, 1);
        fields.isoDayOfWeek = value;
        break;
      case 'U':
      case 'w':
        value = digits(1, specifier === 'U' ? 2 : 1);
        break;
      case 'b':
      case 'B': {
        const rest = text.slice(pos).toLowerCase();
        const index = MONTH_NAMES.findIndex((name) =>
          specifier === 'B' ? rest.startsWith(name.toLowerCase()) : rest.startsWith(name.slice(0, 3).toLowerCase()),
        );
        if (index < 0) return fail();
        pos += specifier === 'B' ? (MONTH_NAMES[index] as string).length : 3;
        fields.month = index + 1;
        value = index + 1;
        break;
      }
      case 'z': {
        const match = /^([+-])(\d{2}):?(\d{2})?/.exec(text.slice(pos));
        if (!match) return fail();
        pos += match[0].length;
        fields.zoneText = match[0];
        fields.zone = parseTimeZone(`${match[1]}${match[2]}:${match[3] ?? '00'}`);
        value = 0;
        break;
      }
      case 'Z': {
        const match = /^([+-])(\d{1,4})/.exec(text.slice(pos));
        if (!match) return fail();
        pos += match[0].length;
        const minutes = Number(match[2]) * (match[1] === '-' ? -1 : 1);
        fields.zoneText = match[0];
        fields.zone = { isUtc: minutes === 0, offsetAt: () => minutes * 60000 };
        value = 0;
        break;
      }
      case '%':
        if (text[pos] !== '%') return fail();
        pos += 1;
        value = 0;
        break;
      default:
        return fail();
    }
    if (value === undefined) return fail();
  }
  if (pos !== text.length) return parseError(text, `${pos}: Trailing data`);
  return fields;
}
