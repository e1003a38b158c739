import assert from 'node:assert/strict';
import { deserialize, Double, Int32, Long, serialize } from 'bson';
import { cloneValue, fromWire, getField, parseCollation, WIRE_DESERIALIZE_OPTIONS } from '../../../../server/embedded-mongo/bson/index';
import { codeOf } from '../error-code';

describe('embedded-mongo bson: wire values, paths and collations', () => {
  it('round-trips int32, double, int64 through the value model with their types', () => {
    const wire = deserialize(serialize({ i: new Int32(2), d: new Double(2), f: 2.5, l: Long.fromNumber(5), big: Long.fromBigInt(2n ** 40n), nested: [{ x: new Int32(1) }] }), WIRE_DESERIALIZE_OPTIONS);
    const doc = fromWire(wire);
    assert.equal(doc.i, 2);
    assert.ok(doc.d instanceof Double);
    assert.equal(doc.l, 5n);
    assert.equal(doc.big, 2n ** 40n);
    assert.equal((doc.nested as { x: unknown }[])[0]!.x, 1);
    const back = deserialize(serialize(doc), WIRE_DESERIALIZE_OPTIONS);
    assert.ok(back.i instanceof Int32);
    assert.ok(back.d instanceof Double);
    assert.ok(back.l instanceof Long);
    assert.ok(back.big instanceof Long);
  });

  it('clones documents and arrays deeply and keeps BSON instances shared', () => {
    const original = { a: [{ b: 1 }], when: new Date(0), n: new Double(1) };
    const copy = cloneValue(original);
    copy.a[0]!.b = 2;
    assert.equal(original.a[0]!.b, 1);
    assert.equal(copy.n, original.n);
    assert.notEqual(copy.when, original.when);
  });

  it('reads dotted paths, indexing arrays only with numeric parts', () => {
    const doc = { a: { b: [{ c: 1 }, { c: 2 }] } };
    assert.equal(getField(doc, 'a.b.1.c'), 2);
    assert.equal(getField(doc, 'a.b.c'), undefined);
    assert.equal(getField(doc, 'a.x'), undefined);
    assert.deepEqual(getField(doc, 'a.b.0'), { c: 1 });
  });

  it('accepts ICU-style locale names and returns nothing for the simple collation', () => {
    assert.equal(parseCollation(undefined), undefined);
    assert.equal(parseCollation({ locale: 'simple' }), undefined);
    const collator = parseCollation({ locale: 'fr_CA', strength: 1 })!;
    assert.equal(collator.compare('côte', 'COTE'), 0);
    assert.equal(collator.spec.locale, 'fr_CA');
    assert.equal(codeOf(() => parseCollation({ locale: 'en_GB' })), 2, 'mongod lists no en_GB collation');
    assert.equal(codeOf(() => parseCollation({ locale: 'fr@collation=phonebook' })), 2);
    assert.equal(parseCollation({ locale: 'zh_Hant' })!.spec.locale, 'zh_Hant');
    assert.equal(parseCollation({ locale: 'de@collation=phonebook' })!.spec.locale, 'de@collation=phonebook');
  });

  it('orders digits numerically with numericOrdering and ignores punctuation when shifted', () => {
    assert.ok(parseCollation({ locale: 'en', numericOrdering: true })!.compare('10', '9') > 0);
    assert.equal(parseCollation({ locale: 'en', alternate: 'shifted' })!.compare('a-b', 'ab'), 0);
  });

  it('refuses invalid collations with mongod codes', () => {
    assert.equal(codeOf(() => parseCollation({ locale: 'xx_nope_123456789' })), 2);
    assert.equal(codeOf(() => parseCollation({})), 40414);
    assert.equal(codeOf(() => parseCollation({ locale: 'en', colour: 1 })), 40415);
    assert.equal(codeOf(() => parseCollation({ locale: 'en', strength: 6 })), 51024);
    assert.equal(codeOf(() => parseCollation({ locale: 'en', strength: 0 })), 2);
    assert.equal(parseCollation({ locale: 'en', strength: 2.9 })!.spec.strength, 2);
    assert.equal(codeOf(() => parseCollation({ locale: 'en', strength: 'high' })), 14);
    assert.equal(codeOf(() => parseCollation({ locale: 'en', caseFirst: 'sideways' })), 2);
  });

  it('keys collation-equal strings alike for the same specification parsed twice', () => {
    const a = parseCollation({ locale: 'en', strength: 1 })!;
    const b = parseCollation({ locale: 'en', strength: 1 })!;
    assert.equal(a.key('Résumé'), b.key('resume'));
    assert.notEqual(a.key('resume'), a.key('resumes'));
  });
});
