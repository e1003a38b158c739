// A raw wire-protocol client for tests that must send what no driver would.
import net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
/** OP_MSG flag: the sender expects no reply. */
export const MORE_TO_COME = 2;

export function opMsg(requestId: number, body: Document, flags = 0): Buffer {
  return opMsgFrame(requestId, flags, body, []);
}

/** OP_MSG with a kind-1 document sequence, as the driver sends insertMany. */
export function opMsgWithSequence(requestId: number, body: Document, identifier: string, docs: Document[], flags = 0): Buffer {
  const docBytes = Buffer.concat(docs.map((doc) => Buffer.from(serialize(doc))));
  const id = Buffer.from(`${identifier}\0`);
  const sequence = Buffer.alloc(1 + 4);
  sequence.writeUInt8(1, 0);
  sequence.writeInt32LE(4 + id.length + docBytes.length, 1);
  return opMsgFrame(requestId, flags, body, [sequence, id, docBytes]);
}

/** The message header, the flags, the body's section (kind 0), then any further section bytes. */
function opMsgFrame(requestId: number, flags: number, body: Document, sections: Buffer[]): Buffer {
  const bodyBytes = Buffer.from(serialize(body));
  const header = Buffer.alloc(21);
  const total = header.length + bodyBytes.length + sections.reduce((sum, part) => sum + part.length, 0);
  header.writeInt32LE(total, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(flags, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, bodyBytes, ...sections]);
}

export function opQuery(requestId: number, namespace: string, query: Document): Buffer {
  const ns = Buffer.from(`${namespace}\0`);
  const doc = Buffer.from(serialize(query));
  const header = Buffer.alloc(20);
  const tail = Buffer.alloc(8);
  tail.writeInt32LE(0, 0);
  tail.writeInt32LE(-1, 4);
  header.writeInt32LE(20 + ns.length + 8 + doc.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_QUERY, 12);
  header.writeInt32LE(0, 16);
  return Buffer.concat([header, ns, tail, doc]);
}

export type Endpoint = { host: string; port: number } | { path: string };

export interface Reply { responseTo: number; doc: Document }

/** One connection: collects replies by responseTo and notices when the server closes it. */
export class WireClient {
  readonly socket: net.Socket;
  readonly closed: Promise<void>;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private nextId = 1_000_000;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readInt32LE(0)) {
        const length = this.buffer.readInt32LE(0);
        const message = this.buffer.subarray(0, length);
        // OP_REPLY puts its document after 20 bytes of reply fields, OP_MSG after flags and a section kind.
        const bodyOffset = message.readInt32LE(12) === OP_REPLY ? 36 : 21;
        const reply = { responseTo: message.readInt32LE(8), doc: deserialize(message.subarray(bodyOffset)) };
        this.buffer = this.buffer.subarray(length);
        this.waiting.get(reply.responseTo)?.(reply);
        this.waiting.delete(reply.responseTo);
      }
    });
  }

  static connect(endpoint: Endpoint): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = 'path' in endpoint ? net.connect(endpoint.path) : net.connect(endpoint.port, endpoint.host);
      socket.setNoDelay(true);
      socket.once('connect', () => resolve(new WireClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Resolves with the reply to `requestId`, or rejects if the connection closes first. */
  reply(requestId: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.waiting.set(requestId, resolve);
      void this.closed.then(() => reject(new Error(`connection closed before the reply to ${requestId}`)));
    });
  }

  /** Sends a command as OP_MSG and waits for its reply document. */
  async command(body: Document): Promise<Document> {
    const id = this.nextId++;
    const reply = this.reply(id);
    this.socket.write(opMsg(id, body));
    return (await reply).doc;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Resolves with what `promise` resolves to, or rejects after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface CapturedLogs { info: string[]; warn: string[]; error: string[] }

export function capturingLogger(): { logger: { info(m: string): void; warn(m: string): void; error(m: string): void }; logs: CapturedLogs } {
  const logs: CapturedLogs = { info: [], warn: [], error: [] };
  return {
    logs,
    logger: { info: (m) => logs.info.push(m), warn: (m) => logs.warn.push(m), error: (m) => logs.error.push(m) },
  };
}

/** Waits until `condition` holds, checking every few ms, or fails after `ms`. */
export async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Wire clients a suite opens and closes after each test: `connect()` one when needed,
 * `closeAll()` in afterEach.
 */
export function wireClients(endpoint: () => Endpoint): { connect(): Promise<WireClient>; closeAll(): void } {
  const open: WireClient[] = [];
  return {
    async connect() {
      const client = await WireClient.connect(endpoint());
      open.push(client);
      return client;
    },
    closeAll() {
      for (const client of open.splice(0)) client.close();
    },
  };
}
