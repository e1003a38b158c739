// The servers of `npm run bench:load` and `bench:live` as child processes, the cores they and the load
// generator run on, and what Linux's /proc says each process used. CPU is the whole process
// (every thread: Barometer's store runs in a worker thread), so it is read from /proc rather than
// from inside the server.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: where the servers run from. */
export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BOOT_TIMEOUT_MS = 60_000;

export interface Pinning {
  applied: boolean;
  /** Why, in a few words: the cores used, or what prevented pinning. */
  detail: string;
  /** The core the servers run on (each is measured alone), when pinned. */
  serverCpu?: number;
  /** The core of this process (the load generator), when pinned. */
  loadCpu?: number;
}

export function assertLinux(): void {
  if (process.platform !== 'linux') {
    throw new Error(`The load benchmarks read CPU and memory from /proc and run on Linux only (this is ${process.platform}).`);
  }
}

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The CPUs this process may run on, from "0-3,6" in /proc/self/status. */
function allowedCpus(): number[] {
  const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
  return list.split(',').flatMap((range) => {
    const [from, to = from] = range.trim().split('-').map(Number);
    if (from === undefined || to === undefined || Number.isNaN(from) || Number.isNaN(to)) return [];
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

/**
 * Pins this process (all its threads, and those it starts later) to the second allowed core and
 * reserves the first for the servers, so the load generator never takes CPU from the server it
 * measures. Without taskset or a second core the run goes on unpinned, and says so.
 */
export function pinLoadGenerator(): Pinning {
  if (!hasCommand('taskset')) return { applied: false, detail: 'not pinned: taskset not found' };
  const cpus = allowedCpus();
  const [serverCpu, loadCpu] = cpus;
  if (serverCpu === undefined || loadCpu === undefined) return { applied: false, detail: `not pinned: only ${cpus.length} CPU allowed` };
  execFileSync('taskset', ['-a', '-cp', String(loadCpu), String(process.pid)], { stdio: 'ignore' });
  return { applied: true, detail: `servers on CPU ${serverCpu}, load generator on CPU ${loadCpu}`, serverCpu, loadCpu };
}

// ------------------------------------------------------------------------------ servers

export interface ServerProcess {
  name: string;
  pid: number;
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  baseUrl: string;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;
const OUTPUT_KEPT = 4_000;

export interface ServerSpec {
  name: string;
  /** The node arguments, e.g. ['--import', 'tsx', 'server/index.ts']. */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The stdout line that says the server listens; its first group is the base URL. */
  ready: RegExp;
  pinning: Pinning;
  cwd: string;
  bootTimeoutMs: number;
}

const running = new Set<ChildProcess>();

// Whatever ends this process, no server outlives it.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export function startServer(spec: ServerSpec): Promise<ServerProcess> {
  const command = spec.pinning.applied ? 'taskset' : process.execPath;
  // taskset execs node in place, so the pid we get is the server's own.
  const args = spec.pinning.applied ? ['-c', String(spec.pinning.serverCpu), process.execPath, ...spec.args] : spec.args;
  const child = spawn(command, args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
  };
  child.stderr.on('data', keep);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, STOP_GRACE_MS))) {
      child.kill('SIGKILL');
      await waitForExit(child, STOP_GRACE_MS);
    }
  };

  return new Promise((resolve, reject) => {
    let stdout = '';
    /** Ready, or given up on: whatever happens next is not about booting. */
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().finally(() => reject(new Error(`${spec.name} did not start: ${why}\n${output}`)));
    };
    const timer = setTimeout(() => fail(`no "${spec.ready.source}" line within ${spec.bootTimeoutMs / 1000} s`), spec.bootTimeoutMs);
    child.once('exit', (code, signal) => fail(`it exited (${signal ?? `code ${code}`})`));
    child.once('error', (error) => fail(error.message));
    child.stdout.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (settled) return;
      stdout += chunk.toString('utf8');
      const match = spec.ready.exec(stdout);
      if (!match?.[1] || child.pid === undefined) return;
      settled = true;
      clearTimeout(timer);
      // The pipe is still read (into `output`), so a chatty server never blocks on a full one.
      resolve({ name: spec.name, pid: child.pid, baseUrl: match[1].replace(/\/$/, ''), stop });
    });
  });
}

/**
 * Barometer's settings in production mode on its embedded store, the journal on disk in `dataDir`
 * (no MONGODB_URI: never a real MongoDB the caller's shell may name), with the response rate limit
 * raised so the load is not refused. `env` adds settings of one benchmark.
 */
function productionEnv(dataDir: string, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SECRET: randomBytes(32).toString('base64url'),
    // Production needs the public address links are built from; the load never follows one.
    PUBLIC_URL: 'http://127.0.0.1',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    // The load starts thousands of responses from one address.
    RESPONSE_RATE_LIMIT: '1000000000',
    ...env,
  };
  delete merged.MONGODB_URI;
  return merged;
}

/** Barometer itself with productionEnv's settings. `nodeFlags` go before the script (a V8 profile, a heap setting). */
export function startBarometer(options: { pinning: Pinning; dataDir: string; nodeFlags: string[]; env?: NodeJS.ProcessEnv }): Promise<ServerProcess> {
  return startServer({
    name: 'Barometer',
    args: [...options.nodeFlags, '--import', 'tsx', path.join(REPOSITORY_ROOT, 'server/index.ts')],
    env: productionEnv(options.dataDir, options.env),
    ready: /Barometer is running at (http:\/\/\S+)/,
    pinning: options.pinning,
    cwd: REPOSITORY_ROOT,
    bootTimeoutMs: BOOT_TIMEOUT_MS,
  });
}

/**
 * The floor (floor-server.ts): Express answering `bodyBytes` bytes, with and without the one read
 * a page makes, on an embedded store opened as Barometer opens it, with Barometer's settings.
 */
export function startFloor(options: { pinning: Pinning; dataDir: string; bodyBytes: number }): Promise<ServerProcess> {
  return startServer({
    name: 'floor',
    args: ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'bench/load/floor-server.ts')],
    env: productionEnv(options.dataDir, { FLOOR_BODY_BYTES: String(options.bodyBytes) }),
    ready: /Floor is running at (http:\/\/\S+)/,
    pinning: options.pinning,
    cwd: REPOSITORY_ROOT,
    bootTimeoutMs: BOOT_TIMEOUT_MS,
  });
}

// ------------------------------------------------------------------------------ /proc

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function cpuMsOfStat(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** CPU time (user + system, every thread) a process has used since it started, in ms. */
export function processCpuMs(pid: number): number {
  return cpuMsOfStat(`/proc/${pid}/stat`);
}

/**
 * CPU time of the process's main thread alone: HTTP, the app, mongoose and the driver. The
 * embedded store's worker thread, V8's garbage-collection helpers and libuv's pool are the rest.
 */
export function mainThreadCpuMs(pid: number): number {
  return cpuMsOfStat(`/proc/${pid}/task/${pid}/stat`);
}

/** CPU time every core of the machine has spent busy since boot (all processes), in ms. */
export function machineBusyCpuMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal ...: all but idle and iowait is work.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function statusKiB(pid: number, field: 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const value = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(status)?.[1];
  if (value === undefined) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(value);
}

/** Resident memory now, in KiB. */
export function residentKiB(pid: number): number {
  return statusKiB(pid, 'VmRSS');
}
