// Importing is idempotent: every record has an identity (external_id, response_id or a hash of its
// content), and a record already stored, or repeated in the file, is never stored twice, even by
// two imports running at once.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import supertest from 'supertest';
import { readTallies } from '../../../server/analysis/tally/tally.service';
import { importResponses, type ImportFormat, type ImportReport, type ImportRequest } from '../../../server/responses/import.service';
import { recordSurveyVersion } from '../../../server/surveys/survey.catalog';
import { fingerprintSurvey } from '../../../server/surveys/fingerprint';
import type { TSurveyDefinition } from '../../../server/surveys/survey.schemas';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { buildCaptic250, type FixtureResponse } from '../../fixtures/captic-250';
import { ROOT } from '../../support/app';
import { setNoTableScan } from '../../support/command-log';
import { apiTokenFor, createStaff } from '../../support/staff';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { useImportSuite } from './import-suite';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');
const HISTORICAL = '2011-03';

function responses() {
  return mongoose.connection.db!.collection('responses');
}

async function storedKeys(): Promise<string[]> {
  const docs = await responses().find({}, { projection: { importKey: 1 } }).toArray();
  return docs.map((d) => d.importKey as string).sort();
}

/** Fixture records as JSON Lines, each with the ids given (or none). */
function asJsonLines(records: FixtureResponse[], ids: (index: number) => Record<string, unknown> = () => ({})): string {
  return records.map((r, index) => JSON.stringify({ ...ids(index), ...r })).join('\n');
}

describe('Importing the same records again (idempotent imports)', function () {
  this.timeout(60_000);
  const suite = useImportSuite();

  async function importFile(file: string, options: Partial<ImportRequest> = {}): Promise<ImportReport> {
    const content = await readFile(path.join(FIXTURES, file));
    const format: ImportFormat = file.endsWith('.csv') ? 'csv' : 'jsonl';
    return importResponses({ survey: suite.captic, wave: HISTORICAL, format, content, ...options });
  }

  function importText(content: string, options: Partial<ImportRequest> = {}): Promise<ImportReport> {
    return importResponses({ survey: suite.captic, wave: HISTORICAL, format: 'jsonl', content, ...options });
  }

  describe('the same file twice', () => {
    for (const file of ['captic-responses.jsonl', 'captic-responses.csv']) {
      it(`adds nothing the second time and says how many records are there and in which wave (${path.extname(file)})`, async () => {
        const first = await importFile(file);
        expect(first).to.include({ outcome: 'imported', wavePhase: 'closed' });
        const keys = await storedKeys();
        const tallies = await readTallies(CAPTIC_ID, HISTORICAL);

        const second = await importFile(file);
        expect(second).to.include({ outcome: 'rejected', imported: 0, fresh: 0, valid: first.imported });
        expect(second.duplicates).to.have.length(first.imported);
        expect(second.duplicates.every((d) => d.wave === HISTORICAL && d.sameAsLine === undefined)).to.equal(true);
        expect(second.duplicates.map((d) => d.key).sort()).to.deep.equal(keys);
        expect(await storedKeys()).to.deep.equal(keys);
        expect(await readTallies(CAPTIC_ID, HISTORICAL)).to.deep.equal(tallies);
      });
    }

    it('refuses it with --skip-duplicates too: there is nothing new in it', async () => {
      await importFile('captic-responses.jsonl');
      const again = await importFile('captic-responses.jsonl', { skipDuplicates: true });
      expect(again).to.include({ outcome: 'rejected', imported: 0, fresh: 0 });
      expect(await responses().countDocuments()).to.equal(3);
    });

    it('refuses it in another wave of the survey, naming the wave that holds the records', async () => {
      await importFile('captic-responses.jsonl');
      const elsewhere = await importFile('captic-responses.jsonl', { wave: 'demo' });
      expect(elsewhere).to.include({ outcome: 'rejected', waveId: 'demo', imported: 0 });
      expect(elsewhere.duplicates.map((d) => d.wave)).to.deep.equal([HISTORICAL, HISTORICAL, HISTORICAL]);
      expect(await responses().countDocuments({ waveId: 'demo' })).to.equal(0);
    });

    it('knows a CSV and a JSON Lines file of the same data for the same records, whatever their key order, offsets and number spelling', async () => {
      await importFile('captic-responses.csv');
      const twin = await importFile('captic-responses-as-jsonl.jsonl');
      expect(twin).to.include({ outcome: 'rejected', valid: 2, fresh: 0 });
      expect(twin.duplicates.map((d) => d.line)).to.deep.equal([1, 2]);
      expect(await responses().countDocuments()).to.equal(2);
    });
  });

  describe('a file that is partly imported already', () => {
    it('imports nothing and lists the records already there, with their lines', async () => {
      await importFile('captic-responses.jsonl');
      const report = await importFile('captic-responses-and-more.jsonl');
      expect(report).to.include({ outcome: 'rejected', total: 4, valid: 4, fresh: 2, imported: 0 });
      expect(report.duplicates.map((d) => [d.line, d.wave])).to.deep.equal([
        [2, HISTORICAL],
        [4, HISTORICAL],
      ]);
      expect(await responses().countDocuments()).to.equal(3);
    });

    it('with skipDuplicates, imports the new records and reports the ones it left out', async () => {
      await importFile('captic-responses.jsonl');
      const report = await importFile('captic-responses-and-more.jsonl', { skipDuplicates: true });
      expect(report).to.include({ outcome: 'imported', fresh: 2, imported: 2 });
      expect(report.duplicates.map((d) => d.line)).to.deep.equal([2, 4]);
      expect(await responses().countDocuments()).to.equal(5);
      expect((await readTallies(CAPTIC_ID, HISTORICAL)).get('_response')).to.deep.equal({ n: 5 });
      // Now every record of the file is there.
      expect(await importFile('captic-responses-and-more.jsonl', { skipDuplicates: true })).to.include({ outcome: 'rejected', fresh: 0 });
    });

    it('reports both its invalid and its duplicate records, and needs both skips to import the rest', async () => {
      await importFile('captic-responses.jsonl');
      const file = (await readFile(path.join(FIXTURES, 'captic-responses-and-more.jsonl'), 'utf8')) + JSON.stringify({ uses_social: 'maybe' });
      const refused = await importText(file, { skipInvalid: true });
      expect(refused).to.include({ outcome: 'rejected', total: 5, valid: 4, fresh: 2 });
      expect(refused.problems.map((p) => p.line)).to.include(5);
      expect(refused.duplicates.map((d) => d.line)).to.deep.equal([2, 4]);
      const imported = await importText(file, { skipInvalid: true, skipDuplicates: true });
      expect(imported).to.include({ outcome: 'imported', imported: 2 });
      expect(imported.skippedLines).to.deep.equal([5]);
    });
  });

  describe('a record repeated inside one file', () => {
    it('is refused with the line it repeats, even when written another way', async () => {
      const report = await importFile('captic-repeated-record.jsonl');
      expect(report).to.include({ outcome: 'rejected', total: 3, valid: 3, fresh: 2, imported: 0 });
      expect(report.duplicates).to.have.length(1);
      expect(report.duplicates[0]).to.include({ line: 3, sameAsLine: 1 });
      expect(report.duplicates[0]!.key).to.match(/^sha256:/);
      expect(await responses().countDocuments()).to.equal(0);
    });

    it('is stored once with skipDuplicates: the first copy', async () => {
      const report = await importFile('captic-repeated-record.jsonl', { skipDuplicates: true });
      expect(report).to.include({ outcome: 'imported', imported: 2 });
      expect(await responses().countDocuments()).to.equal(2);
    });

    it('is caught by its id too, whatever the answers', async () => {
      const [a, b] = buildCaptic250(3);
      const report = await importText(asJsonLines([a!, b!, a!], (i) => ({ external_id: i === 0 ? 'Q-17' : i === 1 ? 'Q-18' : 'Q-17' })));
      expect(report.duplicates).to.deep.equal([{ line: 3, key: 'external_id:Q-17', sameAsLine: 1 }]);
    });
  });

  describe('the identity of a record', () => {
    it('is its external_id, else its response_id, else the hash of its content (CSV columns)', async () => {
      const report = await importFile('captic-ids.csv');
      expect(report).to.include({ outcome: 'imported', imported: 4 });
      const keys = await storedKeys();
      expect(keys.filter((k) => !k.startsWith('sha256:'))).to.deep.equal(['external_id:P-001', 'external_id:P-003', 'response_id:64a1f0c2e4b0a1b2c3d4e5f6']);
      // Lines 1, 3 and 4 answered alike: their ids, not their answers, tell them apart.
      expect(keys.filter((k) => k.startsWith('sha256:'))).to.have.length(1);
    });

    it('is read from JSON Lines fields of the same names, in the envelope or in a bare answers object, numbers and texts alike', async () => {
      const [a, b, c] = buildCaptic250(5);
      const lines = [
        JSON.stringify({ external_id: 'X-1', response_id: 'r-1', ...a }),
        JSON.stringify({ response_id: 2, ...b }),
        JSON.stringify({ external_id: ' X-3 ', ...c!.answers }),
      ].join('\n');
      expect(await importText(lines)).to.include({ outcome: 'imported', imported: 3 });
      expect(await storedKeys()).to.deep.equal(['external_id:X-1', 'external_id:X-3', 'response_id:2']);
      // "2" and 2 are the same id; X-1 is known by its external_id, not by its response_id.
      const again = await importText([JSON.stringify({ response_id: '2', ...a }), JSON.stringify({ response_id: 'r-1', ...b })].join('\n'));
      expect(again.duplicates).to.deep.equal([{ line: 1, key: 'response_id:2', wave: HISTORICAL }]);
      expect(again.fresh).to.equal(1);
    });

    it('refuses an id that is neither a text nor a number, by line', async () => {
      const [a] = buildCaptic250(5);
      const report = await importText([JSON.stringify({ external_id: { id: 1 }, ...a }), JSON.stringify({ response_id: 'x'.repeat(201), ...a })].join('\n'));
      expect(report.outcome).to.equal('rejected');
      expect(report.problems.map((p) => [p.line, p.field, p.code])).to.deep.equal([
        [1, 'external_id', 'invalid_id'],
        [2, 'response_id', 'invalid_id'],
      ]);
    });

    it('is checked against the version the wave pins', async () => {
      // A later version lets companies abroad answer; wave 2012-03 pins it.
      const definition = structuredClone(suite.captic.definition) as TSurveyDefinition;
      const region = definition.pages.flatMap((p) => p.questions).find((q) => q.id === 'region') as { options: { id: string; label: unknown }[] };
      region.options.push({ id: 'abroad', label: { fr: 'Étranger', en: 'Abroad' } });
      const fingerprint = fingerprintSurvey(definition);
      await recordSurveyVersion({ definition, fingerprint }, { source: 'upload', fileName: 'captic-2012.yaml' });
      await wavesOf(suite.app).createWave(CAPTIC_ID, { waveId: '2012-03', fingerprint }, TEST_ACTOR);
      const [a] = buildCaptic250(8);
      const record = JSON.stringify({ ...a, answers: { ...a!.answers, region: 'abroad' } });

      expect((await importText(record)).problems.map((p) => p.code)).to.deep.equal(['unknown_option']);
      const report = await importText(record, { wave: '2012-03' });
      expect(report).to.include({ outcome: 'imported', fingerprint });
      expect(await responses().findOne({ waveId: '2012-03' })).to.include({ fingerprint });
    });
  });

  describe('two imports at once', () => {
    const file = asJsonLines(buildCaptic250(), (i) => ({ completedAt: new Date(Date.UTC(2011, 2, 1 + (i % 28), 8, i % 60)).toISOString() }));

    it('of the same file: exactly one imports it, the other is refused, and the file is stored once', async () => {
      for (let round = 0; round < 3; round += 1) {
        await suite.app.reset();
        // Small batches, so the two writers interleave.
        const reports = await Promise.all([importText(file, { batchSize: 7 }), importText(file, { batchSize: 7 })]);
        expect(reports.map((r) => r.outcome).sort(), `round ${round}`).to.deep.equal(['imported', 'rejected']);
        const refused = reports.find((r) => r.outcome === 'rejected')!;
        expect(refused.fresh).to.be.lessThan(250);
        expect(await responses().countDocuments()).to.equal(250);
        expect((await readTallies(CAPTIC_ID, HISTORICAL)).get('_response')).to.deep.equal({ n: 250 });
      }
    });

    it('of two overlapping files: the one refused leaves nothing of its own behind', async () => {
      const records = file.split('\n');
      const early = records.slice(0, 150).join('\n');
      const late = records.slice(100).join('\n');
      for (let round = 0; round < 3; round += 1) {
        await suite.app.reset();
        const [first, second] = await Promise.all([importText(early, { batchSize: 9 }), importText(late, { batchSize: 9 })]);
        expect([first.outcome, second.outcome].sort(), `round ${round}`).to.deep.equal(['imported', 'rejected']);
        const winner = first.outcome === 'imported' ? first : second;
        expect(await responses().countDocuments()).to.equal(winner.imported);
        expect((await readTallies(CAPTIC_ID, HISTORICAL)).get('_response')).to.deep.equal({ n: winner.imported });
      }
    });

    it('rolls back the batches it wrote when a record is stored by someone else while it runs', async () => {
      // One record per batch, so the import is a long run of single writes; its last record is
      // stored by "another import" as soon as the first one lands.
      const ids = (i: number) => ({ external_id: `R-${i + 1}` });
      const records = buildCaptic250();
      const content = asJsonLines(records, ids);
      const importing = importText(content, { batchSize: 1 });
      while ((await responses().countDocuments()) === 0) await new Promise((resolve) => setImmediate(resolve));
      await responses().insertOne({ surveyId: CAPTIC_ID, waveId: 'demo', fingerprint: suite.captic.fingerprint, status: 'complete', source: 'import', importKey: 'external_id:R-250', answers: {}, otherTexts: {}, language: 'fr', startedAt: new Date(), completedAt: new Date(), revision: 1 });

      const report = await importing;
      expect(report).to.include({ outcome: 'rejected', imported: 0, fresh: 249 });
      expect(report.duplicates).to.deep.equal([{ line: 250, key: 'external_id:R-250', wave: 'demo' }]);
      expect(await storedKeys()).to.deep.equal(['external_id:R-250']);
      expect((await readTallies(CAPTIC_ID, HISTORICAL)).size).to.equal(0);
    });
  });

  it('looks the records up through the index: a re-import runs while the server refuses collection scans', async () => {
    await importFile('captic-responses.jsonl');
    await setNoTableScan(true);
    try {
      expect(await importFile('captic-responses-and-more.jsonl')).to.include({ outcome: 'rejected', fresh: 2 });
    } finally {
      await setNoTableScan(false);
    }
  });

  describe('a refused import', () => {
    it('leaves the figures and the live counters as they were', async () => {
      const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
      const token = await apiTokenFor(analyst, 'read');
      const figures = async () => {
        const res = await supertest(suite.app.url).get(`/api/v1/surveys/${CAPTIC_ID}/waves/${HISTORICAL}/figures?by=company_size`).set('Authorization', `Bearer ${token}`);
        expect(res.status).to.equal(200);
        return res.body as unknown;
      };
      await importFile('captic-responses.jsonl');
      const before = { figures: await figures(), tallies: await readTallies(CAPTIC_ID, HISTORICAL), segment: await readTallies(CAPTIC_ID, HISTORICAL, 'company_size=pme') };

      for (const refused of [await importFile('captic-responses.jsonl'), await importFile('captic-responses-and-more.jsonl'), await importFile('captic-repeated-record.jsonl')]) {
        expect(refused.outcome).to.equal('rejected');
      }
      expect(await figures()).to.deep.equal(before.figures);
      expect(await readTallies(CAPTIC_ID, HISTORICAL)).to.deep.equal(before.tallies);
      expect(await readTallies(CAPTIC_ID, HISTORICAL, 'company_size=pme')).to.deep.equal(before.segment);
    });
  });
});
