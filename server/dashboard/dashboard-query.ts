// A dashboard view's settings live in its URL, so a view can be shared and bookmarked: the same
// parameters as the figures API (docs/api.md), written one canonical way. The settings form sends
// filters as checkboxes (`filter.<question>=<option>`), which a page without JavaScript cannot
// join into `filter=`; such a request is redirected to the canonical address.
import type { Request } from 'express';
import { ValidationError } from '../lib/errors';
import { issueDetails, issuesText } from '../lib/input-errors';
import { ZFiguresQuery, type TFiguresQuery } from '../analysis/figures/figures.schemas';

const FILTER_FIELD = /^filter\.([a-z][a-z0-9_]*)$/;

/** Parameters that belong to a page of the dashboard, not to its figures. */
export type PageParameters = Record<string, string>;

export interface ParsedDashboardQuery {
  query: TFiguresQuery;
  /** The canonical address of the same view, when the request was not written that way. */
  canonicalSearch?: string;
}

function values(raw: unknown): string[] {
  if (typeof raw === 'string') return raw === '' ? [] : [raw];
  if (Array.isArray(raw)) return raw.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

/** `filter` as the API writes it: questions and options sorted, so one view has one address. */
export function filterText(filter: Record<string, string[]> | undefined): string | undefined {
  if (!filter) return undefined;
  const parts = Object.keys(filter)
    .sort()
    .map((question) => `${question}:${[...new Set(filter[question])].sort().join(',')}`)
    .filter((part) => !part.endsWith(':'));
  return parts.length ? parts.join(';') : undefined;
}

/**
 * The view's settings as URL parameters, defaults left out, in one order. `extra` adds page
 * parameters (a search, a page number) after them.
 */
export function dashboardSearch(query: TFiguresQuery, extra: PageParameters = {}): string {
  const params = new URLSearchParams();
  if (query.base !== 'answered') params.set('base', query.base);
  if (query.weighted) params.set('weighted', '1');
  if (query.mentions) params.set('mentions', '1');
  const filter = filterText(query.filter);
  if (filter) params.set('filter', filter);
  if (query.by) params.set('by', query.by);
  if (query.compare) params.set('compare', query.compare);
  if (query.lang) params.set('lang', query.lang);
  for (const [name, value] of Object.entries(extra)) if (value !== '') params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The same view's settings with some changed (a segment picked, the weighting switched off). */
export function changedQuery(query: TFiguresQuery, change: Partial<TFiguresQuery>): TFiguresQuery {
  const next: TFiguresQuery = { ...query, ...change };
  for (const key of Object.keys(change) as Array<keyof TFiguresQuery>) if (change[key] === undefined) delete next[key];
  return next;
}

/**
 * Reads a dashboard request's settings. `pageParameters` names the parameters the page itself
 * takes (`q`, `page`...), which are not figures settings. Unknown parameters are refused (400),
 * as the figures API refuses them.
 */
export function parseDashboardQuery(req: Request, pageParameters: readonly string[] = []): ParsedDashboardQuery {
  const raw: Record<string, unknown> = {};
  const checkedFilters: Record<string, string[]> = {};
  let fromForm = false;
  for (const [name, value] of Object.entries(req.query)) {
    if (pageParameters.includes(name)) continue;
    const filterField = FILTER_FIELD.exec(name);
    if (filterField?.[1]) {
      fromForm = true;
      const picked = values(value);
      if (picked.length) checkedFilters[filterField[1]] = picked;
      continue;
    }
    // The settings form sends an empty value for "no segment", "no comparison".
    if (value === '') {
      fromForm = true;
      continue;
    }
    raw[name] = value;
  }
  if (fromForm && raw.filter === undefined) {
    const text = filterText(checkedFilters);
    if (text) raw.filter = text;
  }
  const result = ZFiguresQuery.safeParse(raw);
  if (!result.success) throw new ValidationError(issuesText(result.error.issues, 'query'), issueDetails(result.error.issues), 'invalid_query');
  const query = result.data;
  const pageExtra = Object.fromEntries(pageParameters.flatMap((name) => (typeof req.query[name] === 'string' ? [[name, req.query[name] as string]] : [])));
  const canonical = dashboardSearch(query, pageExtra);
  const asked = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  return { query, ...(canonical !== asked ? { canonicalSearch: canonical } : {}) };
}

/** What makes two dashboards show the same figures: they share one computation per change. */
export function viewKeyOf(surveyId: string, waveId: string, query: TFiguresQuery): string {
  return `${surveyId}/${waveId}${dashboardSearch(query)}`;
}
