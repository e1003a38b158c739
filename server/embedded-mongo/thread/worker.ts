// Entry point of the store's worker thread: starts the server with the options it was given,
// forwards its logs, and closes it when asked. Keeping the store off the app's thread means a
// heavy command never delays an HTTP request (issue 8).
import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddedMongoServer } from '../server';
import { serializeError, type FromWorker, type ToWorker, type WorkerStartOptions } from './messages';

const port = parentPort;
if (!port) throw new Error('thread/worker.ts runs only as a worker thread');

const send = (message: FromWorker): void => port.postMessage(message);
const options = workerData as WorkerStartOptions;

const server = new EmbeddedMongoServer({
  ...options,
  logger: {
    info: (message) => send({ type: 'log', level: 'info', message }),
    warn: (message) => send({ type: 'log', level: 'warn', message }),
    error: (message) => send({ type: 'log', level: 'error', message }),
  },
});

port.on('message', (message: ToWorker) => {
  if (message.type !== 'close') return;
  server.close().then(
    () => send({ type: 'closed' }),
    (error: unknown) => {
      send({ type: 'log', level: 'error', message: `embedded-mongo: close failed: ${(error as Error)?.message ?? String(error)}` });
      send({ type: 'closed' });
    },
  );
});

try {
  await server.start();
  const ready: FromWorker = { type: 'ready', tcp: server.tcp };
  if (server.socketPath) ready.socketPath = server.socketPath;
  send(ready);
} catch (error) {
  send({ type: 'failed', error: serializeError(error) });
}
