import assert from 'node:assert/strict';
import net from 'node:net';
import { deserialize, type Document } from 'bson';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../server/embedded-mongo/index';
import { MORE_TO_COME, OP_MSG, OP_REPLY, capturingLogger, opMsg, opMsgWithSequence, opQuery, waitFor, wireClients, within, type CapturedLogs, type Endpoint } from './wire-client';

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

describe('wire protocol: hostile and malformed messages', function () {
  this.timeout(60_000);
  let store: EmbeddedMongo;
  let logs: CapturedLogs;
  let endpoint: Endpoint;
  const clients = wireClients(() => endpoint);
  const connect = clients.connect;

  before(async () => {
    const captured = capturingLogger();
    logs = captured.logs;
    store = await startEmbeddedMongo({ logger: captured.logger });
    endpoint = { host: store.host, port: store.port };
  });
  afterEach(() => {
    clients.closeAll();
  });
  after(() => store.close());

  it('closes the connection on the 30-byte OP_MSG whose sequence declares size -1, logs why, and keeps serving others', async () => {
    const hostile = Buffer.alloc(30);
    hostile.writeInt32LE(30, 0);
    hostile.writeInt32LE(1, 4);
    hostile.writeInt32LE(OP_MSG, 12);
    hostile.writeUInt8(1, 20); // kind 1: a document sequence...
    hostile.writeInt32LE(-1, 21); // ...of size -1
    hostile.write('x\0', 25);
    const attacker = await connect();
    const bystander = await connect();
    attacker.socket.write(hostile);
    await within(attacker.closed, 2_000, 'the hostile connection to be closed');
    const pong = await within(bystander.command({ ping: 1, $db: 'admin' }), 1_000, 'a ping after the hostile message');
    assert.equal(pong.ok, 1);
    await waitFor(() => logs.warn.some((line) => /closing connection \d+: invalid document sequence size -1/.test(line)), 2_000, 'the warning');
  });

  it('closes the connection on an impossible message length', async () => {
    const client = await connect();
    const prefix = Buffer.alloc(4);
    prefix.writeInt32LE(-5, 0);
    client.socket.write(prefix);
    await within(client.closed, 2_000, 'the connection to be closed');
  });

  it('answers pings on another connection within 100 ms while 40 MB arrive in 64 KB pieces', async () => {
    const dbName = `wire_big_${process.pid}`;
    // 40 documents of 1 MB in one insert's document sequence: 40 MB in one message.
    const docs = Array.from({ length: 40 }, (_, i) => ({ _id: i, blob: 'x'.repeat(1024 * 1024 - 40) }));
    const message = opMsgWithSequence(77, { insert: 'big', $db: dbName }, 'documents', docs);
    assert.ok(message.length > 40_000_000);

    const uploader = await connect();
    const pinger = await connect();
    const inserted = uploader.reply(77);
    let slowest = 0;
    let pings = 0;
    for (let offset = 0; offset < message.length; offset += 64 * 1024) {
      const piece = message.subarray(offset, offset + 64 * 1024);
      if (!uploader.socket.write(piece)) await new Promise((resolve) => uploader.socket.once('drain', resolve));
      if ((offset / (64 * 1024)) % 32 === 0) {
        const started = performance.now();
        await pinger.command({ ping: 1, $db: 'admin' });
        slowest = Math.max(slowest, performance.now() - started);
        pings += 1;
      }
    }
    const reply = await within(inserted, 30_000, 'the 40 MB insert');
    assert.equal(reply.doc.ok, 1);
    assert.equal(reply.doc.n, 40);
    assert.ok(pings >= 15);
    assert.ok(slowest < 100, `slowest ping took ${Math.round(slowest)} ms`);
    await uploader.command({ dropDatabase: 1, $db: dbName });
  });

  it('answers an OP_MSG without $db with error 40571', async () => {
    const client = await connect();
    const reply = await client.command({ ping: 1 });
    assert.equal(reply.ok, 0);
    assert.equal(reply.code, 40571);
    assert.equal(reply.errmsg, 'OP_MSG requests require a $db argument');
  });

  it('answers a legacy OP_QUERY command other than hello with 352 UnsupportedOpQueryCommand', async () => {
    const client = await connect();
    const reply = client.reply(5);
    client.socket.write(opQuery(5, 'admin.$cmd', { find: 'x' }));
    const { doc } = await reply;
    assert.equal(doc.ok, 0);
    assert.equal(doc.code, 352);
    assert.equal(doc.codeName, 'UnsupportedOpQueryCommand');
  });
});
