// The respondent's side over HTTP: intro and consent, the pages, the thank-you page, and the way in
// by a personal invitation link. Handlers translate HTTP only (cookies, form fields, language,
// rendering); the rules are the use cases of take.service.ts.
import type { Request, Response } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { translator, negotiateLanguage, type InterfaceLanguage } from '../lib/i18n/index';
import type { MessageKey } from '../lib/i18n/messages';
import { cookieIsSecure } from '../lib/security';
import type { AnswerError, TAnswers } from '../surveys/answers';
import { localize } from '../surveys/localize';
import { surveyTitle } from '../surveys/survey-titles';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { TMatrixRow, TSurveyDefinition } from '../surveys/survey.schemas';
import { isOtherTextError, type FormBody, type OtherTextError } from './form-input';
import type { PagePosition } from './navigation';
import type { PagePlan } from './page-plan';
import { buildPageView, errorAnchor, translateAnswerError, type PageErrors } from './page-view';
import type { StoredResponse } from './response.service';
import {
  createTakeService,
  InvitationOnlyError,
  tickedOthers,
  WaveNotOpenError,
  type AlreadyAnswered,
  type TickedOther,
  type Destination,
  type EndingKind,
  type RespondentInput,
} from './take.service';
import { pagePath, readInvitationCookie, readResumeCookie, setInvitationCookie, setResumeCookie, surveyPath } from './resume-cookie';
import { fieldDatesOf, formatInZone, surveyTimeZone } from '../waves/wave-dates';
import { respondentBranding } from '../surveys/branding';
import { RESUME_MAIL_SENT_PARAM, resumeMailSentIn, saveLaterView } from './save-later';
import { requestPublicBase } from '../lib/public-url';

type Params = { surveyId: string; pageId?: string; token?: string };

/** Sent as `fetch` by the question page's script when it posts the form itself. */
const SCRIPT_SUBMIT_HEADER = 'Barometer-Submit';

/** The notices about a personal link, by what they say; `fixedPath`: about a link tried, whose path holds its token. */
const LINK_NOTICES = {
  invitation_invalid: { heading: 'take.invitation_invalid_title', body: 'take.invitation_invalid_body', fixedPath: true },
  invitation_only: { heading: 'take.invitation_only_title', body: 'take.invitation_only_body', fixedPath: false },
  already_answered: { heading: 'take.already_answered_title', body: 'take.already_answered_body', fixedPath: false },
  resume_link_invalid: { heading: 'resume_switch.link_invalid_title', body: 'resume_switch.link_invalid_body', fixedPath: true },
  too_many_links: { heading: 'resume_switch.too_many_links_title', body: 'resume_switch.too_many_links_body', fixedPath: true },
} as const satisfies Record<string, { heading: MessageKey; body: MessageKey; fixedPath: boolean }>;
type LinkNotice = keyof typeof LINK_NOTICES;

const ENDING_PAGES = {
  thanks: { view: 'take/thanks', title: 'take.thanks_title' },
  screened_out: { view: 'take/screened-out', title: 'take.screened_out_title' },
} as const;

function bodyOf(req: Request): FormBody {
  return (req.body ?? {}) as FormBody;
}

function firstString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The path of a destination; the console's preview (response-admin.handlers.ts) sends the organizer there too. */
export function pathOf(surveyId: string, destination: Destination): string {
  switch (destination.to) {
    case 'intro':
      return surveyPath(surveyId);
    case 'thanks':
      return `${surveyPath(surveyId, '/thanks')}${queryOf({ ticked: destination.ticked })}`;
    case 'screened_out':
      return surveyPath(surveyId, '/screened-out');
    case 'page':
      return `${pagePath(surveyId, destination.pageId)}${queryOf(destination)}`;
  }
}

/** `?resumed=1&ticked=a,b&resume_mail=sent`: what the next page says, by flags and question ids only. */
function queryOf({ resumed, ticked, resumeMailSent }: { resumed?: boolean | undefined; ticked?: string[] | undefined; resumeMailSent?: boolean | undefined }): string {
  const query = new URLSearchParams();
  if (resumed) query.set('resumed', '1');
  if (ticked?.length) query.set('ticked', ticked.join(','));
  if (resumeMailSent) query.set(...RESUME_MAIL_SENT_PARAM);
  const text = query.toString().replace(/%2C/g, ',');
  return text ? `?${text}` : '';
}

/**
 * "Email me this link" redirects to the page its form names, or to the survey: when that is not
 * where the respondent belongs, the redirect onwards keeps the notice that the link is on its way.
 */
function keepResumeMailNotice(req: Request, destination: Destination): Destination {
  return resumeMailSentIn(req.query) && destination.to === 'page' ? { ...destination, resumeMailSent: true } : destination;
}

/** The question ids of a `ticked` query parameter. */
function tickedIn(req: Request): string[] {
  const value = req.query.ticked;
  return typeof value === 'string' ? value.split(',').filter((id) => /^[a-z0-9_]+$/.test(id)) : [];
}

export function createTakeHandlers({ config, catalog, clock }: AppDependencies) {
  const take = createTakeService({ catalog, clock });

  /**
   * What a request renders with. The language is negotiated against the survey file's languages;
   * the questions come from the version the respondent's wave pins (`withVersion`).
   */
  interface Context {
    surveyId: string;
    definition: TSurveyDefinition;
    lang: InterfaceLanguage;
    t: ReturnType<typeof translator>;
    /** A preview: the page says the response is not counted. */
    test: boolean;
  }

  function context(req: Request, res: Response, surveyId = (req.params as Params).surveyId): Context {
    const survey = catalog.require(surveyId);
    const lang = negotiateLanguage(req, survey.definition.languages);
    if (typeof req.query.lang === 'string' && req.query.lang === lang) {
      res.cookie('brm_lang', lang, { httpOnly: true, sameSite: 'lax', secure: cookieIsSecure(config), maxAge: 365 * 86_400_000 });
    }
    return { surveyId, definition: survey.definition, lang, t: translator(lang), test: false };
  }

  function withVersion(ctx: Context, survey: LoadedSurvey, test = false): Context {
    return { ...ctx, definition: survey.definition, test };
  }

  /** A survey text in the respondent's language, else the survey's first. */
  const say = (ctx: Context, value: Parameters<typeof localize>[0]) => localize(value, ctx.lang, ctx.definition.languages[0]);

  function common(req: Request, ctx: Context) {
    const other = ctx.lang === 'fr' ? 'en' : 'fr';
    const canSwitch = ctx.definition.languages.includes(other);
    return {
      lang: ctx.lang,
      t: ctx.t,
      surveyTitle: surveyTitle(ctx.definition, ctx.lang),
      switchLanguageHref: canSwitch ? `${req.path}?lang=${other}` : undefined,
      text: (value: Parameters<typeof localize>[0] | undefined) => (value === undefined ? '' : say(ctx, value)),
      testMode: ctx.test,
      branding: respondentBranding(ctx.definition, ctx.lang),
    };
  }

  const resumeToken = readResumeCookie;

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

  /** "We ticked “Other” for “…” because you typed “…”", one line per question. */
  function tickedNotices(ctx: Context, ticked: TickedOther[]): string[] {
    return ticked.map(({ question, option, text }) =>
      ctx.t('take_progress.other_ticked', { option: say(ctx, option.label), question: say(ctx, question.text), text }),
    );
  }

  /**
   * The page's errors as the respondent reads them: by question, by matrix row, and one summary
   * entry per question and message. A matrix with rows left empty gets one entry naming them,
   * and each empty row its own message.
   */
  function pageErrorsOf(ctx: Context, plan: PagePlan, errors: Array<AnswerError | OtherTextError>): PageErrors {
    const { t } = ctx;
    const pageErrors: PageErrors = { byQuestion: new Map(), byRow: new Map(), summary: [] };
    const planned = (questionId: string) => plan.questions.find((p) => p.question.id === questionId);
    const optionLabel = (questionId: string) => (id: string) => {
      const question = planned(questionId)?.question;
      const option = question && 'options' in question ? question.options?.find((o) => o.id === id) : undefined;
      return option ? say(ctx, option.label) : id;
    };
    const add = (questionId: string, message: string, href: string, rowId?: string) => {
      if (rowId) {
        const key = `${questionId}.${rowId}`;
        pageErrors.byRow.set(key, [...(pageErrors.byRow.get(key) ?? []), message]);
        return;
      }
      const list = pageErrors.byQuestion.get(questionId) ?? [];
      if (list.includes(message)) return;
      pageErrors.byQuestion.set(questionId, [...list, message]);
      const q = planned(questionId);
      const question = q ? say(ctx, q.question.text) : questionId;
      const key = /[?!:.…]$/.test(question) ? 'take_progress.summary_entry_after_mark' : 'take_progress.summary_entry';
      pageErrors.summary.push({ href, message: t(key, { question, message }) });
    };
    const emptyRows = emptyMatrixRows(plan, errors);
    for (const error of errors) {
      if (isOtherTextError(error)) {
        const label = optionLabel(error.questionId);
        const { other, option, max } = error.params;
        const message = t(`take_progress.${error.code}`, { other: label(other), ...(option ? { option: label(option) } : {}), ...(max !== undefined ? { max } : {}) });
        add(error.questionId, message, `#${error.questionId}-${other}--other`);
        continue;
      }
      const rows = error.code === 'required' ? emptyRows.get(error.questionId) : undefined;
      if (rows) {
        // One entry for the matrix, where its first error stands; add() keeps it from repeating.
        const names = new Intl.ListFormat(ctx.lang, { type: 'conjunction' }).format(rows.map((row) => say(ctx, row.label)));
        add(error.questionId, t('take_progress.matrix_rows_empty', { rows: names }), errorAnchor(plan, { questionId: error.questionId, rowId: rows[0]!.id, code: 'required' }));
        for (const row of rows) {
          if (!pageErrors.byRow.has(`${error.questionId}.${row.id}`)) add(error.questionId, t('take_progress.matrix_row_empty'), '', row.id);
        }
        continue;
      }
      const message = translateAnswerError(
        { ...error, params: { ...(error.params ?? {}), ...(error.params?.optionId ? { option: String(error.params.optionId) } : {}) } },
        t,
        optionLabel(error.questionId),
      );
      add(error.questionId, message, errorAnchor(plan, error));
      if (error.rowId) add(error.questionId, message, errorAnchor(plan, error), error.rowId);
    }
    return pageErrors;
  }

  function renderPage(
    req: Request,
    res: Response,
    ctx: Context,
    status: number,
    view: {
      response: StoredResponse;
      plan: PagePlan;
      position: PagePosition;
      answers: TAnswers;
      otherTexts: Record<string, string>;
      errors: Array<AnswerError | OtherTextError>;
      rankInput?: Record<string, Record<string, string>>;
      resumed?: boolean;
      ticked?: TickedOther[];
    },
  ): void {
    const { definition, t } = ctx;
    const { plan, errors, position } = view;
    const pageErrors = pageErrorsOf(ctx, plan, errors);
    const questions = buildPageView(plan, view.answers, view.otherTexts, pageErrors, {
      lang: ctx.lang,
      source: definition.languages[0] ?? ctx.lang,
      t,
    }, view.rankInput);
    const token = resumeToken(req, definition.id);
    const pageTitle = plan.page.title ? say(ctx, plan.page.title) : undefined;
    const title = surveyTitle(definition, ctx.lang);
    res.status(status).render('take/page', {
      ...common(req, ctx),
      title: `${errors.length ? `${t('errors.field_prefix')} ` : ''}${pageTitle ? `${pageTitle} – ` : ''}${title}`,
      pageTitle,
      pageIntro: plan.page.intro ? say(ctx, plan.page.intro) : undefined,
      questions,
      errorSummary: pageErrors.summary,
      progress: position.progress,
      isFirst: !position.previous,
      isLast: !position.next,
      action: pagePath(definition.id, plan.page.id),
      responseId: view.response.id,
      ...saveLaterView(definition.id, requestPublicBase(config, req), token, { pageId: plan.page.id, sent: resumeMailSentIn(req.query) }),
      resumed: view.resumed === true,
      notices: tickedNotices(ctx, view.ticked ?? []),
      scripts: ['/public/js/take.js'],
    });
  }

  function respondent(req: Request, ctx: Context): RespondentInput {
    return { surveyId: ctx.surveyId, resumeToken: resumeToken(req, ctx.surveyId), invitationToken: readInvitationCookie(req, ctx.surveyId) };
  }

  /**
   * The notices of the personal links: an invitation link that opens nothing (404), a panel wave
   * without an invitation (403), an invitation whose one response is given, too many links tried
   * (429). The pages about a link tried are the same for every token, and show none: not even in
   * their language link, which goes to the survey instead (following the link again would count).
   */
  function renderLinkNotice(req: Request, res: Response, ctx: Context, status: number, notice: LinkNotice): void {
    const other = ctx.lang === 'fr' ? 'en' : 'fr';
    const { heading, body, fixedPath } = LINK_NOTICES[notice];
    res.status(status).render('take/invitation-notice', {
      ...common(req, ctx),
      ...(fixedPath && ctx.definition.languages.includes(other) ? { switchLanguageHref: `${surveyPath(ctx.surveyId)}?lang=${other}` } : {}),
      title: `${ctx.t(heading)} – ${surveyTitle(ctx.definition, ctx.lang)}`,
      heading: ctx.t(heading),
      body: ctx.t(body),
    });
  }

  /**
   * The browser holds a response in progress and follows a link to another: which to continue. Its
   * own comes first and is the default (a plain GET of the survey, which goes where it left off);
   * the link's is a POST with the form's CSRF token, so that no link or page elsewhere can switch.
   */
  function renderResumeSwitch(req: Request, res: Response, ctx: Context, token: string): void {
    res.status(200).render('take/resume-switch', {
      ...common(req, ctx),
      title: `${ctx.t('resume_switch.title')} – ${surveyTitle(ctx.definition, ctx.lang)}`,
      keepOwnAction: surveyPath(ctx.surveyId),
      openLinkAction: surveyPath(ctx.surveyId, `/resume/${token}`),
    });
  }

  function renderAlreadyAnswered(req: Request, res: Response, ctx: Context, outcome: AlreadyAnswered, status = 200): void {
    renderLinkNotice(req, res, withVersion(ctx, outcome.survey), status, 'already_answered');
  }

  function go(res: Response, ctx: Context, destination: Destination): void {
    res.redirect(303, pathOf(ctx.surveyId, destination));
  }

  /**
   * Where a saved page leads. The page's script posts the form itself (public/js/take.js) and
   * says so with a header: it gets the address to go to instead of a redirect, which fetch would
   * follow and download only for the browser to download the same page again when it navigates.
   * A plain form post gets the 303.
   */
  function goAfterSubmit(req: Request, res: Response, ctx: Context, destination: Destination): void {
    res.vary(SCRIPT_SUBMIT_HEADER);
    if (req.get(SCRIPT_SUBMIT_HEADER) !== 'fetch') return go(res, ctx, destination);
    res.status(200).json({ location: pathOf(ctx.surveyId, destination) });
  }

  /**
   * The survey takes no answers now: not open yet, or closed (with its dates), said politely in
   * the respondent's language instead of an error page.
   */
  function renderNotOpen(req: Request, res: Response, error: WaveNotOpenError): void {
    // Error handlers see no route parameters: the survey comes with the error.
    const ctx = withVersion(context(req, res, error.wave.surveyId), error.survey);
    const timeZone = surveyTimeZone(catalog.require(error.wave.surveyId));
    const { wave } = error;
    const field = fieldDatesOf(wave, timeZone);
    const closed = error.phase === 'closed';
    const when = (instant: Date | undefined) => (instant ? formatInZone(instant, timeZone, ctx.lang) : undefined);
    const opensAt = wave.opensAt && wave.opensAt > clock.now() ? when(wave.opensAt) : undefined;
    res.status(error.status).render('take/not-open', {
      ...common(req, ctx),
      title: `${ctx.t(closed ? 'take.closed_title' : 'take.not_open_title')} – ${surveyTitle(ctx.definition, ctx.lang)}`,
      closed,
      opensAt,
      fieldStart: field.start ? longDay(field.start, ctx.lang) : undefined,
      fieldEnd: field.end ? longDay(field.end, ctx.lang) : undefined,
    });
  }

  /** The thank-you or screen-out page, for a browser whose response ended that way. */
  function showEnding(ending: EndingKind) {
    return async (req: Request, res: Response): Promise<void> => {
      const ctx = context(req, res);
      const outcome = await take.openEnding(respondent(req, ctx), ending);
      if (outcome.kind === 'redirect') return go(res, ctx, outcome.destination);
      const shown = withVersion(ctx, outcome.survey, outcome.test);
      const { definition } = shown;
      const page = ENDING_PAGES[ending];
      res.render(page.view, {
        ...common(req, shown),
        title: `${ctx.t(page.title)} – ${surveyTitle(definition, ctx.lang)}`,
        thankYou: say(shown, definition.thank_you),
        notices: tickedNotices(shown, tickedOthers(definition, outcome.response, tickedIn(req))),
        // The script clears what the device kept of this response (drafts, the offline copies).
        scripts: ['/public/js/take.js'],
      });
    };
  }

  return {
    /**
     * Renders WaveNotOpenError and InvitationOnlyError for the respondent's pages; everything else
     * goes on to the app's error handler.
     */
    notOpenPage(error: unknown, req: Request, res: Response, next: (error?: unknown) => void): void {
      if (res.headersSent) return next(error);
      if (error instanceof WaveNotOpenError) return renderNotOpen(req, res, error);
      if (error instanceof InvitationOnlyError) {
        const ctx = withVersion(context(req, res, error.survey.definition.id), error.survey);
        return renderLinkNotice(req, res, ctx, error.status, 'invitation_only');
      }
      next(error);
    },

    async showIntro(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const outcome = await take.openSurvey(respondent(req, ctx));
      if (outcome.kind === 'already_answered') return renderAlreadyAnswered(req, res, ctx, outcome);
      if (outcome.kind === 'redirect') {
        if (outcome.resumeToken) setResumeCookie(res, config, ctx.surveyId, outcome.resumeToken);
        return go(res, ctx, keepResumeMailNotice(req, outcome.destination));
      }
      renderIntro(req, res, withVersion(ctx, outcome.survey), 200);
    },

    /** A personal invitation link: the browser keeps its token, and the member goes where they belong. */
    async followInvitation(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const { token = '' } = req.params as Params;
      const outcome = await take.followInvitation({ ...respondent(req, ctx), token });
      if (outcome.kind === 'invalid_invitation') return renderLinkNotice(req, res, ctx, 404, 'invitation_invalid');
      setInvitationCookie(res, config, ctx.surveyId, outcome.invitationToken);
      if (outcome.kind === 'already_answered') return renderAlreadyAnswered(req, res, ctx, outcome);
      if (outcome.resumeToken) setResumeCookie(res, config, ctx.surveyId, outcome.resumeToken);
      go(res, ctx, outcome.destination);
    },

    async start(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const body = bodyOf(req);
      const outcome = await take.beginResponse({
        ...respondent(req, ctx),
        consented: firstString(body.consent) === 'yes',
        language: ctx.lang,
        honeypot: firstString(body.website),
      });
      if (outcome.kind === 'consent_missing') return renderIntro(req, res, withVersion(ctx, outcome.survey), 422, true);
      if (outcome.kind === 'already_answered') return renderAlreadyAnswered(req, res, ctx, outcome, 409);
      if (outcome.resumeToken) setResumeCookie(res, config, ctx.surveyId, outcome.resumeToken);
      go(res, ctx, outcome.destination);
    },

    /**
     * A "continue later" link. A browser with another response in progress is asked which to
     * continue, and keeps its own until it chooses (a GET never switches); otherwise it takes the
     * link's response, under a new token (take.service.ts, openResumeLink).
     */
    async resume(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const { token = '' } = req.params as Params;
      const outcome = await take.openResumeLink({ ...respondent(req, ctx), token });
      if (outcome.kind === 'invalid_resume_link') return renderLinkNotice(req, res, ctx, 404, 'resume_link_invalid');
      if (outcome.kind === 'ask') return renderResumeSwitch(req, res, ctx, token);
      if (outcome.resumeToken) setResumeCookie(res, config, ctx.surveyId, outcome.resumeToken);
      go(res, ctx, outcome.destination);
    },

    /** "Open the answers from the link", posted from the question (with the form's CSRF token). */
    async switchToLinkedResponse(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const { token = '' } = req.params as Params;
      const outcome = await take.takeOverByLink({ surveyId: ctx.surveyId, token });
      if (outcome.kind === 'invalid_resume_link') return renderLinkNotice(req, res, ctx, 404, 'resume_link_invalid');
      if (outcome.resumeToken) setResumeCookie(res, config, ctx.surveyId, outcome.resumeToken);
      go(res, ctx, outcome.destination);
    },

    /** Too many links tried from one address (the limiter's refusal), in the respondent's language. */
    tooManyLinks(req: Request, res: Response): void {
      renderLinkNotice(req, res, context(req, res), 429, 'too_many_links');
    },

    async showPage(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const { pageId = '' } = req.params as Params;
      const outcome = await take.openPage({ ...respondent(req, ctx), pageId });
      if (outcome.kind === 'redirect') return go(res, ctx, keepResumeMailNotice(req, outcome.destination));
      renderPage(req, res, withVersion(ctx, outcome.survey, outcome.response.test === true), 200, {
        response: outcome.response,
        plan: outcome.plan,
        position: outcome.position,
        answers: outcome.response.answers,
        otherTexts: outcome.response.otherTexts,
        errors: [],
        resumed: req.query.resumed === '1',
        ticked: tickedOthers(outcome.survey.definition, outcome.response, tickedIn(req)),
      });
    },

    async submitPage(req: Request, res: Response): Promise<void> {
      const ctx = context(req, res);
      const body = bodyOf(req);
      const { pageId = '' } = req.params as Params;
      const outcome = await take.submitPage({
        ...respondent(req, ctx),
        pageId,
        form: body,
        formResponseId: firstString(body.response),
        action: firstString(body.action) === 'back' ? 'back' : 'next',
        language: ctx.lang,
        honeypot: firstString(body.website),
      });
      if (outcome.kind === 'redirect') return goAfterSubmit(req, res, ctx, outcome.destination);
      if (outcome.kind === 'already_answered') return renderAlreadyAnswered(req, res, ctx, outcome, 409);
      renderPage(req, res, withVersion(ctx, outcome.survey, outcome.response.test === true), 422, outcome);
    },

    thanks: showEnding('thanks'),
    screenedOut: showEnding('screened_out'),
  };
}

/** "1 March 2011" / "1 mars 2011", for a day already in the survey's zone. */
function longDay(isoDate: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`));
}

/**
 * The rows left empty of each required matrix on the page, in the order shown: the rows named
 * by a row's "required" error, or every row when the whole matrix was left empty.
 */
function emptyMatrixRows(plan: PagePlan, errors: ReadonlyArray<AnswerError | OtherTextError>): Map<string, TMatrixRow[]> {
  const empty = new Map<string, TMatrixRow[]>();
  for (const planned of plan.questions) {
    if (planned.question.type !== 'matrix') continue;
    const required = errors.filter((e) => e.questionId === planned.question.id && e.code === 'required');
    if (required.length === 0) continue;
    const whole = required.some((e) => !('rowId' in e) || e.rowId === undefined);
    const named = new Set(required.map((e) => ('rowId' in e ? e.rowId : undefined)));
    const rows = (planned.rows ?? []).filter((row) => whole || named.has(row.id));
    if (rows.length > 0) empty.set(planned.question.id, rows);
  }
  return empty;
}
