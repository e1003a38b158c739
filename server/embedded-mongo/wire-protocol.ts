// MongoDB wire protocol framing: splits a TCP byte stream into messages and encodes replies.
// Only what the official driver speaks is handled: OP_QUERY (legacy handshake) and OP_MSG.
import { deserialize, serialize, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER_SIZE = 16;
/** Real MongoDB refuses messages over 48 MB; a bigger length prefix means a corrupt or hostile stream. */
export const MAX_MESSAGE_SIZE = 48_000_000;

const MSG_CHECKSUM_PRESENT = 1 << 0;
export const MSG_MORE_TO_COME = 1 << 1;

/** Numbers come back as JS numbers so mingo can compare and do arithmetic on them. */
export const DESERIALIZE_OPTIONS = { promoteValues: true, promoteBuffers: false, bsonRegExp: false } as const;

export interface MessageHeader { length: number; requestId: number; responseTo: number; opCode: number }

export interface ParsedCommand {
  header: MessageHeader;
  /** The command document, with any kind-1 document sequences merged in under their identifier. */
  command: Document;
  /** OP_QUERY names the database in the namespace; OP_MSG carries it as $db. */
  database: string;
  moreToCome: boolean;
  legacy: boolean;
}

export class ProtocolError extends Error {}

/**
 * Accumulates socket chunks: one message may span several reads and one read may hold several messages.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    while (this.buffered >= 4) {
      const head = this.chunks.length === 1 ? this.chunks[0]! : this.collapse();
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) throw new ProtocolError(`invalid message length ${length}`);
      if (this.buffered < length) break;
      const all = this.collapse();
      messages.push(all.subarray(0, length));
      const rest = all.subarray(length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return messages;
  }

  private collapse(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }
}

export function readHeader(message: Buffer): MessageHeader {
  return {
    length: message.readInt32LE(0),
    requestId: message.readInt32LE(4),
    responseTo: message.readInt32LE(8),
    opCode: message.readInt32LE(12),
  };
}

function readCString(buffer: Buffer, offset: number): { value: string; next: number } {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw new ProtocolError('unterminated cstring');
  return { value: buffer.toString('utf8', offset, end), next: end + 1 };
}

function readDocument(buffer: Buffer, offset: number): { doc: Document; next: number } {
  if (offset + 4 > buffer.length) throw new ProtocolError('truncated document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > buffer.length) throw new ProtocolError('invalid document size');
  return { doc: deserialize(buffer.subarray(offset, offset + size), DESERIALIZE_OPTIONS), next: offset + size };
}

export function parseMessage(message: Buffer): ParsedCommand {
  const header = readHeader(message);
  if (header.opCode === OP_MSG) return parseOpMsg(message, header);
  if (header.opCode === OP_QUERY) return parseOpQuery(message, header);
  if (header.opCode === OP_COMPRESSED) throw new ProtocolError('compression is not supported; do not set compressors');
  throw new ProtocolError(`unsupported opCode ${header.opCode}`);
}

function parseOpMsg(message: Buffer, header: MessageHeader): ParsedCommand {
  const flags = message.readUInt32LE(HEADER_SIZE);
  const end = flags & MSG_CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      const read = readDocument(message, offset);
      body = read.doc;
      offset = read.next;
    } else if (kind === 1) {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const id = readCString(message, offset + 4);
      let cursor = id.next;
      const docs: Document[] = [];
      while (cursor < sectionEnd) {
        const read = readDocument(message, cursor);
        docs.push(read.doc);
        cursor = read.next;
      }
      sequences[id.value] = docs;
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG without a body section');
  for (const [identifier, docs] of Object.entries(sequences)) body[identifier] = docs;
  return {
    header,
    command: body,
    database: typeof body.$db === 'string' ? body.$db : 'admin',
    moreToCome: (flags & MSG_MORE_TO_COME) !== 0,
    legacy: false,
  };
}

function parseOpQuery(message: Buffer, header: MessageHeader): ParsedCommand {
  let offset = HEADER_SIZE + 4; // flags
  const ns = readCString(message, offset);
  offset = ns.next + 8; // numberToSkip, numberToReturn
  let { doc } = readDocument(message, offset);
  // Old drivers wrap the command as { $query: {...}, $readPreference: ... }.
  if (doc.$query && typeof doc.$query === 'object') doc = doc.$query as Document;
  const dot = ns.value.indexOf('.');
  return { header, command: doc, database: dot > 0 ? ns.value.slice(0, dot) : ns.value, moreToCome: false, legacy: true };
}

let nextRequestId = 1;

function writeHeader(buffer: Buffer, responseTo: number, opCode: number): void {
  buffer.writeInt32LE(buffer.length, 0);
  buffer.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
}

export function encodeOpMsgReply(responseTo: number, doc: Document): Buffer {
  const body = toBuffer(serialize(doc, { ignoreUndefined: true }));
  const out = Buffer.alloc(HEADER_SIZE + 4 + 1 + body.length);
  writeHeader(out, responseTo, OP_MSG);
  out.writeUInt32LE(0, HEADER_SIZE);
  out.writeUInt8(0, HEADER_SIZE + 4);
  body.copy(out, HEADER_SIZE + 5);
  return out;
}

export function encodeOpReply(responseTo: number, doc: Document): Buffer {
  const body = toBuffer(serialize(doc, { ignoreUndefined: true }));
  const out = Buffer.alloc(HEADER_SIZE + 20 + body.length);
  writeHeader(out, responseTo, OP_REPLY);
  out.writeInt32LE(0, HEADER_SIZE); // responseFlags
  out.writeBigInt64LE(0n, HEADER_SIZE + 4); // cursorID
  out.writeInt32LE(0, HEADER_SIZE + 12); // startingFrom
  out.writeInt32LE(1, HEADER_SIZE + 16); // numberReturned
  body.copy(out, HEADER_SIZE + 20);
  return out;
}

/** bson returns a Uint8Array; a Buffer view over the same memory avoids a copy. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
