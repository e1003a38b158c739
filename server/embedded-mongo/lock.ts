// Exclusive ownership of a data directory: two processes appending to one journal would
// corrupt it. The lock file also tells other tools where the running store listens.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'embedded-mongo.lock';

export interface LockOwner { pid: number; host: string; port: number }

export class DataDirLockedError extends Error {
  readonly owner: LockOwner;

  constructor(dataDir: string, owner: LockOwner) {
    const where = owner.port > 0 ? ` listening on mongodb://${owner.host}:${owner.port}` : '';
    super(
      `The data directory ${dataDir} is in use by another embedded MongoDB store (pid ${owner.pid}${where}). ` +
        'Stop that process, connect to it instead, or choose another data directory.',
    );
    this.name = 'DataDirLockedError';
    this.owner = owner;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number') return null;
    return { pid: parsed.pid, host: String(parsed.host ?? '127.0.0.1'), port: Number(parsed.port ?? 0) };
  } catch {
    return null;
  }
}

export class DataDirLock {
  private constructor(private readonly file: string) {}

  /** Takes the lock, replacing a stale one left by a process that died. */
  static async acquire(dataDir: string, host: string): Promise<DataDirLock> {
    const file = path.join(dataDir, LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const handle = await fs.open(file, 'wx');
        await handle.writeFile(JSON.stringify({ pid: process.pid, host, port: 0 }));
        await handle.sync();
        await handle.close();
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = await readOwner(file);
      if (owner && isAlive(owner.pid)) throw new DataDirLockedError(dataDir, owner);
      // Stale (owner dead) or unreadable (a crash mid-write): take it over.
      await fs.rm(file, { force: true });
    }
    throw new Error(`Could not lock the data directory ${dataDir}`);
  }

  /** Records where the store listens, once it does. Written via rename so readers never see half a file. */
  async publish(owner: LockOwner): Promise<void> {
    const temp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(temp, JSON.stringify(owner));
    await fs.rename(temp, this.file);
  }

  async release(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }
}

/** The live store that owns `dataDir`, if any, so CLIs can connect to it rather than open the files. */
export async function readRunningStore(dataDir: string): Promise<LockOwner | null> {
  const owner = await readOwner(path.join(dataDir, LOCK_FILE));
  if (!owner || owner.port <= 0 || !isAlive(owner.pid)) return null;
  return owner;
}
