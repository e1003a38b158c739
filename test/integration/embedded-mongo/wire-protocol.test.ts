import assert from 'node:assert/strict';
import net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const MORE_TO_COME = 2;

function opMsg(requestId: number, body: Document, flags = 0): Buffer {
  const doc = Buffer.from(serialize(body));
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + doc.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(flags, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, doc]);
}

/** OP_MSG with a kind-1 document sequence, as the driver sends insertMany. */
function opMsgWithSequence(requestId: number, body: Document, identifier: string, docs: Document[], flags = 0): Buffer {
  const bodyBytes = Buffer.from(serialize(body));
  const docBytes = Buffer.concat(docs.map((doc) => Buffer.from(serialize(doc))));
  const id = Buffer.from(`${identifier}\0`);
  const sequence = Buffer.alloc(1 + 4);
  sequence.writeUInt8(1, 0);
  sequence.writeInt32LE(4 + id.length + docBytes.length, 1);
  const header = Buffer.alloc(21);
  const total = 21 + bodyBytes.length + sequence.length + id.length + docBytes.length;
  header.writeInt32LE(total, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(flags, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, bodyBytes, sequence, id, docBytes]);
}

function opQuery(requestId: number, namespace: string, query: Document): Buffer {
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

/** Collects `count` OP_MSG replies, however the socket splits them. */
function readReplies(socket: net.Socket, count: number): Promise<{ responseTo: number; doc: Document }[]> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const replies: { responseTo: number; doc: Document }[] = [];
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= buffer.readInt32LE(0)) {
        const length = buffer.readInt32LE(0);
        const message = buffer.subarray(0, length);
        // OP_REPLY puts its document after 20 bytes of reply fields, OP_MSG after flags and a section kind.
        const bodyOffset = message.readInt32LE(12) === OP_REPLY ? 36 : 21;
        replies.push({ responseTo: message.readInt32LE(8), doc: deserialize(message.subarray(bodyOffset)) });
        buffer = buffer.subarray(length);
      }
      if (replies.length >= count) {
        socket.off('data', onData);
        resolve(replies);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

describe('wire protocol framing over a raw socket', () => {
  let socket: net.Socket;
  let dbName: string;

  beforeEach(async () => {
    const url = new URL(process.env.MONGODB_URI!);
    dbName = `${url.pathname.slice(1) || 'test'}_wire`;
    socket = net.connect(Number(url.port || 27017), url.hostname);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  });

  afterEach(() => {
    socket.destroy();
  });

  it('answers a message that arrives split across several TCP writes', async () => {
    const message = opMsg(7, { ping: 1, $db: dbName });
    const replies = readReplies(socket, 1);
    for (let offset = 0; offset < message.length; offset += 5) {
      socket.write(message.subarray(offset, offset + 5));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const [reply] = await replies;
    assert.equal(reply!.responseTo, 7);
    assert.equal(reply!.doc.ok, 1);
  });

  it('answers several messages delivered in one write, in order', async () => {
    const batch = Buffer.concat([
      opMsg(11, { ping: 1, $db: dbName }),
      opMsg(12, { no_such_thing: 1, $db: dbName }),
      opMsg(13, { ping: 1, $db: dbName }),
    ]);
    const replies = readReplies(socket, 3);
    socket.write(batch);
    const received = await replies;
    assert.deepEqual(received.map((reply) => reply.responseTo), [11, 12, 13]);
    assert.equal(received[0]!.doc.ok, 1);
    assert.equal(received[1]!.doc.ok, 0);
    assert.equal(received[1]!.doc.code, 59);
    assert.equal(received[2]!.doc.ok, 1);
  });

  it('answers the legacy OP_QUERY handshake with an OP_REPLY describing a standalone server', async () => {
    const replies = readReplies(socket, 1);
    socket.write(opQuery(21, 'admin.$cmd', { ismaster: 1, helloOk: true, client: { application: { name: 'raw' } } }));
    const [reply] = await replies;
    assert.equal(reply!.responseTo, 21);
    assert.equal(reply!.doc.ok, 1);
    assert.equal(reply!.doc.ismaster, true);
    assert.ok((reply!.doc.maxWireVersion as number) >= 21);
    assert.equal(reply!.doc.setName, undefined);
  });

  it('sends no reply to a moreToCome write, and applies it', async () => {
    const collection = `raw_${process.pid}`;
    const replies = readReplies(socket, 2);
    socket.write(
      Buffer.concat([
        opMsg(30, { drop: collection, $db: dbName }),
        opMsgWithSequence(31, { insert: collection, $db: dbName, writeConcern: { w: 0 } }, 'documents', [{ _id: 1 }, { _id: 2 }], MORE_TO_COME),
        opMsg(32, { count: collection, $db: dbName }),
      ]),
    );
    const received = await replies;
    assert.deepEqual(received.map((reply) => reply.responseTo), [30, 32]);
    assert.equal(received[1]!.doc.n, 2);
    const cleanup = readReplies(socket, 1);
    socket.write(opMsg(33, { drop: collection, $db: dbName }));
    await cleanup;
  });
});
