// The app and the embedded store as separate processes, as production runs them: for the tests that
// kill one (SIGKILL, SIGTERM, an outage) or run two apps on one store.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ROOT } from './app';

export interface ChildRun {
  child: ChildProcessWithoutNullStreams;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) once it has exited. */
  exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; nothing to do if it has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface AppProcess extends ChildRun {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
}

export interface StoreProcess extends ChildRun {
  port: number;
  /** mongodb://127.0.0.1:PORT (no database). */
  uri: string;
}

const START_TIMEOUT_MS = 60_000;

/** The environment a child starts from: the PATH and HOME of this one, nothing else leaked. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development', ...extra };
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, what: string): Promise<ChildRun & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, output: () => output, exited, stop, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/**
 * Starts `npm start`'s entry point with `env` (see childEnv; give it DATA_DIR, or MONGODB_URI for a
 * store of its own) and resolves once it listens.
 */
export async function startAppProcess(env: NodeJS.ProcessEnv): Promise<AppProcess> {
  const started = await run('server/index.ts', [], env, /Barometer is running at (http:\/\/[^\s/]+)\//, 'the app');
  const host = started.match[1]!;
  return { ...started, url: host };
}

/**
 * Starts `npm run db` on loopback with `args` (mongod's flags: `--dbpath DIR`, `--port N`) and
 * resolves once it listens. Restarting on the same `--port` and `--dbpath` is how a test brings a
 * killed store back.
 */
export async function startStoreProcess(args: string[]): Promise<StoreProcess> {
  const started = await run('server/embedded-mongo/cli.ts', args, childEnv({}), /listening on mongodb:\/\/[^:\s]+:(\d+)/, 'the store');
  const port = Number(started.match[1]);
  return { ...started, port, uri: `mongodb://127.0.0.1:${port}` };
}
