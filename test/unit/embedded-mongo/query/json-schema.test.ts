import assert from 'node:assert/strict';
import { Decimal128, Double, type Document } from 'bson';
import { compileFilter } from '../../../../server/embedded-mongo/query/index';
import { codeOf } from '../error-code';

function valid(schema: Document, doc: Document): boolean {
  return compileFilter({ $jsonSchema: schema }).test(doc);
}

function schemaCodeOf(schema: unknown): number | undefined {
  return codeOf(() => compileFilter({ $jsonSchema: schema }));
}

describe('embedded-mongo query: $jsonSchema', () => {
  it('checks bsonType and JSON type names, number covering every numeric type', () => {
    assert.ok(valid({ properties: { n: { bsonType: 'double' } } }, { n: new Double(2) }));
    assert.ok(!valid({ properties: { n: { bsonType: 'int' } } }, { n: new Double(2) }));
    assert.ok(valid({ properties: { n: { type: 'number' } } }, { n: Decimal128.fromString('1') }));
    assert.ok(valid({ properties: { n: { bsonType: ['string', 'null'] } } }, { n: null }));
    assert.ok(valid({ properties: { n: { bsonType: 'string' } } }, {}), 'absent properties are not checked');
  });

  it('applies numeric, string and array keywords only to values of their type', () => {
    const schema = { properties: { v: { minimum: 0, exclusiveMinimum: true, maxLength: 2, minItems: 1, uniqueItems: true } } };
    assert.ok(!valid(schema, { v: 0 }));
    assert.ok(valid(schema, { v: 1 }));
    assert.ok(!valid(schema, { v: 'abc' }));
    assert.ok(valid(schema, { v: 'ab' }));
    assert.ok(!valid(schema, { v: [] }));
    assert.ok(!valid(schema, { v: [1, 1.0] }), 'uniqueItems compares values as MongoDB does');
    assert.ok(valid({ properties: { v: { multipleOf: 0.5 } } }, { v: 1.5 }));
    assert.ok(valid({ properties: { v: { pattern: '^a' } } }, { v: 'abc' }));
  });

  it('combines required, additionalProperties, patternProperties, items and the logical keywords', () => {
    const schema = { required: ['a'], properties: { a: {} }, patternProperties: { '^x_': { bsonType: 'int' } }, additionalProperties: false };
    assert.ok(valid(schema, { a: 1, x_1: 2 }));
    assert.ok(!valid(schema, { a: 1, x_1: 'no' }));
    assert.ok(!valid(schema, { a: 1, y: 2 }));
    assert.ok(!valid(schema, { x_1: 2 }));
    assert.ok(valid({ properties: { l: { items: [{ bsonType: 'int' }], additionalItems: false } } }, { l: [1] }));
    assert.ok(!valid({ properties: { l: { items: [{ bsonType: 'int' }], additionalItems: false } } }, { l: [1, 2] }));
    assert.ok(valid({ properties: { v: { anyOf: [{ bsonType: 'int' }, { bsonType: 'string' }] } } }, { v: 's' }));
    assert.ok(!valid({ properties: { v: { oneOf: [{ minimum: 0 }, { maximum: 10 }] } } }, { v: 5 }));
    assert.ok(valid({ properties: { v: { not: { bsonType: 'string' } } } }, { v: 5 }));
    assert.ok(valid({ properties: { o: { properties: { p: { enum: [1, 'x'] } } } } }, { o: { p: 'x' } }));
  });

  it('refuses keywords MongoDB does not support and malformed ones', () => {
    assert.equal(schemaCodeOf({ $ref: '#/x' }), 9);
    assert.equal(schemaCodeOf({ unknownKeyword: 1 }), 9);
    assert.equal(schemaCodeOf({ type: 'integer' }), 9);
    assert.equal(schemaCodeOf({ required: 'a' }), 14);
    assert.equal(schemaCodeOf({ required: [] }), 9);
    assert.equal(schemaCodeOf({ minLength: -1 }), 9);
    assert.equal(schemaCodeOf({ type: 'object', bsonType: 'object' }), 9);
    assert.equal(schemaCodeOf('not an object'), 14);
  });
});
