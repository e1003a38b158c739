import assert from 'node:assert/strict';
import type { Document } from 'bson';
import { compilePipeline, PAUSE, runPipeline, streamOf, type Stream } from '../../../../server/embedded-mongo/aggregate/index';
import { errorOf } from '../error-code';
import { aggregate, contextFor } from './helpers';

/** Runs a stream to its end, counting its pauses. */
function drive(stream: Stream): { docs: Document[]; pauses: number } {
  const docs: Document[] = [];
  let pauses = 0;
  for (const item of stream) {
    if (item === PAUSE) pauses += 1;
    else docs.push(item);
  }
  return { docs, pauses };
}

describe('aggregation pipeline', () => {
  describe('validation before anything runs', () => {
    it('refuses an unknown stage (40324)', () => {
      const error = errorOf(() => aggregate([], [{ $match: {} }, { $foo: 1 }]));
      assert.equal(error.code, 40324);
      assert.equal(error.message, "Unrecognized pipeline stage name: '$foo'");
    });

    it('refuses a stage object with two fields (40323) and a non-object stage (14)', () => {
      assert.equal(errorOf(() => aggregate([], [{ $match: {}, $limit: 1 }])).code, 40323);
      assert.equal(errorOf(() => aggregate([], [1 as unknown as Document])).code, 14);
    });

    it('refuses $out and $merge anywhere but last (40601)', () => {
      assert.equal(errorOf(() => aggregate([], [{ $out: 'x' }, { $match: {} }])).code, 40601);
      assert.equal(errorOf(() => aggregate([], [{ $merge: { into: 'x' } }, { $limit: 1 }])).code, 40601);
    });

    it('answers $changeStream as a standalone mongod does (40573)', () => {
      const error = errorOf(() => aggregate([], [{ $changeStream: {} }]));
      assert.equal(error.code, 40573);
      assert.equal(error.message, 'The $changeStream stage is only supported on replica sets');
    });

    it('refuses what the store does not implement with 238 NotImplemented, naming the stage', () => {
      const error = errorOf(() => aggregate([], [{ $geoNear: { near: [0, 0], distanceField: 'd' } }]));
      assert.equal(error.code, 238);
      assert.match(error.message, /\$geoNear/);
    });

    it('refuses $documents after the first stage (40602)', () => {
      assert.equal(errorOf(() => aggregate([], [{ $match: {} }, { $documents: [] }])).code, 40602);
    });

    it('fails a bad stage late in the pipeline before an earlier stage writes anything', () => {
      const context = contextFor();
      assert.equal(errorOf(() => runPipeline(streamOf([{ a: 1 }]), [{ $out: 'written' }, { $bad: 1 }], context)).code, 40324);
      assert.equal(context.catalog.getCollection('test', 'written'), undefined);
    });
  });

  describe('cooperative execution', () => {
    const many = (n: number): Document[] => Array.from({ length: n }, (_, i) => ({ i, k: (i * 7919) % 1000, s: `v${(i * 31) % 977}` }));

    it('passes the source pauses through streaming stages', () => {
      const { docs, pauses } = drive(runPipeline(streamOf(many(2000)), [{ $match: { i: { $gte: 0 } } }, { $project: { i: 1 } }], contextFor()));
      assert.equal(docs.length, 2000);
      assert.ok(pauses >= 7, `expected pauses every 256 documents, saw ${pauses}`);
    });

    it('pauses while $group consumes its input', () => {
      const { docs, pauses } = drive(runPipeline(streamOf(many(3000)), [{ $group: { _id: '$k', n: { $sum: 1 } } }], contextFor()));
      assert.equal(docs.length, 1000);
      assert.ok(pauses >= 10);
    });

    it('sorts 100k documents in bounded steps: at most one run of input between two pauses', function () {
      this.timeout(60_000);
      // A source that never pauses itself: every pause seen downstream is the sort's own.
      let pulled = 0;
      function* source(): Stream {
        for (const doc of many(100_000)) {
          pulled += 1;
          yield doc;
        }
      }
      let pulledAtLastPause = 0;
      let mostBetweenPauses = 0;
      const docs: Document[] = [];
      const slices: number[] = [];
      // CPU time, not wall-clock time: on a shared machine the wall clock also counts other processes.
      const cpuMs = (): number => {
        const usage = process.cpuUsage();
        return (usage.user + usage.system) / 1000;
      };
      let last = cpuMs();
      for (const item of runPipeline(source(), [{ $sort: { s: 1, k: -1 } }], contextFor())) {
        if (item !== PAUSE) {
          docs.push(item);
          continue;
        }
        mostBetweenPauses = Math.max(mostBetweenPauses, pulled - pulledAtLastPause);
        pulledAtLastPause = pulled;
        const now = cpuMs();
        slices.push(now - last);
        last = now;
      }
      assert.equal(docs.length, 100_000);
      for (let i = 1; i < docs.length; i += 1) assert.ok(docs[i - 1]!.s <= docs[i]!.s);
      assert.ok(mostBetweenPauses <= 1024, `${mostBetweenPauses} documents were taken in between two pauses`);
      // Garbage collection can lengthen any one slice: the typical slice is what is checked.
      slices.sort((a, b) => a - b);
      const median = slices[Math.floor(slices.length / 2)]!;
      assert.ok(median < 10, `the median slice took ${median.toFixed(1)} ms`);
    });

    it('a sorted limit keeps only the best documents', () => {
      const { docs } = drive(runPipeline(streamOf(many(20_000)), [{ $sort: { i: -1 } }, { $skip: 2 }, { $limit: 3 }], contextFor()));
      assert.deepEqual(docs.map((doc) => doc.i), [19_997, 19_996, 19_995]);
    });
  });

  it('never changes its input documents, whatever the stages', () => {
    const input: Document[] = [{ _id: 1, tags: [], sub: { a: 1, b: [{ c: 1 }] }, n: 1 }];
    const before = structuredClone(input);
    aggregate(input, [
      { $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } },
      { $set: { 'sub.a': 2, 'sub.b.c': 5, x: 1 } },
      { $project: { 'sub.b': 0 } },
      { $addFields: { sub: { z: 1 } } },
      { $unset: ['n'] },
    ]);
    assert.deepEqual(input, before);
  });

  it('reads $$NOW once per command and let variables in expressions', () => {
    const [out] = aggregate([{}], [{ $project: { _id: 0, a: '$$NOW', b: '$$NOW', c: '$$x' } }], { variables: { x: 5 } });
    assert.ok(out!.a instanceof Date);
    assert.equal(out!.a, out!.b);
    assert.equal(out!.c, 5);
  });

  it('refuses an undefined variable (17276)', () => {
    assert.equal(errorOf(() => aggregate([{}], [{ $project: { a: '$$nope' } }])).code, 17276);
  });

  it('compiles a pipeline once and runs it many times', () => {
    const compiled = compilePipeline([{ $match: { a: 1 } }, { $count: 'n' }]);
    const context = contextFor();
    assert.deepEqual(drive(compiled.run(streamOf([{ a: 1 }, { a: 2 }]), context)).docs, [{ n: 1 }]);
    assert.deepEqual(drive(compiled.run(streamOf([{ a: 1 }, { a: 1 }]), context)).docs, [{ n: 2 }]);
  });
});
