// The respondent's side: intro and consent, the pages, the thank-you page. Handlers translate
// HTTP; the rules live in the survey module (display logic, validation) and the response service.
import type { Request, Response } from 'express';
import type { AppDependencies } from '../app';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import { negotiateLanguage, translator, type InterfaceLanguage } from '../lib/i18n/index';
import { cookieIsSecure } from '../lib/security';
import type { AnswerError, TAnswers } from '../surveys/answers';
import { validatePageAnswers, validateResponse } from '../surveys/answers';
import { localize } from '../surveys/localize';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import { computeVisibility, findPage } from '../surveys/visibility';
import { findOpenWave, findWave, type Wave } from '../waves/wave.service';
import { parsePageForm } from './form-input';
import { pagePosition, resumePage, visiblePages } from './navigation';
import { answersBeforePage, planPage, type PagePlan } from './page-plan';
import { buildPageView, errorAnchor, translateAnswerError, type PageErrors } from './page-view';
import {
  findResponseByResumeToken,
  savePage,
  startResponse,
  type StoredResponse,
} from './response.service';

const RESUME_COOKIE_DAYS = 90;
/** Codes a respondent cannot produce with the form we sent: the request was tampered with. */
const TAMPERING_CODES = new Set<AnswerError['code']>(['unknown_question', 'unknown_option', 'hidden']);
/** Codes that only say something is missing: going Back is allowed with those. */
const MISSING_CODES = new Set<AnswerError['code']>(['required', 'too_few', 'incomplete_ranking', 'other_text_required']);

type Params = { surveyId: string; pageId?: string; token?: string };
type Body = Record<string, string | string[] | undefined>;

function resumeCookieName(surveyId: string): string {
  return `brm_resume_${surveyId}`;
}

function surveyPath(surveyId: string, rest = ''): string {
  return `/s/${encodeURIComponent(surveyId)}${rest}`;
}

function pagePath(surveyId: string, pageId: string): string {
  return surveyPath(surveyId, `/p/${encodeURIComponent(pageId)}`);
}

function bodyOf(req: Request): Body {
  return (req.body ?? {}) as Body;
}

function firstString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Definition with nothing required on one page: going Back keeps answers without completing them. */
function withoutRequired(definition: TSurveyDefinition, pageId: string): TSurveyDefinition {
  return {
    ...definition,
    pages: definition.pages.map((page) =>
      page.id === pageId ? { ...page, questions: page.questions.map((q) => ({ ...q, required: false })) } : page,
    ),
  } as TSurveyDefinition;
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
      surveyTitle: localize(ctx.definition.title, ctx.lang, ctx.definition.languages[0]),
      switchLanguageHref: canSwitch ? `${req.path}?lang=${other}` : undefined,
      text: (value: Parameters<typeof localize>[0] | undefined) =>
        value === undefined ? '' : localize(value, ctx.lang, ctx.definition.languages[0]),
    };
  }

  function resumeToken(req: Request, surveyId: string): string | undefined {
    const token: unknown = req.signedCookies?.[resumeCookieName(surveyId)];
    return typeof token === 'string' ? token : undefined;
  }

  async function currentResponse(req: Request, surveyId: string, wave: Wave): Promise<StoredResponse | undefined> {
    const token = resumeToken(req, surveyId);
    if (!token) return undefined;
    const response = await findResponseByResumeToken(surveyId, token);
    return response && response.waveId === wave.waveId ? response : undefined;
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

  function rejectBots(body: Body): void {
    const trap = firstString(body.website);
    if (trap !== undefined && trap.trim() !== '') {
      throw new AppError('Submission refused', 400, 'bot_suspected');
    }
  }

  function renderIntro(req: Request, res: Response, ctx: Context, status: number, consentError = false): void {
    const { definition } = ctx;
    res.status(status).render('take/intro', {
      ...common(req, ctx),
      title: localize(definition.title, ctx.lang, definition.languages[0]),
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
    const surveyTitle = localize(definition.title, ctx.lang, definition.languages[0]);
    res.status(status).render('take/page', {
      ...common(req, ctx),
      title: `${errors.length ? `${t('errors.field_prefix')} ` : ''}${pageTitle ? `${pageTitle} – ` : ''}${surveyTitle}`,
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

  async function requireResponse(req: Request, ctx: Context, wave: Wave): Promise<StoredResponse> {
    const response = await currentResponse(req, ctx.definition.id, wave);
    if (!response) throw new ForbiddenError('No response in progress for this browser', 'response_not_yours');
    return response;
  }

  return {
    async showIntro(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const wave = await findOpenWave(ctx.definition.id);
      const response = await currentResponse(req, ctx.definition.id, wave);
      if (response?.status === 'complete') return res.redirect(303, surveyPath(ctx.definition.id, '/thanks'));
      if (response) {
        const page = resumePage(ctx.definition, response.answers, response.lastPageId);
        return res.redirect(303, `${pagePath(ctx.definition.id, page.id)}?resumed=1`);
      }
      renderIntro(req, res, ctx, 200);
    },

    async start(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const wave = await findOpenWave(ctx.definition.id);
      const body = bodyOf(req);
      rejectBots(body);
      const existing = await currentResponse(req, ctx.definition.id, wave);
      if (existing) {
        if (existing.status === 'complete') return res.redirect(303, surveyPath(ctx.definition.id, '/thanks'));
        return res.redirect(303, pagePath(ctx.definition.id, resumePage(ctx.definition, existing.answers, existing.lastPageId).id));
      }
      const consented = firstString(body.consent) === 'yes';
      if (ctx.definition.consent && !consented) return renderIntro(req, res, ctx, 422, true);
      const { response, resumeToken: token } = await startResponse({
        surveyId: ctx.definition.id,
        waveId: wave.waveId,
        fingerprint: ctx.survey.fingerprint,
        language: ctx.lang,
        consented,
      });
      setResumeCookie(res, ctx.definition.id, token);
      res.redirect(303, pagePath(ctx.definition.id, resumePage(ctx.definition, response.answers, response.lastPageId).id));
    },

    async resume(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const { token = '' } = req.params as Params;
      const response = await findResponseByResumeToken(ctx.definition.id, token);
      if (!response) throw new NotFoundError('This resume link is not valid', 'resume_link_invalid');
      setResumeCookie(res, ctx.definition.id, token);
      if (response.status === 'complete') return res.redirect(303, surveyPath(ctx.definition.id, '/thanks'));
      const wave = await findWave(ctx.definition.id, response.waveId);
      if (wave.status !== 'open') throw new AppError(`Wave "${wave.waveId}" is closed`, 410, 'wave_closed');
      res.redirect(303, `${pagePath(ctx.definition.id, resumePage(ctx.definition, response.answers, response.lastPageId).id)}?resumed=1`);
    },

    async showPage(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const wave = await findOpenWave(ctx.definition.id);
      const response = await currentResponse(req, ctx.definition.id, wave);
      if (!response) return res.redirect(303, surveyPath(ctx.definition.id));
      if (response.status === 'complete') return res.redirect(303, surveyPath(ctx.definition.id, '/thanks'));
      const { pageId = '' } = req.params as Params;
      const page = findPage(ctx.definition, pageId);
      if (!page) throw new NotFoundError(`Survey "${ctx.definition.id}" has no page "${pageId}"`);
      // No skipping ahead by URL, and no page the answers hide: go where the respondent belongs.
      const pages = visiblePages(ctx.definition, response.answers);
      const resume = resumePage(ctx.definition, response.answers, response.lastPageId);
      const index = pages.indexOf(page);
      if (index < 0 || index > pages.indexOf(resume)) return res.redirect(303, pagePath(ctx.definition.id, resume.id));
      renderPage(req, res, ctx, 200, {
        response,
        plan: planPage(ctx.definition, page, response.answers),
        answers: response.answers,
        otherTexts: response.otherTexts,
        errors: [],
        resumed: req.query.resumed === '1',
      });
    },

    async submitPage(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const { definition } = ctx;
      const wave = await findOpenWave(definition.id);
      const body = bodyOf(req);
      rejectBots(body);
      const response = await requireResponse(req, ctx, wave);
      if (firstString(body.response) !== response.id) {
        throw new ForbiddenError('This form belongs to another response', 'response_not_yours');
      }
      // A double click, a reload or a retry after the final submit: the response is already whole.
      if (response.status === 'complete') return res.redirect(303, surveyPath(definition.id, '/thanks'));
      const { pageId = '' } = req.params as Params;
      const page = findPage(definition, pageId);
      if (!page) throw new NotFoundError(`Survey "${definition.id}" has no page "${pageId}"`);
      if (!visiblePages(definition, response.answers).includes(page)) {
        return res.redirect(303, pagePath(definition.id, resumePage(definition, response.answers, response.lastPageId).id));
      }

      const plan = planPage(definition, page, response.answers);
      const parsed = parsePageForm(page, body);
      if (parsed.unknownFields.length > 0) {
        throw new ValidationError(`Unknown fields: ${parsed.unknownFields.join(', ')}`, { fields: parsed.unknownFields }, 'unknown_question');
      }
      const rendered = new Set(plan.questions.map((p) => p.question.id));
      const notShown = Object.keys({ ...parsed.answers, ...parsed.otherTexts }).filter((id) => !rendered.has(id));
      if (notShown.length > 0) {
        throw new ValidationError(`Answers to questions that are not shown: ${notShown.join(', ')}`, { questions: notShown }, 'hidden_question');
      }
      // Questions hidden by answers on this same page were visible without JavaScript; their
      // answers are discarded rather than refused.
      const prior = answersBeforePage(definition, page, response.answers);
      const visibility = computeVisibility(definition, { ...prior, ...parsed.answers });
      for (const planned of plan.questions) {
        const id = planned.question.id;
        if (planned.dynamic && !visibility.questions.has(id)) {
          delete parsed.answers[id];
          delete parsed.otherTexts[id];
          continue;
        }
        const dynamicOptions = (planned.options ?? []).filter((o) => o.dynamic).map((o) => o.option.id);
        const value = parsed.answers[id];
        if (dynamicOptions.length && value !== undefined) {
          const shown = visibility.options.get(id) ?? [];
          const drop = (optionId: string) => dynamicOptions.includes(optionId) && !shown.includes(optionId);
          if (Array.isArray(value)) parsed.answers[id] = value.filter((o) => !drop(o));
          else if (typeof value === 'string' && drop(value)) delete parsed.answers[id];
        }
      }

      const action = firstString(body.action) === 'back' ? 'back' : 'next';
      const rules = action === 'back' ? withoutRequired(definition, page.id) : definition;
      const result = validatePageAnswers(rules, page.id, { answers: parsed.answers, otherTexts: parsed.otherTexts }, response.answers);
      let errors = [...parsed.formErrors, ...(result.ok ? [] : result.errors)];
      const tampering = errors.filter((e) => TAMPERING_CODES.has(e.code));
      if (tampering.length > 0) {
        throw new ValidationError(
          `Answers that the form did not offer: ${tampering.map((e) => `${e.questionId} (${e.code})`).join(', ')}`,
          { errors: tampering },
          'invalid_answers',
        );
      }
      if (action === 'back') errors = errors.filter((e) => !MISSING_CODES.has(e.code));
      if (errors.length > 0 || !result.ok) {
        return renderPage(req, res, ctx, 422, {
          response,
          plan,
          answers: { ...response.answers, ...parsed.answers },
          otherTexts: { ...response.otherTexts, ...parsed.otherTexts },
          errors,
          rankInput: parsed.rankInput,
        });
      }

      const merged = { ...prior, ...result.answers };
      const { previous, next } = pagePosition(definition, page.id, merged);
      const target = action === 'back' ? previous : next;
      let complete = action === 'next' && !target;
      if (complete) {
        // The last page: the whole response must hold, not only this page.
        const whole = validateResponse(definition, { ...response.answers, ...result.answers }, { ...response.otherTexts, ...result.otherTexts });
        if (!whole.ok && whole.errors.some((e) => !page.questions.some((q) => q.id === e.questionId))) complete = false;
      }
      const saved = await savePage(response.id, {
        definition,
        fingerprint: ctx.survey.fingerprint,
        pageId: page.id,
        pageQuestionIds: page.questions.map((q) => q.id),
        answers: result.answers,
        otherTexts: result.otherTexts,
        language: ctx.lang,
        complete,
      });
      if (saved.kind === 'already_complete' || saved.response.status === 'complete') {
        return res.redirect(303, surveyPath(definition.id, '/thanks'));
      }
      const destination = target ?? resumePage(definition, saved.response.answers, saved.response.lastPageId);
      res.redirect(303, pagePath(definition.id, destination.id));
    },

    async thanks(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const token = resumeToken(req, ctx.definition.id);
      const response = token ? await findResponseByResumeToken(ctx.definition.id, token) : undefined;
      if (!response || response.status !== 'complete') return res.redirect(303, surveyPath(ctx.definition.id));
      res.render('take/thanks', {
        ...common(req, ctx),
        title: `${ctx.t('take.thanks_title')} – ${localize(ctx.definition.title, ctx.lang, ctx.definition.languages[0])}`,
        thankYou: localize(ctx.definition.thank_you, ctx.lang, ctx.definition.languages[0]),
      });
    },
  };
}
