// What every staff page draws with: the reader's language, its translator, and the link that
// reloads the page in the other language (a GET page's address, never the POST that drew it).
import type { Request } from 'express';
import { negotiateLanguage, translator, type InterfaceLanguage, type Translate } from '../lib/i18n/index';

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
