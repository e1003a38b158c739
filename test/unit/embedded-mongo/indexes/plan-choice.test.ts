// Which plan the planner picks, and how little it reads: the _id lookup, equality prefixes,
// ranges, sorts served by walking an index either way, sparse and partial indexes only when the
// query allows them, collated indexes only for the same collation, and notablescan.
import assert from 'node:assert/strict';
import { parseCollation } from '../../../../server/embedded-mongo/bson/index';
import { PAUSE } from '../../../../server/embedded-mongo/commands/context';
import { Collection } from '../../../../server/embedded-mongo/storage/collection';
import { setNotablescan } from '../../../../server/embedded-mongo/storage/plan/parameters';
import { planQuery } from '../../../../server/embedded-mongo/storage/planner';
import { runPlan as run } from './helpers';

describe('planner: plan choice and work done', () => {
  const day = 86_400_000;
  const start = Date.UTC(2026, 0, 1);
  let outbox: Collection;

  before(() => {
    // The mail outbox at 20k queued messages: a claim is "the oldest due message".
    outbox = new Collection('db', 'outbox');
    outbox.addIndex({ key: { status: 1, sendAfter: 1 }, name: 'status_1_sendAfter_1' });
    outbox.addIndex({ key: { recipient: 1 }, name: 'recipient_1' });
    for (let i = 0; i < 20_000; i += 1) {
      outbox.insert({ _id: i, status: i % 10 === 0 ? 'sent' : 'queued', sendAfter: new Date(start + (i % 1000) * day), recipient: `r${i % 500}` });
    }
  });

  it('answers an _id equality with IDHACK and an _id $in from the _id index, reading only those documents', () => {
    const single = run(outbox, { filter: { _id: 42 } });
    assert.equal(single.plan.stage, 'IDHACK');
    assert.deepEqual(single.docs.map((doc) => doc._id), [42]);
    assert.equal(single.plan.docsExamined, 1);
    const many = run(outbox, { filter: { _id: { $in: [1, 2, 99_999] } } });
    assert.equal(many.plan.stage, 'IXSCAN');
    assert.equal(many.plan.indexName, '_id_');
    assert.equal(many.plan.docsExamined, 2);
  });

  it('claims the oldest due message by an equality + range scan that also gives the sort: one key read', () => {
    const claim = run(outbox, { filter: { status: 'queued', sendAfter: { $lte: new Date(start + 500 * day) } }, sort: { sendAfter: 1 }, limit: 1 });
    assert.equal(claim.plan.stage, 'IXSCAN');
    assert.equal(claim.plan.indexName, 'status_1_sendAfter_1');
    assert.equal(claim.providesSort, true);
    assert.equal(claim.docs[0]!.sendAfter.getTime(), start + day);
    assert.ok(claim.plan.keysExamined <= 2, `keys examined: ${claim.plan.keysExamined}`);
  });

  it('walks the index backward for a descending sort, and reads only the keys inside the range', () => {
    const latest = run(outbox, { filter: { status: 'queued', sendAfter: { $gte: new Date(start + 990 * day) } }, sort: { sendAfter: -1 } });
    assert.equal(latest.plan.direction, 'backward');
    assert.equal(latest.providesSort, true);
    assert.equal(latest.docs[0]!.sendAfter.getTime(), start + 999 * day);
    assert.equal(latest.docs.length, 10 * 18);
    assert.equal(latest.plan.keysExamined, latest.docs.length);
  });

  it('uses an $in on the first field of a compound index as several point intervals', () => {
    const result = run(outbox, { filter: { recipient: { $in: ['r1', 'r2', 'r404'] } } });
    assert.equal(result.plan.indexName, 'recipient_1');
    assert.equal(result.docs.length, 120);
    assert.equal(result.plan.keysExamined, 120);
    assert.deepEqual(result.plan.indexBounds, { recipient: ['["r1", "r1"]', '["r2", "r2"]', '["r404", "r404"]'] });
  });

  it('scans the collection when no index constrains the filter or gives the sort', () => {
    const result = run(outbox, { filter: { sendAfter: { $lt: new Date(start + 2 * day) } } });
    assert.equal(result.plan.stage, 'COLLSCAN');
    assert.equal(result.plan.docsExamined, 20_000);
  });

  it('serves a sort on an unconstrained index field by a full index walk', () => {
    const result = run(outbox, { filter: { status: 'sent' }, sort: { recipient: -1 }, limit: 3 });
    assert.equal(result.plan.stage, 'IXSCAN');
    assert.equal(result.providesSort, true);
    // Strings order byte-wise: 'r90' is the greatest of r0, r10 ... r490.
    assert.deepEqual(result.docs.map((doc) => doc.recipient), ['r90', 'r90', 'r90']);
    // r99 ... r91 (40 queued messages each) come first; far fewer than the 20,000 keys of a full walk.
    assert.ok(result.plan.keysExamined < 1000, `keys examined: ${result.plan.keysExamined}`);
  });

  it('scans the collection in reverse insertion order for {$natural: -1}, even with an indexed filter', () => {
    const result = run(outbox, { filter: { status: 'sent' }, sort: { $natural: -1 } });
    assert.equal(result.plan.stage, 'COLLSCAN');
    assert.equal(result.providesSort, true);
    assert.deepEqual(result.docs.slice(0, 3).map((doc) => doc._id), [19_990, 19_980, 19_970]);
  });

  it('answers a $or whose every branch is indexed by the union of index scans, each document once', () => {
    const result = run(outbox, { filter: { $or: [{ recipient: 'r7' }, { status: 'sent', sendAfter: { $lt: new Date(start + 20 * day) } }, { _id: 7 }] } });
    assert.equal(result.plan.stage, 'OR');
    assert.deepEqual(result.plan.inputs!.map((input) => input.indexName), ['recipient_1', 'status_1_sendAfter_1', '_id_']);
    // r7: 40 messages; sent before day 20: i % 10 == 0 and i % 1000 < 20, so 40; _id 7 is an r7 message.
    assert.equal(result.docs.length, 80);
    assert.equal(new Set(result.docs.map((doc) => doc._id)).size, 80);
    assert.equal(result.plan.keysExamined, 40 + 40 + 1);
    const unindexedBranch = run(outbox, { filter: { $or: [{ recipient: 'r7' }, { sendAfter: { $lt: new Date(start + day) } }] } });
    assert.equal(unindexedBranch.plan.stage, 'COLLSCAN');
  });

  it('yields PAUSE between batches of a long scan', () => {
    const items = [...planQuery(outbox, { filter: { status: 'queued' } }).docs];
    const pauses = items.filter((item) => item === PAUSE).length;
    assert.ok(pauses >= 60 && pauses <= 72, `${pauses} pauses for 18,000 keys`);
  });

  describe('sparse and partial indexes', () => {
    let responses: Collection;
    beforeEach(() => {
      responses = new Collection('db', 'responses');
      responses.addIndex({ key: { resumeTokenHash: 1 }, name: 'resumeTokenHash_1', unique: true, sparse: true });
      responses.addIndex({ key: { surveyId: 1, wave: 1 }, name: 'wave_partial', partialFilterExpression: { status: 'complete' } });
      for (let i = 0; i < 2000; i += 1) {
        responses.insert({ _id: i, surveyId: 's1', wave: i % 4, status: i % 2 ? 'complete' : 'open', ...(i % 3 ? {} : { resumeTokenHash: `h${i}` }) });
      }
    });

    it('looks a resume token up in the sparse index: one key, one document', () => {
      const result = run(responses, { filter: { surveyId: 's1', resumeTokenHash: 'h300' } });
      assert.equal(result.plan.indexName, 'resumeTokenHash_1');
      assert.equal(result.plan.keysExamined, 1);
      assert.equal(result.plan.docsExamined, 1);
      assert.equal(result.docs[0]!._id, 300);
    });

    it('does not use the sparse index for conditions a missing field satisfies', () => {
      for (const filter of [{ resumeTokenHash: null }, { resumeTokenHash: { $exists: false } }, { resumeTokenHash: { $ne: 'h3' } }, { resumeTokenHash: { $in: ['h3', null] } }]) {
        const result = run(responses, { filter });
        assert.equal(result.plan.stage, 'COLLSCAN', JSON.stringify(filter));
      }
      assert.equal(run(responses, { filter: { resumeTokenHash: null } }).docs.length, 2000 - 667);
    });

    it('uses the partial index only when the query implies its filter', () => {
      const implied = run(responses, { filter: { surveyId: 's1', wave: 1, status: 'complete' } });
      assert.equal(implied.plan.indexName, 'wave_partial');
      assert.equal(implied.docs.length, 500);
      const notImplied = run(responses, { filter: { surveyId: 's1', wave: 1 } });
      assert.equal(notImplied.plan.stage, 'COLLSCAN');
      assert.equal(notImplied.docs.length, 500);
    });

    it('obeys a hint even on a sparse index, as mongod does (documents missing the field are not in it)', () => {
      const result = run(responses, { filter: {}, hint: 'resumeTokenHash_1' });
      assert.equal(result.plan.indexName, 'resumeTokenHash_1');
      assert.equal(result.docs.length, 667);
    });
  });

  describe('collation', () => {
    let people: Collection;
    const en2 = parseCollation({ locale: 'en', strength: 2 });
    before(() => {
      people = new Collection('db', 'people');
      people.addIndex({ key: { name: 1 }, name: 'name_ci', collation: { locale: 'en', strength: 2 } });
      people.addIndex({ key: { age: 1 }, name: 'age_ci', collation: { locale: 'en', strength: 2 } });
      ['anna', 'Anna', 'ANNA', 'bob', 'Bob', 'cleo'].forEach((name, i) => people.insert({ _id: i, name, age: 20 + i }));
    });

    it('uses a collated index for string bounds under the same collation only', () => {
      const same = run(people, { filter: { name: 'anna' }, collator: en2! });
      assert.equal(same.plan.indexName, 'name_ci');
      assert.equal(same.docs.length, 3);
      const simple = run(people, { filter: { name: 'anna' } });
      assert.equal(simple.plan.stage, 'COLLSCAN');
      assert.deepEqual(simple.docs.map((doc) => doc._id), [0]);
    });

    it('uses a collated index for number bounds whatever the query collation', () => {
      const result = run(people, { filter: { age: { $gte: 24 } } });
      assert.equal(result.plan.indexName, 'age_ci');
      assert.deepEqual(result.plan.indexBounds, { age: ['[24, inf.0]'] });
      assert.deepEqual(result.docs.map((doc) => doc._id), [4, 5]);
    });

    it('sorts from a collated index only under its collation', () => {
      assert.equal(run(people, { filter: {}, sort: { name: 1 }, collator: en2! }).providesSort, true);
      assert.equal(run(people, { filter: {}, sort: { name: 1 } }).providesSort, false);
    });
  });

  describe('multikey', () => {
    it('does not intersect two ranges on a multikey field, and does not serve its sort', () => {
      const tagged = new Collection('db', 'tagged');
      tagged.addIndex({ key: { scores: 1 }, name: 'scores_1' });
      tagged.insert({ _id: 1, scores: [1, 9] });
      tagged.insert({ _id: 2, scores: 5 });
      const result = run(tagged, { filter: { scores: { $gt: 6, $lt: 3 } } });
      assert.deepEqual(result.docs.map((doc) => doc._id), [1]);
      assert.equal(run(tagged, { filter: {}, sort: { scores: 1 } }).providesSort, false);
      // Within $elemMatch one element meets both conditions, so the bounds do intersect.
      const element = run(tagged, { filter: { scores: { $elemMatch: { $gt: 6, $lt: 10 } } } });
      assert.deepEqual(element.plan.indexBounds, { scores: ['(6, 10)'] });
      assert.deepEqual(element.docs.map((doc) => doc._id), [1]);
    });
  });

  describe('notablescan', () => {
    afterEach(() => setNotablescan(false));

    it('fails a query that needs a collection scan with 291 NoQueryExecutionPlans', () => {
      setNotablescan(true);
      assert.throws(() => planQuery(outbox, { filter: { sendAfter: { $lt: new Date(start) } } }), (error: { code: number; codeName: string; message: string }) => {
        assert.equal(error.code, 291);
        assert.equal(error.codeName, 'NoQueryExecutionPlans');
        assert.equal(error.message, "No indexed plans available, and running with 'notablescan'");
        return true;
      });
      assert.throws(() => planQuery(outbox, { filter: { status: 'queued' }, hint: { $natural: 1 } }), /hint \$natural is not allowed, because 'notablescan' is enabled/);
    });

    it('lets indexed queries, empty filters, system collections and internal databases through', () => {
      setNotablescan(true);
      assert.equal(planQuery(outbox, { filter: { status: 'queued' } }).plan.stage, 'IXSCAN');
      assert.equal(planQuery(outbox, { filter: {} }).plan.stage, 'COLLSCAN');
      assert.equal(planQuery(outbox, {}).plan.stage, 'COLLSCAN');
      assert.equal(planQuery(new Collection('db', 'system.views'), { filter: { a: 1 } }).plan.stage, 'COLLSCAN');
      assert.equal(planQuery(new Collection('admin', 'x'), { filter: { a: 1 } }).plan.stage, 'COLLSCAN');
      assert.equal(planQuery(new Collection('config', 'x'), { filter: { a: 1 } }).plan.stage, 'COLLSCAN');
    });

    it('answers conditions without tight bounds from an index, as mongod does ($ne over all keys, $exists: false in the null key)', () => {
      setNotablescan(true);
      const notEqual = run(outbox, { filter: { recipient: { $ne: 'r1' } } });
      assert.equal(notEqual.plan.indexName, 'recipient_1');
      assert.deepEqual(notEqual.plan.indexBounds, { recipient: ['[MinKey, MaxKey]'] });
      assert.equal(notEqual.docs.length, 20_000 - 40);
      const absent = run(outbox, { filter: { recipient: { $exists: false } } });
      assert.deepEqual(absent.plan.indexBounds, { recipient: ['[null, null]'] });
      assert.equal(absent.docs.length, 0);
    });
  });
});
