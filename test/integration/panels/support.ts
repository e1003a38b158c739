// What the panel suites share: the console's addresses, making a panel and uploading a file as an
// organizer does (the panel page's multipart form), waiting for an import to be read, and the
// stored collections.
import { setTimeout as delay } from 'node:timers/promises';
import * as cheerio from 'cheerio';
import mongoose from 'mongoose';
import type { Browser, Page } from '../../support/browser';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const POLL_MS = 25;

export const PANELS_PAGE = `/admin/surveys/${CAPTIC_ID}/panels`;
export const PANEL_ID = 'pros';
export const PANEL_PAGE = `${PANELS_PAGE}/${PANEL_ID}`;

export function stored(name: 'panels' | 'panel_members' | 'panel_imports' | 'panel_import_rows' | 'audit_events' | 'invitations' | 'mail_outbox') {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected to the test database');
  return db.collection(name);
}

/** Makes the panel through the console's form, as the organizer does. */
export async function createPanelWithForm(browser: Browser, panelId = PANEL_ID, name = 'Professionals'): Promise<Page> {
  const page = await browser.get(PANELS_PAGE);
  return browser.post(PANELS_PAGE, { _csrf: page.$('#new-panel input[name=_csrf]').attr('value') ?? '', panelId, name });
}

/** Posts the panel page's upload form with the file, without following the redirect. */
export async function uploadPanelFile(browser: Browser, file: { content: string | Buffer; name: string } | undefined, panelPage = PANEL_PAGE): Promise<Page> {
  const form = await browser.get(panelPage);
  const token = form.$('#import-form input[name=_csrf]').attr('value') ?? '';
  let request = browser.agent.post(`${panelPage}/imports`).set('Accept', 'text/html').set('Accept-Language', browser.acceptLanguage).redirects(0).field('_csrf', token);
  if (file) request = request.attach('file', Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content), file.name);
  const res = await request;
  const html = typeof res.text === 'string' ? res.text : '';
  return { status: res.status, ...(res.headers.location ? { location: res.headers.location as string } : {}), html, $: cheerio.load(html), headers: res.headers as Record<string, string> };
}

/**
 * Opens the import page until it stops reloading itself (the file is read, or the members are
 * saved), as the organizer's browser does; `onReading` sees each page shown meanwhile.
 */
export async function waitForImportSettled(browser: Browser, importPath: string, onReading: (page: Page) => void = () => undefined, timeoutMs = 120_000): Promise<Page> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await browser.get(importPath);
    if (page.status !== 200) return page;
    if (page.$('#import-progress').length === 0) return page;
    onReading(page);
    if (Date.now() > deadline) throw new Error(`the import was still in progress after ${timeoutMs} ms`);
    // Polls as the page's own refresh does, only faster; the app reads the file in this process, so
    // a tight loop of page renders would slow the reading it waits for.
    await delay(POLL_MS);
  }
}

/** Uploads the file and waits for its report: the import page once read. */
export async function importReport(browser: Browser, file: { content: string | Buffer; name: string }, panelPage = PANEL_PAGE): Promise<{ page: Page; importPath: string }> {
  const upload = await uploadPanelFile(browser, file, panelPage);
  if (upload.status !== 303 || !upload.location) throw new Error(`upload refused (${upload.status}): ${upload.$('#form-error').text().trim() || upload.html.slice(0, 300)}`);
  return { page: await waitForImportSettled(browser, upload.location), importPath: upload.location };
}

/** The report's counts as the page shows them. */
export function reportCounts(page: Page): Record<'rows' | 'add' | 'update' | 'unchanged' | 'skip', number> {
  const read = (id: string) => Number(page.$(`#report-${id}`).text().trim());
  return { rows: read('rows'), add: read('add'), update: read('update'), unchanged: read('unchanged'), skip: read('skip') };
}

/** The rows of a report table, each as its cells' text. */
export function tableRows(page: Page, id: string): string[][] {
  return page.$(`#${id} tbody tr`).toArray().map((tr) => page.$(tr).find('td').toArray().map((td) => page.$(td).text().trim()));
}

/** Confirms the import on its page and waits until the members are saved: the page then. */
export async function confirmImport(browser: Browser, page: Page, onSaving: (page: Page) => void = () => undefined): Promise<Page> {
  const posted = await pressImportButton(browser, page, 'confirm-import');
  if (posted.status !== 303 || !posted.location) throw new Error(`confirm refused (${posted.status}): ${posted.$('#form-error').text().trim()}`);
  return waitForImportSettled(browser, posted.location, onSaving);
}

/** Posts one of the import page's buttons (confirm or cancel). */
export async function pressImportButton(browser: Browser, page: Page, form: 'confirm-import' | 'cancel-import'): Promise<Page> {
  const action = page.$(`#${form}`).attr('action');
  if (!action) throw new Error(`no ${form} form on the page`);
  return browser.post(action, { _csrf: page.$(`#${form} input[name=_csrf]`).attr('value') ?? '' });
}
