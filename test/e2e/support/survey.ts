// Drives the respondent's pages the way a person does: ticking boxes, typing, pressing buttons, and
// waiting for the next page to load. Answers use the form's field names (test/fixtures/captic-answers.ts).
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Locator, Page, Response as PlaywrightResponse } from 'playwright-core';
import type { FormFields } from '../../support/browser';

export const FORM = '#survey-form';

/**
 * The status of a form's POST as a plain submit would have had it: 303 when the server accepted
 * and redirected, 422 when it re-rendered. With JavaScript the question page's script posts the
 * form itself (public/js/take.js) and the server answers it 200 with where to go, its redirect for
 * a script: reported as the 303 it stands for.
 */
function plainStatus(post: PlaywrightResponse): number {
  if (post.request().headers()['barometer-submit'] !== 'fetch' || post.status() !== 200) return post.status();
  // Its body is gone once the page navigated; its type says what it is.
  expect(post.headers()['content-type'], 'a script submit answered with where to go').to.match(/^application\/json/);
  return 303;
}

/**
 * Clicks something that submits a form and waits for the page it leads to. Returns the status of
 * the first POST answered (plainStatus), navigation or not.
 */
export async function submitWith(page: Page, control: Locator): Promise<number> {
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.waitForEvent('load'),
    control.click(),
  ]);
  return plainStatus(post);
}

/** Presses a key that submits the form (Enter on a focused button) and waits likewise. */
export async function submitWithKey(page: Page, key: string): Promise<number> {
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.waitForEvent('load'),
    page.keyboard.press(key),
  ]);
  return plainStatus(post);
}

export function next(page: Page): Promise<number> {
  return submitWith(page, page.locator(`${FORM} button[name="action"][value="next"]`));
}

export function back(page: Page): Promise<number> {
  return submitWith(page, page.locator(`${FORM} button[name="action"][value="back"]`));
}

/** The id of the question page on screen, read from where its form posts. */
export async function currentPageId(page: Page): Promise<string> {
  const action = (await page.locator(FORM).getAttribute('action')) ?? '';
  return decodeURIComponent(action.split('/p/')[1] ?? '');
}

/** The text of an element, spaces as a reader sees them. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
}

export async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim();
}

export async function progressText(page: Page): Promise<string> {
  return (await page.locator('.progress label').innerText()).trim();
}

/** Ticks, unticks and types until the form holds exactly `answers` for the fields named. */
export async function answerPage(page: Page, answers: FormFields): Promise<void> {
  for (const [name, value] of Object.entries(answers)) {
    const wanted = Array.isArray(value) ? value : [value];
    const fields = page.locator(`${FORM} [name="${name}"]`);
    const count = await fields.count();
    if (count === 0) throw new Error(`no field named "${name}" on page ${await currentPageId(page)}`);
    const type = await fields.first().getAttribute('type');
    if (type === 'radio') {
      if (wanted.length !== 1) throw new Error(`radio field "${name}" takes one value`);
      await page.locator(`${FORM} input[name="${name}"][value="${wanted[0]}"]`).check();
    } else if (type === 'checkbox') {
      const offered = await Promise.all((await fields.all()).map((box) => box.getAttribute('value')));
      const unknown = wanted.filter((v) => !offered.includes(v));
      if (unknown.length) throw new Error(`"${name}" offers no ${unknown.join(', ')}`);
      for (let i = 0; i < count; i += 1) {
        await fields.nth(i).setChecked(wanted.includes(offered[i] ?? ''));
      }
    } else {
      await fields.first().fill(wanted.join(''));
    }
  }
}

/** Answers the page on screen from `plan` (by page id) and goes on; returns that page's id. */
export async function answerAndContinue(page: Page, plan: Record<string, FormFields>): Promise<string> {
  const id = await currentPageId(page);
  const answers = plan[id];
  if (!answers) throw new Error(`no answers planned for page "${id}"`);
  await answerPage(page, answers);
  const status = await next(page);
  const problems = await page.locator('.error-summary').allInnerTexts();
  expect(status, `submitting page ${id}: ${problems.join(' ')}`).to.equal(303);
  return id;
}

/** The stored responses, read straight from the collection the app writes to. */
export async function storedResponses() {
  const db = mongoose.connection.db;
  if (!db) throw new Error('the test database is not connected');
  return db.collection('responses').find({}).toArray();
}

/** Evaluates a page-side expression (a string: the test code has no DOM types) and returns its value. */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/**
 * Waits until a page-side expression holds, polling through page.evaluate. page.waitForFunction
 * polls with eval inside the page, which the app's Content-Security-Policy refuses: it only works
 * when the first check already holds, so it fails on a busy machine.
 */
export async function untilInPage(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await inPage<boolean>(page, `Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Presses Tab until `expression` (about document.activeElement) holds; fails after `limit` presses. */
export async function tabUntil(page: Page, expression: string, limit = 25): Promise<void> {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await inPage<boolean>(page, `Boolean(${expression})`)) return;
  }
  const focused = await inPage<string>(page, 'document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : "nothing"');
  throw new Error(`after ${limit} Tab presses, focus never reached ${expression}; it is on ${focused}`);
}
