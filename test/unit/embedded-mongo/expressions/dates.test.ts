import assert from 'node:assert/strict';
import { ObjectId, Timestamp } from 'bson';
import { compileExpression } from '../../../../server/embedded-mongo/aggregate/expressions/index';
import { assertFails, evaluate } from './helpers';

const utc = (text: string): Date => new Date(text);

describe('embedded-mongo expressions: date parts', () => {
  const date = utc('2014-01-01T08:15:39.736Z');

  it('reads calendar parts in UTC by default', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/year/ (and month, dayOfMonth, ...): 2014-01-01T08:15:39.736Z
    const parts = ['$year', '$month', '$dayOfMonth', '$hour', '$minute', '$second', '$millisecond', '$dayOfYear', '$dayOfWeek', '$week'];
    assert.deepEqual(
      parts.map((op) => evaluate({ [op]: '$date' }, { date })),
      [2014, 1, 1, 8, 15, 39, 736, 1, 4, 0],
    );
  });

  it('reads ISO week parts: 2016-01-01 is in week 53 of ISO year 2015, a Friday', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/isoWeek/
    const newYear = utc('2016-01-01T00:00:00Z');
    assert.equal(evaluate({ $isoWeek: newYear }), 53);
    assert.equal(evaluate({ $isoWeekYear: newYear }), 2015);
    assert.equal(evaluate({ $isoDayOfWeek: newYear }), 5);
  });

  it('reads parts in an Olson time zone or at a UTC offset', () => {
    assert.equal(evaluate({ $hour: { date, timezone: 'America/New_York' } }), 3);
    assert.equal(evaluate({ $hour: { date, timezone: '+05:30' } }), 13);
    assert.equal(evaluate({ $minute: { date, timezone: '+0530' } }), 45);
    assert.equal(evaluate({ $dayOfMonth: { date: utc('2014-01-01T02:00:00Z'), timezone: 'America/Los_Angeles' } }), 31);
    assertFails(() => evaluate({ $hour: { date, timezone: 'Mars/Olympus' } }), 40485, 'unrecognized time zone identifier: "Mars/Olympus"');
  });

  it('accepts a Timestamp or an ObjectId as a date, null for null, and refuses other types', () => {
    assert.equal(evaluate({ $year: new Timestamp({ t: 1500000000, i: 1 }) }), 2017);
    assert.equal(evaluate({ $year: ObjectId.createFromTime(1500000000) }), 2017);
    assert.equal(evaluate({ $year: '$missing' }), null);
    assert.equal(evaluate({ $year: [date] }), 2014);
    assertFails(() => evaluate({ $year: 'x' }), 16006, "can't convert from BSON type string to Date");
    assertFails(() => compileExpression({ $year: { date: 1, zone: 'UTC' } }), 40535);
  });
});

describe('embedded-mongo expressions: $dateToString', () => {
  const date = utc('2014-01-01T08:15:39.736Z');

  it('formats with every specifier, in a time zone', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/dateToString/ example
    const format = (fmt: string, timezone?: string): unknown => evaluate({ $dateToString: { format: fmt, date: '$date', ...(timezone ? { timezone } : {}) } }, { date });
    assert.equal(format('%Y-%m-%d'), '2014-01-01');
    assert.equal(format('%H:%M:%S:%L%z', 'America/New_York'), '03:15:39:736-0500');
    assert.equal(format('%H:%M:%S:%L%z', '+04:30'), '12:45:39:736+0430');
    assert.equal(format('%Z', 'America/New_York'), '-300');
    // %Z is a plain signed number of minutes, as mongod prints it (jstests/aggregation/expressions/date_to_string.js).
    assert.equal(format('%Z', '+04:30'), '270');
    assert.equal(format('%Z'), '0');
    assert.equal(format('%b', '+04:30'), 'Jan');
    assert.equal(format('%B', '+04:30'), 'January');
    assert.equal(format('%j %w %U %u %V %G %%'), '001 4 00 3 01 2014 %');
  });

  it('prints offsets of old local mean times truncated to the minute, and ISO and Sunday weeks', () => {
    // Cases from jstests/aggregation/expressions/date_to_string.js.
    const format = '%Y-%m-%d %H:%M:%S %z (%Z minutes)';
    assert.equal(evaluate({ $dateToString: { format, date: new Date('2017-07-04T14:56:42.911Z'), timezone: 'Australia/Eucla' } }), '2017-07-04 23:41:42 +0845 (525 minutes)');
    assert.equal(evaluate({ $dateToString: { format, date: new Date('1900-07-10T11:41:22.418Z'), timezone: 'America/Caracas' } }), '1900-07-10 07:13:42 -0427 (-267 minutes)');
    const weeks = 'Natural: %Y-W%w-%U, ISO: %G-W%u-%V';
    assert.equal(evaluate({ $dateToString: { format: weeks, date: new Date('2017-01-01T15:08:51.911Z') } }), 'Natural: 2017-W1-01, ISO: 2016-W7-52');
    assert.equal(evaluate({ $dateToString: { format: '%b (%B) %d, %Y', date: new Date('2017-07-04T15:09:12.911Z') } }), 'Jul (July) 04, 2017');
  });

  it('gives null when the timezone argument is null or missing', () => {
    const date = new Date('2017-01-04T15:08:51.911Z');
    assert.equal(evaluate({ $dateToString: { date, timezone: '$timezone' } }), null);
    assert.equal(evaluate({ $hour: { date, timezone: null } }), null);
    assert.equal(evaluate({ $dateToString: { date, timezone: 'America/New_York' } }), '2017-01-04T10:08:51.911Z');
    assertFails(() => evaluate({ $dateToString: { date, timezone: 5 } }), 40517);
  });

  it('uses the default format without one, and onNull for a null date', () => {
    assert.equal(evaluate({ $dateToString: { date } }), '2014-01-01T08:15:39.736Z');
    assert.equal(evaluate({ $dateToString: { date: '$missing', onNull: 'none' } }), 'none');
    assert.equal(evaluate({ $dateToString: { date: null } }), null);
  });

  it('refuses unknown specifiers and arguments', () => {
    assertFails(() => compileExpression({ $dateToString: { date, format: '%Q' } }), 18536, "Invalid format character '%Q' in format string");
    assertFails(() => compileExpression({ $dateToString: { date, format: 'abc%' } }), 18535);
    assertFails(() => compileExpression({ $dateToString: { date, foo: 1 } }), 18534, 'Unrecognized argument to $dateToString: foo');
    assertFails(() => compileExpression({ $dateToString: { format: '%Y' } }), 18628);
  });
});

describe('embedded-mongo expressions: building and parsing dates', () => {
  it('$dateFromParts builds natural and ISO dates, carrying overflowing fields', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/dateFromParts/
    assert.deepEqual(evaluate({ $dateFromParts: { year: 2017, month: 2, day: 8, hour: 12 } }), utc('2017-02-08T12:00:00Z'));
    assert.deepEqual(evaluate({ $dateFromParts: { year: 2017, month: 2, day: 8, hour: 12, timezone: 'America/New_York' } }), utc('2017-02-08T17:00:00Z'));
    assert.deepEqual(evaluate({ $dateFromParts: { isoWeekYear: 2017, isoWeek: 6, isoDayOfWeek: 3 } }), utc('2017-02-08T00:00:00Z'));
    assert.deepEqual(evaluate({ $dateFromParts: { year: 2017, month: 14, day: 1 } }), utc('2018-02-01T00:00:00Z'));
    assert.deepEqual(evaluate({ $dateFromParts: { year: 2017, month: 0, day: 1 } }), utc('2016-12-01T00:00:00Z'));
    assert.equal(evaluate({ $dateFromParts: { year: 2017, month: null } }), null);
    assertFails(() => compileExpression({ $dateFromParts: { year: 2017, isoWeek: 1 } }), 40489);
    assertFails(() => evaluate({ $dateFromParts: { year: 0 } }), 40523);
  });

  it('$dateFromString parses ISO strings, in a time zone, or with a format', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/dateFromString/
    assert.deepEqual(evaluate({ $dateFromString: { dateString: '2017-02-08T12:10:40.787', timezone: 'America/New_York' } }), utc('2017-02-08T17:10:40.787Z'));
    assert.deepEqual(evaluate({ $dateFromString: { dateString: '2017-02-08T12:10:40.787Z' } }), utc('2017-02-08T12:10:40.787Z'));
    assert.deepEqual(evaluate({ $dateFromString: { dateString: '2017-02-08 12:10:40+02:00' } }), utc('2017-02-08T10:10:40Z'));
    assert.deepEqual(evaluate({ $dateFromString: { dateString: '15-06-2018', format: '%d-%m-%Y' } }), utc('2018-06-15T00:00:00Z'));
    assert.deepEqual(evaluate({ $dateFromString: { dateString: '2018 Jun 15', format: '%Y %b %d' } }), utc('2018-06-15T00:00:00Z'));
  });

  it('$dateFromString reads the forms of jstests/aggregation/expressions/date_from_string.js', () => {
    const cases: Array<[string, string]> = [
      ['2017-07-04T11:56:02.81Z', '2017-07-04T11:56:02.810Z'],
      ['2017-07-04T11:56:02.8Z', '2017-07-04T11:56:02.800Z'],
      ['2017-07-04T11:56.02', '2017-07-04T11:56:02.000Z'],
      ['2017-07-04T11:56.02.813', '2017-07-04T11:56:02.813Z'],
      ['1960-07-10T12:10:37.448', '1960-07-10T12:10:37.448Z'],
    ];
    for (const [input, expected] of cases) assert.deepEqual(evaluate({ $dateFromString: { dateString: input } }), utc(expected), input);
  });

  it('$dateFromString answers onNull and onError, or fails with ConversionFailure', () => {
    assert.equal(evaluate({ $dateFromString: { dateString: '$missing', onNull: 'none' } }), 'none');
    assert.equal(evaluate({ $dateFromString: { dateString: 'not a date', onError: 'bad' } }), 'bad');
    assertFails(() => evaluate({ $dateFromString: { dateString: 'not a date' } }), 241, /^Error parsing date string 'not a date'/);
    assertFails(() => evaluate({ $dateFromString: { dateString: '2017-02-08T12:10:40Z', timezone: 'Europe/London' } }), 241);
  });

  it('$dateToParts splits a date, in ISO parts on request', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/dateToParts/
    const date = utc('2017-01-01T01:29:09.123Z');
    assert.deepEqual(evaluate({ $dateToParts: { date } }), { year: 2017, month: 1, day: 1, hour: 1, minute: 29, second: 9, millisecond: 123 });
    assert.deepEqual(evaluate({ $dateToParts: { date, timezone: 'America/New_York', iso8601: true } }), {
      isoWeekYear: 2016,
      isoWeek: 52,
      isoDayOfWeek: 6,
      hour: 20,
      minute: 29,
      second: 9,
      millisecond: 123,
    });
    assertFails(() => evaluate({ $dateToParts: { date, iso8601: 1 } }), 40521);
  });
});

describe('embedded-mongo expressions: date arithmetic', () => {
  it('$dateAdd adds calendar units in local time and clamps to the end of the month', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/dateAdd/
    assert.deepEqual(evaluate({ $dateAdd: { startDate: utc('2020-10-31T12:10:05Z'), unit: 'day', amount: 3 } }), utc('2020-11-03T12:10:05Z'));
    assert.deepEqual(evaluate({ $dateAdd: { startDate: utc('2020-01-31T00:00:00Z'), unit: 'month', amount: 1 } }), utc('2020-02-29T00:00:00Z'));
    assert.deepEqual(evaluate({ $dateAdd: { startDate: utc('2020-01-31T00:00:00Z'), unit: 'quarter', amount: 1 } }), utc('2020-04-30T00:00:00Z'));
    assert.deepEqual(evaluate({ $dateAdd: { startDate: utc('2020-01-01T00:00:00Z'), unit: 'hour', amount: 25 } }), utc('2020-01-02T01:00:00Z'));
  });

  it('$dateAdd keeps the local time of day across a daylight saving change, unlike adding hours', () => {
    // 2021-03-14 is the US spring-forward day: 07:00 EST + 1 day is 07:00 EDT (11:00Z).
    const start = utc('2021-03-13T12:00:00Z');
    assert.deepEqual(evaluate({ $dateAdd: { startDate: start, unit: 'day', amount: 1, timezone: 'America/New_York' } }), utc('2021-03-14T11:00:00Z'));
    assert.deepEqual(evaluate({ $dateAdd: { startDate: start, unit: 'hour', amount: 24, timezone: 'America/New_York' } }), utc('2021-03-14T12:00:00Z'));
  });

  it('$dateAdd and $dateSubtract agree with the cases of jstests/aggregation/expressions/date_add_subtract.js', () => {
    const paris = { startDate: utc('2020-10-24T18:10:00Z'), timezone: 'Europe/Paris' };
    assert.deepEqual(evaluate({ $dateAdd: { ...paris, unit: 'hour', amount: 24 } }), utc('2020-10-25T18:10:00Z'));
    assert.deepEqual(evaluate({ $dateAdd: { ...paris, unit: 'day', amount: 1 } }), utc('2020-10-25T19:10:00Z'));
    assert.deepEqual(evaluate({ $dateAdd: { startDate: utc('2021-01-30T23:30:00Z'), unit: 'month', amount: 1, timezone: 'Europe/Paris' } }), utc('2021-02-27T23:30:00Z'));
    const nyEnd = { startDate: utc('2021-01-31T03:00:00Z'), unit: 'month', amount: 2 };
    assert.deepEqual(evaluate({ $dateSubtract: nyEnd }), utc('2020-11-30T03:00:00Z'));
    assert.deepEqual(evaluate({ $dateSubtract: { ...nyEnd, timezone: 'America/New_York' } }), utc('2020-12-01T03:00:00Z'));
    assert.deepEqual(evaluate({ $dateSubtract: { startDate: utc('2020-12-31T12:10:05Z'), unit: 'quarter', amount: 2 } }), utc('2020-06-30T12:10:05Z'));
    assertFails(() => evaluate({ $dateAdd: { startDate: utc('2020-12-31T12:10:05Z'), unit: 1, amount: 10 } }), 5166404);
    assertFails(() => evaluate({ $dateSubtract: { startDate: 'myBirthDate', unit: 'year', amount: 10 } }), 5166403);
    assertFails(() => compileExpression({ $dateAdd: { startDate: '$date', units: 'day', amount: 1 } }), 5166401);
    assertFails(() => compileExpression({ $dateAdd: { unit: 'second', amount: 120 } }), 5166402);
  });

  it('$dateSubtract subtracts units; null arguments give null', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/dateSubtract/
    assert.deepEqual(evaluate({ $dateSubtract: { startDate: utc('2021-03-31T12:00:00Z'), unit: 'month', amount: 1 } }), utc('2021-02-28T12:00:00Z'));
    assert.equal(evaluate({ $dateSubtract: { startDate: null, unit: 'day', amount: 1 } }), null);
    assertFails(() => evaluate({ $dateSubtract: { startDate: utc('2021-03-31T12:00:00Z'), unit: 'day', amount: 1.5 } }), 5166405);
    assertFails(
      () => evaluate({ $dateSubtract: { startDate: utc('2021-03-31T12:00:00Z'), unit: 'fortnight', amount: 1 } }),
      9,
      "$dateSubtract parameter 'unit' value parsing failed :: caused by :: unknown time unit value: fortnight",
    );
  });

  it('$dateDiff counts unit boundaries crossed, as a long', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/dateDiff/
    const diff = (start: string, end: string, unit: string, extra: object = {}): unknown =>
      evaluate({ $dateDiff: { startDate: utc(start), endDate: utc(end), unit, ...extra } });
    assert.equal(diff('2020-12-31T23:59:00Z', '2021-01-01T00:01:00Z', 'year'), 1n);
    assert.equal(diff('2021-01-01T00:00:00Z', '2021-01-03T23:00:00Z', 'day'), 2n);
    assert.equal(diff('2021-01-31T00:00:00Z', '2021-03-01T00:00:00Z', 'month'), 2n);
    assert.equal(diff('2021-01-01T00:00:00Z', '2021-01-10T00:00:00Z', 'week'), 2n);
    assert.equal(diff('2021-01-01T00:00:00Z', '2021-01-10T00:00:00Z', 'week', { startOfWeek: 'mon' }), 1n);
    assert.equal(diff('2021-01-01T10:59:59Z', '2021-01-01T11:00:00Z', 'hour'), 1n);
    assert.equal(diff('2021-01-02T00:00:00Z', '2021-01-01T00:00:00Z', 'day'), -1n);
  });

  it('$dateDiff checks every argument for null before validating any, and knows startOfWeek', () => {
    // Cases from jstests/aggregation/expressions/date_diff.js.
    const someDate = utc('2020-11-01T18:23:36Z');
    const diff = (spec: object): unknown => evaluate({ $dateDiff: spec });
    assert.equal(diff({ startDate: '$missing', endDate: 1, unit: 'century', timezone: 'INVALID' }), null);
    assert.equal(diff({ startDate: 1, endDate: 2, unit: 'century', timezone: '$missing' }), null);
    assert.equal(diff({ startDate: 1, endDate: 2, unit: 'week', timezone: 1, startOfWeek: '$missing' }), null);
    assert.equal(diff({ startDate: utc('2020-11-01T18:23:36Z'), endDate: utc('2020-11-02T00:00:00Z'), unit: 'hour', timezone: 'America/New_York', startOfWeek: 'IGNORED' }), 6n);
    assert.equal(diff({ startDate: utc('2021-01-24T18:23:36Z'), endDate: utc('2021-01-25T02:23:36Z'), unit: 'week', timezone: 'GMT', startOfWeek: 'MONDAY' }), 1n);
    assert.equal(diff({ startDate: utc('2021-01-24T18:23:36Z'), endDate: utc('2021-01-25T02:23:36Z'), unit: 'week' }), 0n);
    assert.equal(diff({ startDate: utc('2021-01-17T05:00:00Z'), endDate: utc('2021-01-17T04:59:00Z'), unit: 'week', timezone: 'America/New_York', startOfWeek: 'sunday' }), -1n);
    assertFails(() => diff({ startDate: 'string', endDate: someDate, unit: 'hour' }), 5166307, "$dateDiff requires 'startDate' to be a date, but got string");
    assertFails(() => diff({ startDate: someDate, endDate: someDate, unit: 5 }), 5439013);
    assertFails(() => diff({ startDate: someDate, endDate: someDate, unit: 'decade' }), 5439014);
    assertFails(() => diff({ startDate: someDate, endDate: someDate, unit: 'hour', timezone: 1 }), 40517);
    assertFails(() => diff({ startDate: someDate, endDate: someDate, unit: 'hour', timezone: 'America/Invalid' }), 40485);
    assertFails(() => diff({ startDate: someDate, endDate: someDate, unit: 'week', startOfWeek: 'FRIDIE' }), 5439016);
    assert.equal(diff({ startDate: someDate, endDate: someDate, unit: 'hour', startOfWeek: 1 }), 0n);
  });

  it('$dateTrunc agrees with the cases of jstests/aggregation/expressions/date_trunc.js', () => {
    const trunc = (spec: object): unknown => evaluate({ $dateTrunc: spec });
    assert.deepEqual(trunc({ date: utc('2021-12-01T18:23:36Z'), unit: 'hour', binSize: 4, timezone: 'America/New_York', startOfWeek: 'IGNORED' }), utc('2021-12-01T17:00:00Z'));
    assert.deepEqual(trunc({ date: utc('2021-02-15T18:23:36Z'), unit: 'week' }), utc('2021-02-14T00:00:00Z'));
    assert.deepEqual(trunc({ date: utc('2000-01-30T18:00:00Z'), unit: 'week', binSize: 2, timezone: 'America/New_York', startOfWeek: 'mon' }), utc('2000-01-17T05:00:00Z'));
    assert.deepEqual(trunc({ date: new ObjectId('507c7f79bcf86cd7994f6c0e'), unit: 'minute', binSize: 10 }), utc('2012-10-15T21:20:00Z'));
    assert.deepEqual(trunc({ date: new Timestamp({ t: 1350336377, i: 0 }), unit: 'second', binSize: 10 }), utc('2012-10-15T21:26:10Z'));
    assert.equal(trunc({ date: '$missing', unit: 'H', binSize: 'string', timezone: 1 }), null);
    assert.equal(trunc({ date: 1, unit: 'week', binSize: '', timezone: 1, startOfWeek: '$missing' }), null);
    assertFails(() => trunc({ date: 'string', unit: 'hour' }), 5439012);
    assertFails(() => trunc({ date: utc('2020-01-30T18:59:00Z'), unit: 'century' }), 5439014);
  });

  it('$dateToString refuses an unknown time zone before answering onNull; date parts check the date first', () => {
    // mongod evaluates the timezone of $dateToString/$dateFromString before the nullish date check.
    assertFails(() => evaluate({ $dateToString: { date: null, timezone: 'Nowhere/Land', onNull: 'none' } }), 40485);
    assert.equal(evaluate({ $dateToString: { date: null, timezone: '$missing', onNull: 'none' } }), 'none');
    assert.equal(evaluate({ $dateFromString: { dateString: null, timezone: '$missing', onNull: 'none' } }), 'none');
    assert.equal(evaluate({ $year: { date: '$missing', timezone: 'Nowhere/Land' } }), null);
  });

  it('$dateFromParts reads time parts, then the timezone, then the date parts, and bounds only some of them', () => {
    assert.deepEqual(evaluate({ $dateFromParts: { year: 2017, second: 100000, millisecond: -1 } }), new Date(Date.UTC(2017, 0, 1, 0, 0, 100000, -1)));
    assertFails(() => evaluate({ $dateFromParts: { year: 2017, hour: 40000 } }), 31034, "'hour' must evaluate to a value in the range [-32768, 32767]; value 40000 is not in range");
    assertFails(() => evaluate({ $dateFromParts: { isoWeekYear: 0 } }), 31095, "'isoWeekYear' must evaluate to an integer in the range 1 to 9999, found 0");
    assertFails(() => evaluate({ $dateFromParts: { year: 2017, hour: 2.5 } }), 40515, "'hour' must evaluate to an integer, found double with value 2.5");
    assert.equal(evaluate({ $dateFromParts: { year: 0, hour: null } }), null);
  });

  it('$dateToParts checks iso8601 before a nullish date', () => {
    assertFails(() => evaluate({ $dateToParts: { date: null, iso8601: 5 } }), 40521);
    assert.equal(evaluate({ $dateToParts: { date: null, iso8601: true } }), null);
  });

  it('$dateTrunc truncates to bins counted from 2000-01-01 in the time zone', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/dateTrunc/
    const orderDate = utc('2020-05-18T14:10:30Z');
    const trunc = (extra: object): unknown => evaluate({ $dateTrunc: { date: orderDate, ...extra } });
    assert.deepEqual(trunc({ unit: 'week', binSize: 2, timezone: 'America/Los_Angeles', startOfWeek: 'Monday' }), utc('2020-05-11T07:00:00Z'));
    assert.deepEqual(trunc({ unit: 'month' }), utc('2020-05-01T00:00:00Z'));
    assert.deepEqual(trunc({ unit: 'quarter' }), utc('2020-04-01T00:00:00Z'));
    assert.deepEqual(trunc({ unit: 'year' }), utc('2020-01-01T00:00:00Z'));
    assert.deepEqual(trunc({ unit: 'hour', binSize: 4 }), utc('2020-05-18T12:00:00Z'));
    assert.deepEqual(trunc({ unit: 'day', timezone: '+05:30' }), utc('2020-05-17T18:30:00Z'));
    assertFails(() => trunc({ unit: 'day', binSize: 0 }), 5439018, "$dateTrunc requires 'binSize' to be greater than 0, but got value 0");
    assertFails(() => trunc({ unit: 'day', binSize: 1.5 }), 5439017);
  });
});
