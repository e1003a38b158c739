// Date expression operators
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/#date-expression-operators).
// Every calendar computation happens in the operator's timezone (UTC unless given).
import type { Document } from 'bson';
import { CommandError } from '../../errors';
import { bsonType, isPlainObject } from '../../bson/index';
import type { Evaluator, OperatorCompiler, Variables } from './compile';
import { describe } from './compile';
import { MONTH_NAMES, daysInMonth, isoWeekStart, parseDateString, validateDateFormat } from './date-parse';
import type { LocalParts, TimeZone } from './date-time';
import { dateMillis, evaluateTimeZone, isDateLike, isoParts, localParts, localToUtc, sundayWeek, timeZoneArgument, toTimeZone, utcFromLocal, utcMidnight } from './date-time';
import { isNullish, isNumberType, plainNumber, typeName, wholeNumber } from './values';


type PartName = 'year' | 'month' | 'dayOfMonth' | 'hour' | 'minute' | 'second' | 'millisecond' | 'dayOfYear' | 'dayOfWeek' | 'week' | 'isoWeek' | 'isoWeekYear' | 'isoDayOfWeek';

function extractPart(parts: LocalParts, part: PartName): number {
  switch (part) {
    case 'year':
      return parts.year;
    case 'month':
      return parts.month;
    case 'dayOfMonth':
      return parts.day;
    case 'hour':
      return parts.hour;
    case 'minute':
      return parts.minute;
    case 'second':
      return parts.second;
    case 'millisecond':
      return parts.millisecond;
    case 'dayOfYear':
      return parts.dayOfYear;
    case 'dayOfWeek':
      return parts.dayOfWeek;
    case 'week':
      return sundayWeek(parts);
    case 'isoWeek':
      return isoParts(parts).isoWeek;
    case 'isoWeekYear':
      return isoParts(parts).isoWeekYear;
    case 'isoDayOfWeek':
      return isoParts(parts).isoDayOfWeek;
  }
}

/** $year, $month...: `date`, `[date]` or `{ date, timezone }`. */
function datePart(part: PartName): OperatorCompiler {
  return (args, ctx, name) => {
    let dateOf: Evaluator;
    let zoneOf: Evaluator | undefined;
    if (isPlainObject(args) && !Object.keys(args)[0]?.startsWith('$') && Object.keys(args).length > 0) {
      for (const key of Object.keys(args)) {
        if (key !== 'date' && key !== 'timezone') throw new CommandError(40535, `unrecognized option to ${name}: "${key}"`);
      }
      if (!Object.hasOwn(args, 'date')) throw new CommandError(40539, `missing 'date' argument to ${name}, provided: ${describe(args)}`);
      dateOf = ctx.compile(args.date);
      if (Object.hasOwn(args, 'timezone')) zoneOf = ctx.compile(args.timezone);
    } else if (Array.isArray(args)) {
      if (args.length !== 1) {
        throw new CommandError(40536, `${name} accepts exactly one argument if given an array, but was given ${args.length}`);
      }
      dateOf = ctx.compile(args[0]);
    } else {
      dateOf = ctx.compile(args);
    }
    return (doc, vars) => {
      const date = dateOf(doc, vars);
      if (isNullish(date)) return null;
      const zone = evaluateTimeZone(zoneOf, doc, vars);
      if (zone === null) return null;
      return extractPart(localParts(dateMillis(date), zone), part);
    };
  };
}

/** Checks an object argument's fields and returns it. */
function objectArgs(args: unknown, name: string, allowed: readonly string[], notObjectCode: number, unknownCode: number): Document {
  if (!isPlainObject(args)) throw new CommandError(notObjectCode, `${name} only supports an object as its argument`);
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) throw new CommandError(unknownCode, `Unrecognized argument to ${name}: ${key}`);
  }
  return args;
}

const pad = (n: number, width: number): string => {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).padStart(width, '0');
};

export function formatDate(ms: number, format: string, zone: TimeZone): string {
  const parts = localParts(ms, zone);
  let out = '';
  for (let i = 0; i < format.length; i += 1) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const specifier = format[i + 1];
    i += 1;
    switch (specifier) {
      case 'b':
        out += (MONTH_NAMES[parts.month - 1] as string).slice(0, 3);
        break;
      case 'B':
        out += MONTH_NAMES[parts.month - 1] as string;
        break;
      case 'd':
        out += pad(parts.day, 2);
        break;
      case 'G':
        out += pad(isoParts(parts).isoWeekYear, 4);
        break;
      case 'H':
        out += pad(parts.hour, 2);
        break;
      case 'j':
        out += pad(parts.dayOfYear, 3);
        break;
      case 'L':
        out += pad(parts.millisecond, 3);
        break;
      case 'm':
        out += pad(parts.month, 2);
        break;
      case 'M':
        out += pad(parts.minute, 2);
        break;
      case 'S':
        out += pad(parts.second, 2);
        break;
      case 'u':
        out += String(isoParts(parts).isoDayOfWeek);
        break;
      case 'U':
        out += pad(sundayWeek(parts), 2);
        break;
      case 'V':
        out += pad(isoParts(parts).isoWeek, 2);
        break;
      case 'w':
        out += String(parts.dayOfWeek);
        break;
      case 'Y':
        out += pad(parts.year, 4);
        break;
      case 'z': {
        // Offsets with seconds (old local mean times) print truncated to the minute, as timelib does.
        const minutes = Math.trunc(parts.offsetMs / 60000);
        const sign = minutes < 0 ? '-' : '+';
        const abs = Math.abs(minutes);
        out += `${sign}${pad(Math.floor(abs / 60), 2)}${pad(abs % 60, 2)}`;
        break;
      }
      case 'Z': {
        // A plain signed number of minutes: "60", "-240", "0" (jstests/aggregation/expressions/date_to_string.js).
        out += String(Math.trunc(parts.offsetMs / 60000) + 0);
        break;
      }
      case '%':
        out += '%';
        break;
      default:
        throw new CommandError(18536, `Invalid format character '%${specifier ?? ''}' in format string`);
    }
  }
  return out;
}

const DEFAULT_FORMAT = '%Y-%m-%dT%H:%M:%S.%LZ';

const $dateToString: OperatorCompiler = (args, ctx, name) => {
  const spec = objectArgs(args, name, ['date', 'format', 'timezone', 'onNull'], 18629, 18534);
  if (!Object.hasOwn(spec, 'date')) throw new CommandError(18628, "Missing 'date' parameter to $dateToString");
  const dateOf = ctx.compile(spec.date);
  const formatOf = Object.hasOwn(spec, 'format') ? ctx.compile(spec.format) : undefined;
  const zoneOf = Object.hasOwn(spec, 'timezone') ? ctx.compile(spec.timezone) : undefined;
  const onNullOf = Object.hasOwn(spec, 'onNull') ? ctx.compile(spec.onNull) : undefined;
  if (typeof spec.format === 'string') validateDateFormat(spec.format);
  return (doc, vars) => {
    // mongod's order: the format is validated first, then the timezone is evaluated (an unknown one
    // is refused), a nullish date answers onNull, and only then do a nullish timezone or format give null.
    const date = dateOf(doc, vars);
    const formatValue = formatOf ? formatOf(doc, vars) : DEFAULT_FORMAT;
    if (!isNullish(formatValue)) {
      if (typeof formatValue !== 'string') {
        throw new CommandError(18533, `$dateToString requires that 'format' be a string, found: ${typeName(formatValue)} with value ${describe(formatValue)}`);
      }
      validateDateFormat(formatValue);
    }
    // The timezone is evaluated, and an unknown one refused, before a nullish date answers onNull.
    const zone = evaluateTimeZone(zoneOf, doc, vars);
    if (isNullish(date)) return onNullOf ? onNullOf(doc, vars) : null;
    if (zone === null || isNullish(formatValue)) return null;
    return formatDate(dateMillis(date), formatValue as string, zone);
  };
};

const $dateFromString: OperatorCompiler = (args, ctx) => {
  if (!isPlainObject(args)) throw new CommandError(40540, `$dateFromString only supports an object as an argument, found: ${typeName(args)}`);
  for (const key of Object.keys(args)) {
    if (!['dateString', 'format', 'timezone', 'onError', 'onNull'].includes(key)) {
      throw new CommandError(40541, `Unrecognized argument to $dateFromString: ${key}`);
    }
  }
  if (!Object.hasOwn(args, 'dateString')) throw new CommandError(40542, "Missing 'dateString' parameter to $dateFromString");
  const stringOf = ctx.compile(args.dateString);
  const formatOf = Object.hasOwn(args, 'format') ? ctx.compile(args.format) : undefined;
  const zoneOf = Object.hasOwn(args, 'timezone') ? ctx.compile(args.timezone) : undefined;
  const onErrorOf = Object.hasOwn(args, 'onError') ? ctx.compile(args.onError) : undefined;
  const onNullOf = Object.hasOwn(args, 'onNull') ? ctx.compile(args.onNull) : undefined;
  if (typeof args.format === 'string') validateDateFormat(args.format);
  return (doc, vars) => {
    // mongod's order: the format is validated, the timezone evaluated (an unknown one refused), a
    // nullish dateString answers onNull, a non-string one fails (onError applies), and only then
    // do a nullish timezone or format give null.
    const text = stringOf(doc, vars);
    const formatValue = formatOf ? formatOf(doc, vars) : undefined;
    if (!isNullish(formatValue)) {
      if (typeof formatValue !== 'string') {
        throw new CommandError(40684, `$dateFromString requires that 'format' be a string, found: ${typeName(formatValue)} with value ${describe(formatValue)}`);
      }
      validateDateFormat(formatValue);
    }
    const zone = evaluateTimeZone(zoneOf, doc, vars);
    if (isNullish(text)) return onNullOf ? onNullOf(doc, vars) : null;
    if (typeof text !== 'string') {
      if (onErrorOf) return onErrorOf(doc, vars);
      throw new CommandError('ConversionFailure', `$dateFromString requires that 'dateString' be a string, found: ${typeName(text)} with value ${describe(text)}`);
    }
    if (zone === null || (formatOf && isNullish(formatValue))) return null;
    const format = formatValue as string | undefined;
    const parsed = parseDateString(text, format, zoneOf ? zone : undefined);
    if (parsed instanceof Error) {
      if (onErrorOf) return onErrorOf(doc, vars);
      throw new CommandError('ConversionFailure', parsed.message);
    }
    return parsed;
  };
};

const $dateToParts: OperatorCompiler = (args, ctx, name) => {
  const spec = objectArgs(args, name, ['date', 'timezone', 'iso8601'], 40524, 40520);
  if (!Object.hasOwn(spec, 'date')) throw new CommandError(40522, "Missing 'date' parameter to $dateToParts");
  const dateOf = ctx.compile(spec.date);
  const zoneOf = Object.hasOwn(spec, 'timezone') ? ctx.compile(spec.timezone) : undefined;
  const isoOf = Object.hasOwn(spec, 'iso8601') ? ctx.compile(spec.iso8601) : undefined;
  return (doc, vars) => {
    // mongod's order: the timezone, then iso8601 (null, then type), then a nullish date.
    const date = dateOf(doc, vars);
    const zone = evaluateTimeZone(zoneOf, doc, vars);
    if (zone === null) return null;
    const iso = isoOf ? isoOf(doc, vars) : false;
    if (isNullish(iso)) return null;
    if (typeof iso !== 'boolean') throw new CommandError(40521, `iso8601 must evaluate to a bool, found ${typeName(iso)}`);
    if (isNullish(date)) return null;
    const parts = localParts(dateMillis(date), zone);
    const time = { hour: parts.hour, minute: parts.minute, second: parts.second, millisecond: parts.millisecond };
    if (iso) {
      const isoPart = isoParts(parts);
      return { isoWeekYear: isoPart.isoWeekYear, isoWeek: isoPart.isoWeek, isoDayOfWeek: isoPart.isoDayOfWeek, ...time };
    }
    return { year: parts.year, month: parts.month, day: parts.day, ...time };
  };
};

const NATURAL_FIELDS = ['year', 'month', 'day'];
const ISO_FIELDS = ['isoWeekYear', 'isoWeek', 'isoDayOfWeek'];
const TIME_FIELDS = ['hour', 'minute', 'second', 'millisecond'];

const $dateFromParts: OperatorCompiler = (args, ctx, name) => {
  const spec = objectArgs(args, name, [...NATURAL_FIELDS, ...ISO_FIELDS, ...TIME_FIELDS, 'timezone'], 40519, 40518);
  const natural = NATURAL_FIELDS.some((field) => Object.hasOwn(spec, field));
  const iso = ISO_FIELDS.some((field) => Object.hasOwn(spec, field));
  if (natural && iso) throw new CommandError(40489, '$dateFromParts does not allow mixing natural dates with ISO dates');
  if (!Object.hasOwn(spec, 'year') && !Object.hasOwn(spec, 'isoWeekYear')) {
    throw new CommandError(40516, "$dateFromParts requires either 'year' or 'isoWeekYear' to be present");
  }
  const compileFields = (fields: readonly string[]) =>
    fields.map((field) => [field, Object.hasOwn(spec, field) ? ctx.compile(spec[field]) : undefined] as const);
  const timeFields = compileFields(TIME_FIELDS);
  const dateFields = compileFields(iso ? ISO_FIELDS : NATURAL_FIELDS);
  const zoneOf = Object.hasOwn(spec, 'timezone') ? ctx.compile(spec.timezone) : undefined;
  /** Reads fields in order; false as soon as one is null or missing (mongod stops there). */
  const readFields = (fields: typeof timeFields, values: Record<string, number>, doc: Document, vars: Variables): boolean => {
    for (const [field, evaluate] of fields) {
      if (!evaluate) {
        values[field] = field === 'month' || field === 'day' || field === 'isoWeek' || field === 'isoDayOfWeek' ? 1 : 0;
        continue;
      }
      const value = evaluate(doc, vars);
      if (isNullish(value)) return false;
      values[field] = readPart(field, value);
    }
    return true;
  };
  return (doc, vars) => {
    // mongod's order: the time fields, then the timezone, then the date fields.
    const values: Record<string, number> = {};
    if (!readFields(timeFields, values, doc, vars)) return null;
    const zone = evaluateTimeZone(zoneOf, doc, vars);
    if (zone === null) return null;
    if (!readFields(dateFields, values, doc, vars)) return null;
    checkYear(iso ? 'isoWeekYear' : 'year', values[iso ? 'isoWeekYear' : 'year'] ?? 0);
    const time = (values.hour ?? 0) * 3600000 + (values.minute ?? 0) * 60000 + (values.second ?? 0) * 1000 + (values.millisecond ?? 0);
    let local: number;
    if (iso) {
      local = isoWeekStart(values.isoWeekYear ?? 0) + ((values.isoWeek ?? 1) - 1) * 7 * 86400000 + ((values.isoDayOfWeek ?? 1) - 1) * 86400000;
    } else {
      local = utcMidnight(values.year ?? 0, (values.month ?? 1) - 1, values.day ?? 1);
    }
    return new Date(localToUtc(local + time, zone));
  };
};

function readPart(field: string, value: unknown): number {
  const type = bsonType(value);
  const whole = isNumberType(type) ? wholeNumber(value) : undefined;
  if (whole === undefined) {
    throw new CommandError(40515, `'${field}' must evaluate to an integer, found ${typeName(value)} with value ${describe(value)}`);
  }
  const n = Number(whole);
  // Only these parts are bounded; seconds and milliseconds may be any 64-bit integer.
  if (['month', 'day', 'hour', 'minute', 'isoWeek', 'isoDayOfWeek'].includes(field) && (n < -32768 || n > 32767)) {
    throw new CommandError(31034, `'${field}' must evaluate to a value in the range [-32768, 32767]; value ${n} is not in range`);
  }
  return n;
}

/** The year is range-checked after every part has been read. */
function checkYear(field: 'year' | 'isoWeekYear', year: number): void {
  if (year < 1 || year > 9999) {
    throw new CommandError(field === 'year' ? 40523 : 31095, `'${field}' must evaluate to an integer in the range 1 to 9999, found ${year}`);
  }
}

type Unit = 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond';
const UNITS: ReadonlySet<string> = new Set<Unit>(['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond']);
const FIXED_UNIT_MS: Partial<Record<Unit, number>> = { hour: 3600000, minute: 60000, second: 1000, millisecond: 1 };

/**
 * $dateAdd/$dateSubtract wrap the parse failure (FailedToParse); $dateDiff and $dateTrunc report
 * 5439014 (jstests/aggregation/expressions/date_diff.js).
 */
function readUnit(value: unknown, name: string, unknownCode?: number): Unit {
  // $dateAdd/$dateSubtract report a non-string unit as 5166404 (jstests/aggregation/expressions/date_add_subtract.js).
  if (typeof value !== 'string') throw new CommandError(unknownCode === undefined ? 5166404 : 5439013, `${name} requires 'unit' to be a string, but got ${typeName(value)}`);
  if (!UNITS.has(value)) {
    if (unknownCode !== undefined) {
      throw new CommandError(unknownCode, `${name} parameter 'unit' value cannot be recognized as a time unit: ${value}`);
    }
    throw new CommandError('FailedToParse', `${name} parameter 'unit' value parsing failed :: caused by :: unknown time unit value: ${value}`);
  }
  return value as Unit;
}

const DAYS_OF_WEEK = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** startOfWeek: full or three-letter day name, any case; returns 0 for Sunday ... 6 for Saturday. */
function readStartOfWeek(value: unknown, name: string): number {
  if (typeof value !== 'string') throw new CommandError(5439015, `${name} requires 'startOfWeek' to be a string, but got ${typeName(value)}`);
  const lowered = value.toLowerCase();
  const index = DAYS_OF_WEEK.findIndex((day) => day === lowered || day.slice(0, 3) === lowered);
  if (index < 0) throw new CommandError(5439016, `${name} parameter 'startOfWeek' value cannot be recognized as a day of a week: ${value}`);
  return index;
}

/** Adds `amount` units to an instant, in local time for calendar units (mongod's dateAdd). */
export function addToDate(ms: number, unit: Unit, amount: number, zone: TimeZone): number {
  const fixed = FIXED_UNIT_MS[unit];
  if (fixed !== undefined) return ms + amount * fixed;
  const parts = localParts(ms, zone);
  const timeOfDay = ((parts.hour * 60 + parts.minute) * 60 + parts.second) * 1000 + parts.millisecond;
  if (unit === 'day' || unit === 'week') {
    const days = unit === 'day' ? amount : amount * 7;
    const local = utcMidnight(parts.year, parts.month - 1, parts.day + days) + timeOfDay;
    return localToUtc(local, zone);
  }
  const months = unit === 'year' ? amount * 12 : unit === 'quarter' ? amount * 3 : amount;
  const totalMonths = parts.year * 12 + (parts.month - 1) + months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12 + 1;
  // Adding months keeps the day of month, clamped to the last day of the target month.
  const day = Math.min(parts.day, daysInMonth(year, month));
  return utcFromLocal(zone, year, month, day, parts.hour, parts.minute, parts.second, parts.millisecond);
}

function dateArithmetic(sign: 1 | -1): OperatorCompiler {
  return (args, ctx, name) => {
    if (!isPlainObject(args)) throw new CommandError(5166400, `${name} expects an object as its argument`);
    for (const key of Object.keys(args)) {
      if (!['startDate', 'unit', 'amount', 'timezone'].includes(key)) throw new CommandError(5166401, `Unrecognized argument to ${name}: ${key}`);
    }
    for (const key of ['startDate', 'unit', 'amount']) {
      if (!Object.hasOwn(args, key)) throw new CommandError(5166402, `${name} requires startDate, unit, and amount to be present`);
    }
    const startOf = ctx.compile(args.startDate);
    const unitOf = ctx.compile(args.unit);
    const amountOf = ctx.compile(args.amount);
    const zoneOf = Object.hasOwn(args, 'timezone') ? ctx.compile(args.timezone) : undefined;
    return (doc, vars) => {
      // mongod's order: startDate, unit (parsed at once), amount, timezone, then the type checks.
      const start = startOf(doc, vars);
      if (isNullish(start)) return null;
      const unit = unitOf(doc, vars);
      if (isNullish(unit)) return null;
      const units = readUnit(unit, name);
      const amount = amountOf(doc, vars);
      if (isNullish(amount)) return null;
      const zone = evaluateTimeZone(zoneOf, doc, vars);
      if (zone === null) return null;
      if (!isDateLike(start)) throw new CommandError(5166403, `${name} requires startDate to be convertible to a date`);
      const whole = isNumberType(bsonType(amount)) ? wholeNumber(amount) : undefined;
      if (whole === undefined) throw new CommandError(5166405, `${name} expects integer amount of time units`);
      const result = addToDate(dateMillis(start), units, sign * Number(whole), zone);
      if (!Number.isFinite(result) || Math.abs(result) > 8.64e15) throw new CommandError(5166406, `${name} overflowed`);
      return new Date(result);
    };
  };
}

/** Number of unit boundaries crossed from start to end (mongod's dateDiff), as a long. */
export function dateDifference(start: number, end: number, unit: Unit, zone: TimeZone, startOfWeek: number): bigint {
  const fixed = FIXED_UNIT_MS[unit];
  if (unit === 'millisecond') return BigInt(end - start);
  if (fixed !== undefined) {
    // Boundaries are counted on local time, so a half-hour zone counts hours at :30 UTC.
    const a = start + zone.offsetAt(start);
    const b = end + zone.offsetAt(end);
    return BigInt(Math.floor(b / fixed) - Math.floor(a / fixed));
  }
  const p = localParts(start, zone);
  const q = localParts(end, zone);
  switch (unit) {
    case 'year':
      return BigInt(q.year - p.year);
    case 'quarter':
      return BigInt(q.year * 4 + Math.floor((q.month - 1) / 3) - (p.year * 4 + Math.floor((p.month - 1) / 3)));
    case 'month':
      return BigInt(q.year * 12 + q.month - (p.year * 12 + p.month));
    case 'week': {
      const dayA = Math.floor(utcMidnight(p.year, p.month - 1, p.day) / 86400000);
      const dayB = Math.floor(utcMidnight(q.year, q.month - 1, q.day) / 86400000);
      // 1970-01-01 was a Thursday (day 4 counting from Sunday).
      const weekOf = (day: number): number => Math.floor((day + 4 - startOfWeek + 7) / 7);
      return BigInt(weekOf(dayB) - weekOf(dayA));
    }
    default: {
      const dayA = Math.floor(utcMidnight(p.year, p.month - 1, p.day) / 86400000);
      const dayB = Math.floor(utcMidnight(q.year, q.month - 1, q.day) / 86400000);
      return BigInt(dayB - dayA);
    }
  }
}

const $dateDiff: OperatorCompiler = (args, ctx, name) => {
  if (!isPlainObject(args)) throw new CommandError(5166301, `${name} only supports an object as its argument`);
  for (const key of Object.keys(args)) {
    if (!['startDate', 'endDate', 'unit', 'timezone', 'startOfWeek'].includes(key)) {
      throw new CommandError(5166302, `Unrecognized argument to ${name}: ${key}`);
    }
  }
  if (!Object.hasOwn(args, 'startDate')) throw new CommandError(5166303, `Missing 'startDate' parameter to ${name}`);
  if (!Object.hasOwn(args, 'endDate')) throw new CommandError(5166304, `Missing 'endDate' parameter to ${name}`);
  if (!Object.hasOwn(args, 'unit')) throw new CommandError(5166305, `Missing 'unit' parameter to ${name}`);
  const startOf = ctx.compile(args.startDate);
  const endOf = ctx.compile(args.endDate);
  const unitOf = ctx.compile(args.unit);
  const zoneOf = Object.hasOwn(args, 'timezone') ? ctx.compile(args.timezone) : undefined;
  const weekOf = Object.hasOwn(args, 'startOfWeek') ? ctx.compile(args.startOfWeek) : undefined;
  return (doc, vars) => {
    // Every nullish argument gives null before any argument is validated (jstests/aggregation/expressions/date_diff.js).
    const start = startOf(doc, vars);
    const end = endOf(doc, vars);
    const unit = unitOf(doc, vars);
    const zoneValue = timeZoneArgument(zoneOf, doc, vars);
    if (isNullish(start) || isNullish(end) || isNullish(unit) || isNullish(zoneValue)) return null;
    const weekValue = unit === 'week' && weekOf ? weekOf(doc, vars) : undefined;
    if (weekOf && unit === 'week' && isNullish(weekValue)) return null;
    const units = readUnit(unit, name, 5439014);
    const startOfWeek = units === 'week' && weekValue !== undefined ? readStartOfWeek(weekValue, name) : 0;
    const zone = toTimeZone(zoneValue);
    if (!isDateLike(start)) throw new CommandError(5166307, `${name} requires 'startDate' to be a date, but got ${typeName(start)}`);
    if (!isDateLike(end)) throw new CommandError(5166307, `${name} requires 'endDate' to be a date, but got ${typeName(end)}`);
    return dateDifference(dateMillis(start), dateMillis(end), units, zone, startOfWeek);
  };
};

/** The reference instant bins count from: 2000-01-01T00:00 local (weeks: the first startOfWeek day after it). */
export function truncateDate(ms: number, unit: Unit, binSize: number, zone: TimeZone, startOfWeek: number): number {
  const parts = localParts(ms, zone);
  const local = ms + parts.offsetMs;
  if (unit === 'year' || unit === 'quarter' || unit === 'month') {
    const monthsPerUnit = unit === 'year' ? 12 : unit === 'quarter' ? 3 : 1;
    const monthsSince2000 = (parts.year - 2000) * 12 + (parts.month - 1);
    const binMonths = monthsPerUnit * binSize;
    const binStart = Math.floor(monthsSince2000 / binMonths) * binMonths;
    const year = 2000 + Math.floor(binStart / 12);
    const month = binStart - (year - 2000) * 12 + 1;
    return utcFromLocal(zone, year, month, 1);
  }
  let reference = utcMidnight(2000, 0, 1);
  let size: number;
  if (unit === 'week') {
    // 2000-01-01 was a Saturday (6).
    reference += ((startOfWeek - 6 + 7) % 7) * 86400000;
    size = 7 * 86400000 * binSize;
  } else if (unit === 'day') {
    size = 86400000 * binSize;
  } else {
    size = (FIXED_UNIT_MS[unit] as number) * binSize;
  }
  const truncatedLocal = reference + Math.floor((local - reference) / size) * size;
  if (unit === 'week' || unit === 'day') return localToUtc(truncatedLocal, zone);
  return truncatedLocal - parts.offsetMs;
}

const $dateTrunc: OperatorCompiler = (args, ctx, name) => {
  if (!isPlainObject(args)) throw new CommandError(5439007, `${name} only accepts an object as its argument`);
  for (const key of Object.keys(args)) {
    if (!['date', 'unit', 'binSize', 'timezone', 'startOfWeek'].includes(key)) {
      throw new CommandError(5439008, `Unrecognized argument to ${name}: ${key}. Expected arguments are date, unit, and optionally, binSize, timezone, startOfWeek`);
    }
  }
  if (!Object.hasOwn(args, 'date')) throw new CommandError(5439009, `Missing 'date' parameter to ${name}`);
  if (!Object.hasOwn(args, 'unit')) throw new CommandError(5439010, `Missing 'unit' parameter to ${name}`);
  const dateOf = ctx.compile(args.date);
  const unitOf = ctx.compile(args.unit);
  const binOf = Object.hasOwn(args, 'binSize') ? ctx.compile(args.binSize) : undefined;
  const zoneOf = Object.hasOwn(args, 'timezone') ? ctx.compile(args.timezone) : undefined;
  const weekOf = Object.hasOwn(args, 'startOfWeek') ? ctx.compile(args.startOfWeek) : undefined;
  return (doc, vars) => {
    const date = dateOf(doc, vars);
    const unit = unitOf(doc, vars);
    const bin = binOf ? binOf(doc, vars) : 1;
    const zoneValue = timeZoneArgument(zoneOf, doc, vars);
    if (isNullish(date) || isNullish(unit) || isNullish(bin) || isNullish(zoneValue)) return null;
    const weekValue = unit === 'week' && weekOf ? weekOf(doc, vars) : undefined;
    if (weekOf && unit === 'week' && isNullish(weekValue)) return null;
    if (!isDateLike(date)) {
      throw new CommandError(5439012, `${name} requires 'date' to be a date, but got ${typeName(date)}`);
    }
    const units = readUnit(unit, name, 5439014);
    const zone = toTimeZone(zoneValue);
    const startOfWeek = units === 'week' && weekValue !== undefined ? readStartOfWeek(weekValue, name) : 0;
    const whole = isNumberType(bsonType(bin)) ? wholeNumber(bin) : undefined;
    if (whole === undefined) {
      throw new CommandError(5439017, `${name} requires 'binSize' to be a 64-bit integer, but got value '${describe(isNumberType(bsonType(bin)) ? plainNumber(bin) : bin)}' of type ${typeName(bin)}`);
    }
    if (whole <= 0n) throw new CommandError(5439018, `${name} requires 'binSize' to be greater than 0, but got value ${whole}`);
    return new Date(truncateDate(dateMillis(date), units, Number(whole), zone, startOfWeek));
  };
};

export const dateOperators: Record<string, OperatorCompiler> = {
  $dateAdd: dateArithmetic(1),
  $dateDiff,
  $dateFromParts,
  $dateFromString,
  $dateSubtract: dateArithmetic(-1),
  $dateToParts,
  $dateToString,
  $dateTrunc,
  $dayOfMonth: datePart('dayOfMonth'),
  $dayOfWeek: datePart('dayOfWeek'),
  $dayOfYear: datePart('dayOfYear'),
  $hour: datePart('hour'),
  $isoDayOfWeek: datePart('isoDayOfWeek'),
  $isoWeek: datePart('isoWeek'),
  $isoWeekYear: datePart('isoWeekYear'),
  $millisecond: datePart('millisecond'),
  $minute: datePart('minute'),
  $month: datePart('month'),
  $second: datePart('second'),
  $week: datePart('week'),
  $year: datePart('year'),
};
