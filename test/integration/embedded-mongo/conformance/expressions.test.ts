// Aggregation expression operators as the manual documents them
// (reference/operator/aggregation/<name>), evaluated in $project over one known document.
import assert from 'node:assert/strict';
import type { Document } from 'mongodb';
import { useConformanceDatabase } from './harness';

const D = new Date('2024-03-15T10:20:30.456Z');
const DOC = { _id: 1, a: 5, b: 2, s: 'Hello', arr: [1, 2, 3], d: D, n: null, o: { x: 1 } };
const MISSING = Symbol('missing');

/** [expression, expected result, or MISSING when the field must be left out] */
const CASES: Array<[unknown, unknown]> = [
  // arithmetic
  [{ $add: ['$a', '$b'] }, 7],
  [{ $subtract: ['$a', '$b'] }, 3],
  [{ $multiply: ['$a', '$b'] }, 10],
  [{ $divide: ['$a', '$b'] }, 2.5],
  [{ $mod: ['$a', '$b'] }, 1],
  [{ $add: ['$a', null] }, null],
  [{ $add: ['$a', '$nosuch'] }, null],
  [{ $add: ['$d', 1000] }, new Date(D.getTime() + 1000)],
  [{ $subtract: [{ $add: ['$d', 1000] }, '$d'] }, 1000],
  [{ $subtract: ['$d', 1000] }, new Date(D.getTime() - 1000)],
  [{ $abs: -3 }, 3],
  [{ $ceil: 2.1 }, 3],
  [{ $floor: 2.9 }, 2],
  [{ $trunc: 2.9 }, 2],
  [{ $round: [2.5, 0] }, 2],
  [{ $round: [3.5, 0] }, 4],
  [{ $round: [1234.5678, 2] }, 1234.57],
  [{ $sqrt: 16 }, 4],
  [{ $pow: [2, 10] }, 1024],
  [{ $exp: 0 }, 1],
  [{ $ln: 1 }, 0],
  [{ $log10: 100 }, 2],
  [{ $log: [100, 10] }, 2],
  // comparison
  [{ $cmp: ['$a', '$b'] }, 1],
  [{ $cmp: ['$b', '$a'] }, -1],
  [{ $eq: ['$a', 5] }, true],
  [{ $ne: ['$a', 5] }, false],
  [{ $gt: ['$s', 5] }, true],
  [{ $lt: [null, 0] }, true],
  [{ $gte: ['$a', 5] }, true],
  [{ $lte: ['$b', 1] }, false],
  [{ $eq: [[1, 2], [1, 2]] }, true],
  [{ $eq: ['$nosuch', null] }, false],
  // boolean
  [{ $and: [true, 0] }, false],
  [{ $and: [] }, true],
  [{ $or: [false, null] }, false],
  [{ $or: [false, 'text'] }, true],
  [{ $not: [[]] }, false],
  [{ $not: [0] }, true],
  // conditional
  [{ $cond: [{ $gt: ['$a', 1] }, 'y', 'n'] }, 'y'],
  [{ $cond: { if: false, then: 1, else: 2 } }, 2],
  [{ $ifNull: ['$nosuch', 'dflt'] }, 'dflt'],
  [{ $ifNull: ['$n', 'dflt'] }, 'dflt'],
  [{ $ifNull: ['$n', '$nosuch', 'last'] }, 'last'],
  [{ $switch: { branches: [{ case: { $gt: ['$a', 10] }, then: 'big' }, { case: { $gt: ['$a', 1] }, then: 'mid' }], default: 'small' } }, 'mid'],
  // strings
  [{ $concat: ['$s', ' ', 'W'] }, 'Hello W'],
  [{ $concat: ['$s', null] }, null],
  [{ $substrCP: ['$s', 1, 3] }, 'ell'],
  [{ $toUpper: '$s' }, 'HELLO'],
  [{ $toLower: '$s' }, 'hello'],
  [{ $strLenCP: '$s' }, 5],
  [{ $strLenBytes: 'é' }, 2],
  [{ $strLenCP: 'é' }, 1],
  [{ $split: ['a,b', ','] }, ['a', 'b']],
  [{ $trim: { input: '  x ' } }, 'x'],
  [{ $ltrim: { input: 'xxy', chars: 'x' } }, 'y'],
  [{ $indexOfCP: ['$s', 'l'] }, 2],
  [{ $indexOfCP: ['$s', 'z'] }, -1],
  [{ $strcasecmp: ['a', 'A'] }, 0],
  [{ $regexMatch: { input: '$s', regex: '^h', options: 'i' } }, true],
  [{ $regexMatch: { input: '$s', regex: '^h' } }, false],
  [{ $regexFind: { input: '$s', regex: 'l+' } }, { match: 'll', idx: 2, captures: [] }],
  [{ $replaceAll: { input: 'aXbX', find: 'X', replacement: '-' } }, 'a-b-'],
  [{ $replaceOne: { input: 'aXbX', find: 'X', replacement: '-' } }, 'a-bX'],
  // arrays
  [{ $size: '$arr' }, 3],
  [{ $arrayElemAt: ['$arr', -1] }, 3],
  [{ $arrayElemAt: ['$arr', 5] }, MISSING],
  [{ $first: '$arr' }, 1],
  [{ $last: '$arr' }, 3],
  [{ $concatArrays: ['$arr', [4]] }, [1, 2, 3, 4]],
  [{ $filter: { input: '$arr', cond: { $gt: ['$$this', 1] } } }, [2, 3]],
  [{ $filter: { input: '$arr', as: 'v', cond: { $gt: ['$$v', 1] }, limit: 1 } }, [2]],
  [{ $map: { input: '$arr', as: 'x', in: { $multiply: ['$$x', 10] } } }, [10, 20, 30]],
  [{ $reduce: { input: '$arr', initialValue: 0, in: { $add: ['$$value', '$$this'] } } }, 6],
  [{ $in: [2, '$arr'] }, true],
  [{ $indexOfArray: ['$arr', 3] }, 2],
  [{ $isArray: ['$arr'] }, true],
  [{ $reverseArray: '$arr' }, [3, 2, 1]],
  [{ $slice: ['$arr', 2] }, [1, 2]],
  [{ $slice: ['$arr', -2] }, [2, 3]],
  [{ $slice: ['$arr', 1, 1] }, [2]],
  [{ $range: [0, 5, 2] }, [0, 2, 4]],
  [{ $zip: { inputs: [[1, 2], ['a', 'b']] } }, [[1, 'a'], [2, 'b']]],
  [{ $sortArray: { input: [3, 1, 2], sortBy: 1 } }, [1, 2, 3]],
  [{ $sortArray: { input: [{ k: 2 }, { k: 1 }], sortBy: { k: 1 } } }, [{ k: 1 }, { k: 2 }]],
  [{ $arrayToObject: [[['k', 'v']]] }, { k: 'v' }],
  [{ $objectToArray: '$o' }, [{ k: 'x', v: 1 }]],
  [{ $setIntersection: [[1, 2], [2, 3]] }, [2]],
  [{ $setDifference: [[1, 2], [2]] }, [1]],
  [{ $setEquals: [[1, 2], [2, 1, 2]] }, true],
  [{ $setIsSubset: [[1], [1, 2]] }, true],
  [{ $allElementsTrue: [[1, true]] }, true],
  [{ $anyElementTrue: [[0, false]] }, false],
  // types and conversion
  [{ $type: '$a' }, 'int'],
  [{ $type: '$nosuch' }, 'missing'],
  [{ $type: 2.5 }, 'double'],
  [{ $type: '$arr' }, 'array'],
  [{ $toString: 5 }, '5'],
  [{ $toInt: '42' }, 42],
  [{ $toDouble: '1.5' }, 1.5],
  [{ $toBool: 0 }, false],
  [{ $toLong: '$a' }, 5],
  [{ $toDate: '2024-01-02T00:00:00Z' }, new Date('2024-01-02T00:00:00Z')],
  [{ $convert: { input: 'x', to: 'int', onError: -1 } }, -1],
  [{ $convert: { input: null, to: 'int', onNull: 0 } }, 0],
  [{ $isNumber: '$a' }, true],
  [{ $isNumber: '$s' }, false],
  // dates (UTC unless a timezone is given)
  [{ $year: '$d' }, 2024],
  [{ $month: '$d' }, 3],
  [{ $dayOfMonth: '$d' }, 15],
  [{ $hour: '$d' }, 10],
  [{ $minute: '$d' }, 20],
  [{ $second: '$d' }, 30],
  [{ $millisecond: '$d' }, 456],
  [{ $dayOfWeek: '$d' }, 6],
  [{ $dayOfYear: '$d' }, 75],
  [{ $isoWeek: '$d' }, 11],
  [{ $hour: { date: '$d', timezone: 'America/New_York' } }, 6],
  [{ $dateToString: { format: '%Y-%m-%d', date: '$d' } }, '2024-03-15'],
  [{ $dateToString: { format: '%H:%M', date: '$d', timezone: '+02:00' } }, '12:20'],
  [{ $dateFromString: { dateString: '2024-01-02T03:04:05Z' } }, new Date('2024-01-02T03:04:05Z')],
  [{ $dateAdd: { startDate: '$d', unit: 'day', amount: 1 } }, new Date('2024-03-16T10:20:30.456Z')],
  [{ $dateDiff: { startDate: new Date('2024-01-01T00:00:00Z'), endDate: '$d', unit: 'day' } }, 74],
  [{ $dateTrunc: { date: '$d', unit: 'month' } }, new Date('2024-03-01T00:00:00Z')],
  // variables, literals, objects
  [{ $let: { vars: { x: 2 }, in: { $multiply: ['$$x', '$a'] } } }, 10],
  [{ $literal: '$a' }, '$a'],
  ['$$ROOT._id', 1],
  ['$$CURRENT.a', 5],
  ['$o.x', 1],
  ['$nosuch', MISSING],
  [{ $getField: 'a' }, 5],
  [{ $mergeObjects: [{ a: 1 }, { b: 2 }, { a: 3 }] }, { a: 3, b: 2 }],
];

describe('conformance: expressions', () => {
  const conf = useConformanceDatabase('expressions');

  beforeEach(async () => {
    await conf.coll().insertOne({ ...DOC } as Document);
  });

  for (const [expression, expected] of CASES) {
    it(`${JSON.stringify(expression)} → ${expected === MISSING ? '(missing)' : JSON.stringify(expected)}`, async () => {
      const [doc] = await conf.coll().aggregate([{ $project: { _id: 0, r: expression } }]).toArray();
      if (expected === MISSING) {
        assert.deepEqual(doc, {});
      } else {
        assert.deepEqual(doc?.r, expected);
      }
    });
  }
});
