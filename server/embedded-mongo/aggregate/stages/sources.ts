// Stages that produce documents instead of transforming them ($documents, $collStats,
// $indexStats, $planCacheStats) and the ones a standalone store answers with a refusal.
import { hostname } from 'node:os';
import { calculateObjectSize, type Document } from 'bson';
import { bsonType, isPlainObject } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileExpression } from '../expressions/index';
import { PAUSE, streamOf, type Stream } from '../pause';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';

/** The collection a collection-level stage ($collStats, $indexStats) runs on. */
export interface SourceTarget {
  collection?: string;
}

export function parseDocuments(spec: unknown, parse: ParseContext): CompiledStage {
  const evaluate = compileExpression(spec, { collator: parse.collator, variableNames: parse.variableNames });
  return {
    name: '$documents',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      // Whatever precedes ($documents is first) is drained only for its pauses.
      for (const item of input) if (item === PAUSE) yield item;
      const value = evaluate({}, context.variables);
      if (!Array.isArray(value)) {
        throw new CommandError(5858203, `an array is expected, but found ${bsonType(value)}`);
      }
      for (const doc of value) {
        if (!isPlainObject(doc)) throw new CommandError(40228, `'newRoot' expression must evaluate to an object, but resulting value was of type: ${bsonType(doc)}`);
      }
      yield* streamOf(value as Document[]);
    },
  };
}

/** Host name as mongod reports it in diagnostics. */
function host(): string {
  return hostname();
}

export function parseCollStats(spec: unknown, target: SourceTarget): CompiledStage {
  if (!isPlainObject(spec)) throw new CommandError(5447000, `$collStats must take a nested object but found: ${bsonType(spec)}`);
  for (const key of Object.keys(spec)) {
    if (!['latencyStats', 'storageStats', 'count', 'queryExecStats'].includes(key)) {
      throw new CommandError(40415, `BSON field '$collStats.${key}' is an unknown field.`);
    }
  }
  return {
    name: '$collStats',
    spec,
    *run(_input: Stream, context: PipelineContext): Stream {
      const name = target.collection ?? '';
      const collection = context.catalog.getCollection(context.db, name);
      const ns = `${context.db}.${name}`;
      const out: Document = { ns, host: host(), localTime: new Date() };
      if (spec.latencyStats !== undefined) {
        const zero = { latency: 0n, ops: 0n };
        out.latencyStats = { reads: zero, writes: zero, commands: zero, transactions: zero };
      }
      if (spec.storageStats !== undefined || spec.count !== undefined) {
        if (!collection) throw new CommandError('NamespaceNotFound', `Unable to retrieve storageStats in $collStats stage :: caused by :: Collection [${ns}] not found.`);
      }
      if (spec.storageStats !== undefined && collection) {
        let size = 0;
        for (const doc of collection.docs.values()) size += calculateObjectSize(doc);
        const count = collection.docs.size;
        const indexSizes: Document = {};
        for (const index of collection.indexSpecs()) indexSizes[index.name] = 0;
        out.storageStats = {
          size,
          count,
          avgObjSize: count === 0 ? 0 : Math.floor(size / count),
          storageSize: size,
          freeStorageSize: 0,
          capped: false,
          nindexes: collection.indexSpecs().length,
          indexBuilds: [],
          totalIndexSize: 0,
          totalSize: size,
          indexSizes,
        };
      }
      if (spec.count !== undefined && collection) out.count = collection.docs.size;
      if (spec.queryExecStats !== undefined) out.queryExecStats = { collectionScans: { total: 0n, nonTailable: 0n } };
      yield out;
    },
  };
}

export function parseIndexStats(spec: unknown, target: SourceTarget, startedAt: () => Date): CompiledStage {
  if (!isPlainObject(spec) || Object.keys(spec).length > 0) {
    throw new CommandError(28803, 'The $indexStats stage specification must be an empty object');
  }
  return {
    name: '$indexStats',
    spec,
    *run(_input: Stream, context: PipelineContext): Stream {
      const collection = context.catalog.getCollection(context.db, target.collection ?? '');
      for (const index of collection?.indexSpecs() ?? []) {
        // The store keeps no access counters: every index reads as never used since start-up.
        yield { name: index.name, key: index.key, host: host(), accesses: { ops: 0n, since: startedAt() }, spec: { ...index } };
      }
    },
  };
}

/** The collection's plan cache (storage/plan/cache.ts), one document per entry. */
export function parsePlanCacheStats(spec: unknown, target: SourceTarget): CompiledStage {
  if (!isPlainObject(spec)) throw new CommandError('FailedToParse', `$planCacheStats value must be an object. Found: ${bsonType(spec)}`);
  for (const key of Object.keys(spec)) {
    if (key !== 'allHosts') throw new CommandError('FailedToParse', `unrecognized option to $planCacheStats: ${key}`);
  }
  return {
    name: '$planCacheStats',
    spec,
    *run(_input: Stream, context: PipelineContext): Stream {
      const collection = context.catalog.getCollection(context.db, target.collection ?? '');
      if (!collection) return;
      const keyPattern = (name: string) => collection.indexNamed(name)?.spec.key;
      yield* streamOf(collection.planCache.describe(keyPattern));
    },
  };
}

export function refusal(code: number | 'NotImplemented', message: string): (spec: unknown) => CompiledStage {
  return () => {
    throw new CommandError(code, message);
  };
}
