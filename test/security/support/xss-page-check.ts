// What the XSS suite checks on every page Chromium draws: nothing of the corpus ran (the marker,
// dialogs), nothing of it became markup (an element or attribute carrying the marker, found even
// where a click or a hover would be needed to run it), and the texts the page should show are
// shown exactly as typed (no double escaping, nothing lost).
//
// Pages are opened with the Content-Security-Policy bypassed: the policy is a second line of
// defence, and this suite tests the first one, escaping. With the policy on, an injected inline
// script would be blocked and the test could not tell escaping from luck.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { PAGE_MARKER } from '../xss-payloads';

/** What ran or was refused in one page, collected while it was open. */
export interface PageWatch {
  dialogs: string[];
  /** CSP violations the page reported: for information, as the policy is bypassed. */
  violations(): Promise<string[]>;
}

/**
 * Listens on the page before it loads anything: dialogs (alert, confirm, prompt) are recorded and
 * dismissed, and CSP violations are kept in the page for `violations()`.
 */
export async function watchPage(page: Page): Promise<PageWatch> {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  // Page-side code is a string: the test code is compiled without the DOM's types.
  await page.addInitScript(`
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));
  `);
  return {
    dialogs,
    violations: () => page.evaluate<string[]>('window.__cspViolations || []'),
  };
}

/** Attributes through which markup runs or loads something: an injected one carrying the marker is an injection. */
const ACTIVE_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'data', 'srcdoc', 'style', 'http-equiv', 'content', 'xlink:href', 'background', 'poster'];
/** Elements whose content runs (a JSON data block does not). */
const ACTIVE_ELEMENTS = ['script', 'style'];

/**
 * The elements of the page (its frames included) that the corpus turned into markup. One place
 * holds it on purpose: the console draws a mail's HTML part in the srcdoc of a frame sandboxed
 * without scripts (views/mail-console/parts.ejs, the invitations' preview); what that frame
 * draws is checked as one of the page's frames.
 */
export async function injectedElements(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const frame of page.frames()) {
    const inFrame = await frame.evaluate<string[]>(`(() => {
      const marker = ${JSON.stringify(PAGE_MARKER)};
      const activeAttributes = ${JSON.stringify(ACTIVE_ATTRIBUTES)};
      const activeElements = ${JSON.stringify(ACTIVE_ELEMENTS)};
      const hits = [];
      for (const element of document.querySelectorAll('*')) {
        const tag = element.tagName.toLowerCase();
        const scriptless = tag === 'iframe' && element.hasAttribute('sandbox') && !/allow-scripts/.test(element.getAttribute('sandbox') || '');
        for (const attribute of element.attributes) {
          if (!attribute.value.includes(marker)) continue;
          if (scriptless && attribute.name === 'srcdoc') continue;
          if (attribute.name.startsWith('on') || activeAttributes.includes(attribute.name)) hits.push('<' + tag + ' ' + attribute.name + '="' + attribute.value + '">');
        }
        const typedJson = tag === 'script' && /json/.test(element.getAttribute('type') || '');
        if (activeElements.includes(tag) && !typedJson && (element.textContent || '').includes(marker)) hits.push(element.outerHTML.slice(0, 200));
      }
      return hits;
    })()`);
    found.push(...inFrame.map((hit) => `${frame.url()}: ${hit}`));
  }
  return found;
}

/** Spaces as a reader sees them: runs of white space (line separators included) are one space. */
export function normalizeSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Nothing of the corpus ran or became markup on the page, and each of `texts` is among what the
 * page shows (its visible text, or a form field's value), exactly as typed.
 */
export async function expectSafePage(page: Page, watch: PageWatch, where: string, texts: readonly string[] = []): Promise<void> {
  const ran = await Promise.all(page.frames().map((frame) => frame.evaluate<unknown>(`window[${JSON.stringify(PAGE_MARKER)}] ?? null`)));
  expect(ran.filter((marker) => marker !== null), `${where}: a payload ran`).to.deep.equal([]);
  expect(watch.dialogs, `${where}: a payload opened a dialog`).to.deep.equal([]);
  const injected = await injectedElements(page);
  expect(injected, `${where}: the corpus became markup:\n${injected.join('\n')}`).to.deep.equal([]);
  if (texts.length === 0) return;
  const shown = normalizeSpaces(
    await page.evaluate<string>(`[document.title, document.body.innerText, ...Array.from(document.querySelectorAll('input, textarea'), (field) => field.value)].join('\\n')`),
  );
  const missing = texts.filter((text) => !shown.includes(normalizeSpaces(text)));
  expect(missing, `${where}: texts not shown exactly as typed (double escaped, or lost):\n${missing.join('\n')}`).to.deep.equal([]);
}
