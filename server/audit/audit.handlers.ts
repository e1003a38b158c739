// The audit trail for admins: one filtered page at a time, or the whole filtered view as CSV.
// Filters travel in the query string (a GET form), so a filtered view can be bookmarked and shared.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler } from 'express';
import { stringify } from 'csv-stringify';
import type { AppDependencies } from '../lib/app-dependencies';
import { AppError, ValidationError } from '../lib/errors';
import { translator, type Translate } from '../lib/i18n/index';
import { staffPageContext } from '../console/page-context';
import { surveyTitles } from '../surveys/survey-titles';
import { guardCell } from '../exports/formula-guard';
import { AUDIT_ACTIONS, formatAuditCursor, parseAuditCursor, readAuditPage, type AuditAction, type AuditFilter, type StoredAuditEvent } from './audit.service';
import { CSV_FILE_OPTIONS } from '../exports/csv-format';

const PAGE_SIZE = 50;
/** Rows the CSV reads per query: large enough to be quick, small enough to stay out of memory. */
const CSV_BATCH = 1000;
const DAY_MS = 86_400_000;

/** What the form shows: the raw query values, echoed back even when they were refused. */
export interface AuditQuery {
  action: string;
  email: string;
  survey: string;
  from: string;
  to: string;
}

const QUERY_FIELDS = ['action', 'email', 'survey', 'from', 'to'] as const;

function readQuery(req: Request): AuditQuery & { before: string } {
  // A field given twice (?action=a&action=b) reads as "a,b", which no filter accepts: refused, not half-applied.
  const value = (name: string) => {
    const raw = req.query[name];
    const text = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.join(',') : '';
    return text.trim().slice(0, 300);
  };
  return { action: value('action'), email: value('email'), survey: value('survey'), from: value('from'), to: value('to'), before: value('before') };
}

/** A calendar day, YYYY-MM-DD, as its first instant in UTC; undefined when it is no such day. */
function parseDay(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const day = new Date(`${text}T00:00:00.000Z`);
  // new Date() rolls 2026-02-30 over to March: a day that does not round-trip does not exist.
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text) ? day : undefined;
}

/** The query as the trail's filter, or a 400 with a message the admin can act on. */
function toFilter(query: AuditQuery & { before: string }, t: Translate): AuditFilter {
  const refuse = (message: string) => new ValidationError(message, undefined, 'invalid_audit_filter');
  if (query.action && !(AUDIT_ACTIONS as readonly string[]).includes(query.action)) throw refuse(t('audit.bad_action', { value: query.action }));
  // Emails are stored lower-cased (account.service's parseEmail); a filter matches them whatever the case typed.
  if (query.email.length > 254 || /[\s<>,;]/.test(query.email)) throw refuse(t('audit.bad_email'));
  if (query.survey && !/^[a-z][a-z0-9_]{0,99}$/.test(query.survey)) throw refuse(t('audit.bad_survey', { value: query.survey }));
  const from = query.from ? parseDay(query.from) : undefined;
  if (query.from && !from) throw refuse(t('audit.bad_date', { value: query.from }));
  const toDay = query.to ? parseDay(query.to) : undefined;
  if (query.to && !toDay) throw refuse(t('audit.bad_date', { value: query.to }));
  if (from && toDay && toDay < from) throw refuse(t('audit.to_before_from'));
  const after = query.before ? parseAuditCursor(query.before) : undefined;
  if (query.before && !after) throw refuse(t('audit.bad_before'));
  return {
    ...(query.action ? { action: query.action as AuditAction } : {}),
    ...(query.email ? { actorEmail: query.email.toLowerCase() } : {}),
    ...(query.survey ? { surveyId: query.survey } : {}),
    ...(from ? { from } : {}),
    // "To" names a day the admin wants included: the filter stops at the next midnight.
    ...(toDay ? { to: new Date(toDay.getTime() + DAY_MS) } : {}),
    ...(after ? { after } : {}),
  };
}

/** The query string of a filtered view, without the empty fields. */
function queryString(query: AuditQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const field of QUERY_FIELDS) if (query[field]) params.set(field, query[field]);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function whoLabel(event: StoredAuditEvent, t: Translate): string {
  if (event.actorEmail) return event.actorEmail;
  return event.via === 'cli' ? t('audit.command_line') : t('audit.anonymous');
}

function detailsText(event: StoredAuditEvent): string {
  return event.details === undefined || event.details === null ? '' : JSON.stringify(event.details);
}

export function createAuditHandlers({ catalog }: AppDependencies) {
  const showTrail: RequestHandler = async (req, res) => {
    const query = readQuery(req);
    // The other language shows the same view: the same filters, the same page.
    const context = staffPageContext(req, `/admin/audit${queryString(query, query.before ? { before: query.before } : {})}`);
    const { lang, t } = context;
    const surveys = surveyTitles(catalog, lang);
    const locals = {
      ...context,
      title: `${t('audit.title')} – Barometer`,
      query,
      actions: AUDIT_ACTIONS,
      surveys,
      csvHref: `/admin/audit.csv${queryString(query)}`,
      newestHref: query.before ? `/admin/audit${queryString(query)}` : undefined,
      who: (event: StoredAuditEvent) => whoLabel(event, t),
      detailsText,
    };
    let filter;
    try {
      filter = toFilter(query, t);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      res.status(error.status).render('audit/trail', { ...locals, events: [], olderHref: undefined, error: error.message });
      return;
    }
    const page = await readAuditPage(filter, PAGE_SIZE);
    res.render('audit/trail', {
      ...locals,
      events: page.events,
      olderHref: page.next ? `/admin/audit${queryString(query, { before: formatAuditCursor(page.next) })}` : undefined,
    });
  };

  /** Every event of the filtered view (all pages), newest first. */
  const exportCsv: RequestHandler = async (req, res) => {
    const t = translator('en');
    const filter = toFilter(readQuery(req), t);
    async function* records(): AsyncGenerator<Array<string | undefined>> {
      yield ['at', 'action', 'who', 'via', 'ip', 'survey', 'target', 'details'];
      let after = filter.after;
      for (;;) {
        const page = await readAuditPage({ ...filter, ...(after ? { after } : {}) }, CSV_BATCH);
        for (const event of page.events) {
          // Emails, targets and details can hold what an anonymous caller typed (a failed
          // sign-in's email): a spreadsheet must show them, never run them.
          yield [event.at.toISOString(), event.action, whoLabel(event, t), event.via, event.ip, event.surveyId, event.target, detailsText(event)].map((cell) => guardCell(cell ?? ''));
        }
        if (!page.next) return;
        after = page.next;
      }
    }
    res.attachment(`audit-${new Date().toISOString().slice(0, 10)}.csv`);
    res.type('text/csv; charset=utf-8');
    // Who signed in from where is personal data: no shared cache may keep a copy.
    res.set('Cache-Control', 'no-store');
    await pipeline(Readable.from(records()), stringify(CSV_FILE_OPTIONS), res);
  };

  return { showTrail, exportCsv };
}
