// The planner must never drop a matching document: on randomized data and queries, the
// candidates it yields, tested by the matcher, are exactly what a brute-force scan finds, and
// when it claims to provide the sort, the order is the sort's. Indexes cover every kind the
// planner uses: compound with mixed directions, multikey, dotted, sparse, partial, collated.
import assert from 'node:assert/strict';
import { Binary, BSONRegExp, Decimal128, Double, MaxKey, MinKey, ObjectId, Timestamp, type Document } from 'bson';
import { parseCollation, type Collator } from '../../../../server/embedded-mongo/bson/index';
import { compileFilter, compileSort } from '../../../../server/embedded-mongo/query/index';
import { Collection } from '../../../../server/embedded-mongo/storage/collection';
import { planQuery } from '../../../../server/embedded-mongo/storage/planner';
import { runPlan } from './helpers';
import { seededRandom } from '../../../support/seeded-random';

const WORDS = ['apple', 'Apple', 'banana', 'Banana', 'cherry', 'date', 'fig', 'grape', 'ápple', ''];
const DAY = 86_400_000;

function makeGenerators(random: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (max: number): number => Math.floor(random() * max);
  const scalar = (): unknown =>
    pick([
      () => int(10),
      () => int(10) + 0.5,
      () => new Double(int(10)),
      () => BigInt(int(10)),
      () => pick(WORDS),
      () => null,
      () => new Date(Date.UTC(2026, 0, 1) + int(10) * DAY),
      () => int(2) === 0,
      () => Decimal128.fromString(`${int(10)}.5`),
      () => new Timestamp({ t: int(5), i: 1 }),
      () => new ObjectId(`${'0'.repeat(23)}${int(10)}`),
      () => pick([new MinKey(), new MaxKey()]),
      () => new BSONRegExp('^ap', 'i'),
      () => new Binary(Buffer.from([int(3)])),
    ])();
  const value = (): unknown =>
    pick([scalar, scalar, scalar, () => [scalar(), scalar()], () => [], () => [int(10), [int(10)]], () => ({ x: int(3) })])();
  const doc = (id: number): Document => {
    const out: Document = { _id: id };
    if (random() < 0.85) out.a = value();
    // b never holds an array: a and b share compound indexes, and mongod refuses parallel arrays.
    if (random() < 0.7) out.b = random() < 0.8 ? pick(WORDS) : scalar();
    if (random() < 0.6) {
      out.c = pick([() => ({ d: value() }), () => [{ d: value() }, { d: value() }, { e: 1 }], () => [[{ d: value() }]], () => [scalar(), { d: scalar() }], () => ({ 0: { d: scalar() } })])();
    }
    if (random() < 0.5) out.when = new Date(Date.UTC(2026, 0, 1) + int(30) * DAY);
    return out;
  };
  const condition = (): unknown =>
    pick([
      () => scalar(),
      () => ({ $eq: scalar() }),
      () => ({ $in: [scalar(), scalar(), scalar()] }),
      () => ({ $gt: scalar() }),
      () => ({ $gte: scalar(), $lt: scalar() }),
      () => ({ $lte: scalar() }),
      () => ({ $exists: random() < 0.7 }),
      () => ({ $ne: scalar() }),
      () => ({ $nin: [scalar()] }),
      () => [scalar(), scalar()],
      () => [],
      () => /^ap/,
      () => /an/i,
      () => ({ $regex: '^b' }),
      () => ({ $all: [int(10)] }),
      () => ({ $elemMatch: { $gte: int(10) } }),
      () => ({ $elemMatch: { $gt: int(10), $lt: int(10) } }),
      () => ({ $elemMatch: { $in: [int(10), pick(WORDS)], $lte: scalar() } }),
      () => ({ $size: 2 }),
      () => ({ x: int(3) }),
    ])();
  const filter = (): Document => {
    // A quarter of the queries are a $or of simpler filters (alone or beside other conditions).
    if (random() < 0.25) {
      const branches = Array.from({ length: 1 + int(3) }, () => simpleFilter());
      return random() < 0.5 ? { $or: branches } : { ...simpleFilter(), $or: branches };
    }
    return simpleFilter();
  };
  const simpleFilter = (): Document => {
    const out: Document = {};
    const fields = ['a', 'b', 'c.d', 'when', '_id', 'a', 'c.0.d', 'c.0'];
    const count = 1 + int(3);
    for (let i = 0; i < count; i += 1) {
      const field = pick(fields);
      if (field === '_id') out._id = pick([() => int(300), () => ({ $in: [int(300), int(300)] }), () => ({ $gte: int(300) })])();
      else if (field === 'when') out.when = pick([() => ({ $lte: new Date(Date.UTC(2026, 0, 1) + int(30) * DAY) }), () => ({ $gt: new Date(Date.UTC(2026, 0, 1) + int(30) * DAY) })])();
      else if (out[field] !== undefined) out.$and = [{ [field]: condition() }, ...((out.$and as Document[] | undefined) ?? [])];
      else out[field] = condition();
    }
    return out;
  };
  const sort = (): Document | undefined =>
    pick([undefined, { a: 1 }, { a: -1 }, { b: 1, a: -1 }, { when: 1 }, { when: -1 }, { _id: -1 }, { 'c.d': 1 }, { b: -1 }]);
  return { doc, filter, sort, pick, int };
}

function buildCollection(): Collection {
  const collection = new Collection('db', 'random');
  collection.addIndex({ key: { a: 1 }, name: 'a_1' });
  collection.addIndex({ key: { a: -1, b: 1 }, name: 'a_-1_b_1' });
  collection.addIndex({ key: { b: 1, a: 1 }, name: 'b_1_a_1' });
  collection.addIndex({ key: { 'c.d': 1 }, name: 'c.d_1' });
  collection.addIndex({ key: { 'c.0.d': -1 }, name: 'c.0.d_-1' });
  collection.addIndex({ key: { 'c.0': 1 }, name: 'c.0_1' });
  collection.addIndex({ key: { b: -1 }, name: 'b_sparse', sparse: true });
  collection.addIndex({ key: { when: 1 }, name: 'when_partial', partialFilterExpression: { b: { $exists: true } } });
  collection.addIndex({ key: { b: 1 }, name: 'b_en2', collation: { locale: 'en', strength: 2 } });
  return collection;
}

function matchingIds(collection: Collection, filter: Document, collator: Collator | undefined, sort: Document | undefined): { ids: unknown[]; ordered: Document[] | undefined } {
  const { docs, providesSort } = runPlan(collection, { filter, ...(sort ? { sort } : {}), ...(collator ? { collator } : {}) });
  return { ids: docs.map((doc) => doc._id as unknown), ordered: sort && providesSort ? docs : undefined };
}

/** What a find with sort and limit reads when the plan gives the order: the first `limit` matches. */
function firstMatches(collection: Collection, filter: Document, collator: Collator | undefined, sort: Document, limit: number): Document[] {
  const { docs, providesSort } = runPlan(collection, { filter, sort, limit, ...(collator ? { collator } : {}) });
  if (!providesSort) docs.sort(compileSort(sort, collator ? { collator } : {}));
  return docs.slice(0, limit);
}

function bruteForce(collection: Collection, filter: Document, collator: Collator | undefined): unknown[] {
  const matcher = compileFilter(filter, collator ? { collator } : {});
  return [...collection.docs.values()].filter((doc) => matcher.test(doc)).map((doc) => doc._id as unknown);
}

/** Generated filters mongod would refuse (a regex under $gt or $ne) are skipped, not planned. */
function isValidFilter(filter: Document): boolean {
  try {
    compileFilter(filter);
    return true;
  } catch {
    return false;
  }
}

const sortedIds = (ids: unknown[]): number[] => (ids as number[]).slice().sort((x, y) => x - y);

describe('planner against a brute-force scan on randomized data', () => {
  const collations: (Collator | undefined)[] = [undefined, parseCollation({ locale: 'en', strength: 2 })];

  for (const seed of [1, 2, 3, 4]) {
    it(`finds exactly the matching documents, in sort order when it claims to (seed ${seed})`, () => {
      const random = seededRandom(seed);
      const generate = makeGenerators(random);
      const collection = buildCollection();
      for (let i = 0; i < 300; i += 1) collection.insert(generate.doc(i));
      let plansWithIndex = 0;
      for (let round = 0; round < 400; round += 1) {
        // Keep the indexes under churn: replace and remove a few documents between queries.
        if (round % 20 === 0) {
          const id = generate.int(300);
          const existing = collection.getById(id);
          if (existing && generate.int(3) === 0) collection.remove(existing);
          else if (existing) collection.replace(existing, generate.doc(id));
          else collection.insert(generate.doc(id));
        }
        const filter = generate.filter();
        const sort = generate.sort();
        const collator = generate.pick(collations);
        if (!isValidFilter(filter)) continue;
        const expected = bruteForce(collection, filter, collator);
        const actual = matchingIds(collection, filter, collator, sort);
        const context = `filter ${JSON.stringify(filter, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))} sort ${JSON.stringify(sort)} collation ${collator ? 'en/2' : 'simple'}`;
        assert.deepEqual(sortedIds(actual.ids), sortedIds(expected), context);
        assert.equal(new Set(actual.ids).size, actual.ids.length, `no duplicates: ${context}`);
        if (actual.ordered) {
          const compare = compileSort(sort!, collator ? { collator } : {});
          for (let i = 1; i < actual.ordered.length; i += 1) {
            assert.ok(compare(actual.ordered[i - 1]!, actual.ordered[i]!) <= 0, `out of order at ${i}: ${context}`);
          }
          // A sorted limit stops early: its first documents are the brute-force sort's first ones.
          const limit = 1 + generate.int(5);
          const limited = firstMatches(collection, filter, collator, sort!, limit);
          const expectedFirst = [...collection.docs.values()].filter((doc) => compileFilter(filter, collator ? { collator } : {}).test(doc)).sort(compare).slice(0, limit);
          assert.equal(limited.length, expectedFirst.length, `limit ${limit}: ${context}`);
          limited.forEach((doc, i) => assert.equal(compare(doc, expectedFirst[i]!), 0, `limit ${limit}, position ${i}: ${context}`));
        }
        if (planQuery(collection, { filter, ...(collator ? { collator } : {}) }).plan.stage !== 'COLLSCAN') plansWithIndex += 1;
      }
      assert.ok(plansWithIndex > 100, `indexes were used for ${plansWithIndex} of 400 queries`);
    });
  }

  it('keeps unique constraints exact under churn (ObjectId ids, compound unique key)', () => {
    const random = seededRandom(9);
    const collection = new Collection('db', 'unique');
    collection.addIndex({ key: { x: 1, y: -1 }, name: 'x_1_y_-1', unique: true });
    const present = new Map<string, ObjectId>();
    for (let i = 0; i < 2000; i += 1) {
      const x = Math.floor(random() * 10);
      const y = Math.floor(random() * 10);
      const key = `${x}:${y}`;
      const holder = present.get(key);
      if (holder && random() < 0.3) {
        collection.remove(collection.getById(holder)!);
        present.delete(key);
        continue;
      }
      const _id = new ObjectId();
      if (holder) {
        assert.throws(() => collection.insert({ _id, x, y }), { code: 11000 });
      } else {
        collection.insert({ _id, x, y });
        present.set(key, _id);
      }
    }
    assert.equal(collection.docs.size, present.size);
  });
});
