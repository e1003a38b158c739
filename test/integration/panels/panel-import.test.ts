// Importing a panel from the console as an organizer does: upload, read the report, confirm or
// cancel. Nothing reaches the panel before the confirmation, and the confirmation applies exactly
// what the report said. Files are made in the test; the big one is streamed and staged.
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { createLogger } from '../../../server/lib/logger';
import { createPanelImports } from '../../../server/panels/panel-import.service';
import { useAppSuite } from '../../support/app-suite';
import { signedInBrowser } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { confirmImport, createPanelWithForm, importReport, PANEL_PAGE, pressImportButton, reportCounts, stored, tableRows, uploadPanelFile, waitForImportSettled } from './support';

function storedMembers() {
  return stored('panel_members').find({}, { projection: { _id: 0, email: 1, emailKey: 1, name: 1, language: 1, attributes: 1, unsubscribedAt: 1 } }).sort({ emailKey: 1 }).toArray();
}

describe('Panel import in the console', function () {
  this.timeout(60_000);
  const suite = useAppSuite({ organizerOf: [CAPTIC_ID], analystOf: [CAPTIC_ID] });

  beforeEach(async () => {
    const created = await createPanelWithForm(suite.browser);
    expect(created.status, created.html.slice(0, 300)).to.equal(303);
  });

  it('reports rows to add, update, leave and skip, with invalid emails, duplicates, unknown columns and bad values, and saves nothing before the confirmation', async () => {
    // Already on the panel: one whose row changes nothing, one whose row changes the region, one unsubscribed.
    await stored('panel_members').insertMany([
      { surveyId: CAPTIC_ID, panelId: 'pros', email: 'same@example.org', emailKey: 'same@example.org', name: 'Same', attributes: { company_size: 'pme' } },
      { surveyId: CAPTIC_ID, panelId: 'pros', email: 'Moved@Example.org', emailKey: 'moved@example.org', name: 'Moved', attributes: { company_size: 'tpe', region: 'bretagne' } },
      { surveyId: CAPTIC_ID, panelId: 'pros', email: 'gone@example.org', emailKey: 'gone@example.org', attributes: {}, unsubscribedAt: new Date('2011-02-01T00:00:00Z') },
    ]);
    const csv = [
      'E-mail;Name;Language;company_size;Région;Favourite colour',
      'ana@example.org;Ana;fr;tpe;bretagne;blue',
      'same@example.org;Same;;pme;;',
      'moved@example.org;;;;normandie;',
      'gone@example.org;Gone Again;en;;;',
      'not-an-email;Nobody;;;;',
      'ANA@example.org ;Ana twice;;;;',
      'bob@example.org;Bob;de;;;',
      // The label of an option, in either language, stands for its id.
      'carla@example.org;Carla;en;Fewer than 50 employees (micro / small);;',
      'dan@example.org;Dan;;huge;;',
      '"eve@example.org";"Eve',
      'Bcc: boss@example.org";;;;',
      '',
    ].join('\r\n');
    const { page } = await importReport(suite.browser, { content: csv, name: 'pros.csv' });
    expect(page.status).to.equal(200);
    expect(page.$('#import-ready').length).to.equal(1);
    expect(reportCounts(page)).to.deep.equal({ rows: 10, add: 2, update: 2, unchanged: 1, skip: 5 });
    expect(tableRows(page, 'invalid-emails')).to.deep.equal([['6', 'not-an-email']]);
    expect(tableRows(page, 'duplicates')).to.deep.equal([['7', 'ANA@example.org', '2']]);
    expect(page.$('#unknown-columns li').toArray().map((li) => page.$(li).text())).to.deep.equal(['Favourite colour']);
    const bad = tableRows(page, 'bad-values').map(([line, email, column, value]) => [line, email, column, value]);
    expect(bad).to.deep.equal([
      ['8', 'bob@example.org', 'language', 'de'],
      ['10', 'dan@example.org', 'company_size', 'huge'],
      // A line break in a name would inject a mail header: the row (from line 11) is refused.
      ['11', 'eve@example.org', 'name', 'Eve\nBcc: boss@example.org'],
    ]);

    // Nothing on the panel changed; the rows wait, staged.
    expect(await stored('panel_members').countDocuments()).to.equal(3);
    expect(await stored('panel_import_rows').countDocuments()).to.equal(5);

    const after = await confirmImport(suite.browser, page);
    expect(after.$('#import-applied').text()).to.contain('2 members added, 2 updated');
    expect(after.$('#confirm-import').length).to.equal(0);

    expect(await storedMembers()).to.deep.equal([
      { email: 'ana@example.org', emailKey: 'ana@example.org', name: 'Ana', language: 'fr', attributes: { company_size: 'tpe', region: 'bretagne', favourite_colour: 'blue' } },
      { email: 'carla@example.org', emailKey: 'carla@example.org', name: 'Carla', language: 'en', attributes: { company_size: 'tpe' } },
      // The unsubscribe stays: an import never clears it.
      { email: 'gone@example.org', emailKey: 'gone@example.org', name: 'Gone Again', language: 'en', attributes: {}, unsubscribedAt: new Date('2011-02-01T00:00:00Z') },
      // Empty cells leave what was stored.
      { email: 'Moved@Example.org', emailKey: 'moved@example.org', name: 'Moved', attributes: { company_size: 'tpe', region: 'normandie' } },
      { email: 'same@example.org', emailKey: 'same@example.org', name: 'Same', attributes: { company_size: 'pme' } },
    ]);
    expect(await stored('panel_import_rows').countDocuments()).to.equal(0);
    const [audit] = await stored('audit_events').find({ action: 'panel_imported' }).toArray();
    expect(audit).to.deep.include({ surveyId: CAPTIC_ID, target: 'pros', actorEmail: 'organizer@example.org' });
    expect(audit!.details).to.deep.include({ rows: 10, add: 2, update: 2, unchanged: 1, skip: 5, fileName: 'pros.csv' });

    // Confirming twice applies once.
    const again = await pressImportButton(suite.browser, page, 'confirm-import');
    expect(again.status).to.equal(409);
    expect(await stored('audit_events').countDocuments({ action: 'panel_imported' })).to.equal(1);
  });

  it('skips an address the outbox would refuse, so no member can hold up a wave\'s invitations', async () => {
    // Valid to a bare email pattern, but refused by the outbox (an apostrophe, parentheses): a
    // member stored with one would make every send of the batch holding them fail.
    const csv = ['email,name', "o'brien@example.org,Pat", 'ana(work)@example.org,Ana', 'bob@example.org,Bob', ''].join('\n');
    const { page } = await importReport(suite.browser, { content: csv, name: 'quotes.csv' });
    expect(reportCounts(page)).to.deep.equal({ rows: 3, add: 1, update: 0, unchanged: 0, skip: 2 });
    expect(tableRows(page, 'invalid-emails')).to.deep.equal([['2', "o'brien@example.org"], ['3', 'ana(work)@example.org']]);
  });

  it('lists apart the columns it cannot store (no name, or a name another column has), rather than as kept', async () => {
    const { page } = await importReport(suite.browser, { content: 'email,team,Team,\nana@example.org,north,south,x\n', name: 'columns.csv' });
    expect(page.$('#unknown-columns li').toArray().map((li) => page.$(li).text())).to.deep.equal(['team']);
    expect(page.$('#ignored-columns li').toArray().map((li) => page.$(li).text())).to.deep.equal(['Team', '(column 4)']);
    await confirmImport(suite.browser, page);
    expect((await stored('panel_members').findOne({}))!.attributes).to.deep.equal({ team: 'north' });
  });

  it('cancelling drops the staged rows and leaves the panel as it was', async () => {
    const { page, importPath } = await importReport(suite.browser, { content: 'email,name\nana@example.org,Ana\n', name: 'adhérents-été.csv' });
    expect(reportCounts(page).add).to.equal(1);
    // A browser sends the file's name in UTF-8.
    expect(page.html).to.contain('adhérents-été.csv');
    const cancelled = await pressImportButton(suite.browser, page, 'cancel-import');
    expect(cancelled.status).to.equal(303);
    expect((await suite.browser.get(importPath)).$('#import-cancelled').length).to.equal(1);
    expect(await stored('panel_members').countDocuments()).to.equal(0);
    expect(await stored('panel_import_rows').countDocuments()).to.equal(0);
    const confirm = await suite.browser.post(`${importPath}/confirm`, { _csrf: page.$('#confirm-import input[name=_csrf]').attr('value') ?? '' });
    expect(confirm.status).to.equal(409);
    expect(await stored('panel_members').countDocuments()).to.equal(0);
  });

  it('a cancel racing a confirmation either wins whole or is refused: the import is never applied short', async () => {
    const lines = ['email'];
    for (let i = 0; i < 3000; i += 1) lines.push(`member${i}@example.org`);
    const { importPath } = await importReport(suite.browser, { content: lines.join('\n'), name: 'race.csv' });
    const importId = importPath.split('/').pop()!;
    // The service itself, as two requests reach it: the confirmation reads the import first.
    const imports = createPanelImports({ catalog: suite.app.catalog, logger: createLogger(suite.app.config), clock: suite.app.clock });
    const actor = { via: 'session' as const, actorEmail: 'organizer@example.org' };
    const [confirmed, cancelled] = await Promise.allSettled([
      imports.startConfirm(CAPTIC_ID, 'pros', importId, actor).then((started) => started.applying),
      imports.cancelImport(CAPTIC_ID, 'pros', importId),
    ]);
    const item = await stored('panel_imports').findOne({});
    const members = await stored('panel_members').countDocuments();
    if (item!.status === 'applied') {
      expect(members, 'members written').to.equal(3000);
      expect(confirmed.status).to.equal('fulfilled');
      expect(cancelled.status, 'the cancel that lost is refused').to.equal('rejected');
    } else {
      expect(item!.status).to.equal('cancelled');
      expect(confirmed.status).to.equal('rejected');
      expect(members).to.equal(0);
    }
  });

  it('an import whose saving failed half-way can be confirmed again but no longer cancelled', async () => {
    const { page, importPath } = await importReport(suite.browser, { content: 'email,team\nana@example.org,north\nbob@example.org,south\ncarl@example.org,east\n', name: 'three.csv' });
    expect(reportCounts(page).add).to.equal(3);
    // Meanwhile Carl arrives with attributes that no upsert can add to: his write fails, the others' do not.
    await stored('panel_members').insertOne({ surveyId: CAPTIC_ID, panelId: 'pros', email: 'carl@example.org', emailKey: 'carl@example.org', attributes: 'not an object' });
    const after = await confirmImport(suite.browser, page);
    expect(after.$('#import-applied').length, 'the saving failed').to.equal(0);
    expect(after.$('#apply-failed').text()).to.contain('Saving the members stopped before the end').and.to.contain('confirm again');
    expect(await stored('panel_members').countDocuments({ emailKey: { $in: ['ana@example.org', 'bob@example.org'] } })).to.equal(2);
    expect(after.$('#cancel-import').length, 'no Cancel once members are written').to.equal(0);
    const cancel = await suite.browser.post(`${importPath}/cancel`, { _csrf: after.$('#confirm-import input[name=_csrf]').attr('value') ?? '' });
    expect(cancel.status).to.equal(409);
    expect((await stored('panel_imports').findOne({}))!.status).to.not.equal('cancelled');
    expect(await stored('panel_import_rows').countDocuments(), 'still staged, to finish').to.equal(3);
    // Once Carl's record is mended, confirming again finishes the job.
    await stored('panel_members').updateOne({ emailKey: 'carl@example.org' }, { $set: { attributes: {} } });
    const finished = await confirmImport(suite.browser, after);
    expect(finished.$('#import-applied').length).to.equal(1);
    expect(finished.$('#apply-failed').length).to.equal(0);
    expect(await stored('panel_members').countDocuments({ 'attributes.team': { $exists: true } })).to.equal(3);
  });

  it('reads the first sheet of an XLSX file, links and numbers as text', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Members');
    sheet.addRow(['Courriel', 'Nom', 'company_size', 'employees']);
    sheet.addRow([{ text: 'ana@example.org', hyperlink: 'mailto:ana@example.org' }, 'Ana', 'PME', 120]);
    sheet.addRow(['bob@example.org', 'Bob', 'ge', 9000]);
    sheet.addRow(['bad address', 'X', 'ge', 1]);
    workbook.addWorksheet('Notes').addRow(['nobody@example.org', 'not a member']);
    const content = Buffer.from(await workbook.xlsx.writeBuffer());
    // The name says csv: the content decides.
    const { page } = await importReport(suite.browser, { content, name: 'members.csv' });
    expect(reportCounts(page)).to.deep.equal({ rows: 3, add: 2, update: 0, unchanged: 0, skip: 1 });
    expect(tableRows(page, 'invalid-emails')).to.deep.equal([['4', 'bad address']]);
    expect(page.$('#unknown-columns li').toArray().map((li) => page.$(li).text())).to.deep.equal(['employees']);
    await confirmImport(suite.browser, page);
    expect(await storedMembers()).to.deep.equal([
      { email: 'ana@example.org', emailKey: 'ana@example.org', name: 'Ana', attributes: { company_size: 'pme', employees: '120' } },
      { email: 'bob@example.org', emailKey: 'bob@example.org', name: 'Bob', attributes: { company_size: 'ge', employees: '9000' } },
    ]);
  });

  it('refuses a file that is not UTF-8 with 422, suggesting CSV UTF-8, and stores nothing', async () => {
    const latin1 = Buffer.from('email;nom\nrene@example.org;Ren\xe9\n', 'latin1');
    const page = await uploadPanelFile(suite.browser, { content: latin1, name: 'latin1.csv' });
    expect(page.status).to.equal(422);
    expect(page.$('#form-error').text()).to.contain('save it as “CSV UTF-8 (comma delimited)”');
    expect(await stored('panel_imports').countDocuments()).to.equal(0);
  });

  it('refuses a file without an email column with 422, naming its columns', async () => {
    const page = await uploadPanelFile(suite.browser, { content: 'name,company_size\nAna,tpe\n', name: 'no-email.csv' });
    expect(page.status).to.equal(422);
    expect(page.$('#form-error').text()).to.contain('The file has no email column').and.to.contain('"name", "company_size"');
    expect(await stored('panel_imports').countDocuments()).to.equal(0);
  });

  it('refuses a file over 20 MB with 413, drawing the panel page again', async () => {
    const line = 'someone.with.a.long.address@example.org,Someone With A Long Name\n';
    const content = Buffer.from('email,name\n' + line.repeat(Math.ceil((20 * 1024 * 1024) / line.length) + 10));
    const page = await uploadPanelFile(suite.browser, { content, name: 'huge.csv' });
    expect(page.status).to.equal(413);
    expect(page.$('#form-error').text()).to.contain('larger than 20 MB');
    expect(page.$('#import-form').length).to.equal(1);
    expect(await stored('panel_imports').countDocuments()).to.equal(0);
  });

  it('refuses a file of more than 200,000 rows once it counts them, keeping nothing staged', async () => {
    // The same address over and over: only the first is staged, so the count is reached quickly.
    const content = 'email\n' + 'same@example.org\n'.repeat(200_001);
    const upload = await uploadPanelFile(suite.browser, { content, name: 'too-many.csv' });
    expect(upload.status).to.equal(303);
    const page = await waitForImportSettled(suite.browser, upload.location!);
    expect(page.$('#import-failed').text()).to.contain('more than 200,000 rows');
    expect(page.$('#confirm-import').length).to.equal(0);
    expect(await stored('panel_import_rows').countDocuments()).to.equal(0);
    expect(await stored('panel_members').countDocuments()).to.equal(0);
  });

  it('an upload without its CSRF token is refused (403) and leaves no file behind', async () => {
    const uploads = path.join(os.tmpdir(), 'barometer-panel-imports');
    const before = await readdir(uploads);
    const res = await suite.browser.agent.post(`${PANEL_PAGE}/imports`).set('Accept', 'text/html').field('_csrf', 'forged').attach('file', Buffer.from('email\nana@example.org\n'), 'a.csv');
    expect(res.status).to.equal(403);
    expect(await readdir(uploads)).to.deep.equal(before);
    expect(await stored('panel_imports').countDocuments()).to.equal(0);
  });

  it('a file without a file is refused with 422', async () => {
    const page = await uploadPanelFile(suite.browser, undefined);
    expect(page.status).to.equal(422);
    expect(page.$('#form-error').text()).to.contain('Choose a file');
  });

  it('an analyst may neither open the panel, upload, confirm nor create (403)', async () => {
    const { page: report, importPath } = await importReport(suite.browser, { content: 'email\nana@example.org\n', name: 'a.csv' });
    const analyst = await signedInBrowser(suite.app, suite.analyst);
    analyst.acceptLanguage = 'en';
    // The panel's page lists its members: not for analysts (panel.routes.ts).
    expect((await analyst.get(PANEL_PAGE)).status).to.equal(403);
    expect((await uploadPanelFile(analyst, { content: 'email\nbob@example.org\n', name: 'b.csv' })).status).to.equal(403);
    expect((await analyst.get(importPath)).status).to.equal(403);
    // A valid CSRF token, so that the 403s below are the guard's: the console's sign-out form has one.
    const token = (await analyst.get('/admin')).$('input[name=_csrf]').first().attr('value') ?? '';
    expect(token).to.not.equal('');
    expect((await analyst.post(`${importPath}/confirm`, { _csrf: token })).status).to.equal(403);
    expect((await analyst.post('/admin/surveys/captic_2011/panels', { _csrf: token, panelId: 'mine', name: 'Mine' })).status).to.equal(403);
    expect(reportCounts(report).add).to.equal(1);
    expect(await stored('panel_members').countDocuments()).to.equal(0);
  });

  it('streams 100,000 rows: the page shows progress while reading, the rows are staged, not held, and confirming stores them all', async function () {
    this.timeout(600_000);
    const lines = ['email;name;company_size'];
    const sizes = ['tpe', 'pme', 'eti', 'ge'];
    for (let i = 0; i < 100_000; i += 1) lines.push(`member${i}@example.org;Member ${i};${sizes[i % 4]}`);
    const content = Buffer.from(lines.join('\n'));
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const upload = await uploadPanelFile(suite.browser, { content, name: 'big.csv' });
    expect(upload.status).to.equal(303);
    const progress: number[] = [];
    const page = await waitForImportSettled(suite.browser, upload.location!, (reading) => {
      progress.push(Number(reading.$('#reading-progress').attr('data-rows')));
      // No page that reloads itself (it throws a screen reader back to the top): a link, and the script that follows it.
      expect(reading.html).to.not.contain('http-equiv="refresh"');
      expect(reading.headers.refresh).to.equal(undefined);
      expect(reading.$('#import-progress').attr('data-follow-progress')).to.equal(reading.$('.import-refresh').attr('href'));
      expect(reading.$('script[src="/public/js/follow-progress.js"]').length).to.equal(1);
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    });
    expect(reportCounts(page)).to.deep.equal({ rows: 100_000, add: 100_000, update: 0, unchanged: 0, skip: 0 });
    // The organizer saw the count of rows read grow before the report.
    expect(progress.length, 'pages shown while reading').to.be.greaterThan(0);
    expect(progress.some((rows) => rows > 0 && rows < 100_000), `progress seen: ${progress.slice(0, 10).join(', ')}`).to.equal(true);
    // Staged in the database, a batch at a time; the app's heap did not grow with the file.
    expect(await stored('panel_import_rows').countDocuments()).to.equal(100_000);
    expect(await stored('panel_members').countDocuments()).to.equal(0);
    expect(heapPeak - heapBefore, 'heap growth while reading, bytes').to.be.below(150 * 1024 * 1024);

    // Saving runs in the background too: the page shows how many are saved.
    const saving: number[] = [];
    const applied = await confirmImport(suite.browser, page, (shown) => saving.push(Number(shown.$('#applying-progress').attr('value'))));
    expect(applied.$('#import-applied').text()).to.contain('100000 members added');
    expect(saving.length, 'pages shown while saving').to.be.greaterThan(0);
    expect(await stored('panel_members').countDocuments()).to.equal(100_000);
    expect(await stored('panel_members').findOne({ emailKey: 'member99999@example.org' }, { projection: { _id: 0, name: 1, attributes: 1 } })).to.deep.equal({ name: 'Member 99999', attributes: { company_size: 'ge' } });
    const panel = await suite.browser.get(PANEL_PAGE);
    expect(panel.$('#member-counts').text()).to.contain('100000 members');
    expect(panel.$('#members tbody tr').length).to.equal(50);
  });
});
