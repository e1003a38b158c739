// MongoDB wire protocol framing: splits a byte stream into messages and encodes replies.
// Only what the official driver speaks is handled: OP_QUERY (legacy handshake) and OP_MSG.
// Every size and offset read from the wire is checked before it is used: a hostile or corrupt
// message must end in a ProtocolError (the connection is closed), never in a loop or a crash.
import { deserialize, serialize, type DeserializeOptions, type Document } from 'bson';
import { WIRE_DESERIALIZE_OPTIONS, fromWire } from './bson/index';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const HEADER_SIZE = 16;
/** mongod's maxMessageSizeBytes: a bigger length prefix means a corrupt or hostile stream. */
export const MAX_MESSAGE_SIZE = 48_000_000;

const MSG_CHECKSUM_PRESENT = 1 << 0;
export const MSG_MORE_TO_COME = 1 << 1;
const MSG_EXHAUST_ALLOWED = 1 << 16;
/** Bits 0-15 are "required": a receiver must refuse a message with one it does not know (OP_MSG spec). */
const MSG_REQUIRED_BITS = 0xffff;
const MSG_KNOWN_BITS = MSG_CHECKSUM_PRESENT | MSG_MORE_TO_COME | MSG_EXHAUST_ALLOWED;

/**
 * How documents are read from the wire AND from the journal (storage/journal.ts uses it): exact
 * BSON values (decision 0004), so an Int32, a Double 2.0, an Int64 and a Decimal128 each come back
 * as they were sent.
 */
export const DESERIALIZE_OPTIONS: DeserializeOptions = WIRE_DESERIALIZE_OPTIONS;

/** One document from the wire, in the store's value model. */
export function decodeDocument(bytes: Uint8Array): Document {
  return fromWire(deserialize(bytes, DESERIALIZE_OPTIONS));
}

export interface MessageHeader { length: number; requestId: number; responseTo: number; opCode: number }

export interface ParsedCommand {
  header: MessageHeader;
  /** The command document, with any kind-1 document sequences merged in under their identifier. */
  command: Document;
  /** OP_QUERY names the database in the namespace; OP_MSG carries it as $db ('' when absent: an error reply). */
  database: string;
  moreToCome: boolean;
  legacy: boolean;
}

export class ProtocolError extends Error {}

/**
 * Accumulates socket chunks: one message may span several reads and one read may hold several
 * messages. Chunks are kept as they arrive and copied once, when a message is complete, so a
 * large message sent in small pieces costs linear time (re-concatenating on every read was
 * quadratic: 40 MB in 64 KB pieces took 80 s).
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already handed out. */
  private headOffset = 0;
  private buffered = 0;
  /** Length of the message being received, once its first 4 bytes are in. */
  private expected = 0;

  /** Returns the messages completed by this chunk; throws ProtocolError on an impossible length. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const messages: Buffer[] = [];
    for (;;) {
      if (this.expected === 0) {
        if (this.buffered < 4) break;
        const length = this.peekInt32();
        if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) throw new ProtocolError(`invalid message length ${length}`);
        this.expected = length;
      }
      if (this.buffered < this.expected) break;
      messages.push(this.take(this.expected));
      this.expected = 0;
    }
    return messages;
  }

  /** Bytes held for an incomplete message (for tests and diagnostics). */
  get pendingBytes(): number {
    return this.buffered;
  }

  private peekInt32(): number {
    const head = this.chunks[0]!;
    if (head.length - this.headOffset >= 4) return head.readInt32LE(this.headOffset);
    const bytes = Buffer.alloc(4);
    this.copyOut(bytes, 4, false);
    return bytes.readInt32LE(0);
  }

  private take(length: number): Buffer {
    const head = this.chunks[0]!;
    if (head.length - this.headOffset >= length) {
      // Entirely inside one chunk: a view, no copy.
      const message = head.subarray(this.headOffset, this.headOffset + length);
      this.consume(length);
      return message;
    }
    const message = Buffer.allocUnsafe(length);
    this.copyOut(message, length, true);
    return message;
  }

  /** Copies the first `length` buffered bytes into `target`, removing them when `consume` is set. */
  private copyOut(target: Buffer, length: number, consume: boolean): void {
    let written = 0;
    let index = 0;
    let offset = this.headOffset;
    while (written < length) {
      const chunk = this.chunks[index]!;
      const n = Math.min(chunk.length - offset, length - written);
      chunk.copy(target, written, offset, offset + n);
      written += n;
      offset += n;
      if (offset === chunk.length) {
        index += 1;
        offset = 0;
      }
    }
    if (consume) this.consume(length);
  }

  private consume(length: number): void {
    this.buffered -= length;
    let remaining = length;
    while (remaining > 0) {
      const head = this.chunks[0]!;
      const available = head.length - this.headOffset;
      if (available > remaining) {
        this.headOffset += remaining;
        return;
      }
      remaining -= available;
      this.chunks.shift();
      this.headOffset = 0;
    }
  }
}

export function readHeader(message: Buffer): MessageHeader {
  if (message.length < HEADER_SIZE) throw new ProtocolError('message shorter than its header');
  return {
    length: message.readInt32LE(0),
    requestId: message.readInt32LE(4),
    responseTo: message.readInt32LE(8),
    opCode: message.readInt32LE(12),
  };
}

function readCString(buffer: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = offset < end ? buffer.indexOf(0, offset) : -1;
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated cstring');
  return { value: buffer.toString('utf8', offset, zero), next: zero + 1 };
}

/** Reads one BSON document that must lie entirely within [offset, end). */
function readDocument(buffer: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 4 > end) throw new ProtocolError('truncated document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || size > end - offset) throw new ProtocolError(`invalid document size ${size}`);
  if (buffer[offset + size - 1] !== 0) throw new ProtocolError('document does not end with a NUL byte');
  try {
    return { doc: decodeDocument(buffer.subarray(offset, offset + size)), next: offset + size };
  } catch (error) {
    // Invalid BSON (bad element type, bad string length, nesting deep enough to exhaust the stack...).
    throw new ProtocolError(`invalid BSON: ${(error as Error).message}`);
  }
}

export function parseMessage(message: Buffer): ParsedCommand {
  const header = readHeader(message);
  if (header.length !== message.length) throw new ProtocolError(`message length ${header.length} does not match its ${message.length} bytes`);
  if (header.opCode === OP_MSG) return parseOpMsg(message, header);
  if (header.opCode === OP_QUERY) return parseOpQuery(message, header);
  if (header.opCode === OP_COMPRESSED) throw new ProtocolError('compression is not supported; do not set compressors');
  throw new ProtocolError(`unsupported opCode ${header.opCode}`);
}

function parseOpMsg(message: Buffer, header: MessageHeader): ParsedCommand {
  if (message.length < HEADER_SIZE + 5) throw new ProtocolError('OP_MSG too short');
  const flags = message.readUInt32LE(HEADER_SIZE);
  const unknownRequired = flags & MSG_REQUIRED_BITS & ~MSG_KNOWN_BITS;
  if (unknownRequired !== 0) throw new ProtocolError(`OP_MSG has unknown required flag bits 0x${unknownRequired.toString(16)}`);
  const end = flags & MSG_CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let offset = HEADER_SIZE + 4;
  if (offset >= end) throw new ProtocolError('OP_MSG without sections');
  let body: Document | undefined;
  const sequences = new Map<string, Document[]>();
  // Each section moves `offset` forward by at least one byte, so this loop always ends.
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body) throw new ProtocolError('OP_MSG with more than one body section');
      const read = readDocument(message, offset, end);
      body = read.doc;
      offset = read.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new ProtocolError('truncated document sequence');
      const size = message.readInt32LE(offset);
      // At least the size itself and an identifier's terminating NUL; never past the message.
      if (size < 5 || size > end - offset) throw new ProtocolError(`invalid document sequence size ${size}`);
      const sectionEnd = offset + size;
      const id = readCString(message, offset + 4, sectionEnd);
      if (sequences.has(id.value)) throw new ProtocolError(`duplicate document sequence '${id.value}'`);
      let cursor = id.next;
      const docs: Document[] = [];
      while (cursor < sectionEnd) {
        const read = readDocument(message, cursor, sectionEnd);
        docs.push(read.doc);
        cursor = read.next;
      }
      sequences.set(id.value, docs);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) {
    if (Object.hasOwn(body, identifier)) throw new ProtocolError(`document sequence '${identifier}' duplicates a body field`);
    body[identifier] = docs;
  }
  return {
    header,
    command: body,
    database: typeof body.$db === 'string' ? body.$db : '',
    moreToCome: (flags & MSG_MORE_TO_COME) !== 0,
    legacy: false,
  };
}

function parseOpQuery(message: Buffer, header: MessageHeader): ParsedCommand {
  const end = message.length;
  let offset = HEADER_SIZE + 4; // flags
  if (offset >= end) throw new ProtocolError('OP_QUERY too short');
  const ns = readCString(message, offset, end);
  offset = ns.next + 8; // numberToSkip, numberToReturn
  let { doc, next } = readDocument(message, offset, end);
  // An optional returnFieldsSelector may follow; nothing else may.
  if (next < end) next = readDocument(message, next, end).next;
  if (next !== end) throw new ProtocolError('trailing bytes after OP_QUERY');
  // Old drivers wrap the command as { $query: {...}, $readPreference: ... }.
  if (doc.$query && typeof doc.$query === 'object' && !Array.isArray(doc.$query)) doc = doc.$query as Document;
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
