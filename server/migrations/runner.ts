// Data migrations that run once, at boot, before the app listens. Each migration not yet recorded
// in the `migrations` collection is applied in order and then recorded; several processes booting
// at once take turns through a lease (one document with an expiry in `migration_lease`): the
// holder applies what is missing, the others wait for the lease and then find nothing left to do.
//
// Why not migrate-mongo: its lock makes a second runner fail ("Could not create a lock") instead
// of waiting, which is wrong for several app processes starting together; it also loads its
// migrations and settings from files of its own and opens its own connection. This runner is one
// lease and one loop on the app's connection.
//
// A standalone MongoDB (and the embedded store) has no transactions: a holder that dies mid-way
// leaves its migration unrecorded, and the next process to take the lease (once it has expired)
// runs it again. So every migration must be idempotent: written to finish a half-done run.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import mongoose from 'mongoose';
import type { Collection, Db } from 'mongodb';
import { renewEveryThird, takeLease } from '../lib/leases';
import type { Logger } from '../lib/logger';
import { MIGRATIONS } from './index';

export interface Migration {
  /** Sortable and never renamed, e.g. `2027-01-backfill-counted-marker`: the record's _id. */
  id: string;
  description: string;
  /** Idempotent: it may run again after a run that died half-way. */
  up(db: Db, logger: Logger): Promise<void>;
}

export const MIGRATIONS_COLLECTION = 'migrations';
export const LEASE_COLLECTION = 'migration_lease';
const LEASE_ID = 'migrations';

export interface RunMigrationsOptions {
  migrations?: readonly Migration[];
  /** How long a lease lasts unless renewed; the holder renews it at a third of that. */
  leaseMs?: number;
  /** How long to wait for another process's lease before giving up. */
  waitMs?: number;
  /** How often a waiting process looks at the lease again. */
  pollMs?: number;
  db?: Db;
}

/** A migration failed: boot stops, and the migration is not recorded, so the next boot runs it again. */
export class MigrationFailedError extends Error {
  constructor(readonly migrationId: string, override readonly cause: unknown) {
    super(
      `Refusing to start: the data migration ${migrationId} failed: ${(cause as Error)?.message ?? String(cause)}. ` +
        'It was not recorded, and the migrations after it did not run; the next start runs it again. ' +
        'Restore from a backup if it left data half-changed and cannot finish (docs/deploy.md, "Upgrades").',
    );
    this.name = 'MigrationFailedError';
  }
}

interface LeaseDoc { _id: string; holder: string; expiresAt: Date }
interface MigrationRecord { _id: string; description: string; appliedAt: Date; durationMs: number; by: string }

/** Applies the migrations not yet recorded, each once across every process; returns the ids it applied. */
export async function runMigrations(logger: Logger, options: RunMigrationsOptions = {}): Promise<string[]> {
  const migrations = options.migrations ?? MIGRATIONS;
  const db = options.db ?? mongoose.connection.db;
  if (!db) throw new Error('runMigrations needs an open database connection');
  if (migrations.length === 0) return [];
  const ids = migrations.map((migration) => migration.id);
  if (new Set(ids).size !== ids.length) throw new Error(`Two migrations share an id: ${ids.join(', ')}`);
  const records = db.collection<MigrationRecord>(MIGRATIONS_COLLECTION);
  // Nothing to do (the usual boot): no lease needed.
  if (await allRecorded(records, ids)) return [];

  const leaseMs = options.leaseMs ?? 60_000;
  const holder = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  const lease = db.collection<LeaseDoc>(LEASE_COLLECTION);
  await waitForLease(lease, holder, leaseMs, options.waitMs ?? 10 * 60_000, options.pollMs ?? 200, logger);
  const stopRenewing = renewEveryThird(leaseMs, async () => (await lease.updateOne({ _id: LEASE_ID, holder }, { $set: { expiresAt: new Date(Date.now() + leaseMs) } })).matchedCount > 0, {
    failed: (error) => logger.warn({ err: error }, 'could not renew the migration lease'),
  });
  const applied: string[] = [];
  try {
    const done = new Set((await records.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map((record) => record._id));
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      logger.info({ migration: migration.id }, `applying data migration: ${migration.description}`);
      const started = Date.now();
      try {
        await migration.up(db, logger);
      } catch (error) {
        throw new MigrationFailedError(migration.id, error);
      }
      await records.insertOne({ _id: migration.id, description: migration.description, appliedAt: new Date(), durationMs: Date.now() - started, by: holder });
      applied.push(migration.id);
    }
    return applied;
  } finally {
    stopRenewing();
    await lease.deleteOne({ _id: LEASE_ID, holder }).catch(() => undefined);
  }
}

async function allRecorded(records: Collection<MigrationRecord>, ids: readonly string[]): Promise<boolean> {
  return (await records.countDocuments({ _id: { $in: [...ids] } })) === ids.length;
}

/** Takes the lease, waiting while another live process holds it; an expired lease is taken over. */
async function waitForLease(lease: Collection<LeaseDoc>, holder: string, leaseMs: number, waitMs: number, pollMs: number, logger: Logger): Promise<void> {
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    if (await takeLease(lease, { _id: LEASE_ID }, { holder }, leaseMs)) return;
    if (!announced) {
      logger.info('another process is applying the data migrations; waiting for it');
      announced = true;
    }
    if (Date.now() > deadline) {
      throw new Error(`Refusing to start: another process has held the data-migration lease for over ${Math.round(waitMs / 1000)} s (collection ${LEASE_COLLECTION}).`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
