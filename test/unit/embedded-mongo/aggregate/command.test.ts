import assert from 'node:assert/strict';
import { Long, type Document } from 'bson';
import { aggregate } from '../../../../server/embedded-mongo/commands/aggregate';
import { isCommandRun, PAUSE, type CommandContext } from '../../../../server/embedded-mongo/commands/context';
import { CursorRegistry } from '../../../../server/embedded-mongo/cursors';
import type { Catalog } from '../../../../server/embedded-mongo/storage/catalog';
import { errorOf } from '../error-code';
import { catalogWith } from './helpers';

function contextOf(catalog: Catalog): CommandContext {
  return { catalog, cursors: new CursorRegistry(), db: 'test', connectionId: 1, startedAt: new Date() };
}

/** Runs the handler as the server does, counting the pauses of a generator handler. */
function run(command: Document, context: CommandContext): { reply: Document; pauses: number } {
  const outcome = aggregate(command, context);
  if (!isCommandRun(outcome)) return { reply: outcome, pauses: 0 };
  let pauses = 0;
  for (;;) {
    const step = outcome.next();
    if (step.done) return { reply: step.value, pauses };
    if (step.value === PAUSE) pauses += 1;
  }
}

function firstBatch(reply: Document): Document[] {
  return (reply.cursor as { firstBatch: Document[] }).firstBatch;
}

describe('aggregate command', () => {
  const people = (): Catalog => catalogWith({ people: [{ _id: 1, name: 'ann', age: 30 }, { _id: 2, name: 'Ann', age: 40 }, { _id: 3, name: 'bob', age: 50 }] });

  it('answers with a cursor on the collection namespace', () => {
    const { reply } = run({ aggregate: 'people', pipeline: [{ $match: { age: { $gte: 40 } } }, { $project: { name: 1 } }], cursor: {} }, contextOf(people()));
    assert.equal((reply.cursor as Document).ns, 'test.people');
    assert.deepEqual(firstBatch(reply), [{ _id: 2, name: 'Ann' }, { _id: 3, name: 'bob' }]);
    assert.ok(((reply.cursor as Document).id as Long).isZero());
  });

  it('hands out cursor.batchSize documents first and keeps the rest for getMore', () => {
    const context = contextOf(people());
    const { reply } = run({ aggregate: 'people', pipeline: [], cursor: { batchSize: 2 } }, context);
    assert.equal(firstBatch(reply).length, 2);
    const id = (reply.cursor as Document).id as Long;
    assert.equal(context.cursors.getMore(id, 'test.people', undefined).docs.length, 1);
  });

  it('with batchSize 0 answers an empty first batch and keeps every document for getMore', () => {
    const context = contextOf(people());
    const { reply } = run({ aggregate: 'people', pipeline: [], cursor: { batchSize: 0 } }, context);
    assert.deepEqual(firstBatch(reply), []);
    const id = (reply.cursor as Document).id as Long;
    assert.ok(!id.isZero());
    assert.deepEqual(context.cursors.getMore(id, 'test.people', undefined).docs.map((doc) => doc._id), [1, 2, 3]);
  });

  it('applies the collation to matching and grouping', () => {
    const { reply } = run(
      { aggregate: 'people', pipeline: [{ $match: { name: 'ANN' } }, { $group: { _id: '$name', n: { $sum: 1 } } }], cursor: {}, collation: { locale: 'en', strength: 2 } },
      contextOf(people()),
    );
    assert.deepEqual(firstBatch(reply).map((doc) => doc.n), [2]);
  });

  it('makes the let variables available to every stage', () => {
    const { reply } = run({ aggregate: 'people', pipeline: [{ $match: { $expr: { $gt: ['$age', '$$min'] } } }, { $count: 'n' }], cursor: {}, let: { min: { $add: [30, 5] } } }, contextOf(people()));
    assert.deepEqual(firstBatch(reply), [{ n: 2 }]);
  });

  it('runs a collection-less pipeline with aggregate: 1', () => {
    const { reply } = run({ aggregate: 1, pipeline: [{ $documents: [{ a: 1 }, { a: 2 }] }, { $match: { a: 2 } }], cursor: {} }, contextOf(people()));
    assert.equal((reply.cursor as Document).ns, 'test.$cmd.aggregate');
    assert.deepEqual(firstBatch(reply), [{ a: 2 }]);
  });

  it('refuses aggregate: 1 for a pipeline that needs a collection, and $documents on a collection (73)', () => {
    assert.equal(errorOf(() => run({ aggregate: 1, pipeline: [{ $match: {} }], cursor: {} }, contextOf(people()))).code, 73);
    assert.equal(errorOf(() => run({ aggregate: 'people', pipeline: [{ $documents: [] }], cursor: {} }, contextOf(people()))).code, 73);
  });

  it('requires the cursor option except with explain (9), and a pipeline array (14)', () => {
    assert.equal(errorOf(() => run({ aggregate: 'people', pipeline: [] }, contextOf(people()))).code, 9);
    assert.equal(errorOf(() => run({ aggregate: 'people', pipeline: {}, cursor: {} }, contextOf(people()))).code, 14);
    assert.equal(errorOf(() => run({ aggregate: 'people', pipeline: [], cursor: { batchSize: -1 } }, contextOf(people()))).code, 51024);
  });

  it('explains without running the pipeline', () => {
    const catalog = people();
    const { reply } = run({ aggregate: 'people', pipeline: [{ $out: 'copy' }], explain: true }, contextOf(catalog));
    assert.ok(Array.isArray(reply.stages));
    assert.equal(catalog.getCollection('test', 'copy'), undefined);
  });

  it('explains with the planner\'s plan for the leading $match', () => {
    const catalog = people();
    catalog.createIndex(catalog.getCollection('test', 'people')!, { v: 2, key: { age: 1 }, name: 'age_1' });
    const { reply } = run({ aggregate: 'people', pipeline: [{ $match: { age: 40 } }, { $group: { _id: null } }], explain: true }, contextOf(catalog));
    const cursorStage = (reply.stages as Document[])[0]!.$cursor as Document;
    assert.match(JSON.stringify(cursorStage.queryPlanner), /IXSCAN/);
  });

  it('follows a hint, and refuses one naming no index (2 BadValue)', () => {
    const catalog = people();
    catalog.createIndex(catalog.getCollection('test', 'people')!, { v: 2, key: { age: 1 }, name: 'age_1' });
    const { reply } = run({ aggregate: 'people', pipeline: [{ $match: { age: { $gte: 40 } } }], cursor: {}, hint: 'age_1' }, contextOf(catalog));
    assert.deepEqual(firstBatch(reply).map((doc) => doc._id), [2, 3]);
    assert.equal(errorOf(() => run({ aggregate: 'people', pipeline: [], cursor: {}, hint: 'nope_1' }, contextOf(catalog))).code, 2);
  });

  it('pauses while it runs over a large collection', () => {
    const catalog = catalogWith({ big: Array.from({ length: 3000 }, (_, i) => ({ _id: i, k: i % 10 })) });
    const { reply, pauses } = run({ aggregate: 'big', pipeline: [{ $group: { _id: '$k', n: { $sum: 1 } } }, { $sort: { _id: 1 } }], cursor: {} }, contextOf(catalog));
    assert.equal(firstBatch(reply).length, 10);
    assert.ok(pauses >= 10, `only ${pauses} pauses`);
  });

  it('writes with $out and answers an empty cursor', () => {
    const catalog = people();
    const { reply } = run({ aggregate: 'people', pipeline: [{ $match: { age: 50 } }, { $out: 'old' }], cursor: {} }, contextOf(catalog));
    assert.deepEqual(firstBatch(reply), []);
    assert.deepEqual([...catalog.getCollection('test', 'old')!.docs.values()], [{ _id: 3, name: 'bob', age: 50 }]);
  });

  it('serves a sorted limit over an indexed field in order', () => {
    const catalog = catalogWith({ big: Array.from({ length: 2000 }, (_, i) => ({ _id: i, v: (i * 7) % 2000 })) });
    catalog.createIndex(catalog.getCollection('test', 'big')!, { v: 2, key: { v: 1 }, name: 'v_1' });
    const { reply } = run({ aggregate: 'big', pipeline: [{ $match: { v: { $gte: 100 } } }, { $sort: { v: -1 } }, { $limit: 3 }], cursor: {} }, contextOf(catalog));
    assert.deepEqual(firstBatch(reply).map((doc) => doc.v), [1999, 1998, 1997]);
  });

  it('refuses $changeStream with 40573, as a standalone mongod does', () => {
    assert.equal(errorOf(() => run({ aggregate: 'people', pipeline: [{ $changeStream: {} }], cursor: {} }, contextOf(people()))).code, 40573);
  });
});
