// HTTP only: read the query, ask the export service, send the file as an attachment.
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { AppDependencies } from '../lib/app-dependencies';
import { ValidationError } from '../lib/errors';
import { recordAudit } from '../audit/audit.service';
import { auditActorOf } from '../accounts/principal';
import { ZCodebookQuery, ZExportParams, ZExportQuery, ZTablesQuery } from './export.schemas';
import { createFiguresService } from '../analysis/figures/figures.service';
import { writeTablesWorkbook, type Banner } from './tables-workbook';
import {
  EXPORT_MEDIA_TYPES,
  exportFilename,
  getCodebook,
  resolveExportTarget,
  rowOptionsFor,
  writeCodebookCsv,
  writeResponsesCsv,
  writeResponsesSav,
  writeResponsesXlsx,
  type ExportTarget,
} from './export.service';
import { issueDetails } from '../lib/input-errors';
import type { MultipleChoiceLayout } from './export-columns';

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(result.error.issues.map((i) => i.message).join('; '), issueDetails(result.error.issues));
  return result.data;
}

function sendAttachment(res: Response, filename: string, mediaType: string): void {
  res.attachment(filename);
  res.type(mediaType);
  // Responses are personal data: no shared cache may keep a copy.
  res.set('Cache-Control', 'no-store');
}

/** The formats the responses export is written in, each at its own extension, by its writer. */
const RESPONSE_WRITERS = { csv: writeResponsesCsv, xlsx: writeResponsesXlsx, sav: writeResponsesSav } as const;
type ExportFormat = keyof typeof RESPONSE_WRITERS;
const EXPORT_FORMATS = Object.keys(RESPONSE_WRITERS) as ExportFormat[];

export function createExportHandlers(deps: AppDependencies): Record<'responsesCsv' | 'responsesXlsx' | 'responsesSav' | 'tablesXlsx' | 'codebookCsv' | 'codebookJson' | 'unknownFormat', RequestHandler> {
  async function target(req: Request, choice: { fingerprint?: string | undefined; voided?: 'include' | 'exclude' | undefined; status?: 'complete' | 'all' | undefined; multi?: MultipleChoiceLayout | undefined } = {}): Promise<ExportTarget> {
    const params = parse(ZExportParams, req.params);
    return resolveExportTarget(deps.catalog, {
      surveyId: params.surveyId,
      wave: params.wave,
      ...(choice.fingerprint ? { fingerprint: choice.fingerprint } : {}),
      ...(choice.voided === 'include' ? { includeVoided: true } : {}),
      ...(choice.status === 'all' ? { includePartial: true } : {}),
      ...(choice.multi ? { multi: choice.multi } : {}),
    });
  }

  const figures = createFiguresService(deps.catalog, deps.logger);

  /** Responses are personal data: who took a copy, and of what, is kept. */
  async function auditExport(req: Request, exported: ExportTarget, format: ExportFormat | 'tables', query: object): Promise<void> {
    await recordAudit({ ...auditActorOf(req), action: 'responses_exported', surveyId: exported.surveyId, target: exported.waveId, details: { format, ...query } }, deps.logger);
  }

  /**
   * One handler per format: the same query, target, audit line and attachment, then its writer.
   * SPSS always gets one 0/1 variable per option of a multiple choice (multiple-response sets need
   * them), and always value labels.
   */
  function responsesIn(format: ExportFormat, multi?: MultipleChoiceLayout): RequestHandler {
    return async (req, res) => {
      const query = parse(ZExportQuery, req.query);
      const exported = await target(req, multi ? { ...query, multi } : query);
      const options = rowOptionsFor(exported, query);
      await auditExport(req, exported, format, query);
      sendAttachment(res, exportFilename(exported, 'responses', format), EXPORT_MEDIA_TYPES[format]);
      await RESPONSE_WRITERS[format](exported, options, res);
    };
  }

  return {
    responsesCsv: responsesIn('csv'),
    responsesXlsx: responsesIn('xlsx'),
    responsesSav: responsesIn('sav', 'columns'),

    /** Every question by each banner (`by=`), from the figures service: the same figures, letters and legend as the API and the report. */
    async tablesXlsx(req, res) {
      const query = parse(ZTablesQuery, req.query);
      const exported = await target(req);
      const { lang } = rowOptionsFor(exported, query);
      const banners: Banner[] = [];
      for (const by of query.by) {
        const figuresQuery = { base: query.base ?? 'answered', weighted: query.weighted ?? false, mentions: false, by, ...(query.adjust ? { adjust: query.adjust } : {}) } as const;
        banners.push({ by, figures: await figures.computeFigures({ surveyId: exported.surveyId, wave: exported.waveId, query: figuresQuery, lowBaseBelow: deps.config.LOW_BASE_THRESHOLD }) });
      }
      // Aggregates, not responses: recorded all the same, as what was taken out of the wave.
      await auditExport(req, exported, 'tables', { ...query, by: query.by.join(',') });
      sendAttachment(res, exportFilename(exported, 'tables', 'xlsx'), EXPORT_MEDIA_TYPES.xlsx);
      await writeTablesWorkbook({ definition: exported.definition, lang, banners }, res);
    },

    unknownFormat(req) {
      const format = String(req.params.format ?? '');
      throw new ValidationError(`unknown export format "${format}": ${EXPORT_FORMATS.slice(0, -1).join(', ')} or ${EXPORT_FORMATS.at(-1)}`, { format }, 'unknown_export_format');
    },

    async codebookCsv(req, res) {
      const query = parse(ZCodebookQuery, req.query);
      const exported = await target(req, query);
      sendAttachment(res, exportFilename(exported, 'codebook', 'csv'), EXPORT_MEDIA_TYPES.csv);
      await writeCodebookCsv(exported, res);
    },

    async codebookJson(req, res) {
      const query = parse(ZCodebookQuery, req.query);
      const exported = await target(req, query);
      sendAttachment(res, exportFilename(exported, 'codebook', 'json'), EXPORT_MEDIA_TYPES.json);
      res.send(JSON.stringify(getCodebook(exported), null, 2));
    },
  };
}
