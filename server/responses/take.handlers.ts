// The respondent's side over HTTP: intro and consent, the pages, the thank-you page. Handlers
// translate HTTP only (cookies, form fields, language, rendering); the rules are the use cases of
// take.service.ts.
import type { Request, Response } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { translator, negotiateLanguage, type InterfaceLanguage } from '../lib/i18n/index';
import { cookieIsSecure } from '../lib/security';
import type { AnswerError, TAnswers } from '../surveys/answers';
import { localize } from '../surveys/localize';
import { surveyTitle } from '../surveys/survey-titles';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import type { FormBody } from './form-input';
import { pagePosition } from './navigation';
import type { PagePlan } from './page-plan';
import { buildPageView, errorAnchor, translateAnswerError, type PageErrors } from './page-view';
import type { StoredResponse } from './response.service';
import {
  beginResponse,
  openPage,
  openSurvey,
  openThanks,
  resumeByLink,
  submitPage,
  type Destination,
  type RespondentInput,
} from './take.service';

const RESUME_COOKIE_DAYS = 90;

type Params = { surveyId: string; pageId?: string; token?: string };

function resumeCookieName(surveyId: string): string {
  return `brm_resume_${surveyId}`;
}

function surveyPath(surveyId: string, rest = ''): string {
  return `/s/${encodeURIComponent(surveyId)}${rest}`;
}

function pagePath(surveyId: string, pageId: string): string {
  return surveyPath(surveyId, `/p/${encodeURIComponent(pageId)}`);
}

function bodyOf(req: Request): FormBody {
  return (req.body ?? {}) as FormBody;
}

function firstString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function pathOf(surveyId: string, destination: Destination): string {
  switch (destination.to) {
    case 'intro':
      return surveyPath(surveyId);
    case 'thanks':
      return surveyPath(surveyId, '/thanks');
    case 'page':
      return `${pagePath(surveyId, destination.pageId)}${destination.resumed ? '?resumed=1' : ''}`;
  }
}

export function createTakeHandlers({ config, catalog }: AppDependencies) {
  interface Context {
    survey: LoadedSurvey;
    definition: TSurveyDefinition;
    lang: InterfaceLanguage;
    t: ReturnType<typeof translator>;
  }

  function context(req: Request, res: Response): Context {
    const { surveyId } = req.params as Params;
    const survey = catalog.require(surveyId);
    const lang = negotiateLanguage(req, survey.definition.languages);
    if (typeof req.query.lang === 'string' && req.query.lang === lang) {
      res.cookie('brm_lang', lang, { httpOnly: true, sameSite: 'lax', secure: cookieIsSecure(config), maxAge: 365 * 86_400_000 });
    }
    return { survey, definition: survey.definition, lang, t: translator(lang) };
  }

  function common(req: Request, ctx: Context) {
    const other = ctx.lang === 'fr' ? 'en' : 'fr';
    const canSwitch = ctx.definition.languages.includes(other);
    return {
      lang: ctx.lang,
      t: ctx.t,
      surveyTitle: surveyTitle(ctx.definition, ctx.lang),
      switchLanguageHref: canSwitch ? `${req.path}?lang=${other}` : undefined,
      text: (value: Parameters<typeof localize>[0] | undefined) =>
        value === undefined ? '' : localize(value, ctx.lang, ctx.definition.languages[0]),
    };
  }

  function resumeToken(req: Request, surveyId: string): string | undefined {
    const token: unknown = req.signedCookies?.[resumeCookieName(surveyId)];
    return typeof token === 'string' ? token : undefined;
  }

  function setResumeCookie(res: Response, surveyId: string, token: string): void {
    res.cookie(resumeCookieName(surveyId), token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: cookieIsSecure(config),
      signed: true,
      path: surveyPath(surveyId),
      maxAge: RESUME_COOKIE_DAYS * 86_400_000,
    });
  }

  function baseUrl(req: Request): string {
    return config.PUBLIC_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  }

  function renderIntro(req: Request, res: Response, ctx: Context, status: number, consentError = false): void {
    const { definition } = ctx;
    res.status(status).render('take/intro', {
      ...common(req, ctx),
      title: surveyTitle(definition, ctx.lang),
      intro: definition.intro,
      consent: definition.consent,
      consentError,
      action: surveyPath(definition.id, '/start'),
    });
  }

  function renderPage(
    req: Request,
    res: Response,
    ctx: Context,
    status: number,
    view: {
      response: StoredResponse;
      plan: PagePlan;
      answers: TAnswers;
      otherTexts: Record<string, string>;
      errors: AnswerError[];
      rankInput?: Record<string, Record<string, string>>;
      resumed?: boolean;
    },
  ): void {
    const { definition, t } = ctx;
    const { plan, errors } = view;
    const optionLabel = (questionId: string) => (id: string) => {
      const q = plan.questions.find((p) => p.question.id === questionId);
      const option = q?.options?.find((o) => o.option.id === id)?.option;
      return option ? localize(option.label, ctx.lang, definition.languages[0]) : id;
    };
    const pageErrors: PageErrors = { byQuestion: new Map(), byRow: new Map(), summary: [] };
    for (const error of errors) {
      const message = translateAnswerError(
        { ...error, params: { ...(error.params ?? {}), ...(error.params?.optionId ? { option: String(error.params.optionId) } : {}) } },
        t,
        optionLabel(error.questionId),
      );
      const list = pageErrors.byQuestion.get(error.questionId) ?? [];
      if (!list.includes(message)) list.push(message);
      pageErrors.byQuestion.set(error.questionId, list);
      if (error.rowId) {
        const key = `${error.questionId}.${error.rowId}`;
        pageErrors.byRow.set(key, [...(pageErrors.byRow.get(key) ?? []), message]);
      }
      const q = plan.questions.find((p) => p.question.id === error.questionId);
      const questionText = q ? localize(q.question.text, ctx.lang, definition.languages[0]) : error.questionId;
      pageErrors.summary.push({ href: errorAnchor(plan, error), message: `${questionText} — ${message}` });
    }
    const questions = buildPageView(plan, view.answers, view.otherTexts, pageErrors, {
      lang: ctx.lang,
      source: definition.languages[0] ?? ctx.lang,
      t,
    }, view.rankInput);
    const position = pagePosition(definition, plan.page.id, view.answers);
    const progress = { current: position.current, total: position.total };
    const token = resumeToken(req, definition.id);
    const pageTitle = plan.page.title ? localize(plan.page.title, ctx.lang, definition.languages[0]) : undefined;
    const title = surveyTitle(definition, ctx.lang);
    res.status(status).render('take/page', {
      ...common(req, ctx),
      title: `${errors.length ? `${t('errors.field_prefix')} ` : ''}${pageTitle ? `${pageTitle} – ` : ''}${title}`,
      pageTitle,
      pageIntro: plan.page.intro ? localize(plan.page.intro, ctx.lang, definition.languages[0]) : undefined,
      questions,
      errorSummary: pageErrors.summary,
      progress,
      isFirst: !position.previous,
      isLast: !position.next,
      action: pagePath(definition.id, plan.page.id),
      responseId: view.response.id,
      resumeUrl: token ? `${baseUrl(req)}${surveyPath(definition.id, `/resume/${token}`)}` : undefined,
      resumed: view.resumed === true,
      scripts: ['/public/js/take.js'],
    });
  }

  function respondent(req: Request, ctx: Context): RespondentInput {
    return { survey: ctx.survey, resumeToken: resumeToken(req, ctx.definition.id) };
  }

  function go(res: Response, ctx: Context, destination: Destination): void {
    res.redirect(303, pathOf(ctx.definition.id, destination));
  }

  return {
    async showIntro(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const outcome = await openSurvey(respondent(req, ctx));
      if (outcome.kind === 'redirect') return go(res, ctx, outcome.destination);
      renderIntro(req, res, ctx, 200);
    },

    async start(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const body = bodyOf(req);
      const outcome = await beginResponse({
        ...respondent(req, ctx),
        consented: firstString(body.consent) === 'yes',
        language: ctx.lang,
        honeypot: firstString(body.website),
      });
      if (outcome.kind === 'consent_missing') return renderIntro(req, res, ctx, 422, true);
      if (outcome.resumeToken) setResumeCookie(res, ctx.definition.id, outcome.resumeToken);
      go(res, ctx, outcome.destination);
    },

    async resume(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const { token = '' } = req.params as Params;
      const outcome = await resumeByLink(ctx.survey, token);
      setResumeCookie(res, ctx.definition.id, token);
      go(res, ctx, outcome.destination);
    },

    async showPage(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const { pageId = '' } = req.params as Params;
      const outcome = await openPage({ ...respondent(req, ctx), pageId });
      if (outcome.kind === 'redirect') return go(res, ctx, outcome.destination);
      renderPage(req, res, ctx, 200, {
        response: outcome.response,
        plan: outcome.plan,
        answers: outcome.response.answers,
        otherTexts: outcome.response.otherTexts,
        errors: [],
        resumed: req.query.resumed === '1',
      });
    },

    async submitPage(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const body = bodyOf(req);
      const { pageId = '' } = req.params as Params;
      const outcome = await submitPage({
        ...respondent(req, ctx),
        pageId,
        form: body,
        formResponseId: firstString(body.response),
        action: firstString(body.action) === 'back' ? 'back' : 'next',
        language: ctx.lang,
        honeypot: firstString(body.website),
      });
      if (outcome.kind === 'redirect') return go(res, ctx, outcome.destination);
      renderPage(req, res, ctx, 422, outcome);
    },

    async thanks(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const outcome = await openThanks(respondent(req, ctx));
      if (outcome.kind === 'redirect') return go(res, ctx, outcome.destination);
      res.render('take/thanks', {
        ...common(req, ctx),
        title: `${ctx.t('take.thanks_title')} – ${surveyTitle(ctx.definition, ctx.lang)}`,
        thankYou: localize(ctx.definition.thank_you, ctx.lang, ctx.definition.languages[0]),
      });
    },
  };
}
