// What the benchmarks' clients do the way a browser without JavaScript does: keep the cookies an
// answer sets, read a form's hidden fields, and describe an answer that was not the expected one.
// Shared by the respondents of bench:load and the analyst of bench:live.
import type autocannon from 'autocannon';

/** The cookies one browser holds, by name. */
export interface CookieJar {
  cookies?: Record<string, string>;
}

export function headerValues(headers: autocannon.Request['headers'], name: string): string[] {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers?.[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

/** Keeps the cookies a response sets, and forgets those it expires, as a browser would. */
export function keepCookies(browser: CookieJar, setCookies: string[]): void {
  const jar = (browser.cookies ??= {});
  for (const line of setCookies) {
    const [pair = '', ...attributes] = line.split(';');
    const separator = pair.indexOf('=');
    if (separator <= 0) continue;
    const name = pair.slice(0, separator).trim();
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=.*1970/i.test(a));
    if (expired) delete jar[name];
    else jar[name] = pair.slice(separator + 1).trim();
  }
}

export function cookieHeader(browser: CookieJar): string {
  return Object.entries(browser.cookies ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

const HTML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#34;': '"', '&#39;': "'", '&quot;': '"' };

/**
 * The hidden fields of the page's form that posts to `action` (EJS escapes their values; the
 * form's markup is ours), as a browser sends them: a page holds other forms too (the respondent's
 * "send me a link", a signed-in member's "sign out"), whose fields are not sent with this one.
 */
export function hiddenFields(html: string, action: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of formPostingTo(html, action).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = match[2]!.replace(/&(amp|lt|gt|quot|#34|#39);/g, (entity) => HTML_ENTITIES[entity] ?? entity);
  }
  return fields;
}

/** The markup of the first form whose action is `action`, or nothing. */
function formPostingTo(html: string, action: string): string {
  for (const match of html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)) {
    if (match[0].includes(` action="${action}"`)) return match[0];
  }
  return '';
}

/** What a wrong answer was, short enough to print: status, redirect, or the page's title. */
export function describeAnswer(method: string, path: string, status: number, body: string, headers: autocannon.Request['headers']): string {
  const location = headerValues(headers, 'location')[0];
  const title = /<title>([^<]*)<\/title>/.exec(body)?.[1]?.trim();
  return `${method} ${path} -> ${status}${location ? ` to ${location}` : ''}${title ? ` ("${title}")` : ''}`;
}
