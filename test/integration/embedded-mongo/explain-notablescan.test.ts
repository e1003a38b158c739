// Scan reporting through the driver, as against mongod 7.0: explain names the index a query
// uses and what it examined, and with notablescan a query that needs a collection scan fails
// with 291 NoQueryExecutionPlans (the guard issue 9 puts on respondent-path queries).
import assert from 'node:assert/strict';
import { MongoServerError, type Db, type Document, type MongoClient } from 'mongodb';
import { useDriverDatabase } from './fixtures/connection';

/** The first stage named `name` in a plan tree (inputStage/inputStages, or SBE's queryPlan). */
function findStage(plan: Document | undefined, name: string): Document | undefined {
  if (!plan) return undefined;
  if (plan.stage === name) return plan;
  for (const child of [plan.inputStage, plan.queryPlan, ...((plan.inputStages as Document[] | undefined) ?? [])]) {
    const found = findStage(child as Document | undefined, name);
    if (found) return found;
  }
  return undefined;
}

describe('explain and notablescan through the driver', () => {
  const driver = useDriverDatabase('explain');
  let client: MongoClient;
  let db: Db;

  before(() => {
    ({ client, db } = driver);
  });

  beforeEach(async () => {
    const outbox = db.collection('outbox');
    await outbox.createIndex({ status: 1, sendAfter: 1 });
    await outbox.insertMany(Array.from({ length: 500 }, (_, i) => ({ status: i % 5 ? 'queued' : 'sent', sendAfter: new Date(Date.UTC(2026, 0, 1, 0, i)), to: `u${i % 13}` })));
  });

  it('reports an index scan for an equality + range with a sort, with the keys and documents examined', async () => {
    const explained = await db.collection('outbox')
      .find({ status: 'queued', sendAfter: { $lte: new Date(Date.UTC(2026, 0, 2)) } })
      .sort({ sendAfter: 1 })
      .limit(1)
      .explain('executionStats');
    const ixscan = findStage(explained.queryPlanner.winningPlan as Document, 'IXSCAN');
    assert.equal(ixscan?.indexName, 'status_1_sendAfter_1');
    assert.equal(findStage(explained.queryPlanner.winningPlan as Document, 'SORT'), undefined);
    assert.equal(explained.executionStats.nReturned, 1);
    assert.ok(explained.executionStats.totalKeysExamined <= 2, `keys examined: ${explained.executionStats.totalKeysExamined}`);
    assert.ok(explained.executionStats.totalDocsExamined <= 2);
  });

  it('claims the oldest due message with findAndModify from the index, reading about one key', async () => {
    const explained = await db.command({
      explain: {
        findAndModify: 'outbox',
        query: { status: 'queued', sendAfter: { $lte: new Date(Date.UTC(2026, 0, 2)) } },
        sort: { sendAfter: 1 },
        update: { $set: { status: 'sending' } },
      },
      verbosity: 'executionStats',
    });
    assert.equal(findStage(explained.queryPlanner.winningPlan as Document, 'IXSCAN')?.indexName, 'status_1_sendAfter_1');
    assert.equal(findStage(explained.queryPlanner.winningPlan as Document, 'SORT'), undefined);
    assert.ok(explained.executionStats.totalKeysExamined <= 2, `keys examined: ${explained.executionStats.totalKeysExamined}`);
    // Explain never writes.
    assert.equal(await db.collection('outbox').countDocuments({ status: 'sending' }), 0);
  });

  it('reports a collection scan with every document examined when no index applies', async () => {
    const explained = await db.collection('outbox').find({ to: 'u4' }).explain('executionStats');
    assert.ok(findStage(explained.queryPlanner.winningPlan as Document, 'COLLSCAN'));
    assert.equal(explained.executionStats.totalDocsExamined, 500);
    assert.equal(explained.executionStats.nReturned, 39);
  });

  it('fails a query needing a collection scan under notablescan with 291, and lets indexed ones through', async () => {
    const admin = client.db('admin');
    const set = await admin.command({ setParameter: 1, notablescan: true });
    try {
      assert.equal(set.was, false);
      const error = await db.collection('outbox').find({ to: 'u4' }).toArray().then(
        () => assert.fail('expected the scan to be refused'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof MongoServerError);
      assert.equal(error.code, 291);
      assert.equal(error.codeName, 'NoQueryExecutionPlans');
      assert.match(error.message, /No indexed plans available, and running with 'notablescan'/);
      assert.equal((await db.collection('outbox').find({ status: 'sent' }).toArray()).length, 100);
      // An empty filter is exempt, as in mongod.
      assert.equal((await db.collection('outbox').find({}).toArray()).length, 500);
    } finally {
      await admin.command({ setParameter: 1, notablescan: false });
    }
  });
});
