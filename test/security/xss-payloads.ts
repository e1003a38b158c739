// The XSS corpus the security suite types into every free text of the app. Written for this suite,
// after the families of OWASP's "XSS Filter Evasion Cheat Sheet"
// (https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html) and its
// "Cross Site Scripting Prevention Cheat Sheet" (the contexts: HTML body, attribute, URL, script,
// style), plus what our own outputs add: EJS templates, JSON in a page, CSV and spreadsheet cells.
//
// Each payload names itself (P01…): if it ever runs, it sets `window.__xss` (or, run by the server
// as a template, `globalThis.__xss_server`) to its name, and if it is ever parsed as markup it
// leaves an element or attribute that carries `__xss`, which xss-dom-check.ts finds even where a
// click or a hover would be needed to run it. Some are not attacks at all but texts that a wrong
// escaping would change (already-escaped entities, backslashes, formulas): they are checked by
// equality, shown and exported exactly as typed.

export interface XssPayload {
  /** P01…: what the marker says when it runs. */
  id: string;
  text: string;
  /** What it tries, for the failure message. */
  family: string;
}

const CORPUS: readonly (readonly [family: string, text: string])[] = [
  ['script element', `<script>window.__xss='P01'</script>`],
  ['img onerror', `<img src=x onerror="window.__xss='P02'">`],
  ['svg onload', `<svg onload="window.__xss='P03'">`],
  ['script inside svg', `<svg><script>window.__xss='P04'</script></svg>`],
  ['MathML namespace confusion', `<math><mtext><table><mglyph><style><img src=x onerror="window.__xss='P05'">`],
  ['double-quoted attribute breakout', `"><img src=x onerror="window.__xss='P06'">`],
  ['single-quoted attribute breakout', `'><img src=x onerror='window.__xss="P07"'>`],
  ['event handler added to a double-quoted attribute', `" onmouseover="window.__xss='P08'" x="`],
  ['event handler added to a single-quoted attribute', `' autofocus onfocus='window.__xss="P09"' x='`],
  ['textarea breakout', `</textarea><img src=x onerror="window.__xss='P10'">`],
  ['script breakout', `</script><script>window.__xss='P11'</script>`],
  ['title breakout', `</title><img src=x onerror="window.__xss='P12'">`],
  ['javascript: link', `<a href="javascript:window.__xss='P13'">P13 link</a>`],
  ['bare javascript: URL', `javascript:window.__xss='P14'`],
  ['iframe with a javascript: source', `<iframe src="javascript:parent.__xss='P15'"></iframe>`],
  ['iframe srcdoc', `<iframe srcdoc="<script>parent.__xss='P16'</script>"></iframe>`],
  ['object with a data: URL', `<object data="data:text/html,<script>parent.__xss='P17'</script>"></object>`],
  ['bare data: URL', `data:text/html,<script>window.__xss='P18'</script>`],
  ['template literal', '${window.__xss=\'P19\'}'],
  ['template literal breakout', "`+(window.__xss='P20')+`"],
  ['EJS escaped output tag', `<%= globalThis.__xss_server='P21' %>`],
  ['EJS raw output tag', `<%- globalThis.__xss_server='P22' %>`],
  ['CSS expression', `<div style="width: expression(window.__xss='P23')">P23</div>`],
  ['CSS import of a javascript: URL', `<style>@import 'javascript:window.__xss="P24"';</style>`],
  ['CSS url() with javascript:', `<p style="background:url(javascript:window.__xss='P25')">P25</p>`],
  ['JavaScript unicode escapes typed as text', `\\u003cimg src=x onerror=window.__xss='P26'\\u003e`],
  ['HTML entities already escaped', `&lt;b&gt;P27 bold&lt;/b&gt; &amp; &quot;P27&quot;`],
  ['numeric character references', `&#60;img src=x onerror=window.__xss='P28'&#62;`],
  ['double-escaped entity', `&amp;lt;P29&amp;gt;`],
  ['JSON breakout', `"});window.__xss='P30';//`],
  ['JSON breakout with a backslash', `\\"});window.__xss='P31';//`],
  ['unquoted event handler after a script breakout', `</script><svg onload=window.__xss='P32'>`],
  ['mixed-case script tag', `<ScRiPt>window.__xss='P33'</sCrIpT>`],
  ['nested tags against naive stripping', `<scr<script>ipt>window.__xss='P34'</scr</script>ipt>`],
  ['entity-encoded handler', `<img src=x onerror="&#119;indow.__xss='P35'">`],
  ['details ontoggle', `<details open ontoggle="window.__xss='P36'">P36</details>`],
  ['autofocus onfocus', `<input autofocus onfocus="window.__xss='P37'">`],
  ['meta refresh to javascript:', `<meta http-equiv="refresh" content="0;url=javascript:window.__xss='P38'">`],
  ['base href', `<base href="javascript:window.__xss='P39'//">`],
  ['form action javascript:', `<form action="javascript:window.__xss='P40'"><button>P40</button></form>`],
  ['CSV formula', `=1+1 P41`],
  ['CSV DDE command', `@SUM(1+1)*cmd|' /C calc'!A0 P42`],
  ['CSV plus and minus formulas', `+1+1 -2+3 P43`],
  ['CSV quotes, commas and semicolons', `"P44, quoted"; 'single', ;tab end`],
  ['XML CDATA breakout (SpreadsheetML, SVG)', `]]><script>window.__xss='P45'</script><![CDATA[`],
  ['XML entity declaration', `<!DOCTYPE x [<!ENTITY e "P46">]>&e;`],
  ['line and paragraph separators in script', `P47\u2028window.__xss='P47'\u2029`],
  ['fullwidth angle brackets', `＜script＞window.__xss='P48'＜/script＞`],
  ['noscript mutation', `<noscript><p title="</noscript><img src=x onerror=window.__xss='P49'>">`],
  ['control character before javascript:', `<a href="&#14; javascript:window.__xss='P50'">P50</a>`],
  ['URL-encoded script', `%3Cscript%3Ewindow.__xss='P51'%3C/script%3E`],
  ['HTML comment breakout', `--><script>window.__xss='P52'</script><!--`],
  ['placeholder-looking text', `{{ pct leave_reasons = price }} {surveyTitle} P53`],
  ['right-to-left override and emoji', `P54 \u202Egnp.exe 🙂`],
];

export const XSS_PAYLOADS: readonly XssPayload[] = CORPUS.map(([family, text], index) => ({
  id: `P${String(index + 1).padStart(2, '0')}`,
  family,
  text,
}));

/** Between the payloads of one field: plain, so a reader of a failure sees where one ends. */
export const PAYLOAD_SEPARATOR = ' ¦ ';

/** Several payloads in one text, so one field carries many. */
export function batchOf(payloads: readonly XssPayload[]): string {
  return payloads.map((payload) => payload.text).join(PAYLOAD_SEPARATOR);
}

/**
 * The corpus cut into batches of at most `maxLength` characters, in order: every payload in one
 * of them. For fields shorter than the whole corpus, and for fields shown in small places.
 */
export function batchesWithin(maxLength: number, payloads: readonly XssPayload[] = XSS_PAYLOADS): string[] {
  const batches: XssPayload[][] = [];
  let current: XssPayload[] = [];
  for (const payload of payloads) {
    if (payload.text.length > maxLength) throw new Error(`${payload.id} is longer than ${maxLength} characters`);
    if (current.length > 0 && batchOf([...current, payload]).length > maxLength) {
      batches.push(current);
      current = [];
    }
    current.push(payload);
  }
  if (current.length > 0) batches.push(current);
  return batches.map(batchOf);
}

/** The marker every executing payload sets, in a page (window.__xss) or in the server (globalThis.__xss_server). */
export const PAGE_MARKER = '__xss';
export const SERVER_MARKER = '__xss_server';
