// Store internals: the journal's record format, the torn-tail rule, repair, and compaction while running.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../../../server/embedded-mongo/storage/catalog';
import {
  Journal,
  JournalCorruptError,
  RECORD_HEADER,
  decodeRecords,
  encodeRecord,
  scanSegments,
} from '../../../server/embedded-mongo/storage/journal';
import { RepairRefusedError, describeRepair, repairJournal } from '../../../server/embedded-mongo/storage/repair';
import { startEmbeddedMongo } from '../../../server/embedded-mongo/index';

/** Records n = 1..count as separate journal records, and the offset at which each starts. */
function journalOf(count: number): { data: Buffer; offsets: number[] } {
  const offsets: number[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (let n = 1; n <= count; n += 1) {
    const record = encodeRecord({ op: 'put', db: 'db', coll: 'c', doc: { _id: n, n } });
    offsets.push(offset);
    parts.push(record);
    offset += record.length;
  }
  return { data: Buffer.concat(parts), offsets };
}

function flipByte(data: Buffer, offset: number): void {
  data.writeUInt8(data.readUInt8(offset) ^ 0xff, offset);
}

const noWarnings = { warn: (msg: string) => assert.fail(msg) };

describe('embedded store journal', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'embedded-mongo-journal-'));
  });

  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  describe('the torn-tail rule', () => {
    it('decodes every record of an intact journal', () => {
      const { data } = journalOf(3);
      const result = decodeRecords(data);
      assert.deepEqual(result.records.map((record) => record.doc.n), [1, 2, 3]);
      assert.equal(result.validBytes, data.length);
      assert.equal(result.tornBytes, 0);
      assert.equal(result.corruptAt, undefined);
    });

    it('drops a last record that runs past the end of the file as torn', () => {
      const { data, offsets } = journalOf(3);
      const cut = data.subarray(0, data.length - 5);
      const result = decodeRecords(cut);
      assert.deepEqual(result.records.map((record) => record.doc.n), [1, 2]);
      assert.equal(result.validBytes, offsets[2]);
      assert.equal(result.tornBytes, cut.length - offsets[2]!);
      assert.equal(result.corruptAt, undefined);
    });

    it('drops a last record whose header alone was written as torn', () => {
      const { data, offsets } = journalOf(3);
      const result = decodeRecords(data.subarray(0, offsets[2]! + 3));
      assert.deepEqual(result.records.map((record) => record.doc.n), [1, 2]);
      assert.equal(result.tornBytes, 3);
    });

    it('drops a complete last record that fails its checksum, with nothing intact after it, as torn', () => {
      const { data, offsets } = journalOf(3);
      flipByte(data, data.length - 3);
      const result = decodeRecords(data);
      assert.deepEqual(result.records.map((record) => record.doc.n), [1, 2]);
      assert.equal(result.tornBytes, data.length - offsets[2]!);
      assert.equal(result.corruptAt, undefined);
    });

    it('drops zeroes after the last record (a file extended but never written) as torn', () => {
      const { data } = journalOf(2);
      const result = decodeRecords(Buffer.concat([data, Buffer.alloc(4096)]));
      assert.deepEqual(result.records.map((record) => record.doc.n), [1, 2]);
      assert.equal(result.tornBytes, 4096);
    });

    it('reports corruption at the damaged record when a flipped body byte has intact records after it', () => {
      const { data, offsets } = journalOf(3);
      flipByte(data, offsets[2]! - 2); // inside the second record's body
      const result = decodeRecords(data);
      assert.deepEqual(result.records.map((record) => record.doc.n), [1]);
      assert.equal(result.corruptAt, offsets[1]);
      assert.equal(result.tornBytes, 0);
    });

    it('reports corruption when a flipped length byte makes a middle record seem to run past the end of the file', () => {
      const { data, offsets } = journalOf(10);
      data.writeUInt32LE(data.length * 2, offsets[4]!);
      const result = decodeRecords(data);
      assert.equal(result.records.length, 4);
      assert.equal(result.corruptAt, offsets[4]);
    });

    it('reports corruption when the checksum field of a middle record is damaged', () => {
      const { data, offsets } = journalOf(3);
      flipByte(data, offsets[1]! + 5);
      assert.equal(decodeRecords(data).corruptAt, offsets[1]);
    });

    it('resynchronises on the next intact record after a damaged stretch', () => {
      const { data, offsets } = journalOf(6);
      data.fill(0xab, offsets[2]! + 3, offsets[3]! + 10); // wrecks records 3 and 4
      const segments = [...scanSegments(data)];
      assert.deepEqual(
        segments.map((segment) => [segment.kind, segment.start, segment.end]),
        [
          ['record', offsets[0], offsets[1]],
          ['record', offsets[1], offsets[2]],
          ['damaged', offsets[2], offsets[4]],
          ['record', offsets[4], offsets[5]],
          ['record', offsets[5], data.length],
        ],
      );
    });
  });

  describe('start-up on a damaged journal', () => {
    it('refuses with the file, the byte offset and the repair command, and leaves the file byte-identical', async () => {
      const { data, offsets } = journalOf(5);
      flipByte(data, offsets[2]! + RECORD_HEADER + 6);
      const file = path.join(dataDir, 'journal.bson');
      await fs.writeFile(file, data);
      const journal = new Journal(dataDir, () => []);
      await assert.rejects(journal.read(noWarnings), (error: Error) => {
        assert.ok(error instanceof JournalCorruptError);
        assert.equal(error.file, file);
        assert.equal(error.offset, offsets[2]);
        assert.ok(error.message.includes(`${file} is damaged at byte offset ${offsets[2]}`), error.message);
        assert.ok(error.message.includes(`npm run db:repair -- --dbpath ${dataDir}`), error.message);
        return true;
      });
      assert.ok((await fs.readFile(file)).equals(data));
    });
  });

  describe('repair', () => {
    it('keeps every intact record before and after the damage, copied byte for byte, and backs up the original', async () => {
      const { data, offsets } = journalOf(1000);
      const damagedAt = offsets[500]!;
      flipByte(data, damagedAt + RECORD_HEADER + 10);
      const file = path.join(dataDir, 'journal.bson');
      await fs.writeFile(file, data, { mode: 0o644 });
      const now = new Date('2026-12-01T13:45:07.123Z');

      const report = await repairJournal(dataDir, { now });

      assert.equal(report.keptRecords, 999);
      assert.equal(report.recordsAfterDamage, 499);
      assert.deepEqual(report.dropped, [{ start: damagedAt, end: offsets[501] }]);
      assert.equal(report.backup, `${file}.damaged-20261201T134507123Z`);
      assert.ok((await fs.readFile(report.backup)).equals(data), 'the backup is the damaged original');
      assert.equal((await fs.stat(report.backup)).mode & 0o777, 0o600);
      const repaired = await fs.readFile(file);
      assert.ok(repaired.equals(Buffer.concat([data.subarray(0, damagedAt), data.subarray(offsets[501]!)])));
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
      const replayed = decodeRecords(repaired);
      assert.equal(replayed.corruptAt, undefined);
      assert.equal(replayed.tornBytes, 0);
      const numbers = replayed.records.map((record) => record.doc.n as number);
      assert.equal(numbers.length, 999);
      assert.ok(!numbers.includes(501));
      const printed = describeRepair(report);
      assert.match(printed, /kept 999 intact records/);
      assert.ok(printed.includes(`dropped bytes ${damagedAt}-${offsets[501]! - 1}`), printed);
    });

    it('drops each of several damaged stretches and keeps every intact record around them', async () => {
      const { data, offsets } = journalOf(20);
      flipByte(data, offsets[3]! + RECORD_HEADER + 4); // record 4
      data.fill(0, offsets[10]!, offsets[12]! + 2); // records 11 to 13
      flipByte(data, data.length - 1); // the last record, 20
      await fs.writeFile(path.join(dataDir, 'journal.bson'), data);

      const report = await repairJournal(dataDir);

      assert.deepEqual(report.dropped, [
        { start: offsets[3], end: offsets[4] },
        { start: offsets[10], end: offsets[13] },
        { start: offsets[19], end: data.length },
      ]);
      const kept = decodeRecords(await fs.readFile(path.join(dataDir, 'journal.bson'))).records.map((record) => record.doc.n);
      assert.deepEqual(kept, [1, 2, 3, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 19]);
      assert.equal(report.keptRecords, 15);
      assert.equal(report.droppedBytes, data.length - report.keptBytes);
    });

    it('leaves an intact journal alone and makes no backup', async () => {
      const { data } = journalOf(3);
      const file = path.join(dataDir, 'journal.bson');
      await fs.writeFile(file, data);
      const report = await repairJournal(dataDir);
      assert.equal(report.backup, undefined);
      assert.equal(report.keptRecords, 3);
      assert.deepEqual(await fs.readdir(dataDir), ['journal.bson']);
      assert.match(describeRepair(report), /is intact: 3 records/);
    });

    it('refuses while a live store holds the directory, and changes nothing', async () => {
      const store = await startEmbeddedMongo({ dataDir, logger: { info: () => {}, warn: () => {}, error: () => {} } });
      try {
        const before = await fs.readFile(path.join(dataDir, 'journal.bson'));
        await assert.rejects(repairJournal(dataDir), (error: Error) => {
          assert.ok(error instanceof RepairRefusedError);
          assert.ok(error.message.includes(`pid ${process.pid}`), error.message);
          return true;
        });
        assert.ok((await fs.readFile(path.join(dataDir, 'journal.bson'))).equals(before));
        assert.ok(!(await fs.readdir(dataDir)).some((name) => name.includes('damaged')));
      } finally {
        await store.close();
      }
    });

    it('refuses, writing nothing, when the intact records cannot be replayed', async () => {
      const records = [
        encodeRecord({ op: 'put', db: 'db', coll: 'c', doc: { _id: 1, email: 'a' } }),
        encodeRecord({ op: 'delete', db: 'db', coll: 'c', id: 1 }),
        encodeRecord({ op: 'put', db: 'db', coll: 'c', doc: { _id: 2, email: 'a' } }),
        encodeRecord({ op: 'createIndex', db: 'db', coll: 'c', spec: { v: 2, key: { email: 1 }, name: 'email_1', unique: true } }),
      ];
      flipByte(records[1]!, RECORD_HEADER + 3); // the delete is lost: two documents now share a unique email
      const data = Buffer.concat(records);
      await fs.writeFile(path.join(dataDir, 'journal.bson'), data);
      await assert.rejects(repairJournal(dataDir), (error: Error) => {
        assert.ok(error instanceof RepairRefusedError);
        assert.match(error.message, /record 3 \(createIndex on db\.c\)/);
        return true;
      });
      assert.ok((await fs.readFile(path.join(dataDir, 'journal.bson'))).equals(data));
      assert.deepEqual(await fs.readdir(dataDir), ['journal.bson']);
    });
  });

  it('creates the journal owner-only', async () => {
    const journal = new Journal(dataDir, () => []);
    await journal.open();
    await journal.append([{ op: 'dropDatabase', db: 'x' }]);
    await journal.close();
    assert.equal((await fs.stat(journal.path)).mode & 0o777, 0o600);
  });

  it('appends records from concurrent writers, each acknowledged once durable, in one readable journal', async () => {
    const journal = new Journal(dataDir, () => []);
    await journal.open();
    await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        for (let i = 0; i < 50; i += 1) await journal.append([{ op: 'put', db: 'db', coll: 'c', doc: { _id: `${writer}-${i}` } }]);
      }),
    );
    await journal.close();
    const result = decodeRecords(await fs.readFile(journal.path));
    assert.equal(result.records.length, 400);
    assert.equal(new Set(result.records.map((record) => record.doc._id)).size, 400);
  });

  it('fails every later write once one write failed, so nothing is appended after a possibly partial record', async () => {
    const journal = new Journal(dataDir, () => []);
    await journal.open();
    await journal.append([{ op: 'dropDatabase', db: 'first' }]);
    // Simulate a failing disk: the descriptor goes away under the journal (EBADF on the next write).
    await (journal as unknown as { handle: { close(): Promise<void> } }).handle.close();
    await assert.rejects(journal.append([{ op: 'dropDatabase', db: 'second' }]));
    await assert.rejects(journal.append([{ op: 'dropDatabase', db: 'third' }]), /stopped accepting writes after an earlier failure/);
    const result = decodeRecords(await fs.readFile(journal.path));
    assert.deepEqual(result.records.map((record) => record.db), ['first']);
  });

  it('compacts a growing journal while running and replays to the same state', async () => {
    const catalog = new Catalog();
    const journal = new Journal(dataDir, () => catalog.snapshotRecords(), { minCompactBytes: 20_000 });
    await journal.open();
    const collection = catalog.ensureCollection('db', 'counters');
    catalog.insert(collection, { _id: 'c', n: 0, pad: 'x'.repeat(200) });
    await journal.append(catalog.takePending());
    let appended = 0;
    for (let n = 1; n <= 1000; n += 1) {
      catalog.replace(collection, collection.getById('c')!, { _id: 'c', n, pad: 'x'.repeat(200) });
      const records = catalog.takePending();
      appended += Buffer.concat(records.map(encodeRecord)).length;
      await journal.append(records);
    }
    await journal.close();
    const { size } = await fs.stat(journal.path);
    assert.ok(size < appended / 2, `journal holds ${size} bytes after ${appended} bytes of updates: it was not compacted`);

    const replayed = new Catalog();
    const reader = new Journal(dataDir, () => replayed.snapshotRecords());
    for (const record of await reader.read(noWarnings)) replayed.apply(record);
    assert.equal(replayed.getCollection('db', 'counters')?.getById('c')?.n, 1000);
  });
});
