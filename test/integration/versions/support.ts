// What the version tests share: CAP-TIC's definition text, changed as an organizer would change it,
// the console's multipart upload form posted as a browser posts it, and a second wave pinned to
// the changed version.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import * as cheerio from 'cheerio';
import type { Browser, Page } from '../../support/browser';
import { ROOT, type TestApp } from '../../support/app';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { recordSurveyVersion } from '../../../server/surveys/survey.catalog';
import { checkSurveyText, formatProblem, type LoadedSurvey } from '../../../server/surveys/survey.loader';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

export const CAPTIC_TEXT = readFileSync(path.join(ROOT, 'surveys', 'captic-2011.yaml'), 'utf8');
// Without its logo: the shipped file names it as a file beside it, which an upload cannot carry
// (docs/survey-format.md, Branding), and these tests are about other refusals.
export const COWORKING_TEXT = readFileSync(path.join(ROOT, 'surveys', 'coworking-members-2026.yaml'), 'utf8').replace(/^ {2}logo:\n(?: {4}.*\n)+/m, '');

/** CAP-TIC with `uses_social` reworded in English: the change of the acceptance scenario. */
export const CAPTIC_REWORDED = replaceOnce(CAPTIC_TEXT, 'en: Do you use social networks?', 'en: Do you use online social networks?');

export const VERSIONS_PAGE = `/admin/surveys/${CAPTIC_ID}/versions`;
export const VERSIONS_API = `/api/v1/surveys/${CAPTIC_ID}/versions`;

export function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the definition has no "${from}"`);
  return text.replace(from, to);
}

/** 1-based line of the first line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`no line contains "${needle}"`);
  return index + 1;
}

export function storedVersions() {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected to the test database');
  return db.collection('survey_versions');
}

/** Opens the versions page and posts its upload form with `file` (none when undefined), without following the redirect. */
export async function uploadWithForm(browser: Browser, file: { content: string | Buffer; name: string } | undefined, csrf?: string): Promise<Page> {
  const form = await browser.get(VERSIONS_PAGE);
  const token = csrf ?? form.$('#upload-version input[name=_csrf]').attr('value') ?? '';
  let request = browser.agent.post(VERSIONS_PAGE).set('Accept', 'text/html').set('Accept-Language', browser.acceptLanguage).redirects(0).field('_csrf', token);
  if (file) request = request.attach('definition', Buffer.from(file.content), file.name);
  const res = await request;
  const html = typeof res.text === 'string' ? res.text : '';
  return { status: res.status, ...(res.headers.location ? { location: res.headers.location as string } : {}), html, $: cheerio.load(html), headers: res.headers as Record<string, string> };
}

/** CAP-TIC whose company sizes no longer have ETI: a version a wave's quotas or targets on ETI do not fit. */
export const CAPTIC_WITHOUT_ETI = replaceOnce(CAPTIC_TEXT, `          - id: eti
            label: { fr: "De 250 à 4 999 salariés (ETI)", en: "250 to 4,999 employees (intermediate)" }
`, '');

/** Records a survey text as an uploaded version, as the console's upload does; a text that does not check is a mistake in the test. */
export async function recordVersionText(text: string, fileName: string): Promise<LoadedSurvey> {
  const checked = checkSurveyText(text, fileName);
  if (!checked.ok) throw new Error(checked.problems.map(formatProblem).join('\n'));
  await recordSurveyVersion(checked.survey, { source: 'upload', fileName });
  return checked.survey;
}

export const NEXT_WAVE = '2012-03';

/**
 * Wave 2012-03 of CAP-TIC, pinned to the reworded version and open, as an organizer launches it:
 * the version recorded, the wave made from 2011-03's settings, the demonstration wave closed.
 * Returns the new version's fingerprint.
 */
export async function launchRewordedWave(app: TestApp): Promise<string> {
  const { fingerprint } = await recordVersionText(CAPTIC_REWORDED, 'captic-2012.yaml');
  const waves = wavesOf(app);
  await waves.createWave(CAPTIC_ID, { waveId: NEXT_WAVE, copyFrom: '2011-03', fingerprint }, TEST_ACTOR);
  await waves.closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
  await waves.openWave(CAPTIC_ID, NEXT_WAVE, TEST_ACTOR);
  return fingerprint;
}
