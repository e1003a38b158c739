// `npm run mail -- worker` as a process of its own against the test store and a test SMTP server,
// so a test can run two at once or kill one with SIGKILL mid-send.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './app';
import { TEST_SENDER } from './outbox';

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves once the worker says it runs. */
  ready: Promise<void>;
  /** Resolves when the process has ended. */
  exited: Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function startWorkerProcess(smtpUrl: string, options: { leaseSeconds?: number } = {}): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/mail/mail.cli.ts', 'worker', ...(options.leaseSeconds ? ['--lease-seconds', String(options.leaseSeconds)] : [])], {
    cwd: ROOT,
    // The test process's environment carries MONGODB_URI (the global setup's store) and NODE_ENV.
    env: { ...process.env, LOG_LEVEL: 'silent', DATA_DIR: path.join(ROOT, 'test', 'artifacts', 'data'), SMTP_URL: smtpUrl, MAIL_FROM: TEST_SENDER.from, MAIL_RATE_PER_SECOND: '1000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Stop with Ctrl-C')) resolve();
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then(() => reject(new Error(`the worker process ended before it ran:\n${output}`)));
  });
  return {
    child,
    ready,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
