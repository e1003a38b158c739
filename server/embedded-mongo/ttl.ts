// TTL indexes: documents whose indexed date is older than expireAfterSeconds are removed by
// a periodic sweep, as mongod's TTL monitor does (mongod sweeps every 60 s; ours is configurable).
import type { Catalog } from './storage/catalog';
import { valuesAtPath } from './storage/values';

/** Removes expired documents; returns how many went. Journaling is the caller's job. */
export function sweepExpired(catalog: Catalog, now = Date.now()): number {
  let removed = 0;
  for (const db of catalog.databaseNames()) {
    for (const collection of catalog.collections(db)) {
      for (const index of collection.indexes.values()) {
        const seconds = index.spec.expireAfterSeconds;
        if (typeof seconds !== 'number' || index.fields.length !== 1) continue;
        const cutoff = now - seconds * 1000;
        const field = index.fields[0]!;
        for (const doc of [...collection.docs.values()]) {
          // With an array of dates, the earliest one decides, as in MongoDB.
          const dates = valuesAtPath(doc, field).filter((value): value is Date => value instanceof Date);
          if (dates.length === 0) continue;
          if (Math.min(...dates.map((date) => date.getTime())) <= cutoff) {
            catalog.remove(collection, doc);
            removed += 1;
          }
        }
      }
    }
  }
  return removed;
}
