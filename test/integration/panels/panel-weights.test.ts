// A panel file's weight column gives each member a design weight (docs/design-weights.md): stored
// on the member, shown on their page, refused row by row (as every bad value of a panel file is)
// when it is not a positive number.
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import mongoose from 'mongoose';
import { forgetWaves } from '../../../server/waves/wave.service';
import { useAppSuite } from '../../support/app-suite';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { confirmImport, createPanelWithForm, importReport, PANEL_PAGE, reportCounts, stored, tableRows } from './support';

function storedWeights() {
  return stored('panel_members').find({}, { projection: { _id: 0, emailKey: 1, weight: 1 } }).sort({ emailKey: 1 }).toArray();
}

describe('Design weights in a panel import', function () {
  this.timeout(60_000);
  const suite = useAppSuite({ organizerOf: [CAPTIC_ID] });

  beforeEach(async () => {
    const created = await createPanelWithForm(suite.browser);
    expect(created.status, created.html.slice(0, 300)).to.equal(303);
  });

  it('stores the weight column on each member, skips the rows whose weight is not a weight with the reason, and shows the weight on the member page', async () => {
    const csv = [
      'email;name;Poids;company_size',
      'ana@example.org;Ana;1.5;tpe',
      'bob@example.org;Bob;0.25;',
      'carla@example.org;Carla;;',
      'dan@example.org;Dan;1,5;',
      'eve@example.org;Eve;0;',
      'fay@example.org;Fay;abc;',
      'gus@example.org;Gus;2000000;',
      'hal@example.org;Hal;-3;',
    ].join('\r\n');
    const { page } = await importReport(suite.browser, { content: csv, name: 'pros.csv' });
    expect(reportCounts(page)).to.deep.equal({ rows: 8, add: 3, update: 0, unchanged: 0, skip: 5 });
    // The weight is a field of the member, not an attribute column nobody asked for.
    expect(page.$('#unknown-columns li').length).to.equal(0);
    expect(tableRows(page, 'bad-values')).to.deep.equal([
      ['5', 'dan@example.org', 'weight', '1,5', 'a positive number of at most 1000000 (this one has a decimal comma: write it with a point (1.5); a comma could also be a thousands separator)'],
      ['6', 'eve@example.org', 'weight', '0', 'a positive number of at most 1000000 (this one is not above 0: a weight is a positive number (a respondent who should not count is left out of the file))'],
      ['7', 'fay@example.org', 'weight', 'abc', 'a positive number of at most 1000000 (this one is not a number: a weight is a positive number, e.g. 1.25)'],
      ['8', 'gus@example.org', 'weight', '2000000', 'a positive number of at most 1000000 (this one is above 1000000: more likely a typo than a weight)'],
      ['9', 'hal@example.org', 'weight', '-3', 'a positive number of at most 1000000 (this one is not above 0: a weight is a positive number (a respondent who should not count is left out of the file))'],
    ]);
    await confirmImport(suite.browser, page);
    expect(await storedWeights()).to.deep.equal([{ emailKey: 'ana@example.org', weight: 1.5 }, { emailKey: 'bob@example.org', weight: 0.25 }, { emailKey: 'carla@example.org' }]);

    const ana = await stored('panel_members').findOne({ emailKey: 'ana@example.org' });
    const memberPage = await suite.browser.get(`${PANEL_PAGE}/members/${String(ana!._id)}`);
    expect(memberPage.$('#member-weight').text()).to.equal('1.5');
    // No anonymous wave invites this panel: a weight held by one member is not a concern.
    expect(page.$('#lone-weights').length).to.equal(0);
    const carla = await stored('panel_members').findOne({ emailKey: 'carla@example.org' });
    expect((await suite.browser.get(`${PANEL_PAGE}/members/${String(carla!._id)}`)).$('#member-weight').length).to.equal(0);
  });

  it('reads an XLSX weight cell as the number it holds, and counts a changed weight as an update (an empty cell keeps the stored one)', async () => {
    await stored('panel_members').insertMany([
      { surveyId: CAPTIC_ID, panelId: 'pros', email: 'ana@example.org', emailKey: 'ana@example.org', attributes: {}, weight: 1 },
      { surveyId: CAPTIC_ID, panelId: 'pros', email: 'bob@example.org', emailKey: 'bob@example.org', attributes: {}, weight: 3 },
      { surveyId: CAPTIC_ID, panelId: 'pros', email: 'cy@example.org', emailKey: 'cy@example.org', attributes: {}, weight: 2 },
    ]);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Members');
    sheet.addRow(['Email', 'Weight']);
    sheet.addRow(['ana@example.org', 0.123456789]);
    sheet.addRow(['bob@example.org', 3]);
    sheet.addRow(['cy@example.org', null]);
    const content = Buffer.from(await workbook.xlsx.writeBuffer());
    const { page } = await importReport(suite.browser, { content, name: 'members.xlsx' });
    expect(reportCounts(page)).to.deep.equal({ rows: 3, add: 0, update: 1, unchanged: 2, skip: 0 });
    await confirmImport(suite.browser, page);
    expect(await storedWeights()).to.deep.equal([
      { emailKey: 'ana@example.org', weight: 0.123456789 },
      { emailKey: 'bob@example.org', weight: 3 },
      { emailKey: 'cy@example.org', weight: 2 },
    ]);
  });

  it('warns, before anything is saved, when an anonymous wave invites the panel and a weight is held by one member of the file only', async () => {
    const wave = await mongoose.connection.db!.collection('waves').updateOne({ surveyId: CAPTIC_ID, waveId: 'demo' }, { $set: { accessMode: 'panel', panelId: 'pros', anonymous: true } });
    expect(wave.matchedCount).to.equal(1);
    forgetWaves(CAPTIC_ID);
    const csv = ['email,weight', 'ana@example.org,1.5', 'bob@example.org,1.5', 'cy@example.org,4', 'dee@example.org,0.5', 'eli@example.org,0.5'].join('\n');
    const { page } = await importReport(suite.browser, { content: csv, name: 'pros.csv' });
    expect(page.$('#lone-weights').text()).to.equal(
      'The anonymous wave demo invites this panel, and some design weights are held by one member of the file only (1, e.g. 4): copied into their response, such a weight would tell whose it is. Give one weight per stratum of several members.',
    );
    expect(await stored('panel_members').countDocuments()).to.equal(0);
  });
});
