// The TCP server: frames messages per connection, runs commands strictly in order per
// connection, makes writes durable before replying, and runs the TTL and cursor sweeps.
import net from 'node:net';
import { promises as fs } from 'node:fs';
import type { Document } from 'bson';
import { runCommand } from './commands/index';
import { isCommandRun, type CommandRun } from './commands/context';
import { CursorRegistry } from './cursors';
import { errorToReply } from './errors';
import { DataDirLock } from './lock';
import { Catalog } from './storage/catalog';
import { Journal } from './storage/journal';
import { sweepExpired } from './ttl';
import { MessageFramer, encodeOpMsgReply, encodeOpReply, parseMessage, type ParsedCommand } from './wire-protocol';

export interface StoreLogger { info(msg: string): void; warn(msg: string): void; error(msg: string): void }

export interface ServerOptions {
  host: string;
  port: number;
  dataDir?: string;
  logger: StoreLogger;
  ttlSweepMs: number;
}

export class EmbeddedMongoServer {
  private readonly catalog = new Catalog();
  private readonly cursors = new CursorRegistry();
  private readonly sockets = new Set<net.Socket>();
  private readonly startedAt = new Date();
  private journal: Journal | undefined;
  private lock: DataDirLock | undefined;
  private server: net.Server | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private nextConnectionId = 1;
  private readonly options: ServerOptions;
  host = '';
  port = 0;

  constructor(options: ServerOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    const { dataDir, logger } = this.options;
    if (dataDir) {
      await fs.mkdir(dataDir, { recursive: true });
      // The lock comes first: nothing may read or rewrite the journal another process is appending to.
      this.lock = await DataDirLock.acquire(dataDir, this.options.host);
      try {
        this.journal = new Journal(dataDir, () => this.catalog.snapshotRecords());
        const records = await this.journal.read(logger);
        for (const record of records) this.catalog.apply(record);
        await this.journal.open();
      } catch (error) {
        await this.lock.release();
        throw error;
      }
    }
    try {
      await this.listen();
    } catch (error) {
      await this.journal?.close();
      await this.lock?.release();
      throw error;
    }
    await this.lock?.publish({ pid: process.pid, host: this.host, port: this.port });
    this.sweepTimer = setInterval(() => this.sweep(), this.options.ttlSweepMs);
    this.sweepTimer.unref();
  }

  private listen(): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        const address = server.address() as net.AddressInfo;
        this.host = this.options.host;
        this.port = address.port;
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    const framer = new MessageFramer();
    let queue = Promise.resolve();
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (error) {
        this.options.logger.warn(`embedded-mongo: closing connection ${connectionId}: ${(error as Error).message}`);
        socket.destroy();
        return;
      }
      for (const message of messages) {
        // Replies must leave in request order, and a write must be durable before the next command runs.
        queue = queue
          .then(() => this.handle(socket, message, connectionId))
          .catch((error: unknown) => {
            // One broken request must not stall the connection's later requests.
            this.options.logger.error(`embedded-mongo: connection ${connectionId}: ${(error as Error)?.stack ?? String(error)}`);
            socket.destroy();
          });
      }
    });
  }

  private async handle(socket: net.Socket, message: Buffer, connectionId: number): Promise<void> {
    let request: ParsedCommand;
    try {
      request = parseMessage(message);
    } catch (error) {
      this.options.logger.warn(`embedded-mongo: bad message on connection ${connectionId}: ${(error as Error).message}`);
      socket.destroy();
      return;
    }
    let reply: Document;
    try {
      const outcome = runCommand(request.command, { catalog: this.catalog, cursors: this.cursors, db: request.database, connectionId, startedAt: this.startedAt });
      reply = { ...(isCommandRun(outcome) ? runToEnd(outcome) : outcome), ok: 1 };
    } catch (error) {
      reply = errorToReply(error);
      if (!(error instanceof Error) || !('code' in error)) this.options.logger.error(`embedded-mongo: ${(error as Error)?.stack ?? String(error)}`);
    }
    // Taken even after a failure: an ordered insert may have applied some documents before failing.
    const records = this.catalog.takePending();
    if (this.journal && records.length > 0) {
      try {
        await this.journal.append(records);
      } catch (error) {
        this.options.logger.error(`embedded-mongo: journal write failed: ${(error as Error).message}`);
        reply = { ok: 0, errmsg: `journal write failed: ${(error as Error).message}`, code: 1, codeName: 'InternalError' };
      }
    }
    if (request.moreToCome || socket.destroyed) return;
    const requestId = request.header.requestId;
    const encode = request.legacy ? encodeOpReply : encodeOpMsgReply;
    let bytes: Buffer;
    try {
      bytes = encode(requestId, reply);
    } catch (error) {
      // e.g. a reply over the BSON size limit: answer with the error instead of dropping the request.
      bytes = encode(requestId, { ok: 0, errmsg: `could not encode the reply: ${(error as Error).message}`, code: 10334, codeName: 'BSONObjectTooLarge' });
    }
    socket.write(bytes);
  }

  private sweep(): void {
    this.cursors.reapIdle();
    if (sweepExpired(this.catalog) === 0) return;
    const records = this.catalog.takePending();
    this.journal?.append(records).catch((error: Error) => this.options.logger.error(`embedded-mongo: TTL journal write failed: ${error.message}`));
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.journal?.close();
    await this.lock?.release();
  }
}

/** Runs a long command to its end without pausing (placeholder until the scheduler interleaves them). */
function runToEnd(run: CommandRun): Document {
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
  }
}
