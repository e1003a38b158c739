import assert from 'node:assert/strict';
import { Timestamp } from 'bson';
import { compileExpression } from '../../../../server/embedded-mongo/aggregate/expressions/index';
import { assertFails, evaluate } from './helpers';

describe('embedded-mongo expressions: forms every expression can take', () => {
  it('reads a dotted field path through subdocuments and is missing when a part is absent', () => {
    assert.equal(evaluate('$a.b.c', { a: { b: { c: 5 } } }), 5);
    assert.equal(evaluate('$a.x', { a: { b: 1 } }), undefined);
    assert.equal(evaluate('$a.b', { a: 3 }), undefined);
  });

  it('collects a path over an array of subdocuments, skipping elements without it, scalars and nested arrays', () => {
    // https://www.mongodb.com/docs/v7.0/core/expression/#field-paths: "$a.b" over an array of documents yields an array.
    const doc = { a: [{ b: 1 }, { c: 2 }, { b: 3 }, 7, [{ b: 4 }]] };
    assert.deepEqual(evaluate('$a.b', doc), [1, 3]);
    assert.deepEqual(evaluate('$a.b.c', { a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: { c: 3 } }] }), [[1, 2], 3]);
  });

  it('treats a numeric path part as a field name, never as an array index', () => {
    assert.deepEqual(evaluate('$a.0', { a: [10, 20] }), []);
    assert.equal(evaluate('$a.0', { a: { 0: 'zero' } }), 'zero');
  });

  it('evaluates expression objects in key order and drops keys whose value is missing', () => {
    const result = evaluate({ z: '$x', a: '$missing', m: { $add: [1, 1] } }, { x: 1 });
    assert.deepEqual(result, { z: 1, m: 2 });
    assert.deepEqual(Object.keys(result as object), ['z', 'm']);
  });

  it('turns a missing element of an array expression into null', () => {
    assert.deepEqual(evaluate(['$a', '$missing', 3], { a: 1 }), [1, null, 3]);
  });

  it('returns $literal arguments unparsed', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/literal/
    assert.deepEqual(evaluate({ $literal: { $add: [2, 3] } }), { $add: [2, 3] });
    assert.equal(evaluate({ $literal: '$1' }), '$1');
  });

  it('reads $$ROOT, $$CURRENT and $$REMOVE', () => {
    const doc = { a: 1 };
    assert.equal(evaluate('$$ROOT', doc), doc);
    assert.equal(evaluate('$$CURRENT.a', doc), 1);
    assert.equal(evaluate('$$REMOVE', doc), undefined);
    assert.deepEqual(evaluate({ a: '$$REMOVE', b: 1 }), { b: 1 });
  });

  it('reads $$NOW and $$CLUSTER_TIME from the variables the command supplies', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    const ts = new Timestamp({ t: 100, i: 1 });
    assert.equal(evaluate('$$NOW', {}, { NOW: now }), now);
    assert.equal(evaluate('$$CLUSTER_TIME', {}, { CLUSTER_TIME: ts }), ts);
  });

  it('refuses $$CLUSTER_TIME when the store has none, as a standalone mongod does', () => {
    assertFails(() => evaluate('$$CLUSTER_TIME'), 51144, "Builtin variable '$$CLUSTER_TIME' is not available");
  });

  it('reads variables defined by the command let when their names are declared', () => {
    const evaluator = compileExpression({ $add: ['$$bonus', '$x'] }, { variableNames: ['bonus'] });
    assert.equal(evaluator({ x: 1 }, { bonus: 10 }), 11);
  });

  it('refuses an undefined variable with 17276 when compiling', () => {
    assertFails(() => compileExpression('$$bonus'), 17276, 'Use of undefined variable: bonus');
    assertFails(() => compileExpression({ $let: { vars: { a: 1 }, in: '$$b' } }), 17276, 'Use of undefined variable: b');
  });

  it('refuses an unknown operator with 168 InvalidPipelineOperator', () => {
    assertFails(() => compileExpression({ $foo: 1 }), 168, "Unrecognized expression '$foo'");
  });

  it('refuses an operator object with more than one field with 15983', () => {
    assertFails(
      () => compileExpression({ $add: [1], $subtract: [1, 2] }),
      15983,
      'An object representing an expression must have exactly one field: { $add: [ 1 ], $subtract: [ 1, 2 ] }',
    );
  });

  it('refuses a $-prefixed field after a plain field in an expression object with 16410', () => {
    assertFails(() => compileExpression({ a: 1, $add: [1] }), 16410, /FieldPath field names may not start with '\$'/);
  });

  it('refuses "$" alone and empty path parts', () => {
    assertFails(() => compileExpression('$'), 16872);
    assertFails(() => compileExpression('$a..b'), 15998);
  });

  it('refuses variable names that cannot be user variables with FailedToParse', () => {
    // jstests/aggregation/expressions/let.js expects ErrorCodes.FailedToParse for each of these.
    assertFails(() => compileExpression({ $let: { vars: { Bad: 1 }, in: 1 } }), 9, "'Bad' starts with an invalid character for a user variable name");
    assertFails(() => compileExpression({ $let: { vars: { ROOT: 1 }, in: '$$ROOT' } }), 9);
    assertFails(() => compileExpression({ $let: { vars: { _underbar: 1 }, in: 1 } }), 9);
    assertFails(() => compileExpression({ $let: { vars: { 'a.b': 1 }, in: 1 } }), 9);
    assertFails(() => compileExpression({ $let: { vars: { 'a-b': 1 }, in: 1 } }), 9, /contains an invalid character for a variable name: '-'/);
    assertFails(() => compileExpression('$$_underbar'), 9);
    assertFails(() => compileExpression('$$with spaces'), 9);
  });

  it('refuses server-side JavaScript and $meta with NotImplemented', () => {
    assertFails(() => compileExpression({ $function: { body: 'x', args: [], lang: 'js' } }), 238, /JavaScript/);
    assertFails(() => compileExpression({ $meta: 'textScore' }), 238);
    // Not expressions in mongod either: an accumulator and a query operator.
    assertFails(() => compileExpression({ $accumulator: {} }), 168, "Unrecognized expression '$accumulator'");
    assertFails(() => compileExpression({ $where: 'true' }), 168, "Unrecognized expression '$where'");
  });
});

describe('embedded-mongo expressions: $let', () => {
  it('binds variables for its body only, evaluating them in the outer scope', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/let/ example: total with tax.
    const doc = { price: 10, tax: 0.5, applyDiscount: true };
    const expression = {
      $let: {
        vars: { total: { $add: ['$price', '$tax'] }, discounted: { $cond: { if: '$applyDiscount', then: 0.9, else: 1 } } },
        in: { $multiply: ['$$total', '$$discounted'] },
      },
    };
    assert.equal(evaluate(expression, doc), 9.450000000000001);
  });

  it('lets an inner $let shadow an outer variable', () => {
    assert.equal(evaluate({ $let: { vars: { a: 1 }, in: { $let: { vars: { a: 2 }, in: '$$a' } } } }), 2);
  });

  it('rebinds CURRENT, which changes what field paths read', () => {
    assert.equal(evaluate({ $let: { vars: { CURRENT: '$inner' }, in: '$x' } }, { x: 1, inner: { x: 2 } }), 2);
    // From jstests/aggregation/expressions/let.js: CURRENT may even be a number.
    const doc = { two: 2, three: 3, nested: { four: 4 } };
    assert.equal(evaluate({ $let: { vars: { CURRENT: '$$ROOT.nested' }, in: { $multiply: ['$four', '$$ROOT.two'] } } }, doc), 8);
    assert.equal(evaluate({ $let: { vars: { CURRENT: '$three' }, in: { $multiply: ['$$CURRENT', '$$ROOT.two'] } } }, doc), 6);
  });

  it('evaluates all vars in the outer scope, so they can be swapped and cannot see each other', () => {
    const swap = { $let: { vars: { x: 6, y: 10 }, in: { $let: { vars: { x: '$$y', y: '$$x' }, in: { $subtract: ['$$x', '$$y'] } } } } };
    assert.equal(evaluate(swap), 4);
    assert.equal(evaluate({ $let: { vars: { 日本語: 10 }, in: '$$日本語' } }), 10);
    assertFails(() => compileExpression({ $let: { vars: { var1: '$one', var2: '$$var1' }, in: '$$var1' } }), 17276);
  });

  it('requires vars and in', () => {
    assertFails(() => compileExpression({ $let: { in: 1 } }), 16876, "Missing 'vars' parameter to $let");
    assertFails(() => compileExpression({ $let: { vars: {} } }), 16877, "Missing 'in' parameter to $let");
    assertFails(() => compileExpression({ $let: { vars: {}, in: 1, x: 1 } }), 16875, 'Unrecognized parameter to $let: x');
    assertFails(() => compileExpression({ $let: 5 }), 16874, '$let only supports an object as its argument');
  });
});
