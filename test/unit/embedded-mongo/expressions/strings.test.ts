import assert from 'node:assert/strict';
import { BSONRegExp } from 'bson';
import { compileExpression } from '../../../../server/embedded-mongo/aggregate/expressions/index';
import { assertFails, evaluate } from './helpers';

describe('embedded-mongo expressions: string operators', () => {
  it('$concat joins strings and gives null for a null or missing part', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/concat/
    assert.equal(evaluate({ $concat: ['$item', ' - ', '$description'] }, { item: 'ABC1', description: 'product 1' }), 'ABC1 - product 1');
    assert.equal(evaluate({ $concat: ['a', '$missing'] }), null);
    assertFails(() => evaluate({ $concat: ['a', 1] }), 16702, '$concat only supports strings, not int');
  });

  it('$indexOfBytes counts UTF-8 bytes and $indexOfCP code points', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/indexOfBytes/ and indexOfCP/
    assert.equal(evaluate({ $indexOfBytes: ['cafeteria', 'e'] }), 3);
    assert.equal(evaluate({ $indexOfBytes: ['cafétéria', 'é'] }), 3);
    assert.equal(evaluate({ $indexOfBytes: ['cafétéria', 'e'] }), -1);
    assert.equal(evaluate({ $indexOfBytes: ['cafétéria', 't'] }), 5);
    assert.equal(evaluate({ $indexOfCP: ['cafétéria', 't'] }), 4);
    assert.equal(evaluate({ $indexOfCP: ['foo.bar.fi', '.', 5] }), 7);
    assert.equal(evaluate({ $indexOfCP: [null, 'a'] }), null);
    assertFails(() => evaluate({ $indexOfCP: ['abc', 1] }), 40094, '$indexOfCP requires a string as the second argument, found: int');
    // mongod's own wording, without a space before "requires".
    assertFails(() => evaluate({ $indexOfBytes: ['abc', 'b', 'x'] }), 40096, '$indexOfBytesrequires an integral starting index, found a value of type: string, with value: "x"');
  });

  it('$strLenBytes and $strLenCP measure bytes and code points', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/strLenBytes/ and strLenCP/
    assert.equal(evaluate({ $strLenBytes: 'cafétéria' }), 11);
    assert.equal(evaluate({ $strLenBytes: '寿司' }), 6);
    assert.equal(evaluate({ $strLenCP: 'cafétéria' }), 9);
    assert.equal(evaluate({ $strLenCP: '寿司' }), 2);
    assert.equal(evaluate({ $strLenCP: '😀' }), 1);
    assertFails(() => evaluate({ $strLenCP: '$missing' }), 34471, '$strLenCP requires a string argument, found: missing');
  });

  it('$substrBytes refuses to cut inside a UTF-8 character; $substrCP counts code points', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/substrBytes/ and substrCP/
    assert.equal(evaluate({ $substrBytes: ['winter2009', 0, 6] }), 'winter');
    assert.equal(evaluate({ $substrBytes: ['寿司', 0, 3] }), '寿');
    assertFails(() => evaluate({ $substrBytes: ['寿司', 1, 3] }), 28656);
    assertFails(() => evaluate({ $substrBytes: ['abc', -1, 1] }), 50752, '$substrBytes:  starting index must be non-negative (got: -1)');
    assert.equal(evaluate({ $substr: ['abcdef', 2, -1] }), 'cdef');
    assert.equal(evaluate({ $substrCP: ['寿司sushi', 0, 3] }), '寿司s');
    assert.equal(evaluate({ $substrCP: [null, 0, 3] }), '');
    assertFails(() => evaluate({ $substrCP: ['abc', -1, 1] }), 34455);
  });

  it('$toUpper and $toLower change ASCII letters; null becomes the empty string', () => {
    assert.equal(evaluate({ $toUpper: 'abc' }), 'ABC');
    assert.equal(evaluate({ $toLower: 'ABC é' }), 'abc é');
    assert.equal(evaluate({ $toLower: null }), '');
    assert.equal(evaluate({ $toUpper: 12 }), '12');
  });

  it('$strcasecmp compares case-insensitively', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/strcasecmp/
    assert.equal(evaluate({ $strcasecmp: ['13Q4', '13q4'] }), 0);
    assert.equal(evaluate({ $strcasecmp: ['13Q1', '13q4'] }), -1);
    assert.equal(evaluate({ $strcasecmp: ['14Q2', '13q4'] }), 1);
  });

  it('$trim, $ltrim and $rtrim remove whitespace or the given characters', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/trim/
    assert.equal(evaluate({ $trim: { input: ' \n ggr 1 \t' } }), 'ggr 1');
    assert.equal(evaluate({ $ltrim: { input: '  a  ' } }), 'a  ');
    assert.equal(evaluate({ $rtrim: { input: '  a  ' } }), '  a');
    assert.equal(evaluate({ $trim: { input: 'xxabcxy', chars: 'xy' } }), 'abc');
    assert.equal(evaluate({ $trim: { input: '$missing' } }), null);
    assertFails(() => evaluate({ $trim: { input: 5 } }), 50699);
  });

  it('$split cuts at every separator', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/split/
    assert.deepEqual(evaluate({ $split: ['June-15-2013', '-'] }), ['June', '15', '2013']);
    assert.deepEqual(evaluate({ $split: ['abc', 'x'] }), ['abc']);
    assert.equal(evaluate({ $split: [null, '-'] }), null);
    assertFails(() => evaluate({ $split: ['abc', ''] }), 40087, '$split requires a non-empty separator');
  });

  it('$replaceOne replaces the first occurrence and $replaceAll every one', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/replaceOne/ and replaceAll/
    assert.equal(evaluate({ $replaceOne: { input: 'blue paint with blue paintbrush', find: 'blue', replacement: 'red' } }), 'red paint with blue paintbrush');
    assert.equal(evaluate({ $replaceAll: { input: 'blue paint with blue paintbrush', find: 'blue', replacement: 'red' } }), 'red paint with red paintbrush');
    assert.equal(evaluate({ $replaceAll: { input: null, find: 'a', replacement: 'b' } }), null);
    assertFails(() => evaluate({ $replaceOne: { input: 1, find: 'a', replacement: 'b' } }), 51746);
  });

  it('$regexMatch, $regexFind and $regexFindAll report matches with code point indexes and captures', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/regexFind/
    const description = 'Single LINE description.';
    assert.equal(evaluate({ $regexMatch: { input: description, regex: 'line', options: 'i' } }), true);
    assert.equal(evaluate({ $regexMatch: { input: description, regex: new BSONRegExp('line', '') } }), false);
    assert.deepEqual(evaluate({ $regexFind: { input: description, regex: new BSONRegExp('line', 'i') } }), { match: 'LINE', idx: 7, captures: [] });
    assert.deepEqual(evaluate({ $regexFind: { input: 'cafétéria', regex: 't(e)?' } }), { match: 't', idx: 4, captures: [null] });
    assert.deepEqual(evaluate({ $regexFindAll: { input: 'cat bat', regex: '(.)at' } }), [
      { match: 'cat', idx: 0, captures: ['c'] },
      { match: 'bat', idx: 4, captures: ['b'] },
    ]);
    assert.equal(evaluate({ $regexFind: { input: '$missing', regex: 'a' } }), null);
    assert.deepEqual(evaluate({ $regexFindAll: { input: null, regex: 'a' } }), []);
    assert.equal(evaluate({ $regexMatch: { input: 'ab', regex: 'a b # spaces ignored', options: 'x' } }), true);
    assertFails(() => evaluate({ $regexMatch: { input: 'a', regex: new BSONRegExp('a', 'i'), options: 'm' } }), 51107);
    assertFails(() => evaluate({ $regexMatch: { input: 'a', regex: new BSONRegExp('a', 'i'), options: '' } }), 51107);
    assertFails(() => evaluate({ $regexMatch: { input: 5, regex: null } }), 51104, "$regexMatch needs 'input' to be of type string");
  });

  it('$regexFindAll steps over empty matches and stops at the end of the input, as mongod does', () => {
    const all = evaluate({ $regexFindAll: { input: 'ab', regex: 'x*' } }) as Array<{ idx: number }>;
    assert.deepEqual(all.map((match) => match.idx), [0, 1]);
    assert.deepEqual(evaluate({ $regexFindAll: { input: '', regex: 'x*' } }), [{ match: '', idx: 0, captures: [] }]);
    assert.deepEqual(
      (evaluate({ $regexFindAll: { input: '寿司 sushi', regex: 's' } }) as Array<{ idx: number }>).map((match) => match.idx),
      [3, 5],
    );
    assertFails(() => compileExpression({ $regexMatch: { input: 'a' } }), 31023);
  });
});
