import assert from 'node:assert/strict';
import { serialize, type Document } from 'bson';
import { MessageFramer, OP_MSG, OP_QUERY, ProtocolError, parseMessage } from '../../../../server/embedded-mongo/wire-protocol';

function header(length: number, opCode: number, requestId = 1): Buffer {
  const out = Buffer.alloc(16);
  out.writeInt32LE(length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(0, 8);
  out.writeInt32LE(opCode, 12);
  return out;
}

/** Builds an OP_MSG from raw section bytes, with a correct total length. */
function opMsg(sections: Buffer, flags = 0): Buffer {
  const flagBytes = Buffer.alloc(4);
  flagBytes.writeUInt32LE(flags, 0);
  const length = 16 + 4 + sections.length;
  return Buffer.concat([header(length, OP_MSG), flagBytes, sections]);
}

const doc = (value: Document): Buffer => Buffer.from(serialize(value));
const body = (value: Document): Buffer => Buffer.concat([Buffer.from([0]), doc(value)]);
function sequence(identifier: string, docs: Buffer[], declaredSize?: number): Buffer {
  const id = Buffer.from(`${identifier}\0`);
  const payload = Buffer.concat(docs);
  const size = Buffer.alloc(4);
  size.writeInt32LE(declaredSize ?? 4 + id.length + payload.length, 0);
  return Buffer.concat([Buffer.from([1]), size, id, payload]);
}

describe('wire protocol parsing', () => {
  it('reads an OP_MSG body and merges its document sequence under the identifier', () => {
    const parsed = parseMessage(opMsg(Buffer.concat([body({ insert: 'c', $db: 'd' }), sequence('documents', [doc({ _id: 1 }), doc({ _id: 2 })])])));
    assert.equal(parsed.database, 'd');
    assert.deepEqual(parsed.command.documents, [{ _id: 1 }, { _id: 2 }]);
  });

  it('refuses, without looping, the 30-byte OP_MSG whose document sequence declares size -1', () => {
    // The message from issue 8: the old parser stepped back onto the same section for ever.
    const hostile = opMsg(Buffer.concat([Buffer.from([1]), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from('x\0'), Buffer.alloc(3)]));
    assert.equal(hostile.length, 30);
    assert.throws(() => parseMessage(hostile), ProtocolError);
  });

  const malformed: [string, () => Buffer][] = [
    ['a sequence size of 0', () => opMsg(Buffer.concat([body({ ping: 1, $db: 'd' }), sequence('documents', [], 0)]))],
    ['a sequence size past the end of the message', () => opMsg(Buffer.concat([body({ ping: 1, $db: 'd' }), sequence('documents', [doc({ a: 1 })], 1000)]))],
    ['a sequence whose identifier is not terminated inside it', () => opMsg(Buffer.concat([body({ ping: 1, $db: 'd' }), Buffer.from([1, 7, 0, 0, 0]), Buffer.from('abc')]))],
    ['a document in a sequence that overruns the sequence', () => opMsg(Buffer.concat([sequence('documents', [doc({ a: 1 })], 4 + 10 + 3), Buffer.alloc(8), body({ ping: 1, $db: 'd' })]))],
    ['a body document with a negative size', () => opMsg(Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0]))],
    ['a body document larger than the message', () => opMsg(Buffer.concat([Buffer.from([0]), Buffer.from([0x00, 0x01, 0, 0]), Buffer.alloc(8)]))],
    ['a body document not ending in NUL', () => { const d = doc({ a: 1 }); d[d.length - 1] = 1; return opMsg(Buffer.concat([Buffer.from([0]), d])); }],
    ['invalid BSON inside a document', () => { const d = doc({ a: 'xyz' }); d[4] = 0x77; return opMsg(Buffer.concat([Buffer.from([0]), d])); }],
    ['two body sections', () => opMsg(Buffer.concat([body({ ping: 1, $db: 'd' }), body({ ping: 1, $db: 'd' })]))],
    ['no body section', () => opMsg(sequence('documents', [doc({ a: 1 })]))],
    ['no sections at all', () => opMsg(Buffer.alloc(0))],
    ['an unknown section kind', () => opMsg(Buffer.concat([body({ ping: 1, $db: 'd' }), Buffer.from([2, 0, 0, 0, 0])]))],
    ['an unknown required flag bit', () => opMsg(body({ ping: 1, $db: 'd' }), 1 << 4)],
    ['a sequence named like a body field', () => opMsg(Buffer.concat([body({ insert: 'c', documents: [], $db: 'd' }), sequence('documents', [doc({ a: 1 })])]))],
    ['a header length that disagrees with the message', () => { const m = opMsg(body({ ping: 1, $db: 'd' })); m.writeInt32LE(m.length + 1, 0); return m; }],
    ['an unknown opCode', () => Buffer.concat([header(20, 9999), Buffer.alloc(4)])],
    ['compression', () => Buffer.concat([header(25, 2012), Buffer.alloc(9)])],
    ['an OP_QUERY without a terminated namespace', () => Buffer.concat([header(23, OP_QUERY), Buffer.alloc(4), Buffer.from('adm')])],
    ['an OP_QUERY with bytes after its documents', () => {
      const parts = [Buffer.alloc(4), Buffer.from('admin.$cmd\0'), Buffer.alloc(8), doc({ hello: 1 }), Buffer.from([1, 2, 3])];
      const rest = Buffer.concat(parts);
      return Buffer.concat([header(16 + rest.length, OP_QUERY), rest]);
    }],
  ];
  for (const [situation, build] of malformed) {
    it(`refuses an OP_MSG or OP_QUERY with ${situation} with a ProtocolError`, () => {
      assert.throws(() => parseMessage(build()), ProtocolError);
    });
  }

  it('leaves the database empty when an OP_MSG has no $db, so the server can answer 40571', () => {
    assert.equal(parseMessage(opMsg(body({ ping: 1 }))).database, '');
  });

  it('ignores a trailing checksum when the checksum flag is set', () => {
    const parsed = parseMessage(opMsg(Buffer.concat([body({ ping: 1, $db: 'd' }), Buffer.alloc(4)]), 1));
    assert.deepEqual(parsed.command, { ping: 1, $db: 'd' });
  });
});

describe('wire protocol framing', () => {
  const message = (n: number): Buffer => opMsg(body({ ping: n, $db: 'd' }));

  it('returns a message split across many chunks once, when its last byte arrives', () => {
    const framer = new MessageFramer();
    const whole = message(1);
    const out: Buffer[] = [];
    for (let i = 0; i < whole.length; i += 3) out.push(...framer.push(whole.subarray(i, i + 3)));
    assert.equal(out.length, 1);
    assert.deepEqual(out[0], whole);
    assert.equal(framer.pendingBytes, 0);
  });

  it('returns every message of a chunk that holds several, and keeps a partial tail', () => {
    const framer = new MessageFramer();
    const [a, b, c] = [message(1), message(2), message(3)];
    const stream = Buffer.concat([a, b, c]);
    const first = framer.push(stream.subarray(0, a.length + b.length + 2));
    assert.deepEqual(first, [a, b]);
    assert.deepEqual(framer.push(stream.subarray(a.length + b.length + 2)), [c]);
  });

  it('reads a length prefix split across chunks', () => {
    const framer = new MessageFramer();
    const whole = message(5);
    assert.deepEqual(framer.push(whole.subarray(0, 1)), []);
    assert.deepEqual(framer.push(whole.subarray(1, 3)), []);
    assert.deepEqual(framer.push(whole.subarray(3)), [whole]);
  });

  for (const length of [-1, 0, 15, 48_000_001, 0x7fffffff]) {
    it(`refuses a length prefix of ${length}`, () => {
      const prefix = Buffer.alloc(4);
      prefix.writeInt32LE(length, 0);
      assert.throws(() => new MessageFramer().push(prefix), ProtocolError);
    });
  }

  it('frames 40 MB sent in 64 KB pieces in linear time', () => {
    // Re-concatenating on every read copied ~13 GB for this and took over a minute.
    const payload = Buffer.alloc(40 * 1024 * 1024);
    payload.writeInt32LE(payload.length, 0);
    const framer = new MessageFramer();
    const started = performance.now();
    let messages = 0;
    for (let offset = 0; offset < payload.length; offset += 64 * 1024) messages += framer.push(payload.subarray(offset, offset + 64 * 1024)).length;
    const elapsed = performance.now() - started;
    assert.equal(messages, 1);
    assert.ok(elapsed < 1_000, `framing took ${Math.round(elapsed)} ms`);
  });
});
