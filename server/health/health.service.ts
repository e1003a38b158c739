import mongoose from 'mongoose';

/** A cheap round trip that proves the database answers. */
export async function pingDatabase(): Promise<void> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== 1) throw new Error('database not connected');
  await db.admin().command({ ping: 1 });
}
