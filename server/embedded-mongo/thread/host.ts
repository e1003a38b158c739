// Starts the store in a worker thread and talks to it from the caller's thread.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DataDirLockedError, type LockOwner } from '../lock';
import type { StoreLogger, TcpAddress } from '../server';
import type { FromWorker, SerializedError, ToWorker, WorkerStartOptions } from './messages';

export interface WorkerStore {
  tcp: TcpAddress[];
  socketPath?: string;
  close(): Promise<void>;
}

/**
 * Under tsx (development, tests) the worker is TypeScript, which a worker cannot load by itself
 * (`execArgv: ['--import', 'tsx']` is not applied to a worker's entry module on Node 20), so a
 * small bootstrap registers tsx's loader in the worker and then imports the entry. Built to
 * JavaScript, the sibling worker.js is started directly.
 */
function spawnWorker(options: WorkerStartOptions): Worker {
  const isTypeScript = import.meta.url.endsWith('.ts');
  const entry = new URL(isTypeScript ? './worker.ts' : './worker.js', import.meta.url);
  if (!isTypeScript) return new Worker(entry, { workerData: options });
  // createRequire rather than import.meta.resolve: this module may itself be loaded as CommonJS
  // (mocha's --require), where tsx provides import.meta.url but not import.meta.resolve.
  // require.resolve picks the package's "require" build (index.cjs); its ESM twin sits beside it.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}

function reviveError(serialized: SerializedError): Error {
  if (serialized.name === 'DataDirLockedError') {
    return new DataDirLockedError(serialized.props.dataDir as string, serialized.props.owner as LockOwner);
  }
  const error = new Error(serialized.message);
  error.name = serialized.name;
  Object.assign(error, serialized.props);
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}

export function startInWorker(options: WorkerStartOptions, logger: StoreLogger): Promise<WorkerStore> {
  const worker = spawnWorker(options);
  let closed: (() => void) | undefined;
  let exited = false;
  return new Promise((resolve, reject) => {
    let started = false;
    /** Set once the start has failed: later events of the dying thread change nothing. */
    let settled = false;
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'log':
          logger[message.level](message.message);
          break;
        case 'ready': {
          started = true;
          let closing: Promise<void> | undefined;
          const store: WorkerStore = {
            tcp: message.tcp,
            close: () =>
              (closing ??= new Promise<void>((done) => {
                if (exited) return done();
                closed = done;
                worker.postMessage({ type: 'close' } satisfies ToWorker);
              }).then(() => worker.terminate().then(() => undefined))),
          };
          if (message.socketPath) store.socketPath = message.socketPath;
          resolve(store);
          break;
        }
        case 'failed':
          settled = true;
          reject(reviveError(message.error));
          void worker.terminate();
          break;
        case 'closed':
          closed?.();
          break;
      }
    });
    worker.on('error', (error) => {
      if (settled) return;
      if (!started) reject(error);
      else logger.error(`embedded-mongo: the store's thread failed: ${error.stack ?? error.message}`);
    });
    worker.on('exit', (code) => {
      exited = true;
      if (!started && !settled) reject(new Error(`the store's thread exited (code ${code}) before it was ready`));
      else if (started && !closed) logger.error(`embedded-mongo: the store's thread exited unexpectedly (code ${code}); the database is gone until a restart`);
      // A close in progress is finished: nothing is left to wait for.
      closed?.();
    });
  });
}
