// The panels as a JSON API for scripts: list panels, make one, read members, import a CSV body and
// confirm its report. The import is the console's, in one call: the body is streamed through the
// same reader and the answer is the report (nothing saved until the confirm call).
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { AppError, ValidationError } from '../lib/errors';
import type { AppDependencies } from '../lib/app-dependencies';
import { auditActorOf } from '../accounts/principal';
import { issueDetails, issuesText, requireJsonBody } from '../lib/input-errors';
import { createPanel, listMembers, listPanels, requirePanel, type MemberStatus } from './panel.service';
import type { PanelImport, PanelImports } from './panel-import.service';
import { FileTooLargeError, MAX_IMPORT_BYTES, type ImportFormat } from './panel-import-reader';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const ZNewPanel = z.strictObject({ panelId: z.string(), name: z.string() });

const ZMemberQuery = z.object({
  email: z.string().max(200).optional(),
  status: z.enum(['active', 'unsubscribed', 'bounced']).optional(),
  after: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** Why reading a body failed, as the status a caller expects: too large is 413, the rest 422. */
function readingFailure(item: PanelImport): AppError {
  const failure = item.failure ?? { message: 'The file could not be read', code: 'import_failed' };
  return new AppError(failure.message, failure.code === 'file_too_large' ? 413 : 422, failure.code);
}

function bodyFormat(req: Request): ImportFormat {
  if (req.is(XLSX_TYPE)) return 'xlsx';
  if (req.is(['text/csv', 'text/plain'])) return 'csv';
  throw new ValidationError(`Send the file as text/csv (UTF-8) or ${XLSX_TYPE}`, undefined, 'csv_required');
}

export function createPanelApiHandlers({ logger }: AppDependencies, imports: PanelImports) {
  const surveyIdOf = (req: Request) => String(req.params.surveyId);

  const listJson: RequestHandler = async (req, res) => {
    res.json({ surveyId: surveyIdOf(req), panels: await listPanels(surveyIdOf(req)) });
  };

  const createJson: RequestHandler = async (req, res) => {
    requireJsonBody(req);
    const parsed = ZNewPanel.safeParse(req.body);
    if (!parsed.success) throw new ValidationError(issuesText(parsed.error.issues), issueDetails(parsed.error.issues), 'invalid_panel');
    const panel = await createPanel(surveyIdOf(req), parsed.data, auditActorOf(req), logger);
    res.status(201).json(panel);
  };

  const membersJson: RequestHandler = async (req, res) => {
    const surveyId = surveyIdOf(req);
    const panel = await requirePanel(surveyId, String(req.params.panelId));
    const parsed = ZMemberQuery.safeParse(req.query);
    if (!parsed.success) throw new ValidationError(issuesText(parsed.error.issues, 'query'), issueDetails(parsed.error.issues), 'invalid_query');
    const { status, ...query } = parsed.data;
    res.json(await listMembers(surveyId, panel.panelId, { ...query, ...(status ? { status: status as MemberStatus } : {}) }));
  };

  /** The body is read as it arrives; the answer waits for the report (201), or says why it cannot be read. */
  const importJson: RequestHandler = async (req, res) => {
    const surveyId = surveyIdOf(req);
    const panelId = String(req.params.panelId);
    const format = bodyFormat(req);
    const declared = Number(req.get('content-length') ?? Number.NaN);
    if (declared > MAX_IMPORT_BYTES) throw new FileTooLargeError(MAX_IMPORT_BYTES);
    const started = await imports.startImport({ surveyId, panelId, source: { kind: 'stream', stream: req, format }, ...(declared > 0 ? { totalBytes: declared } : {}) }, auditActorOf(req));
    const item = await started.reading;
    if (item.status !== 'ready') throw readingFailure(item);
    res.status(201).location(`/api/v1/surveys/${encodeURIComponent(surveyId)}/panels/${encodeURIComponent(panelId)}/imports/${item.id}`).json(item);
  };

  const importStatusJson: RequestHandler = async (req, res) => {
    res.json(await imports.requireImport(surveyIdOf(req), String(req.params.panelId), String(req.params.importId)));
  };

  const confirmJson: RequestHandler = async (req, res) => {
    res.json(await imports.confirmImport(surveyIdOf(req), String(req.params.panelId), String(req.params.importId), auditActorOf(req)));
  };

  return { listJson, createJson, membersJson, importJson, importStatusJson, confirmJson };
}
