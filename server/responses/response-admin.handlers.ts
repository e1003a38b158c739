// The organizer's response pages and their API: a wave's responses and test mode, one response,
// voiding and erasing. Handlers translate HTTP only; the rules are the use cases of
// response-admin.service.ts (and take.service.ts's preview). A refused form is drawn again with
// the message, the status the service chose and what was typed.
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../lib/errors';
import type { AppDependencies } from '../lib/app-dependencies';
import { negotiateLanguage, type MessageKey, type Translate } from '../lib/i18n/index';
import { staffPageContext } from '../console/page-context';
import { mayManageSurvey } from '../accounts/permissions';
import { auditActorOf, principalOf } from '../accounts/principal';
import { echoedText, refusalMessage } from '../accounts/refusals';
import type { LoadedSurvey } from '../surveys/survey.loader';
import { surveyTitle } from '../surveys/survey-titles';
import { localDateTime, surveyTimeZone } from '../waves/wave-dates';
import { phaseOf } from '../waves/wave-phase';
import { createResponseAdmin, VOID_REASON_LENGTH, type ResponseSummary } from './response-admin.service';
import type { StoredResponse } from './response.service';
import { setResumeCookie } from './resume-cookie';
import { createTakeService } from './take.service';
import { pathOf } from './take.handlers';
import { requireJsonBody } from '../lib/input-errors';

const REFUSALS: Record<string, MessageKey> = {
  wave_closed: 'responses.preview_closed',
  void_reason_required: 'responses.refused_reason',
  response_already_voided: 'responses.refused_already_voided',
  response_busy: 'responses.refused_busy',
  erase_not_confirmed: 'responses.refused_confirmation',
};

/** Longest text a refused form draws back: a little over the limit, so the person sees what was refused. */
const ECHO_LENGTH = VOID_REASON_LENGTH.max + 100;

function surveyAdminPath(surveyId: string): string {
  return `/admin/surveys/${encodeURIComponent(surveyId)}`;
}

function waveResponsesPath(surveyId: string, waveId: string): string {
  return `${surveyAdminPath(surveyId)}/waves/${encodeURIComponent(waveId)}/responses`;
}

function responsePath(surveyId: string, responseId: string): string {
  return `${surveyAdminPath(surveyId)}/responses/${encodeURIComponent(responseId)}`;
}

function formOf(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

/** `?page=`: a positive whole number, else the first page. */
function pageNumber(value: unknown): number {
  const page = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return page >= 1 ? page : 1;
}

interface ResponseForms {
  reason: string;
  confirmation: string;
}

export function createResponseAdminHandlers({ catalog, config, logger, clock }: AppDependencies) {
  const admin = createResponseAdmin({ catalog, logger, clock });
  const take = createTakeService({ catalog, clock });

  function surveyOf(req: Request): LoadedSurvey {
    return catalog.require(String(req.params.surveyId));
  }


  /** A moment in the survey's zone, as the console's tables show it. */
  function shownTime(instant: Date | undefined, timeZone: string): string {
    return instant ? localDateTime(instant, timeZone).replace('T', ' ') : '–';
  }

  function statusText(t: Translate, status: StoredResponse['status']): string {
    return t(`responses.status_${status}`);
  }

  function doneNotice(req: Request, t: Translate): string | undefined {
    const count = typeof req.query.n === 'string' && /^\d{1,9}$/.test(req.query.n) ? Number(req.query.n) : 0;
    switch (req.query.done) {
      case 'tests_deleted':
        return t('responses.done_tests_deleted', { n: count });
      case 'voided':
        return t('responses.done_voided');
      case 'erased':
        return typeof req.query.id === 'string' && /^[0-9a-f]{24}$/.test(req.query.id) ? t('responses.done_erased', { id: req.query.id }) : undefined;
      default:
        return undefined;
    }
  }

  async function renderList(req: Request, res: Response, status: number, extra: { error?: string } = {}): Promise<void> {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const list = await admin.listResponses(surveyId, String(req.params.waveId), pageNumber(req.query.page));
    const { waveId } = list.wave;
    const base = waveResponsesPath(surveyId, waveId);
    const context = staffPageContext(req, base);
    const timeZone = surveyTimeZone(survey);
    const row = (r: ResponseSummary) => ({
      id: r.id,
      href: responsePath(surveyId, r.id),
      status: statusText(context.t, r.status),
      test: r.test === true,
      started: shownTime(r.startedAt, timeZone),
      completed: shownTime(r.completedAt, timeZone),
      language: r.language,
      source: context.t(`responses.source_${r.source}`),
    });
    const pageHref = (page: number) => `${base}?page=${page}&lang=${context.lang}`;
    res.status(status).render('responses/list', {
      ...context,
      title: `${context.t('responses.heading', { wave: waveId })} – ${surveyTitle(survey.definition, context.lang)}`,
      surveyId,
      waveId,
      base,
      timeZone,
      counts: list.counts,
      rows: list.responses.map(row),
      page: list.page,
      pageCount: list.pageCount,
      newerHref: list.page > 1 ? pageHref(list.page - 1) : undefined,
      olderHref: list.page < list.pageCount ? pageHref(list.page + 1) : undefined,
      mayManage: mayManageSurvey(principalOf(req).account, surveyId),
      previewable: phaseOf(list.wave, clock.now()) !== 'closed',
      notice: extra.error ? undefined : doneNotice(req, context.t),
      error: extra.error,
    });
  }

  async function renderResponse(req: Request, res: Response, status: number, extra: { form?: ResponseForms; error?: string } = {}): Promise<void> {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const responseId = String(req.params.responseId);
    const path = responsePath(surveyId, responseId);
    const context = staffPageContext(req, path);
    const { response, answers } = await admin.describeResponse(surveyId, responseId, context.lang);
    const timeZone = surveyTimeZone(survey);
    const { voided } = response;
    res.status(status).render('responses/show', {
      ...context,
      title: `${context.t('responses.response_heading', { id: response.id })} – ${surveyTitle(survey.definition, context.lang)}`,
      surveyId,
      response,
      action: path,
      listHref: waveResponsesPath(surveyId, response.waveId),
      timeZone,
      status: statusText(context.t, response.status),
      source: context.t(`responses.source_${response.source}`),
      started: shownTime(response.startedAt, timeZone),
      completed: shownTime(response.completedAt, timeZone),
      voidedText: voided
        ? context.t('responses.voided_by', { at: shownTime(voided.at, timeZone), by: voided.by ?? '–', previous: statusText(context.t, voided.previousStatus), reason: voided.reason })
        : undefined,
      answers,
      mayManage: mayManageSurvey(principalOf(req).account, surveyId),
      form: extra.form ?? { reason: '', confirmation: '' },
      reasonLength: VOID_REASON_LENGTH,
      notice: extra.error ? undefined : doneNotice(req, context.t),
      error: extra.error,
    });
  }

  /** A refusal worded for the page; a 404 (no such response here) goes to the error page instead. */
  function refusalOf(error: unknown, req: Request): string {
    if (error instanceof AppError && error.status === 404) throw error;
    return refusalMessage(error, staffPageContext(req, undefined).t, REFUSALS, VOID_REASON_LENGTH);
  }

  function statusOf(error: unknown): number {
    return error instanceof AppError ? error.status : 500;
  }

  const responsesPage: RequestHandler = async (req, res) => {
    await renderList(req, res, 200);
  };

  /** The organizer becomes a respondent of the wave, in test mode, in the browser's language. */
  const preview: RequestHandler = async (req, res) => {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    try {
      const { destination, resumeToken } = await take.beginPreview({
        surveyId,
        waveId: String(req.params.waveId),
        language: negotiateLanguage(req, survey.definition.languages),
      });
      if (resumeToken) setResumeCookie(res, config, surveyId, resumeToken);
      res.redirect(303, pathOf(surveyId, destination));
    } catch (error) {
      const message = refusalOf(error, req);
      await renderList(req, res, statusOf(error), { error: message });
    }
  };

  const deleteTestResponses: RequestHandler = async (req, res) => {
    const surveyId = surveyOf(req).definition.id;
    const waveId = String(req.params.waveId);
    const count = await admin.deleteTestResponses(surveyId, waveId, auditActorOf(req));
    res.redirect(303, `${waveResponsesPath(surveyId, waveId)}?done=tests_deleted&n=${count}`);
  };

  const responsePage: RequestHandler = async (req, res) => {
    await renderResponse(req, res, 200);
  };

  function readForms(req: Request): ResponseForms {
    const body = formOf(req);
    return { reason: echoedText(body.reason, ECHO_LENGTH), confirmation: echoedText(body.confirmation, ECHO_LENGTH) };
  }

  const voidResponse: RequestHandler = async (req, res) => {
    const surveyId = surveyOf(req).definition.id;
    const responseId = String(req.params.responseId);
    const form = readForms(req);
    try {
      await admin.voidResponse({ surveyId, responseId, reason: form.reason }, auditActorOf(req));
      res.redirect(303, `${responsePath(surveyId, responseId)}?done=voided`);
    } catch (error) {
      const message = refusalOf(error, req);
      await renderResponse(req, res, statusOf(error), { form: { ...form, confirmation: '' }, error: message });
    }
  };

  const eraseResponse: RequestHandler = async (req, res) => {
    const surveyId = surveyOf(req).definition.id;
    const responseId = String(req.params.responseId);
    const form = readForms(req);
    try {
      const erased = await admin.eraseResponse({ surveyId, responseId, confirmation: form.confirmation }, auditActorOf(req));
      res.redirect(303, `${waveResponsesPath(surveyId, erased.waveId)}?done=erased&id=${erased.id}`);
    } catch (error) {
      const message = refusalOf(error, req);
      await renderResponse(req, res, statusOf(error), { form: { ...form, reason: '' }, error: message });
    }
  };

  // --- API ---

  /** A response as the API gives it after a change: who it is, what it is now; never its answers. */
  function responseJson(response: StoredResponse) {
    const { id, surveyId, waveId, status, voided } = response;
    return { id, surveyId, waveId, status, ...(voided ? { voided } : {}) };
  }

  const voidJson: RequestHandler = async (req, res) => {
    requireJsonBody(req, '{"reason": "..."}');
    const reason: unknown = formOf(req).reason;
    // A missing reason is refused by the use case, as an empty one is (422).
    const voided = await admin.voidResponse(
      { surveyId: surveyOf(req).definition.id, responseId: String(req.params.responseId), reason: typeof reason === 'string' ? reason : '' },
      auditActorOf(req),
    );
    res.json(responseJson(voided));
  };

  /** The DELETE names the response in its URL: that is the confirmation the form asks to type. */
  const eraseJson: RequestHandler = async (req, res) => {
    const responseId = String(req.params.responseId);
    await admin.eraseResponse({ surveyId: surveyOf(req).definition.id, responseId, confirmation: responseId }, auditActorOf(req));
    res.status(204).end();
  };

  return {
    pages: { responsesPage, preview, deleteTestResponses, responsePage, voidResponse, eraseResponse },
    api: { voidJson, eraseJson },
  };
}
