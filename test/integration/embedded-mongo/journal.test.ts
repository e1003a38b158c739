// Store internals: the journal's record format and its compaction while running.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../../../server/embedded-mongo/storage/catalog';
import { Journal, decodeRecords, encodeRecord } from '../../../server/embedded-mongo/storage/journal';

describe('embedded store journal', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'embedded-mongo-journal-'));
  });

  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('decodes intact records and stops at a corrupted checksum', () => {
    const records = [encodeRecord({ op: 'put', n: 1 }), encodeRecord({ op: 'put', n: 2 }), encodeRecord({ op: 'put', n: 3 })];
    const second = records[1]!;
    second.writeUInt8(second.readUInt8(second.length - 2) ^ 0xff, second.length - 2); // flip a byte inside the second body
    const result = decodeRecords(Buffer.concat(records));
    assert.deepEqual(result.records.map((record) => record.n), [1]);
    assert.equal(result.validBytes, records[0]!.length);
    assert.equal(result.tornBytes, records[1]!.length + records[2]!.length);
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
    for (const record of await reader.read({ warn: (msg) => assert.fail(msg) })) replayed.apply(record);
    assert.equal(replayed.getCollection('db', 'counters')?.getById('c')?.n, 1000);
  });
});
