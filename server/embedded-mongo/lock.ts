// Exclusive ownership of a data directory: two processes appending to one journal would
// corrupt it. The lock file also tells other tools where the running store listens (its Unix
// socket, or its TCP port when it has one).
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { serialize } from 'bson';
import { HEADER_SIZE, MessageFramer, OP_MSG, toBuffer } from './wire-protocol';

export const LOCK_FILE = 'embedded-mongo.lock';
/** How long a holder has to answer before it is judged gone (it answers pings between slices). */
const PROBE_TIMEOUT_MS = 2_000;

export interface LockOwner {
  pid: number;
  host: string;
  /** 0 when the store has no TCP listener (or is still starting). */
  port: number;
  /** The Unix domain socket the store listens on, if any. */
  socket?: string;
}

/** What the lock file records: the owner, plus what tells a reused pid from the holder. */
interface LockRecord extends LockOwner {
  /** The holder's start time as the kernel counts it (Linux /proc/<pid>/stat field 22), when known. */
  processStart?: string;
}

export class DataDirLockedError extends Error {
  readonly dataDir: string;
  readonly owner: LockOwner;

  constructor(dataDir: string, owner: LockOwner) {
    const where = owner.socket ? ` listening on ${owner.socket}` : owner.port > 0 ? ` listening on mongodb://${owner.host}:${owner.port}` : '';
    super(
      `The data directory ${dataDir} is in use by another embedded MongoDB store (pid ${owner.pid}${where}). ` +
        'Stop that process, connect to it instead, or choose another data directory.',
    );
    this.name = 'DataDirLockedError';
    this.dataDir = dataDir;
    this.owner = owner;
  }
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The kernel's start time of a process, so a pid reused after a restart is told apart. */
async function processStartOf(pid: number): Promise<string | undefined> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

async function readRecord(file: string): Promise<LockRecord | null> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<LockRecord>;
    if (typeof parsed.pid !== 'number') return null;
    const record: LockRecord = { pid: parsed.pid, host: String(parsed.host ?? '127.0.0.1'), port: Number(parsed.port ?? 0) };
    if (typeof parsed.socket === 'string') record.socket = parsed.socket;
    if (typeof parsed.processStart === 'string') record.processStart = parsed.processStart;
    return record;
  } catch {
    return null;
  }
}

function ownerOf(record: LockRecord): LockOwner {
  const owner: LockOwner = { pid: record.pid, host: record.host, port: record.port };
  if (record.socket) owner.socket = record.socket;
  return owner;
}

/** Sends a ping to the store a lock names and resolves whether it answered in time. */
export function probeStore(owner: LockOwner, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  if (!owner.socket && owner.port <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = owner.socket ? net.connect({ path: owner.socket }) : net.connect({ host: owner.host, port: owner.port });
    const framer = new MessageFramer();
    const finish = (answered: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
    socket.on('data', (chunk: Buffer) => {
      try {
        if (framer.push(chunk).some((message) => message.readInt32LE(8) === 1)) finish(true);
      } catch {
        finish(false);
      }
    });
    socket.once('connect', () => socket.write(opMsg(1, { ping: 1, $db: 'admin' })));
  });
}

function opMsg(requestId: number, body: object): Buffer {
  const doc = toBuffer(serialize(body));
  const out = Buffer.alloc(HEADER_SIZE + 5 + doc.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(0, 8);
  out.writeInt32LE(OP_MSG, 12);
  out.writeUInt32LE(0, HEADER_SIZE);
  out.writeUInt8(0, HEADER_SIZE + 4);
  doc.copy(out, HEADER_SIZE + 5);
  return out;
}

/**
 * Whether the process a lock names still holds it. A pid alone proves nothing: after a container
 * restart the same pid (often 1) belongs to an unrelated process. So the holder is asked (a ping
 * on its socket or port); one that does not answer still holds the lock only if it is the very
 * process that wrote it (same kernel start time), e.g. a store still replaying its journal.
 */
async function holderIsLive(record: LockRecord): Promise<boolean> {
  if (!isPidAlive(record.pid)) return false;
  if (await probeStore(record)) return true;
  const start = await processStartOf(record.pid);
  if (record.processStart !== undefined && start !== undefined) return start === record.processStart;
  // No way to tell a reused pid apart: a store that never published an address may be starting.
  return record.port <= 0 && !record.socket;
}

export class DataDirLock {
  private constructor(
    private readonly file: string,
    private readonly processStart: string | undefined,
  ) {}

  /** Takes the lock, replacing a stale one left by a process that died or a pid now reused. */
  static async acquire(dataDir: string): Promise<DataDirLock> {
    const file = path.join(dataDir, LOCK_FILE);
    const processStart = await processStartOf(process.pid);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const handle = await fs.open(file, 'wx', 0o600);
        const record: LockRecord = { pid: process.pid, host: '', port: 0 };
        if (processStart) record.processStart = processStart;
        await handle.writeFile(JSON.stringify(record));
        await handle.sync();
        await handle.close();
        return new DataDirLock(file, processStart);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const record = await readRecord(file);
      if (record && (await holderIsLive(record))) throw new DataDirLockedError(dataDir, ownerOf(record));
      // Stale (holder gone, or the pid now belongs to someone else) or unreadable (a crash mid-write): take it over.
      await fs.rm(file, { force: true });
    }
    throw new Error(`Could not lock the data directory ${dataDir}`);
  }

  /** Records where the store listens, once it does. Written via rename so readers never see half a file. */
  async publish(owner: LockOwner): Promise<void> {
    const record: LockRecord = { ...owner };
    if (this.processStart) record.processStart = this.processStart;
    const temp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.writeFile(temp, JSON.stringify(record), { mode: 0o600 });
    await fs.rename(temp, this.file);
  }

  async release(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }
}

/**
 * The live store that owns `dataDir` and where it listens, if any, so CLIs can connect to it
 * rather than open the files. Null when no store answers there.
 */
export async function readRunningStore(dataDir: string): Promise<LockOwner | null> {
  const record = await readRecord(path.join(dataDir, LOCK_FILE));
  if (!record || (record.port <= 0 && !record.socket) || !isPidAlive(record.pid)) return null;
  return (await probeStore(record)) ? ownerOf(record) : null;
}

/** The connection string for a store a lock names: its Unix socket (percent-encoded) or its TCP address. */
export function storeUri(owner: LockOwner): string {
  if (owner.socket) return `mongodb://${encodeURIComponent(owner.socket)}`;
  const host = owner.host.includes(':') ? `[${owner.host}]` : owner.host;
  return `mongodb://${host}:${owner.port}`;
}
