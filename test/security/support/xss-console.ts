// The console's forms as the XSS suite posts them: through the real pages (their CSRF token
// read from the form), as an organizer or admin without JavaScript would, so every free text
// reaches the app through its own route.
import { expect } from 'chai';
import * as cheerio from 'cheerio';
import { stringify } from 'csv-stringify/sync';
import type { Browser, FormFields, Page } from '../../support/browser';
import { submitForm } from '../../support/staff';

/**
 * Opens `path`, posts its form `selector` with `fields`, and expects the answer that says it was
 * taken: a redirect, unless told (a new account's page is its one-time link, 201).
 */
export async function postConsoleForm(browser: Browser, path: string, selector: string, fields: FormFields = {}, expectedStatus = 303): Promise<Page> {
  const page = await browser.get(path);
  expect(page.status, `GET ${path}`).to.equal(200);
  const posted = await submitForm(browser, page, selector, fields);
  const refusal = posted.$('.error-summary, #form-error').text().replace(/\s+/g, ' ').trim();
  expect(posted.status, `${selector} on ${path}: ${refusal || posted.html.slice(0, 300)}`).to.equal(expectedStatus);
  return posted;
}

/** Posts a multipart upload form (a survey definition, a panel file) with its CSRF token, without following the redirect. */
export async function uploadConsoleFile(browser: Browser, pagePath: string, formSelector: string, field: string, file: { content: string; name: string }): Promise<Page> {
  const form = await browser.get(pagePath);
  const action = form.$(formSelector).attr('action') ?? '';
  const token = form.$(`${formSelector} input[name=_csrf]`).attr('value') ?? '';
  const res = await browser.agent
    .post(action)
    .set('Accept', 'text/html')
    .set('Accept-Language', browser.acceptLanguage)
    .redirects(0)
    .field('_csrf', token)
    .attach(field, Buffer.from(file.content), file.name);
  const html = typeof res.text === 'string' ? res.text : '';
  return { status: res.status, ...(res.headers.location ? { location: res.headers.location as string } : {}), html, $: cheerio.load(html), headers: res.headers as Record<string, string> };
}

/** Opens `path` until `settled` holds of it (an import read, a send finished), as the page's own refresh would. */
export async function openUntil(browser: Browser, path: string, settled: (page: Page) => boolean, timeoutMs = 10_000): Promise<Page> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await browser.get(path);
    if (settled(page)) return page;
    if (Date.now() > deadline) throw new Error(`${path} did not settle in ${timeoutMs} ms:\n${page.html.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A panel file as a spreadsheet program writes it: quoted where needed, so any text survives. */
export function panelCsv(rows: readonly Record<string, string>[]): string {
  return stringify([...rows], { header: true, quoted_match: /[",;\n\r\t]/ });
}
