// The respondent's page when a page of answers could not be saved because the database is
// unreachable (DatabaseUnavailableError, see normaliseError). Nothing the respondent typed may be
// lost, and nothing here may need the database: the survey definitions are in memory (the catalog),
// but which questions the page showed depends on earlier answers, which are in the database. So
// the question page is not drawn again; the answer is a form that carries every posted field as it
// came (hidden inputs, the CSRF token fresh), lists what was typed, question by question, and posts
// it again with one button. The page's script (public/js/take.js) gets JSON instead and keeps the
// answers on the device, retrying by itself.
import type { NextFunction, Request, Response } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { DatabaseUnavailableError } from '../lib/errors';
import { normaliseError } from '../lib/error-handlers';
import { negotiateLanguage, translator } from '../lib/i18n/index';
import { localize } from '../surveys/localize';
import { surveyTitle } from '../surveys/survey-titles';
import { respondentBranding } from '../surveys/branding';
import type { TLocalizedText, TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import { CONTROL_FIELDS, type FormBody } from './form-input';

/** A posted question page: /s/<survey>/p/<page>. Error handlers see no route parameters. */
const PAGE_POST = /^\/s\/([^/]+)\/p\/([^/]+)$/;

/** One line of "what you typed": a question (or matrix row, or "other" text) and its values. */
export interface TypedAnswer {
  label: string;
  values: string[];
}

/** The posted fields as hidden inputs, in order, one per value; the CSRF token is the page's own. */
export function hiddenFieldsOf(body: FormBody): Array<{ name: string; value: string }> {
  const fields: Array<{ name: string; value: string }> = [];
  for (const [name, value] of Object.entries(body)) {
    if (name === '_csrf' || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) if (typeof one === 'string') fields.push({ name, value: one });
  }
  return fields;
}

/**
 * What the respondent typed, in the words of the survey: question text, option and row labels. Only
 * fields that name a question of the page are listed (the form still carries every field).
 */
export function typedAnswers(definition: TSurveyDefinition, pageId: string, body: FormBody, lang: string): TypedAnswer[] {
  const page = definition.pages.find((p) => p.id === pageId);
  if (!page) return [];
  const say = (text: TLocalizedText) => localize(text, lang, definition.languages[0]);
  const valuesOf = (name: string) => {
    const value = body[name];
    return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  };
  const optionLabel = (question: TQuestion, value: string) => {
    const option = 'options' in question ? question.options?.find((o) => o.id === value) : undefined;
    return option ? say(option.label) : value;
  };
  const typed: TypedAnswer[] = [];
  for (const question of page.questions) {
    const text = say(question.text);
    const own = valuesOf(question.id).map((value) => optionLabel(question, value));
    if (own.length > 0) typed.push({ label: text, values: own });
    const other = valuesOf(`${question.id}--other`);
    if (other.length > 0) typed.push({ label: text, values: other });
    for (const name of Object.keys(body)) {
      if (!name.startsWith(`${question.id}.`)) continue;
      const part = name.slice(question.id.length + 1);
      const values = valuesOf(name);
      if (values.length === 0) continue;
      const row = question.type === 'matrix' ? question.rows?.find((r) => r.id === part) : undefined;
      const partLabel = row ? say(row.label) : optionLabel(question, part);
      typed.push({ label: `${text} – ${partLabel}`, values: values.map((value) => optionLabel(question, value)) });
    }
  }
  return typed;
}

/**
 * Mounted after the respondent's routes: a question page whose POST met an unreachable database.
 * Everything else (and a survey the catalog does not know) goes on to the app's error handler.
 */
export function respondentOutagePage({ catalog, logger }: Pick<AppDependencies, 'catalog' | 'logger'>) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    const place = PAGE_POST.exec(req.path);
    const appError = normaliseError(error);
    const survey = place ? catalog.get(decodeURIComponent(place[1]!)) : undefined;
    if (res.headersSent || req.method !== 'POST' || !place || !survey || !(appError instanceof DatabaseUnavailableError)) return next(error);
    const pageId = decodeURIComponent(place[2]!);
    logger.warn({ code: appError.code, surveyId: survey.definition.id, pageId, cause: error instanceof Error ? error.message : undefined }, 'database unavailable: answers handed back to the respondent');
    const { definition } = survey;
    const lang = negotiateLanguage(req, definition.languages);
    const t = translator(lang);
    const body = (req.body ?? {}) as FormBody;
    res.status(503).set('Retry-After', String(appError.retryAfterSeconds)).set('Cache-Control', 'no-store');
    // The page's script posts with this header; it keeps the answers itself and says so.
    if (req.get('Barometer-Submit') === 'fetch') {
      res.json({ error: { code: appError.code, message: t('outage.script_waiting'), retryNow: t('outage.script_retry_now') }, retryAfterSeconds: appError.retryAfterSeconds });
      return;
    }
    const answersPosted = Object.keys(body).some((name) => !CONTROL_FIELDS.has(name));
    res.render('take/outage', {
      lang,
      t,
      title: `${t('outage.answers_title')} – ${surveyTitle(definition, lang)}`,
      surveyTitle: surveyTitle(definition, lang),
      branding: respondentBranding(definition, lang),
      // The path this page was posted to, never a host: a request line may carry a full address.
      action: req.baseUrl + req.path,
      hiddenFields: hiddenFieldsOf(body),
      typed: answersPosted ? typedAnswers(definition, pageId, body, lang) : [],
    });
  };
}
