// What the app's thread and the store's worker thread say to each other (structured-clone safe).
import type { TcpAddress } from '../server';

/** Everything needed to start the server, minus the logger (logs travel back as messages). */
export interface WorkerStartOptions {
  tcp: TcpAddress[];
  socketPath?: string;
  dataDir?: string;
  ttlSweepMs: number;
  auth: boolean;
  initialUsers?: { user: string; pwd: string; roles?: string[] }[];
}

export interface SerializedError { name: string; message: string; stack?: string; props: Record<string, unknown> }

export type FromWorker =
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'ready'; tcp: TcpAddress[]; socketPath?: string }
  | { type: 'failed'; error: SerializedError }
  | { type: 'closed' };

export type ToWorker = { type: 'close' };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), props: {} };
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    try {
      props[key] = structuredClone(value);
    } catch {
      props[key] = String(value);
    }
  }
  return { name: error.name, message: error.message, stack: error.stack, props };
}
