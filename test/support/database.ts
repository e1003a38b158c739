import mongoose from 'mongoose';

/**
 * Connects mongoose to the store the global setup started, unless it is connected already. With
 * `monitorCommands`, the connections report every command they send (test/support/command-log.ts).
 */
export async function connectTestDatabase(options: { monitorCommands?: boolean } = {}): Promise<void> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: the global setup did not run');
  if (mongoose.connection.readyState === 1) return;
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000, ...options });
}

export async function disconnectTestDatabase(): Promise<void> {
  await mongoose.disconnect();
}

/** Empties every collection (keeping indexes), so each test starts from nothing. */
export async function resetDatabase(): Promise<void> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(
    collections
      .filter((c) => !c.name.startsWith('system.'))
      .map((c) => db.collection(c.name).deleteMany({})),
  );
}
