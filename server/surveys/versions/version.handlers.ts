// The version pages and the upload API: each handler calls one use case of version.service.ts and
// renders, redirects or answers JSON. A refused upload draws the page again with every problem
// and the status that says why.
import type { Request, RequestHandler, Response } from 'express';
import { mayManageSurvey } from '../../accounts/permissions';
import { auditActorOf, principalOf } from '../../accounts/principal';
import { refusalMessage } from '../../accounts/refusals';
import type { AppDependencies } from '../../lib/app-dependencies';
import { AppError, ValidationError } from '../../lib/errors';
import type { MessageKey, Translate } from '../../lib/i18n/index';
import { doneNotice, staffPageContext } from '../../console/page-context';
import { surveyConsolePath, waveConsolePath } from '../../waves/console-paths';
import { surveyTitle } from '../survey-titles';
import { DefinitionRefusedError, type VersionService } from './version.service';

/** What multer found wrong with the posted form before the handler ran (see version.routes.ts). */
export interface UploadRefusal {
  code: 'file_too_large';
}

declare module 'express-serve-static-core' {
  interface Request {
    uploadRefusal?: UploadRefusal;
  }
}

const FINGERPRINT = /^sha256:[0-9a-f]{16}$/;

/** The refusals of an upload the organizer reads in their language. */
const UPLOAD_REFUSALS: Record<string, MessageKey> = {
  file_too_large: 'versions.too_large',
  'entity.too.large': 'versions.too_large',
  not_yaml_or_json: 'versions.not_yaml',
  no_file: 'versions.no_file',
};

const CHANGE_REFUSALS: Record<string, MessageKey> = { not_a_rewording: 'changes.not_a_rewording' };

function surveyIdOf(req: Request): string {
  return String(req.params.surveyId);
}

function versionsPath(surveyId: string): string {
  return `${surveyConsolePath(surveyId)}/versions`;
}

function changesPath(surveyId: string, waveId: string): string {
  return `${waveConsolePath(surveyId, waveId)}/changes`;
}

/** "2026-12-01 18:35" in UTC: the console's dates without a zone are UTC. */
function utcMinute(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

/** After marking a change, the changes page says so (`?done=`). */
const CHANGES_NOTICES = { marked: 'changes.marked', unmarked: 'changes.unmarked' } as const satisfies Record<string, MessageKey>;

export function createVersionHandlers({ catalog }: AppDependencies, versions: VersionService) {
  async function renderVersions(req: Request, res: Response, status: number, extra: { notice?: string; error?: string; problems?: DefinitionRefusedError['problems'] }): Promise<void> {
    const surveyId = surveyIdOf(req);
    const path = versionsPath(surveyId);
    const context = staffPageContext(req, path);
    const rows = (await versions.listVersions(surveyId)).map((v) => ({ ...v, firstSeen: utcMinute(v.firstSeenAt) }));
    const title = surveyTitle(catalog.require(surveyId).definition, context.lang);
    res.status(status).render('versions/list', {
      ...context,
      title: `${context.t('versions.title')} – ${title}`,
      surveyId,
      surveyTitle: title,
      action: path,
      rows,
      notice: extra.notice,
      error: extra.error,
      problems: extra.problems ?? [],
    });
  }

  function uploadRefusal(error: unknown, t: Translate): string {
    if (error instanceof AppError && error.code === 'wrong_survey') {
      const details = error.details as { fileSurveyId: string; surveyId: string };
      return t('versions.wrong_survey', { found: details.fileSurveyId, expected: details.surveyId });
    }
    if (error instanceof DefinitionRefusedError) return t('versions.problems_title', { count: error.problems.length });
    return refusalMessage(error, t, UPLOAD_REFUSALS);
  }

  const list: RequestHandler = async (req, res) => {
    const { t } = staffPageContext(req, '');
    const uploaded = typeof req.query.uploaded === 'string' && FINGERPRINT.test(req.query.uploaded) ? req.query.uploaded : undefined;
    const notice = uploaded && t(req.query.created === '1' ? 'versions.uploaded_new' : 'versions.uploaded_known', { fingerprint: uploaded });
    await renderVersions(req, res, 200, { ...(notice ? { notice } : {}) });
  };

  /** The console's upload form: multipart, read by multer (version.routes.ts). */
  const upload: RequestHandler = async (req, res) => {
    const surveyId = surveyIdOf(req);
    try {
      if (req.uploadRefusal) throw new AppError('The file is over 1 MB', 413, req.uploadRefusal.code);
      const file = req.file;
      if (!file || file.size === 0) throw new ValidationError('Choose a definition file to upload', undefined, 'no_file');
      const result = await versions.uploadVersion(surveyId, { bytes: file.buffer, fileName: file.originalname }, auditActorOf(req));
      res.redirect(303, `${versionsPath(surveyId)}?uploaded=${encodeURIComponent(result.fingerprint)}&created=${result.created ? 1 : 0}`);
    } catch (error) {
      const { t } = staffPageContext(req, '');
      await renderVersions(req, res, (error as AppError).status ?? 500, {
        error: uploadRefusal(error, t),
        ...(error instanceof DefinitionRefusedError ? { problems: error.problems } : {}),
      });
    }
  };

  /** The API: the definition's text is the body. 201 for a new version, 200 for a known one. */
  const uploadApi: RequestHandler = async (req, res) => {
    const surveyId = surveyIdOf(req);
    if (typeof req.body !== 'string' || req.body.length === 0) {
      throw new AppError('Send the definition as the body, with Content-Type text/yaml or application/json', 415, 'not_yaml_or_json');
    }
    const fileName = typeof req.query.fileName === 'string' ? req.query.fileName.slice(0, 200) : '';
    try {
      const result = await versions.uploadVersion(surveyId, { bytes: Buffer.from(req.body, 'utf8'), fileName }, auditActorOf(req));
      res.status(result.created ? 201 : 200).json(result);
    } catch (error) {
      if (!(error instanceof DefinitionRefusedError)) throw error;
      res.status(422).json({
        error: { code: error.code, message: error.message },
        problems: error.problems.map(({ line, path, message }) => ({ line, path, message })),
      });
    }
  };

  async function renderChanges(req: Request, res: Response, status: number, extra: { notice?: string; error?: string }): Promise<void> {
    const surveyId = surveyIdOf(req);
    const waveId = String(req.params.waveId);
    const path = changesPath(surveyId, waveId);
    const context = staffPageContext(req, path);
    const changes = await versions.waveChanges(surveyId, waveId);
    const title = surveyTitle(catalog.require(surveyId).definition, context.lang);
    res.status(status).render('versions/changes', {
      ...context,
      title: `${context.t('changes.title')} – ${waveId} – ${title}`,
      surveyId,
      waveId: changes.wave.waveId,
      surveyTitle: title,
      changes,
      editorialAction: `${path}/editorial`,
      versionsHref: versionsPath(surveyId),
      // Analysts read the page; the buttons are drawn for those the route's guard lets mark.
      mayMark: mayManageSurvey(principalOf(req).account, surveyId),
      notice: extra.notice,
      error: extra.error,
    });
  }

  const showChanges: RequestHandler = async (req, res) => {
    const notice = doneNotice(req, CHANGES_NOTICES, staffPageContext(req, undefined).t);
    await renderChanges(req, res, 200, { ...(notice ? { notice } : {}) });
  };

  const markEditorial: RequestHandler = async (req, res) => {
    const surveyId = surveyIdOf(req);
    const waveId = String(req.params.waveId);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const ref = typeof body.ref === 'string' ? body.ref : '';
    const editorial = body.editorial !== 'no';
    try {
      await versions.markEditorial(surveyId, waveId, ref, editorial, auditActorOf(req));
      res.redirect(303, `${changesPath(surveyId, waveId)}?done=${editorial ? 'marked' : 'unmarked'}`);
    } catch (error) {
      if (error instanceof AppError && error.code === 'wave_not_found') throw error;
      await renderChanges(req, res, (error as AppError).status ?? 500, { error: refusalMessage(error, staffPageContext(req, '').t, CHANGE_REFUSALS) });
    }
  };

  return { list, upload, uploadApi, showChanges, markEditorial };
}
