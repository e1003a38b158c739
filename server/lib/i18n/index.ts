import type { Request } from 'express';
import { INTERFACE_LANGUAGES, MESSAGES, type InterfaceLanguage, type MessageKey } from './messages';

export { INTERFACE_LANGUAGES, type InterfaceLanguage, type MessageKey };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function isInterfaceLanguage(value: unknown): value is InterfaceLanguage {
  return typeof value === 'string' && (INTERFACE_LANGUAGES as readonly string[]).includes(value);
}

export function translator(lang: InterfaceLanguage): Translate {
  return (key, params) => {
    const template: string = MESSAGES[key][lang];
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  };
}

/**
 * The language of a page: `?lang=` wins, then the respondent's earlier choice (cookie), then the
 * browser's Accept-Language, then the first of `available` (the survey's source language).
 */
export function negotiateLanguage(
  req: Request,
  available: readonly string[] = INTERFACE_LANGUAGES,
): InterfaceLanguage {
  const supported = available.filter(isInterfaceLanguage);
  const candidates = [req.query.lang, req.cookies?.brm_lang];
  for (const candidate of candidates) {
    if (isInterfaceLanguage(candidate) && supported.includes(candidate)) return candidate;
  }
  const accepted = req.acceptsLanguages(...supported);
  if (isInterfaceLanguage(accepted)) return accepted;
  return supported[0] ?? 'fr';
}
