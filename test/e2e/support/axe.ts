// Runs axe-core inside the real Chromium page. The app's CSP forbids inline scripts, so axe is not
// injected as a <script> element: its source is evaluated over the DevTools protocol, which CSP
// does not govern. Page-side code is passed as strings because the test files are compiled without
// the DOM library (and tsx would wrap named inner functions in a helper the page does not have).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts that fail the suite. */
const BLOCKING_IMPACTS = ['serious', 'critical'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string[]; failureSummary: string }>;
}

export async function injectAxe(page: Page): Promise<void> {
  const present = await page.evaluate<boolean>('typeof window.axe === "object"');
  if (present) return;
  // `void 0` so the evaluation returns nothing to serialise, whatever the bundle's last expression.
  await page.evaluate<void>(`${AXE_SOURCE}\n;void 0;`);
  const loaded = await page.evaluate<boolean>('typeof window.axe === "object"');
  if (!loaded) throw new Error('axe-core did not load in the page');
}

/** Every WCAG A/AA and best-practice rule axe runs by default; only serious and critical ones are kept. */
export async function findSeriousViolations(page: Page): Promise<AxeViolation[]> {
  await injectAxe(page);
  const violations = await page.evaluate<AxeViolation[]>(`
    window.axe.run(document, { resultTypes: ['violations'] }).then((results) =>
      results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.map(String), failureSummary: n.failureSummary || '' })),
      })),
    )
  `);
  return violations.filter((v) => v.impact !== null && BLOCKING_IMPACTS.includes(v.impact));
}

/** One readable line per offending element, so a failure says what to fix and where. */
export function describeViolations(violations: AxeViolation[]): string[] {
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}) at ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
  );
}
