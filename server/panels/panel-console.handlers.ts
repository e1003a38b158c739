// The organizer's panel pages: the survey's panels, one panel's members and its upload form, an
// import's progress and report, and one member's history. Each handler reads the request, calls
// panel.service.ts or panel-import.service.ts, and renders or redirects; a refused form is drawn
// again with its message, what was typed and the status the service chose.
import { rm } from 'node:fs/promises';
import type { Request, RequestHandler, Response } from 'express';
import { runInBackground } from '../lib/background-job';
import { AppError, UnprocessableError } from '../lib/errors';
import type { AppDependencies } from '../lib/app-dependencies';
import type { MessageKey } from '../lib/i18n/index';
import { mayManageSurvey } from '../accounts/permissions';
import { auditActorOf, principalOf } from '../accounts/principal';
import { echoedText, refusalMessage } from '../accounts/refusals';
import { doneNotice, staffPageContext } from '../console/page-context';
import { surveyTitle } from '../surveys/survey-titles';
import type { LoadedSurvey } from '../surveys/survey.loader';
import { surveyConsolePath } from '../waves/console-paths';
import { formatInZone, surveyTimeZone } from '../waves/wave-dates';
import { memberHistory } from '../invitations/member-history.service';
import { countMembers, createPanel, memberLanguages, editMember, listMembers, listPanels, removeMember, requirePanel, type MemberStatus } from './panel.service';
import type { PanelImports } from './panel-import.service';
import { FileTooLargeError, formatOfFile, MAX_IMPORT_BYTES } from './panel-import-reader';
import { panelImportPath, panelMemberPath, panelPath, panelsPath } from './panel-paths';

const REFUSALS: Record<string, MessageKey> = {
  panel_exists: 'panels.refused_panel_exists',
  invalid_panel_id: 'panels.refused_invalid_panel_id',
  invalid_panel_name: 'panels.refused_invalid_panel_name',
  file_too_large: 'panels.refused_file_too_large',
  no_file: 'panels.refused_no_file',
  not_utf8: 'panels.refused_not_utf8',
  too_many_rows: 'panels.refused_too_many_rows',
  empty_file: 'panels.refused_empty_file',
  missing_email_column: 'panels.refused_missing_email_column',
  import_interrupted: 'panels.refused_import_interrupted',
  apply_interrupted: 'panels.refused_apply_interrupted',
  apply_failed: 'panels.refused_apply_failed',
  import_applied: 'panels.refused_import_applied',
  import_not_ready: 'panels.refused_import_not_ready',
  import_expired: 'panels.refused_import_expired',
  member_exists: 'panels.refused_member_exists',
  invalid_email: 'panels.refused_invalid_email',
  invalid_name: 'panels.refused_invalid_name',
  invalid_language: 'panels.refused_invalid_language',
};

const PANEL_DONE = { created: 'panels.done_created', removed: 'panels.done_removed' } as const satisfies Record<string, MessageKey>;
const MEMBER_DONE = { edited: 'panels.done_edited' } as const satisfies Record<string, MessageKey>;

const MEMBER_STATUSES: readonly MemberStatus[] = ['active', 'unsubscribed', 'bounced'];

interface NewPanelForm {
  panelId: string;
  name: string;
}

interface MemberForm {
  email: string;
  name: string;
  language: string;
}

function formOf(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

/**
 * A form field as typed, for the service to judge: what is echoed into the form again is cut to
 * the field's size, but a value too long must reach the service whole to be refused, not cut to a
 * shorter one and saved.
 */
function typedText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The members filter as typed in the address: unknown values are ignored, as a link may carry anything. */
function memberFilterOf(req: Request): { email: string; status: MemberStatus | ''; after: string } {
  const status = typeof req.query.status === 'string' && (MEMBER_STATUSES as readonly string[]).includes(req.query.status) ? (req.query.status as MemberStatus) : '';
  return { email: echoedText(req.query.email, 200), status, after: echoedText(req.query.after, 40) };
}

/** The members page's address with a filter (and where the page starts). */
function membersHref(base: string, filter: { email: string; status: string }, after?: string): string {
  const query = new URLSearchParams();
  if (filter.email) query.set('email', filter.email);
  if (filter.status) query.set('status', filter.status);
  if (after) query.set('after', after);
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}

export function createPanelConsoleHandlers({ catalog, logger }: AppDependencies, imports: PanelImports) {
  function surveyOf(req: Request): LoadedSurvey {
    return catalog.require(String(req.params.surveyId));
  }

  function mayManage(req: Request, survey: LoadedSurvey): boolean {
    return mayManageSurvey(principalOf(req).account, survey.definition.id);
  }

  function dateText(survey: LoadedSurvey, lang: string) {
    const zone = surveyTimeZone(survey);
    return (instant: Date | undefined) => (instant ? formatInZone(instant, zone, lang) : '–');
  }

  async function renderPanels(req: Request, res: Response, status: number, extra: { form?: NewPanelForm; error?: string } = {}): Promise<void> {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const context = staffPageContext(req, panelsPath(surveyId));
    const surveyName = surveyTitle(survey.definition, context.lang);
    res.status(status).render('panels/list', {
      ...context,
      title: `${context.t('panels.title')} – ${surveyName}`,
      surveyName,
      surveyHref: surveyConsolePath(surveyId),
      panels: (await listPanels(surveyId)).map((panel) => ({ ...panel, href: panelPath(surveyId, panel.panelId) })),
      mayManage: mayManage(req, survey),
      action: panelsPath(surveyId),
      form: extra.form ?? { panelId: '', name: '' },
      error: extra.error,
    });
  }

  async function renderPanel(req: Request, res: Response, status: number, extra: { error?: string } = {}): Promise<void> {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const panel = await requirePanel(surveyId, String(req.params.panelId));
    const base = panelPath(surveyId, panel.panelId);
    const filter = memberFilterOf(req);
    const context = staffPageContext(req, membersHref(base, filter, filter.after || undefined));
    const [counts, page, recent] = await Promise.all([
      countMembers(surveyId, panel.panelId),
      listMembers(surveyId, panel.panelId, { email: filter.email, ...(filter.status ? { status: filter.status } : {}), ...(filter.after ? { after: filter.after } : {}) }),
      imports.listImports(surveyId, panel.panelId),
    ]);
    const date = dateText(survey, context.lang);
    res.status(status).render('panels/show', {
      ...context,
      title: `${context.t('panels.panel_heading', { name: panel.name })} – ${surveyTitle(survey.definition, context.lang)}`,
      panel,
      panelsHref: panelsPath(surveyId),
      counts,
      filter,
      statuses: MEMBER_STATUSES,
      action: base,
      members: page.members.map((member) => ({ ...member, href: panelMemberPath(surveyId, panel.panelId, member.id) })),
      firstHref: filter.after ? membersHref(base, filter) : undefined,
      nextHref: page.next ? membersHref(base, filter, page.next) : undefined,
      imports: recent.map((item) => ({ ...item, href: panelImportPath(surveyId, panel.panelId, item.id), startedText: date(item.startedAt) })),
      uploadAction: `${base}/imports`,
      mayManage: mayManage(req, survey),
      notice: doneNotice(req, PANEL_DONE, context.t),
      error: extra.error,
    });
  }

  async function renderImport(req: Request, res: Response, status: number, extra: { error?: string } = {}): Promise<void> {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const panel = await requirePanel(surveyId, String(req.params.panelId));
    const item = await imports.requireImport(surveyId, panel.panelId, String(req.params.importId));
    const action = panelImportPath(surveyId, panel.panelId, item.id);
    const context = staffPageContext(req, action);
    // While the file is read or the members saved, the page links to itself and follow-progress.js
    // asks it again: a page that reloaded itself would throw a screen reader back to the top.
    const running = item.status === 'reading' || item.status === 'applying';
    res.status(status).render('panels/import', {
      ...context,
      title: `${context.t('panels.import_title', { panel: panel.panelId })} – ${surveyTitle(survey.definition, context.lang)}`,
      panel,
      panelHref: panelPath(surveyId, panel.panelId),
      item,
      // A failure the page words itself, in the reader's language; else the reader's own message.
      failureText: item.failure ? (REFUSALS[item.failure.code] ? context.t(REFUSALS[item.failure.code]!) : item.failure.message) : '',
      appliedText: dateText(survey, context.lang)(item.appliedAt),
      action,
      ...(running ? { scripts: ['/public/js/follow-progress.js'] } : {}),
      mayManage: mayManage(req, survey),
      error: extra.error,
    });
  }

  async function renderMember(req: Request, res: Response, status: number, extra: { form?: MemberForm; error?: string } = {}): Promise<void> {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const panel = await requirePanel(surveyId, String(req.params.panelId));
    const history = await memberHistory(surveyId, panel.panelId, String(req.params.memberId));
    const { member } = history;
    const action = panelMemberPath(surveyId, panel.panelId, member.id);
    const context = staffPageContext(req, action);
    res.status(status).render('panels/member', {
      ...context,
      title: `${context.t('panels.member_title', { email: member.email })} – ${panel.name}`,
      panel,
      panelHref: panelPath(surveyId, panel.panelId),
      history,
      date: dateText(survey, context.lang),
      languages: memberLanguages(survey.definition.languages),
      action,
      form: extra.form ?? { email: member.email, name: member.name ?? '', language: member.language ?? '' },
      mayManage: mayManage(req, survey),
      notice: doneNotice(req, MEMBER_DONE, context.t),
      error: extra.error,
    });
  }

  function refusal(req: Request, error: unknown, params: Record<string, string> = {}): string {
    // A file without an email column is told what columns it has, in the reader's language too.
    const columns = error instanceof AppError ? (error.details as { columns?: unknown } | undefined)?.columns : undefined;
    const named: Record<string, string> = Array.isArray(columns) ? { columns: columns.map((column) => `"${String(column).trim()}"`).join(', ') } : {};
    return refusalMessage(error, staffPageContext(req, undefined).t, REFUSALS, { ...named, ...params });
  }

  const panelsPage: RequestHandler = async (req, res) => renderPanels(req, res, 200);

  const createPanelForm: RequestHandler = async (req, res) => {
    const survey = surveyOf(req);
    const body = formOf(req);
    const form = { panelId: echoedText(body.panelId, 64), name: echoedText(body.name, 200) };
    try {
      const panel = await createPanel(survey.definition.id, { panelId: typedText(body.panelId), name: typedText(body.name) }, auditActorOf(req), logger);
      res.redirect(303, `${panelPath(panel.surveyId, panel.panelId)}?done=created`);
    } catch (error) {
      await renderPanels(req, res, (error as AppError).status, { form, error: refusal(req, error, { panel: form.panelId }) });
    }
  };

  const panelPage: RequestHandler = async (req, res) => renderPanel(req, res, 200);

  /**
   * The upload (multipart, read by multer into a temporary file): the header is checked before the
   * answer, so a file without an email column or not in UTF-8 is refused at once (422); the rows
   * are read after the 303, in the background, and the import page shows how far it got.
   */
  const uploadImport: RequestHandler = async (req, res) => {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const panelId = String(req.params.panelId);
    const file = req.file;
    try {
      await requirePanel(surveyId, panelId);
      if (req.uploadRefusal) throw new FileTooLargeError(MAX_IMPORT_BYTES);
      if (!file) throw new UnprocessableError('Choose a file to import', undefined, 'no_file');
      const format = await formatOfFile(file.path);
      const started = await imports.startImport({ surveyId, panelId, source: { kind: 'file', path: file.path, format }, fileName: file.originalname, totalBytes: file.size }, auditActorOf(req));
      runInBackground(started.reading.finally(() => rm(file.path, { force: true })), logger, { importId: started.importId }, 'panel import');
      res.redirect(303, panelImportPath(surveyId, panelId, started.importId));
    } catch (error) {
      if (file) await rm(file.path, { force: true });
      await renderPanel(req, res, (error as AppError).status, { error: refusal(req, error) });
    }
  };

  const importPage: RequestHandler = async (req, res) => renderImport(req, res, 200);

  function importAction(run: (surveyId: string, panelId: string, importId: string, req: Request) => Promise<unknown>): RequestHandler {
    return async (req, res) => {
      const surveyId = surveyOf(req).definition.id;
      const panelId = String(req.params.panelId);
      const importId = String(req.params.importId);
      try {
        await run(surveyId, panelId, importId, req);
        res.redirect(303, panelImportPath(surveyId, panelId, importId));
      } catch (error) {
        await renderImport(req, res, (error as AppError).status, { error: refusal(req, error) });
      }
    };
  }

  /** Answers at once: the members are written in the background while the import page shows how far it got. */
  const confirmImport = importAction(async (surveyId, panelId, importId, req) => {
    const { applying } = await imports.startConfirm(surveyId, panelId, importId, auditActorOf(req));
    runInBackground(applying, logger, { importId }, 'panel import (saving the members)');
  });
  const cancelImport = importAction((surveyId, panelId, importId) => imports.cancelImport(surveyId, panelId, importId));

  const memberPage: RequestHandler = async (req, res) => renderMember(req, res, 200);

  const saveMember: RequestHandler = async (req, res) => {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const panelId = String(req.params.panelId);
    const memberId = String(req.params.memberId);
    const body = formOf(req);
    const form = { email: echoedText(body.email, 254), name: echoedText(body.name, 300), language: echoedText(body.language, 10) };
    try {
      const change = { email: typedText(body.email), name: typedText(body.name), language: typedText(body.language) };
      await editMember(surveyId, panelId, memberId, change, survey.definition.languages, auditActorOf(req), logger);
      res.redirect(303, `${panelMemberPath(surveyId, panelId, memberId)}?done=edited`);
    } catch (error) {
      await renderMember(req, res, (error as AppError).status, { form, error: refusal(req, error) });
    }
  };

  const removeMemberForm: RequestHandler = async (req, res) => {
    const surveyId = surveyOf(req).definition.id;
    const panelId = String(req.params.panelId);
    await removeMember(surveyId, panelId, String(req.params.memberId), auditActorOf(req), logger);
    res.redirect(303, `${panelPath(surveyId, panelId)}?done=removed`);
  };

  return { panelsPage, createPanelForm, panelPage, uploadImport, importPage, confirmImport, cancelImport, memberPage, saveMember, removeMemberForm };
}
