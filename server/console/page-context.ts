// What every staff page draws with: the reader's language, its translator, and the link that
// reloads the page in the other language (a GET page's address, never the POST that drew it).
import type { Request } from 'express';
import { negotiateLanguage, translator, type InterfaceLanguage, type MessageKey, type Translate } from '../lib/i18n/index';

export interface StaffPageContext {
  lang: InterfaceLanguage;
  t: Translate;
  switchLanguageHref: string | undefined;
}

/** `languagePath` may carry a query of its own (a filtered view): the language is added to it. */
export function staffPageContext(req: Request, languagePath: string | undefined): StaffPageContext {
  const lang = negotiateLanguage(req);
  const other = lang === 'fr' ? 'en' : 'fr';
  return { lang, t: translator(lang), switchLanguageHref: languagePath && `${languagePath}${languagePath.includes('?') ? '&' : '?'}lang=${other}` };
}

/**
 * What a page says after an action redirected to it with `?done=<name>`: the notice `notices`
 * words for that name, and none for a name it does not know (the query is the visitor's to type).
 */
export function doneNotice(req: Request, notices: Readonly<Record<string, MessageKey>>, t: Translate): string | undefined {
  const done = req.query.done;
  return typeof done === 'string' && Object.hasOwn(notices, done) ? t(notices[done]!) : undefined;
}
