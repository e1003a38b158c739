// The parts of a dashboard that change with its figures (the header, each question), rendered
// from the same EJS partials the page includes. The live stream renders them once per change and
// sends the HTML, so the page and its live updates cannot disagree on how a figure is written. A
// part's chart data is in its HTML already (its canvas's data-chart): sent once, not twice.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import { translator } from '../lib/i18n/index';
import { activityChart } from './activity.service';
import type { DashboardView } from './dashboard.types';

const VIEWS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../views');

/** One part of a live update: its rendered HTML. */
export interface RenderedPart {
  html: string;
}

export const HEADER_PART = 'header';

export function questionPart(questionId: string): string {
  return `q:${questionId}`;
}

function render(template: string, locals: Record<string, unknown>, cache: boolean): Promise<string> {
  // `root` as the app sets it, so the partials' own includes resolve the same way.
  return ejs.renderFile(path.join(VIEWS, `${template}.ejs`), locals, { root: VIEWS, cache });
}

/** Every part of the view, keyed as the page marks them (`data-part`). */
export async function renderDashboardParts(view: DashboardView, options: { cache: boolean }): Promise<Record<string, RenderedPart>> {
  const t = translator(view.lang);
  const common = { t, lang: view.lang, view, timeZone: view.timeZone };
  const chart = activityChart(view.header, view.lang);
  const parts: Record<string, RenderedPart> = {
    [HEADER_PART]: { html: await render('dashboard/header-figures', { ...common, header: view.header, chart }, options.cache) },
  };
  for (const q of view.questions) parts[questionPart(q.id)] = { html: await render('dashboard/question-figures', { ...common, q }, options.cache) };
  return parts;
}
