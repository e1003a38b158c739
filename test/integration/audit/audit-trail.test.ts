// The audit trail page and its CSV: what admins read of who did what, filtered and paged.
import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import supertest from 'supertest';
import type { TestApp } from '../../support/app';
import { useAppSuite } from '../../support/app-suite';
import { Browser, type Page } from '../../support/browser';
import { apiTokenFor, createStaff, postSignIn, signedInBrowser, type StaffMember, storedCollection } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const DAY_MS = 86_400_000;
const HOSTILE_EMAIL = '=hyperlink("http://evil.example")@example.org';

function utcDay(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

interface Row {
  at: string;
  action: string;
  who: string;
  via: string;
  survey: string;
  target: string;
  details: string;
}

function rowsOf(page: Page): Row[] {
  return page.$('#audit-events tbody tr').toArray().map((tr) => {
    const cells = page.$(tr).find('td').toArray().map((td) => page.$(td).text().trim());
    return { at: cells[0]!, action: cells[1]!, who: cells[2]!, via: cells[3]!, survey: cells[5]!, target: cells[6]!, details: cells[7]! };
  });
}

async function failSignIn(app: TestApp, email: string): Promise<void> {
  const refused = await postSignIn(new Browser(app.url), { email, password: 'certainly not the right password' });
  expect(refused.status).to.equal(401);
}

describe('The audit trail', function () {
  this.timeout(30_000);
  const suite = useAppSuite();
  let admin: StaffMember;
  let analyst: StaffMember;
  let organizer: StaffMember;
  let adminBrowser: Browser;

  /** A morning's work: sign-ins, a failed one, an export, a weighting change. */
  beforeEach(async () => {
    admin = await createStaff(suite.app, { email: 'root@example.org', role: 'admin' });
    analyst = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    organizer = await createStaff(suite.app, { email: 'org@example.org', role: 'organizer', grants: [CAPTIC_ID] });
    await failSignIn(suite.app, 'ana@example.org');
    await failSignIn(suite.app, HOSTILE_EMAIL);
    const token = await apiTokenFor(organizer, 'manage');
    const analystBrowser = await signedInBrowser(suite.app, analyst);
    expect((await analystBrowser.get(`/admin/surveys/${CAPTIC_ID}/waves/current/export.csv`)).status).to.equal(200);
    await supertest(suite.app.url)
      .put(`/api/v1/surveys/${CAPTIC_ID}/waves/current/weighting`)
      .set('Authorization', `Bearer ${token}`)
      .send({ method: 'poststratify', targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 } } })
      .expect(204);
    adminBrowser = await signedInBrowser(suite.app, admin);
  });

  it('lists sign-ins, failures, exports and weighting changes, newest first, with who and how', async () => {
    const page = await adminBrowser.get('/admin/audit');
    expect(page.status).to.equal(200);
    const rows = rowsOf(page);
    const actions = rows.map((row) => row.action);
    expect(actions.slice(0, 3)).to.deep.equal(['sign_in', 'weighting_changed', 'responses_exported']);
    expect(actions).to.include.members(['sign_in_failed', 'password_set', 'account_created']);
    const times = rows.map((row) => row.at);
    expect(times.every((time) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(time))).to.equal(true);
    expect([...times].sort().reverse()).to.deep.equal(times);

    const weighting = rows.find((row) => row.action === 'weighting_changed')!;
    expect(weighting).to.include({ who: organizer.email, via: 'token', survey: CAPTIC_ID, target: 'demo' });
    expect(JSON.parse(weighting.details)).to.deep.include({ weighting: { method: 'poststratify', targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 } } } });
    const exported = rows.find((row) => row.action === 'responses_exported')!;
    expect(exported).to.include({ who: analyst.email, via: 'session', survey: CAPTIC_ID });
    const failures = rows.filter((row) => row.action === 'sign_in_failed');
    expect(failures.map((row) => row.target)).to.have.members(['ana@example.org', HOSTILE_EMAIL]);
    expect(failures.every((row) => row.who === 'anonyme')).to.equal(true);
    expect(rows.find((row) => row.action === 'account_created')!.who).to.equal('ligne de commande');
    // What an anonymous caller typed is shown as text, never as markup.
    expect(page.$('.audit-target').filter((_, el) => page.$(el).text() === HOSTILE_EMAIL).length).to.equal(1);
  });

  it('filters by action, account, survey and dates, and keeps the filters in a bookmarkable address', async () => {
    const failed = rowsOf(await adminBrowser.get('/admin/audit?action=sign_in_failed'));
    expect(failed.map((row) => row.action)).to.deep.equal(['sign_in_failed', 'sign_in_failed']);

    const byAnalyst = await adminBrowser.get('/admin/audit?email=ANA@example.org');
    expect(rowsOf(byAnalyst).map((row) => row.action)).to.have.members(['password_set', 'sign_in', 'responses_exported']);
    expect(byAnalyst.$('#filter-email').attr('value')).to.equal('ANA@example.org');
    expect(byAnalyst.$('#audit-csv').attr('href')).to.equal('/admin/audit.csv?email=ANA%40example.org');

    const bySurvey = await adminBrowser.get(`/admin/audit?survey=${CAPTIC_ID}`);
    expect(rowsOf(bySurvey).map((row) => row.action)).to.have.members(['weighting_changed', 'responses_exported']);
    expect(bySurvey.$('#filter-survey option[selected]').attr('value')).to.equal(CAPTIC_ID);

    const combined = rowsOf(await adminBrowser.get(`/admin/audit?action=responses_exported&email=org@example.org&survey=${CAPTIC_ID}`));
    expect(combined).to.have.length(0);

    const today = rowsOf(await adminBrowser.get(`/admin/audit?from=${utcDay(-1)}&to=${utcDay()}`));
    expect(today.length).to.equal(rowsOf(await adminBrowser.get('/admin/audit')).length);
    const yesterday = await adminBrowser.get(`/admin/audit?from=${utcDay(-1)}&to=${utcDay(-1)}`);
    expect(rowsOf(yesterday)).to.have.length(0);
    expect(yesterday.$('#audit-empty').text()).to.equal('Aucun événement ne correspond.');
    expect(rowsOf(await adminBrowser.get(`/admin/audit?from=${utcDay(1)}`))).to.have.length(0);
  });

  for (const [situation, query, message] of [
    ['an unknown action', 'action=drop_database', 'Action inconnue : drop_database.'],
    ['an action given twice', 'action=sign_in&action=sign_out', 'Action inconnue : sign_in,sign_out.'],
    ['a day that does not exist', 'from=2026-02-30', '« 2026-02-30 » n’est pas une date'],
    ['a date in another format', 'to=12/03/2026', '« 12/03/2026 » n’est pas une date'],
    ['an end before the start', 'from=2026-03-10&to=2026-03-09', 'La date de fin précède la date de début.'],
    ['a malformed survey id', 'survey=captic_2011%22%3E', 'Identifiant d’enquête mal formé'],
    ['an email with line breaks', 'email=a%0D%0Ab@example.org', 'Adresse e-mail trop longue ou mal formée.'],
    ['a bad paging cursor', 'before=yesterday', 'Lien de pagination invalide.'],
  ] as const) {
    it(`answers 400 with a message to ${situation}`, async () => {
      const page = await adminBrowser.get(`/admin/audit?${query}`);
      expect(page.status).to.equal(400);
      expect(page.$('#form-error').text()).to.contain(message);
      expect(rowsOf(page)).to.have.length(0);
      // The form is there to correct the filter.
      expect(page.$('#audit-filters').length).to.equal(1);
      const csv = await adminBrowser.get(`/admin/audit.csv?${query}`);
      expect(csv.status).to.equal(400);
    });
  }

  it('pages 50 at a time through "older" links, and never loses events that share a millisecond', async () => {
    await storedCollection('audit_events').deleteMany({});
    const start = Date.now() - 3_600_000;
    // 130 events a second apart, except 49 to 53, which share one millisecond across the first page's end.
    const events = Array.from({ length: 130 }, (_, i) => ({
      at: new Date(start - (i >= 49 && i <= 53 ? 49 : i) * 1000),
      action: 'sign_in',
      via: 'session',
      actorEmail: 'many@example.org',
      target: `event ${i}`,
    }));
    await storedCollection('audit_events').insertMany(events);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let address: string | undefined = '/admin/audit?action=sign_in';
    while (address) {
      const page = await adminBrowser.get(address);
      expect(page.status).to.equal(200);
      const rows = rowsOf(page);
      pageSizes.push(rows.length);
      seen.push(...rows.map((row) => row.target));
      address = page.$('#audit-older').attr('href');
      if (address) expect(address).to.match(/^\/admin\/audit\?action=sign_in&before=/);
    }
    expect(pageSizes).to.deep.equal([50, 50, 30]);
    expect(seen).to.have.length(130);
    expect(new Set(seen).size).to.equal(130);
    expect(seen.slice(0, 49)).to.deep.equal(events.slice(0, 49).map((event) => event.target));
    // The five events of one millisecond straddle the first page's end: the first page ends
    // inside the group, and the second page takes up exactly where it stopped.
    expect(seen.slice(49, 54).sort()).to.deep.equal(events.slice(49, 54).map((event) => event.target).sort());

    const older = (await adminBrowser.get('/admin/audit?action=sign_in')).$('#audit-older').attr('href')!;
    const lastPage = await adminBrowser.get((await adminBrowser.get(older)).$('#audit-older').attr('href')!);
    expect(lastPage.$('#audit-older').length).to.equal(0);
    expect(lastPage.$('a[rel=first]').attr('href')).to.equal('/admin/audit?action=sign_in');
  });

  it('exports the filtered view as CSV, every page of it, with formulas disarmed', async () => {
    const res = await adminBrowser.agent.get('/admin/audit.csv?action=sign_in_failed');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="?audit-\d{4}-\d{2}-\d{2}\.csv"?$/);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.text.charCodeAt(0)).to.equal(0xfeff);
    const records = parseCsv(res.text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(records.map((record) => record.action)).to.deep.equal(['sign_in_failed', 'sign_in_failed']);
    expect(records.map((record) => record.target)).to.have.members(['ana@example.org', `'${HOSTILE_EMAIL}`]);
    expect(records.every((record) => record.who === 'anonymous')).to.equal(true);

    await storedCollection('audit_events').insertMany(Array.from({ length: 2100 }, (_, i) => ({ at: new Date(Date.now() - 10_000 - Math.floor(i / 3)), action: 'sign_out', via: 'session', target: `t${i}` })));
    const all = await adminBrowser.agent.get('/admin/audit.csv?action=sign_out');
    const allRecords = parseCsv(all.text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(allRecords).to.have.length(2100);
    expect(new Set(allRecords.map((record) => record.target)).size).to.equal(2100);
  });

  it('is for admins only: 403 for an organizer or analyst, the sign-in page for anyone else', async () => {
    for (const staff of [analyst, organizer]) {
      const browser = await signedInBrowser(suite.app, staff);
      expect((await browser.get('/admin/audit')).status, staff.email).to.equal(403);
      expect((await browser.get('/admin/audit.csv')).status, staff.email).to.equal(403);
    }
    const anonymous = new Browser(suite.app.url);
    const page = await anonymous.get('/admin/audit?action=sign_in');
    expect(page.status).to.equal(303);
    expect(page.location).to.equal('/login?next=%2Fadmin%2Faudit%3Faction%3Dsign_in');
    expect((await anonymous.get('/admin/audit.csv')).status).to.equal(303);
  });
});

