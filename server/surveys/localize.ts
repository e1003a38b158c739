import type { TLocalizedText } from './survey.schemas';

/**
 * The text of a visible string in a language. A plain string is source-language text and is
 * returned as is. A checked definition has every listed language, so the fallbacks (the given
 * fallback language, then the first language written) only matter for unchecked input.
 */
export function localize(text: TLocalizedText, lang: string, fallbackLang?: string): string {
  if (typeof text === 'string') return text;
  const exact = text[lang];
  if (exact !== undefined) return exact;
  if (fallbackLang !== undefined && text[fallbackLang] !== undefined) return text[fallbackLang];
  return Object.values(text)[0] ?? '';
}

/** Languages a localized text is missing, out of the survey's languages. */
export function missingLanguages(text: TLocalizedText, languages: readonly string[]): string[] {
  if (typeof text === 'string') return languages.slice(1);
  return languages.filter((l) => text[l] === undefined);
}
