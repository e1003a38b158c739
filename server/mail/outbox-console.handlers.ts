// The admins' outbox page (/admin/outbox): counts, the messages newest first with filters in the
// query string (a GET form, so a filtered view can be bookmarked), one message whole, what the
// local catcher received when no SMTP_URL is set, and "retry failed messages". Its JSON twin is
// /api/v1/outbox. Every answer holds personal links, so none may be cached.
import type { Request, RequestHandler, Response } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { AppError, ValidationError } from '../lib/errors';
import { translator, type MessageKey, type Translate } from '../lib/i18n/index';
import { staffPageContext } from '../console/page-context';
import { surveyTitles } from '../surveys/survey-titles';
import { auditActorOf } from '../accounts/principal';
import { MAIL_STATUSES, type MailPurpose, type MailStatus } from './outbox.service';
import { MAIL_PURPOSES } from './mail-hooks';
import { findOutboxMessage, readOutboxPage, retryFailedMessages, type OutboxFilter } from './outbox-console.service';
import { findCaughtMail, listCaughtMail, type CaughtMailSummary } from './caught-mail.service';

const OUTBOX_PATH = '/admin/outbox';
/** Caught messages listed on the outbox page; older ones are a link away. */
const CAUGHT_PAGE_SIZE = 20;

/** The filters as typed, echoed back into the form even when refused. */
interface OutboxQuery {
  status: string;
  purpose: string;
  survey: string;
  page: string;
}

const QUERY_FIELDS = ['status', 'purpose', 'survey'] as const;

function readQuery(req: Request): OutboxQuery {
  // A field given twice reads as "a,b", which no filter accepts: refused, not half-applied.
  const value = (name: string) => {
    const raw = req.query[name];
    const text = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.join(',') : '';
    return text.trim().slice(0, 200);
  };
  return { status: value('status'), purpose: value('purpose'), survey: value('survey'), page: value('page') };
}

/** The query as the outbox filter and page number, or a 400 the admin can act on. */
function toFilter(query: OutboxQuery, t: Translate): { filter: OutboxFilter; page: number } {
  const refuse = (value: string) => new ValidationError(t('mail.bad_filter', { value }), undefined, 'invalid_outbox_filter');
  if (query.status && !(MAIL_STATUSES as readonly string[]).includes(query.status)) throw refuse(query.status);
  if (query.purpose && !(MAIL_PURPOSES as readonly string[]).includes(query.purpose)) throw refuse(query.purpose);
  if (query.survey && !/^[a-z][a-z0-9_]{0,99}$/.test(query.survey)) throw refuse(query.survey);
  if (query.page && !/^[1-9]\d{0,6}$/.test(query.page)) throw refuse(query.page);
  return {
    filter: {
      ...(query.status ? { status: query.status as MailStatus } : {}),
      ...(query.purpose ? { purpose: query.purpose as MailPurpose } : {}),
      ...(query.survey ? { surveyId: query.survey } : {}),
    },
    page: query.page ? Number(query.page) : 1,
  };
}

/** The query string of a filtered view, without the empty fields. */
function queryString(query: Partial<OutboxQuery>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const field of QUERY_FIELDS) if (query[field]) params.set(field, query[field]);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** To the second, in UTC: a message's attempts are seconds apart. */
function formatInstant(date: Date | string | undefined): string {
  if (!date) return '';
  return `${new Date(date).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The addresses a message's plain-text part links to, each once, in order: the admin follows them from the page, not from inside the sandboxed HTML. */
function linksIn(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]]/g) ?? [])];
}

function messageHref(id: string): string {
  return `${OUTBOX_PATH}/messages/${encodeURIComponent(id)}`;
}

function caughtHref(id: string): string {
  return `${OUTBOX_PATH}/caught/${encodeURIComponent(id)}`;
}

/** Neither a shared cache nor the browser's back button may keep a page of personal links. */
function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
}

/** After "retry", the page says how many went back to the queue (`?done=retried&count=N`). */
function retriedNotice(req: Request, t: Translate): string | undefined {
  const { done, count } = req.query;
  return done === 'retried' && typeof count === 'string' && /^\d{1,9}$/.test(count) ? t('mail.done_retried', { count }) : undefined;
}

export function createOutboxConsoleHandlers({ config, catalog, clock, logger }: AppDependencies) {
  /** Without SMTP_URL the app runs its local catcher, and the page shows what it caught. */
  const catcherRuns = config.SMTP_URL === undefined;

  /** The newest caught messages, or those before `?caught_before=<id>`, and the link to older ones. */
  async function caughtMailSection(req: Request): Promise<{ caught: CaughtMailSummary[]; olderCaughtHref: string | undefined }> {
    if (!catcherRuns) return { caught: [], olderCaughtHref: undefined };
    const before = typeof req.query.caught_before === 'string' ? req.query.caught_before : undefined;
    const caught = await listCaughtMail({ limit: CAUGHT_PAGE_SIZE, ...(before ? { before } : {}) });
    const last = caught.at(-1);
    return { caught, olderCaughtHref: caught.length === CAUGHT_PAGE_SIZE && last ? `${OUTBOX_PATH}?caught_before=${encodeURIComponent(last.id)}#caught-mail` : undefined };
  }

  const showOutbox: RequestHandler = async (req, res) => {
    noStore(res);
    const query = readQuery(req);
    const context = staffPageContext(req, `${OUTBOX_PATH}${queryString(query, query.page ? { page: query.page } : {})}`);
    const { t, lang } = context;
    const locals = {
      ...context,
      title: `${t('mail.outbox_title')} – Barometer`,
      query,
      statuses: MAIL_STATUSES,
      purposes: MAIL_PURPOSES,
      surveys: surveyTitles(catalog, lang),
      notice: retriedNotice(req, t),
      formatInstant,
      listHref: (extra: Partial<OutboxQuery>) => `${OUTBOX_PATH}${queryString({ survey: query.survey, ...extra })}`,
      messageHref,
      caughtHref,
      catcherRuns,
      ...(await caughtMailSection(req)),
    };
    let filter;
    try {
      filter = toFilter(query, t);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      res.status(error.status).render('mail-console/outbox', { ...locals, outbox: undefined, newerHref: undefined, olderHref: undefined, error: error.message });
      return;
    }
    const outbox = await readOutboxPage(filter.filter, filter.page);
    const pageHref = (page: number) => `${OUTBOX_PATH}${queryString(query, page > 1 ? { page: String(page) } : {})}`;
    res.render('mail-console/outbox', {
      ...locals,
      outbox,
      newerHref: outbox.page > 1 ? pageHref(outbox.page - 1) : undefined,
      olderHref: outbox.page < outbox.pages ? pageHref(outbox.page + 1) : undefined,
    });
  };

  /** One message's page, queued or caught: its personal links listed beside it, never cached. */
  function renderOneMessage(req: Request, res: Response, page: { view: string; path: string; titleKey: MessageKey; subject: string; text: string; locals: Record<string, unknown> }): void {
    noStore(res);
    const context = staffPageContext(req, page.path);
    res.render(page.view, { ...context, title: `${context.t(page.titleKey, { subject: page.subject })} – Barometer`, links: linksIn(page.text), formatInstant, ...page.locals });
  }

  const showMessage: RequestHandler = async (req, res) => {
    const message = await findOutboxMessage(String(req.params.messageId));
    renderOneMessage(req, res, { view: 'mail-console/message', path: messageHref(message.id), titleKey: 'mail.message_title', subject: message.subject, text: message.text, locals: { message } });
  };

  const showCaught: RequestHandler = async (req, res) => {
    const caught = await findCaughtMail(String(req.params.caughtId));
    renderOneMessage(req, res, { view: 'mail-console/caught', path: caughtHref(caught.id), titleKey: 'mail.caught_title', subject: caught.subject, text: caught.text, locals: { caught } });
  };

  const retryFailed: RequestHandler = async (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const query = { status: '', page: '', purpose: typeof form.purpose === 'string' ? form.purpose : '', survey: typeof form.survey === 'string' ? form.survey : '' };
    const { filter } = toFilter(query, staffPageContext(req, undefined).t);
    const { retried } = await retryFailedMessages(filter, auditActorOf(req), clock.now(), logger);
    res.redirect(303, `${OUTBOX_PATH}${queryString(query, { done: 'retried', count: String(retried) })}`);
  };

  const listJson: RequestHandler = async (req, res) => {
    noStore(res);
    const { filter, page } = toFilter(readQuery(req), translator('en'));
    res.json(await readOutboxPage(filter, page));
  };

  const messageJson: RequestHandler = async (req, res) => {
    noStore(res);
    res.json(await findOutboxMessage(String(req.params.messageId)));
  };

  return { pages: { showOutbox, showMessage, showCaught, retryFailed }, api: { listJson, messageJson } };
}
