// TTL indexes: documents whose indexed date is older than expireAfterSeconds are removed by
// a periodic sweep, as mongod's TTL monitor does (mongod sweeps every 60 s; ours is configurable).
// The sweep reads the index over the dates up to the cutoff, so it costs O(log n + expired),
// not a pass over every document.
import type { Document } from 'bson';
import type { Catalog } from './storage/catalog';
import type { SecondaryIndex } from './storage/indexes';
import { BracketEdge, HIGH_ID, LOW_ID, typeRank } from './storage/plan/key-order';

const DATE_RANK = typeRank(new Date(0));

/** Removes expired documents; returns how many went. Journaling is the caller's job. */
export function sweepExpired(catalog: Catalog, now = Date.now()): number {
  let removed = 0;
  for (const db of catalog.databaseNames()) {
    for (const collection of catalog.collections(db)) {
      for (const index of [...collection.indexes.values()]) {
        const seconds = index.spec.expireAfterSeconds;
        if (typeof seconds !== 'number' || !Number.isFinite(seconds) || index.fields.length !== 1 || !index.ordered) continue;
        for (const doc of expiredDocuments(index, now - seconds * 1000, (id) => collection.getByRecordId(id))) {
          catalog.remove(collection, doc);
          removed += 1;
        }
      }
    }
  }
  return removed;
}

/**
 * Documents with a date key at or before the cutoff. With an array of dates the earliest one
 * decides, as in MongoDB: that is exactly "some key in range". Partial TTL indexes hold only
 * the documents their filter admits, so those are the only ones that expire.
 */
function expiredDocuments(index: SecondaryIndex, cutoff: number, fetch: (id: string) => Document | undefined): Document[] {
  const ascending = index.directions[0]! > 0;
  const firstDate = { parts: [new BracketEdge(DATE_RANK, false)], id: ascending ? LOW_ID : HIGH_ID } as const;
  const last = { parts: [new Date(cutoff)], id: ascending ? HIGH_ID : LOW_ID } as const;
  const ids = new Set<string>();
  const keys = ascending ? index.keysFrom(firstDate) : index.keysBackFrom(firstDate);
  for (const [key] of keys) {
    if (ascending ? index.compare(key, last) > 0 : index.compare(key, last) < 0) break;
    ids.add(key.id as string);
  }
  const docs: Document[] = [];
  for (const id of ids) {
    const doc = fetch(id);
    if (doc) docs.push(doc);
  }
  return docs;
}
