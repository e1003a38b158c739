// Mail bodies are EJS templates, one pair per message and language-neutral: views/mail/<name>.html.ejs
// and views/mail/<name>.text.ejs, worded through the same messages as the pages (t('key')), so a
// mail exists in every interface language or does not compile. The subject is the message
// `mail.<name>.subject`, with {placeholders} filled from the locals.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import { UnprocessableError } from '../lib/errors';
import { isInterfaceLanguage, translator, type InterfaceLanguage } from '../lib/i18n';
import { MESSAGES } from '../lib/i18n/messages';

const MAIL_VIEWS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../views/mail');

/** The templates the app ships; any other name is looked up the same way. */
export type MailTemplate = 'invitation' | 'reminder' | 'password_link' | 'resume_link' | (string & {});

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export interface RenderMailOptions {
  /**
   * Keep compiled templates in memory (production: a 10,000-member send compiles each template
   * once). Off, a template edited on disk shows at the next render, as pages do in development.
   */
  cache?: boolean;
}

/** A template name is a file name under views/mail, never a path. */
const TEMPLATE_NAME = /^[a-z0-9][a-z0-9_-]*$/;

function templateError(template: string, reason: string): UnprocessableError {
  return new UnprocessableError(`The mail template "${template}" does not render: ${reason}`, { template }, 'template_error');
}

/** Fills a subject's {placeholders} from the locals that are plain strings or numbers. */
function fillSubject(wording: string, locals: Record<string, unknown>): string {
  return wording.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = locals[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : whole;
  });
}

/**
 * Renders one message in one language. The HTML part escapes every value (`<%= %>`); the text part
 * is plain text and escapes nothing. Any failure (a missing file, a missing subject, a template
 * that throws) is a 422 'template_error' naming the template, so a broken template is refused
 * before anything is queued.
 */
export async function renderMail(
  template: MailTemplate,
  language: InterfaceLanguage,
  locals: Record<string, unknown>,
  options: RenderMailOptions = {},
): Promise<RenderedMail> {
  if (!TEMPLATE_NAME.test(template)) throw templateError(template, 'not a template name');
  const subjectWording = (MESSAGES as Record<string, Record<InterfaceLanguage, string> | undefined>)[`mail.${template}.subject`]?.[language];
  if (subjectWording === undefined) throw templateError(template, `no message mail.${template}.subject`);

  const data = { ...locals, lang: language, t: translator(language) };
  const common = { cache: options.cache ?? false, root: MAIL_VIEWS } as const;
  try {
    const [html, text] = await Promise.all([
      ejs.renderFile(path.join(MAIL_VIEWS, `${template}.html.ejs`), data, common),
      ejs.renderFile(path.join(MAIL_VIEWS, `${template}.text.ejs`), data, { ...common, escape: (value: unknown) => (value == null ? '' : String(value)) }),
    ]);
    return { subject: fillSubject(subjectWording, locals).trim(), html, text: tidyText(text) };
  } catch (error) {
    throw templateError(template, error instanceof Error ? error.message.split('\n').at(-1) ?? error.message : String(error));
  }
}

/** EJS tags leave blank lines behind; a text mail reads better without runs of them. */
function tidyText(text: string): string {
  return `${text.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

/**
 * The language a member's mail is written in: theirs if the survey is in it (and the interface
 * speaks it), else the survey's first language, else French.
 */
export function mailLanguage(memberLanguage: string | null | undefined, surveyLanguages: readonly string[]): InterfaceLanguage {
  if (memberLanguage && surveyLanguages.includes(memberLanguage) && isInterfaceLanguage(memberLanguage)) return memberLanguage;
  const first = surveyLanguages.find(isInterfaceLanguage);
  return first ?? 'fr';
}
