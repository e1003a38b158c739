// Reads the analysts' dashboard as a test compares it with the figures API: every figure cell's
// machine value (data-value), per question, and the numbers the API answers for the same question.
import type { Page } from 'playwright-core';
import type { Figures } from '../../../server/analysis/figures/figures.types';

/** A question's section on the page: its flags, and the data-value of each figure cell, row by row. */
export interface PageQuestion {
  id: string;
  flags: string[];
  columns: string[];
  rows: Array<{ label: string; values: Array<number | null> }>;
}

/** Every question section of the dashboard on screen, as data. */
export function pageQuestions(page: Page): Promise<PageQuestion[]> {
  // A string, not a function: the test files are compiled without the DOM library (see axe.ts).
  return page.evaluate<PageQuestion[]>(`
    [...document.querySelectorAll('section[data-part^="q:"]')].map((section) => ({
      id: section.getAttribute('data-part').slice(2),
      flags: [...section.querySelectorAll('[data-flag]')].map((f) => f.getAttribute('data-flag')),
      columns: [...section.querySelectorAll('table thead th, table thead td')].map((c) => c.textContent.trim()),
      rows: [...section.querySelectorAll('table tbody tr')].map((tr) => ({
        label: tr.querySelector('th').textContent.trim(),
        values: [...tr.querySelectorAll('td')].map((td) => (td.getAttribute('data-value') === '' ? null : Number(td.getAttribute('data-value')))),
      })),
    }))
  `);
}

/** The data of the chart drawn on a canvas: each dataset's values (the bar's own value for bars with whiskers). */
export function chartValues(page: Page, canvasId: string): Promise<Array<Array<number | null>>> {
  return page.evaluate<Array<Array<number | null>>>(`
    (() => {
      const chart = Chart.getChart(document.getElementById(${JSON.stringify(canvasId)}));
      if (!chart) return [];
      const axis = chart.options.indexAxis === 'y' ? 'x' : 'y';
      return chart.data.datasets.map((d) => d.data.map((v) => (v !== null && typeof v === 'object' ? v[axis] : v)));
    })()
  `);
}

interface FigureLike {
  count?: unknown;
  weightedCount?: unknown;
  proportion?: unknown;
}

/**
 * Every number the figures API gives about one question: in the whole sample, in each crosstab
 * column and its tests, and the column sizes. Under the publication threshold the API withholds a
 * proportion (null); the dashboard shows analysts count ÷ base there, so those ratios are added.
 */
export function apiNumbersOf(figures: Figures, questionId: string): number[] {
  const numbers: number[] = [];
  const walk = (node: unknown, base?: { n: number; weighted: number }): void => {
    if (typeof node === 'number') numbers.push(node);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown> & FigureLike;
    const ownBase = record.base as { n?: unknown; weighted?: unknown } | undefined;
    const nextBase = ownBase && typeof ownBase.n === 'number' && typeof ownBase.weighted === 'number' ? { n: ownBase.n, weighted: ownBase.weighted } : base;
    if (record.proportion === null && base && typeof record.count === 'number' && typeof record.weightedCount === 'number') {
      if (base.n > 0) numbers.push(Math.min(1, record.count / base.n));
      if (base.weighted > 0) numbers.push(Math.min(1, record.weightedCount / base.weighted));
    }
    for (const value of Object.values(record)) walk(value, nextBase);
  };
  walk(figures.questions[questionId]);
  for (const column of Object.values(figures.crosstab?.columns ?? {})) {
    numbers.push(column.n);
    walk(column.questions[questionId]);
  }
  walk(figures.crosstab?.tests?.[questionId]);
  return numbers;
}

/** The page's figure values that are no number of the API's for the same question (none, when they agree). */
export function valuesNotFromApi(questions: PageQuestion[], figures: Figures): string[] {
  const strays: string[] = [];
  for (const q of questions) {
    const known = apiNumbersOf(figures, q.id);
    for (const row of q.rows) {
      for (const value of row.values) {
        if (value === null) continue;
        if (!known.some((k) => Math.abs(k - value) <= 1e-9 * Math.max(1, Math.abs(k)))) strays.push(`${q.id} / ${row.label}: ${value}`);
      }
    }
  }
  return strays;
}
