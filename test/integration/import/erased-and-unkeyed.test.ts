// Two ways an import could bring back what it should not, and what it says about them: a response
// erased at the respondent's request leaves its import key behind (a tombstone, the key only), so
// importing its file again refuses that record; and responses imported before imports were keyed
// cannot be recognised again, which the import says in one line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { importResponses } from '../../../server/responses/import.service';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { startTestApp, type TestApp } from '../../support/app';
import type { Browser } from '../../support/browser';
import { createTestClock } from '../../support/clock';
import { runCli, type CliRun } from '../../support/run-cli';
import { createStaff, signedInBrowser } from '../../support/staff';

const ERASED_ON = '2026-06-15';
const WAVE = 'demo';

function responses() {
  return mongoose.connection.db!.collection('responses');
}

/** Three CAP-TIC records as JSON Lines, with external ids r1, r2, r3 (lines 1 to 3); `more` adds r4. */
function recordsFile(more = false): string {
  return buildCaptic250(9)
    .slice(0, more ? 4 : 3)
    .map((r, index) => JSON.stringify({ external_id: `r${index + 1}`, ...r }))
    .join('\n');
}

describe('Imports after an erasure, and on a database with unkeyed imports', function () {
  this.timeout(60_000);
  let app: TestApp;
  let directory: string;
  const clock = createTestClock(`${ERASED_ON}T10:00:00Z`);

  before(async () => {
    app = await startTestApp({}, { clock });
    directory = await mkdtemp(path.join(tmpdir(), 'barometer-import-'));
  });
  after(async () => {
    await app.close();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => app.reset());

  async function importFile(content: string, extra: string[] = []): Promise<CliRun> {
    const file = path.join(directory, 'records.jsonl');
    await writeFile(file, content);
    return runCli('server/responses/import.cli.ts', ['--survey', CAPTIC_ID, '--wave', WAVE, ...extra, file]);
  }

  /** Erases the response of `importKey` as an organizer does: the response page's form, its id typed again. */
  async function eraseThroughConsole(organizer: Browser, importKey: string): Promise<void> {
    const stored = await responses().findOne({ surveyId: CAPTIC_ID, importKey });
    const id = stored!._id.toHexString();
    const page = await organizer.get(`/admin/surveys/${CAPTIC_ID}/responses/${id}`);
    const form = page.$('form#erase-response');
    expect(form.length, page.html.slice(0, 300)).to.equal(1);
    const erased = await organizer.post(form.attr('action') as string, { _csrf: form.find('input[name=_csrf]').attr('value') ?? '', confirmation: id });
    expect(erased.status).to.equal(303);
  }

  describe('a response erased at the respondent\'s request', () => {
    let organizer: Browser;

    beforeEach(async () => {
      const first = await importFile(recordsFile());
      expect(first.code, first.stderr).to.equal(0);
      organizer = await signedInBrowser(app, await createStaff(app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] }));
      await eraseThroughConsole(organizer, 'external_id:r2');
    });

    it('leaves its import key only, with the date, and the same file imported again is refused, naming the line', async () => {
      const tombstones = await mongoose.connection.db!.collection('erased_import_keys').find({}, { projection: { _id: 0 } }).toArray();
      expect(tombstones).to.deep.equal([{ surveyId: CAPTIC_ID, importKey: 'external_id:r2', erasedAt: new Date(`${ERASED_ON}T10:00:00Z`) }]);

      const again = await importFile(recordsFile());
      expect(again.code).to.equal(1);
      expect(again.stderr).to.include(`line 2: erased at the respondent's request on ${ERASED_ON}; not imported again (external_id:r2)\n`);
      expect(again.stderr).to.include("has 2 responses already imported (2 in wave demo) and 1 response erased at the respondent's request: there is nothing new to import.");
      expect(await responses().countDocuments()).to.equal(2);
    });

    it('with --skip-duplicates, skips it and the records already there, and adds nothing', async () => {
      const again = await importFile(recordsFile(), ['--skip-duplicates']);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.include(`line 2: erased at the respondent's request on ${ERASED_ON}; not imported again`);
      expect(again.stderr).to.include('there is nothing new to import.');
      expect(await responses().countDocuments()).to.equal(2);
      expect(await responses().countDocuments({ importKey: 'external_id:r2' })).to.equal(0);
    });

    it('with --skip-duplicates, imports the new records of a file and says which erased line it skipped', async () => {
      const again = await importFile(recordsFile(true), ['--skip-duplicates']);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.include('Imported 1 response into captic_2011, wave demo');
      expect(again.stdout).to.include(`line 2: erased at the respondent's request on ${ERASED_ON}; not imported again (external_id:r2)\n`);
      expect(again.stdout).to.include("Skipped 2 responses already imported (2 in wave demo) and 1 response erased at the respondent's request, at lines 1, 2, 3.");
      expect((await responses().find({}).toArray()).map((r) => r.importKey as string).sort()).to.deep.equal(['external_id:r1', 'external_id:r3', 'external_id:r4']);
    });
  });

  describe('responses imported before imports were keyed', () => {
    it('are counted in the report, and the command warns in one line that their duplicates cannot be detected', async () => {
      const content = recordsFile();
      await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: WAVE, format: 'jsonl', content, now: clock.now() });
      // As an import of an older version stored them: no key.
      await responses().updateMany({}, { $unset: { importKey: '' } });
      const report = await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: WAVE, format: 'jsonl', content, now: clock.now(), dryRun: true });
      expect(report).to.include({ unkeyedImports: 3, fresh: 3 });

      const again = await importFile(content);
      expect(again.code, again.stderr).to.equal(0);
      const warning = 'Warning: 3 responses imported earlier into captic_2011 carry no import key (imported before imports were keyed): duplicates of them cannot be detected.\n';
      expect(again.stderr).to.equal(warning);
      // The limit the warning states: the same records go in a second time.
      expect(await responses().countDocuments()).to.equal(6);
    });

    it('are not mentioned when every imported response has its key', async () => {
      const first = await importFile(recordsFile());
      expect(first.stderr).to.equal('');
      const report = await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: WAVE, format: 'jsonl', content: recordsFile(), dryRun: true });
      expect(report.unkeyedImports).to.equal(0);
    });
  });
});
