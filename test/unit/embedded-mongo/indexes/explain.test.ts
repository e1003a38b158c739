// explain as mongod 7.0 answers it: the winning plan's stages (COLLSCAN, FETCH over IXSCAN with
// index name and bounds, IDHACK, SORT/LIMIT/COUNT/UPDATE/DELETE above) and executionStats with
// nReturned, totalKeysExamined and totalDocsExamined. Explain never writes.
import assert from 'node:assert/strict';
import type { Document } from 'bson';
import { runToEnd } from '../../../../server/embedded-mongo/aggregate/pause';
import { isCommandRun, type CommandContext } from '../../../../server/embedded-mongo/commands/context';
import { explain } from '../../../../server/embedded-mongo/commands/explain';
import { CursorRegistry } from '../../../../server/embedded-mongo/cursors';
import { Catalog } from '../../../../server/embedded-mongo/storage/catalog';

function runExplain(context: CommandContext, inner: Document, verbosity?: string): Document {
  const result = explain({ explain: inner, ...(verbosity ? { verbosity } : {}) }, context);
  return isCommandRun(result) ? runToEnd(result) : result;
}

describe('explain', () => {
  let context: CommandContext;

  beforeEach(() => {
    const catalog = new Catalog();
    context = { catalog, cursors: new CursorRegistry(), db: 'app', connectionId: 1, startedAt: new Date() };
    const messages = catalog.ensureCollection('app', 'messages');
    catalog.createIndex(messages, { key: { status: 1, sendAfter: 1 }, name: 'status_1_sendAfter_1' });
    for (let i = 0; i < 100; i += 1) catalog.insert(messages, { _id: i, status: i < 60 ? 'queued' : 'sent', sendAfter: new Date(Date.UTC(2026, 0, 1 + i)), to: `u${i % 7}` });
  });

  it('shows a collection scan with the filter and the documents it examined', () => {
    const reply = runExplain(context, { find: 'messages', filter: { to: 'u3' } }, 'executionStats');
    assert.equal(reply.explainVersion, '1');
    assert.equal(reply.queryPlanner.namespace, 'app.messages');
    assert.deepEqual(reply.queryPlanner.winningPlan, { stage: 'COLLSCAN', filter: { to: 'u3' }, direction: 'forward' });
    assert.equal(reply.executionStats.nReturned, 14);
    assert.equal(reply.executionStats.totalKeysExamined, 0);
    assert.equal(reply.executionStats.totalDocsExamined, 100);
  });

  it('shows FETCH over IXSCAN with the index, its bounds and the keys read for an equality + range with a sort and limit', () => {
    const reply = runExplain(context, {
      find: 'messages',
      filter: { status: 'queued', sendAfter: { $gte: new Date(Date.UTC(2026, 0, 11)) } },
      sort: { sendAfter: 1 },
      limit: 2,
    }, 'executionStats');
    const limit = reply.queryPlanner.winningPlan;
    assert.equal(limit.stage, 'LIMIT');
    assert.equal(limit.limitAmount, 2);
    assert.equal(limit.inputStage.stage, 'FETCH');
    const ixscan = limit.inputStage.inputStage;
    assert.equal(ixscan.stage, 'IXSCAN');
    assert.equal(ixscan.indexName, 'status_1_sendAfter_1');
    assert.deepEqual(ixscan.keyPattern, { status: 1, sendAfter: 1 });
    assert.equal(ixscan.direction, 'forward');
    assert.deepEqual(ixscan.indexBounds.status, ['["queued", "queued"]']);
    assert.equal(reply.executionStats.nReturned, 2);
    assert.ok(reply.executionStats.totalKeysExamined <= 3, `keys: ${reply.executionStats.totalKeysExamined}`);
    assert.equal(reply.executionStats.totalDocsExamined, 2);
  });

  it('shows IDHACK for an _id equality', () => {
    const reply = runExplain(context, { find: 'messages', filter: { _id: 5 } }, 'queryPlanner');
    assert.deepEqual(reply.queryPlanner.winningPlan, { stage: 'IDHACK' });
    assert.equal(reply.executionStats, undefined);
  });

  it('shows an OR of index scans for a $or whose branches are all indexed', () => {
    const reply = runExplain(context, { find: 'messages', filter: { $or: [{ _id: 1 }, { status: 'sent' }] } }, 'executionStats');
    const or = reply.queryPlanner.winningPlan.inputStage.inputStage;
    assert.equal(reply.queryPlanner.winningPlan.stage, 'SUBPLAN');
    assert.equal(or.stage, 'OR');
    assert.deepEqual(or.inputStages.map((stage: Document) => stage.indexName), ['_id_', 'status_1_sendAfter_1']);
    assert.equal(reply.executionStats.nReturned, 41);
    assert.equal(reply.executionStats.totalKeysExamined, 41);
  });

  it('puts a blocking SORT above the scan when no index gives the order', () => {
    const reply = runExplain(context, { find: 'messages', filter: { to: 'u1' }, sort: { to: -1, _id: 1 }, limit: 3 }, 'executionStats');
    const sort = reply.queryPlanner.winningPlan;
    assert.equal(sort.stage, 'SORT');
    assert.deepEqual(sort.sortPattern, { to: -1, _id: 1 });
    assert.equal(sort.limitAmount, 3);
    assert.equal(sort.inputStage.stage, 'COLLSCAN');
    assert.equal(reply.executionStats.nReturned, 3);
  });

  it('explains count, delete and update without writing anything', () => {
    const count = runExplain(context, { count: 'messages', query: { status: 'sent' } }, 'executionStats');
    assert.equal(count.queryPlanner.winningPlan.stage, 'COUNT');
    assert.equal(count.queryPlanner.winningPlan.inputStage.inputStage.indexName, 'status_1_sendAfter_1');
    const fast = runExplain(context, { count: 'messages' }, 'executionStats');
    assert.deepEqual(fast.queryPlanner.winningPlan, { stage: 'RECORD_STORE_FAST_COUNT' });
    assert.equal(fast.executionStats.totalDocsExamined, 0);
    const remove = runExplain(context, { delete: 'messages', deletes: [{ q: { status: 'sent' }, limit: 0 }] }, 'executionStats');
    assert.equal(remove.queryPlanner.winningPlan.stage, 'DELETE');
    assert.equal(remove.executionStats.nReturned, 40);
    const update = runExplain(context, { update: 'messages', updates: [{ q: { _id: 3 }, u: { $set: { status: 'x' } } }] }, 'executionStats');
    assert.equal(update.queryPlanner.winningPlan.stage, 'UPDATE');
    assert.equal(context.catalog.getCollection('app', 'messages')!.docs.size, 100);
    assert.equal(context.catalog.getCollection('app', 'messages')!.getById(3)!.status, 'queued');
  });

  it('explains an aggregation: the leading $match and $sort in $cursor, the rest of the pipeline after it', () => {
    const reply = runExplain(context, { aggregate: 'messages', pipeline: [{ $match: { status: 'queued' } }, { $sort: { sendAfter: -1 } }, { $group: { _id: '$to' } }], cursor: {} }, 'queryPlanner');
    const cursor = reply.stages[0].$cursor;
    assert.equal(cursor.queryPlanner.winningPlan.inputStage.stage, 'IXSCAN');
    assert.equal(cursor.queryPlanner.winningPlan.inputStage.direction, 'backward');
    assert.deepEqual(reply.stages.slice(1), [{ $group: { _id: '$to' } }]);
  });

  it('refuses an unknown verbosity, an unknown command and a batch of several writes', () => {
    assert.throws(() => runExplain(context, { find: 'messages' }, 'everything'), { code: 2 });
    assert.throws(() => runExplain(context, { frobnicate: 'messages' }), { code: 59, message: 'Explain failed due to unknown command: frobnicate' });
    assert.throws(() => runExplain(context, { delete: 'messages', deletes: [{ q: {}, limit: 0 }, { q: {}, limit: 0 }] }), { code: 16 });
  });
});
