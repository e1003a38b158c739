// A respondent's browser without JavaScript: it keeps cookies, reads forms the way a browser
// does (hidden fields included) and posts them back, so the tests see exactly what a person sees.
import * as cheerio from 'cheerio';
import supertest from 'supertest';

export interface Page {
  status: number;
  location?: string;
  html: string;
  $: cheerio.CheerioAPI;
  headers: Record<string, string>;
}

export type FormFields = Record<string, string | string[]>;

/** The survey page a respondent is on, from its form's action /s/<survey>/p/<page>; none past the last page. */
export function pageIdOf(page: Page): string | undefined {
  return page.$('form#survey-form').attr('action')?.split('/p/')[1];
}

/** The text of what `selector` matches on the page, spaces as a reader sees them. */
export function text(page: Page, selector: string): string {
  return page.$(selector).text().replace(/\s+/g, ' ').trim();
}

function toPage(res: supertest.Response): Page {
  const html = typeof res.text === 'string' ? res.text : '';
  return {
    status: res.status,
    ...(res.headers.location ? { location: res.headers.location as string } : {}),
    html,
    $: cheerio.load(html),
    headers: res.headers as Record<string, string>,
  };
}

/** Fields as a browser posts them: repeated names for several values, in order. */
export function encodeForm(fields: FormFields): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params.toString();
}

export class Browser {
  readonly agent: ReturnType<typeof supertest.agent>;
  acceptLanguage = 'fr-FR,fr;q=0.9';

  constructor(readonly baseUrl: string) {
    this.agent = supertest.agent(baseUrl);
  }

  async get(path: string): Promise<Page> {
    return toPage(await this.agent.get(path).set('Accept', 'text/html').set('Accept-Language', this.acceptLanguage).redirects(0));
  }

  /** GET, following redirects like a browser. */
  async open(path: string): Promise<Page> {
    let page = await this.get(path);
    for (let hops = 0; page.location && hops < 5; hops += 1) page = await this.get(page.location);
    return page;
  }

  async post(path: string, fields: FormFields): Promise<Page> {
    const res = await this.agent
      .post(path)
      .set('Accept', 'text/html')
      .set('Accept-Language', this.acceptLanguage)
      .type('form')
      .send(encodeForm(fields))
      .redirects(0);
    return toPage(res);
  }

  /** The hidden fields of the page's first form, as a browser would send them. */
  hiddenFields(page: Page): FormFields {
    const fields: FormFields = {};
    page.$('form').first().find('input[type=hidden]').each((_, el) => {
      const name = page.$(el).attr('name');
      if (name) fields[name] = page.$(el).attr('value') ?? '';
    });
    return fields;
  }

  formAction(page: Page): string {
    const action = page.$('form').first().attr('action');
    if (!action) throw new Error(`no form on the page:\n${page.html.slice(0, 500)}`);
    return action;
  }

  /** Posts the page's form with its hidden fields plus `answers`, and follows the redirect. */
  async submit(page: Page, answers: FormFields, action: 'next' | 'back' = 'next'): Promise<Page> {
    const posted = await this.post(this.formAction(page), { ...this.hiddenFields(page), ...answers, action });
    if (posted.location) return this.open(posted.location);
    return posted;
  }
}
