import mongoose from 'mongoose';
import { CONNECTION_OPTIONS } from '../../server/lib/database';

/**
 * Connects mongoose to the store the global setup started, unless it is connected already, with the
 * options the app connects with (no command buffering, a one-second server selection), so that the
 * tests run the app's code as production runs it. With `monitorCommands`, the connections report
 * every command they send (test/support/command-log.ts).
 */
export async function connectTestDatabase(options: { monitorCommands?: boolean } = {}): Promise<void> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: the global setup did not run');
  if (mongoose.connection.readyState === 1) return;
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, { ...CONNECTION_OPTIONS, ...options });
  await Promise.all(mongoose.modelNames().map((name) => initialised(mongoose.model(name))));
}

/**
 * Waits for a model's collection and indexes. Mongoose starts every model's init as a connection
 * opens; without command buffering, on a reconnection (test/support/command-log.ts) that start runs
 * before the connection is up and fails at once, and the model keeps the failure until the next
 * close. The app connects once and never awaits init, so only the tests meet it: start it again,
 * connected, as mongoose itself does on close.
 */
async function initialised(model: Pick<mongoose.Model<unknown>, 'init'>): Promise<void> {
  try {
    await model.init();
  } catch {
    delete (model as unknown as { $init?: unknown }).$init;
    await model.init();
  }
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
