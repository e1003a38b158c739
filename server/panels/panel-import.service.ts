// Importing members into a panel, in two steps: the file is read into a staged import with its
// report (rows to add, update, leave, skip, and why), and only when the organizer confirms that
// report are the staged rows written to the panel. Reading streams the file and stages rows a
// batch at a time, so a 100,000-row file is never held in memory; only the addresses seen so far
// are (to find duplicates within the file), which MAX_IMPORT_ROWS bounds.
import { isValidObjectId } from 'mongoose';
import type { AnyBulkWriteOperation } from 'mongoose';
import { hasStalled, stalledBefore } from '../lib/background-job';
import { AppError, ConflictError, GoneError, NotFoundError, UnprocessableError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { systemClock, type Clock } from '../lib/clock';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { recordAudit, type AuditActor } from '../audit/audit.service';
import { listWaves } from '../waves/wave.service';
import { PanelMemberModel } from './panel.model';
import { PanelImportModel, PanelImportRowModel } from './panel-import.model';
import { memberLanguages, requirePanel } from './panel.service';
import { changesMember, checkRow, isBlankRow, mapColumns, type BadValue, type ImportColumns, type MemberRow } from './panel-import-check';
import { MAX_IMPORT_ROWS, readTableRows, type ByteCounter, type ImportSource, type TableRow } from './panel-import-reader';

/** Rows staged and compared with the panel per round trip. */
const BATCH_ROWS = 1000;
/** Lines each list of the report names; the counts are always whole. */
const REPORT_LIST_MAX = 200;
/** An import not confirmed within a day is forgotten (TTL); an applied one is kept a month as a record. */
const STAGED_LIFETIME_MS = 24 * 3600_000;
const APPLIED_LIFETIME_MS = 30 * 24 * 3600_000;

/**
 * When the store may delete a record: its TTL monitor runs on the wall clock, not the app's, so
 * this is the one place the import reads the system's time (see panel-import.model.ts).
 */
function purgeAfter(lifetimeMs: number): Date {
  return new Date(systemClock.now().getTime() + lifetimeMs);
}

export type ImportStatus = 'reading' | 'ready' | 'applying' | 'applied' | 'failed' | 'cancelled';

export interface ImportReport {
  rows: number;
  add: number;
  update: number;
  unchanged: number;
  skip: number;
  invalidEmails: Array<{ line: number; value: string }>;
  duplicatesInFile: Array<{ line: number; email: string; firstLine: number }>;
  unknownColumns: string[];
  /** Columns not stored: no name, or a name another column already has (older reports have none). */
  ignoredColumns?: string[];
  badValues: Array<{ line: number; email: string } & BadValue>;
  /** The whole counts of the three lists above, which name at most REPORT_LIST_MAX lines each. */
  counts: { invalidEmails: number; duplicatesInFile: number; badValues: number };
  /** The attribute columns whose values were checked against a question's options. */
  checkedQuestions: string[];
  /**
   * Design weights that one row of the file holds and no other, on a panel an anonymous wave
   * invites: such a weight, copied into the response, would identify whose response it is.
   */
  loneWeights?: { anonymousWaves: string[]; count: number; examples: number[] };
}

export interface PanelImport {
  id: string;
  surveyId: string;
  panelId: string;
  fileName?: string;
  format: 'csv' | 'xlsx';
  status: ImportStatus;
  rowsRead: number;
  /** Staged rows written to the panel so far, while applying. */
  rowsApplied: number;
  bytesRead: number;
  totalBytes?: number;
  report?: ImportReport;
  failure?: { message: string; code: string };
  startedAt: Date;
  /** A confirmation claimed it: members may be written, so it can be confirmed again but not cancelled. */
  applyStarted: boolean;
  appliedAt?: Date;
  expiresAt: Date;
}

export interface StartedImport {
  importId: string;
  /** Settles when the file is read (or failed: the import then says why); never rejects. */
  reading: Promise<PanelImport>;
}

export interface StartImportInput {
  surveyId: string;
  panelId: string;
  source: ImportSource;
  fileName?: string;
  /** The file's size, when known: the progress bar's end. */
  totalBytes?: number;
  /** Told after each staged batch, with the rows read so far (the command line's progress bar). */
  onProgress?: (progress: { rows: number; bytes: number }) => void;
  maxRows?: number;
}

function emptyReport(columns: ImportColumns): ImportReport {
  return {
    rows: 0,
    add: 0,
    update: 0,
    unchanged: 0,
    skip: 0,
    invalidEmails: [],
    duplicatesInFile: [],
    unknownColumns: columns.unknownColumns,
    ignoredColumns: columns.ignoredColumns,
    badValues: [],
    counts: { invalidEmails: 0, duplicatesInFile: 0, badValues: 0 },
    checkedQuestions: columns.checkedQuestions,
  };
}

function listed<T>(list: T[], item: T): void {
  if (list.length < REPORT_LIST_MAX) list.push(item);
}

/** Weights a report names as held by one member only: enough to find them in the file. */
const LONE_WEIGHTS_SHOWN = 10;

/**
 * The weights of the file that only one row holds, when an anonymous wave invites this panel
 * (docs/design-weights.md); undefined otherwise. The file's rows, not the whole panel: a file is
 * most often the panel, and this costs nothing more than the count kept while reading.
 */
async function findLoneWeights(surveyId: string, panelId: string, weightCounts: Map<number, number>): Promise<ImportReport['loneWeights']> {
  const lone = [...weightCounts].filter(([, count]) => count === 1).map(([weight]) => weight);
  if (lone.length === 0) return undefined;
  const anonymousWaves = (await listWaves(surveyId)).filter((wave) => wave.panelId === panelId && wave.anonymous).map((wave) => wave.waveId);
  if (anonymousWaves.length === 0) return undefined;
  return { anonymousWaves, count: lone.length, examples: lone.sort((a, b) => a - b).slice(0, LONE_WEIGHTS_SHOWN) };
}

type StoredImport = {
  _id: unknown;
  surveyId: string;
  panelId: string;
  fileName?: string | null;
  format: 'csv' | 'xlsx';
  status: ImportStatus;
  progress?: { rows?: number | null; bytes?: number | null; applied?: number | null; at?: Date | null } | null;
  totalBytes?: number | null;
  report?: unknown;
  failure?: { message?: string | null; code?: string | null } | null;
  startedAt: Date;
  applyStartedAt?: Date | null;
  appliedAt?: Date | null;
  expiresAt: Date;
};

function toImport(doc: StoredImport, now: Date): PanelImport {
  const silent = hasStalled(doc.progress?.at ?? doc.startedAt, now);
  const stalled = doc.status === 'reading' && silent;
  // Its process died while writing: confirming again finishes the job.
  const applyStalled = doc.status === 'applying' && silent;
  return {
    id: String(doc._id),
    surveyId: doc.surveyId,
    panelId: doc.panelId,
    ...(doc.fileName ? { fileName: doc.fileName } : {}),
    format: doc.format,
    status: stalled || applyStalled ? 'failed' : doc.status,
    rowsRead: doc.progress?.rows ?? 0,
    rowsApplied: doc.progress?.applied ?? 0,
    bytesRead: doc.progress?.bytes ?? 0,
    ...(doc.totalBytes ? { totalBytes: doc.totalBytes } : {}),
    ...(doc.report ? { report: doc.report as ImportReport } : {}),
    ...(stalled
      ? { failure: { message: 'Reading the file stopped (the server restarted?): upload it again', code: 'import_interrupted' } }
      : applyStalled
        ? { failure: { message: 'Saving the members stopped (the server restarted?): confirm again to finish', code: 'apply_interrupted' } }
      : doc.failure?.message
        ? { failure: { message: doc.failure.message, code: doc.failure.code ?? 'import_failed' } }
        : {}),
    startedAt: doc.startedAt,
    applyStarted: Boolean(doc.applyStartedAt),
    ...(doc.appliedAt ? { appliedAt: doc.appliedAt } : {}),
    expiresAt: doc.expiresAt,
  };
}

export function createPanelImports({ catalog, logger, clock }: { catalog: SurveyCatalog; logger: Logger; clock: Clock }) {
  /**
   * Reads the header (refusing at once a file that is not UTF-8 at its start, has no email column
   * or is empty), then stages the rows in the background: `reading` settles when they are.
   */
  async function startImport(input: StartImportInput, actor: AuditActor): Promise<StartedImport> {
    const { surveyId, panelId } = input;
    await requirePanel(surveyId, panelId);
    const definition = catalog.require(surveyId).definition;
    const counter: ByteCounter = { bytes: 0 };
    const rows = readTableRows(input.source, counter);
    let columns: ImportColumns;
    try {
      const header = await rows.next();
      if (header.done) throw new UnprocessableError('The file is empty: its first line names the columns (email, name, language, …)', undefined, 'empty_file');
      columns = mapColumns(header.value.cells, definition);
    } catch (error) {
      await rows.return(undefined);
      throw error;
    }
    const now = clock.now();
    const doc = await PanelImportModel.create({
      surveyId,
      panelId,
      ...(input.fileName ? { fileName: input.fileName.slice(0, 200) } : {}),
      format: input.source.format,
      ...(input.totalBytes ? { totalBytes: input.totalBytes } : {}),
      status: 'reading',
      progress: { rows: 0, at: now },
      ...(actor.actorEmail ? { createdBy: actor.actorEmail } : {}),
      startedAt: now,
      expiresAt: new Date(now.getTime() + STAGED_LIFETIME_MS),
      purgeAt: purgeAfter(STAGED_LIFETIME_MS),
    });
    const importId = String(doc._id);
    const reading = stageRows(importId, rows, counter, columns, memberLanguages(definition.languages), input);
    return { importId, reading };
  }

  async function stageRows(importId: string, rows: AsyncGenerator<TableRow>, counter: ByteCounter, columns: ImportColumns, languages: string[], input: StartImportInput): Promise<PanelImport> {
    const { surveyId, panelId } = input;
    const maxRows = input.maxRows ?? MAX_IMPORT_ROWS;
    const report = emptyReport(columns);
    const purgeAt = purgeAfter(STAGED_LIFETIME_MS);
    // The first line of each address kept: the later ones are listed as duplicates.
    const firstLines = new Map<string, number>();
    // How many rows hold each weight, for findLoneWeights.
    const weightCounts = new Map<number, number>();
    let batch: Array<{ line: number; member: MemberRow }> = [];

    async function flush(): Promise<void> {
      const members = batch;
      batch = [];
      if (members.length) {
        const stored = await PanelMemberModel.find({ surveyId, panelId, emailKey: { $in: members.map((m) => m.member.emailKey) } }, { emailKey: 1, name: 1, language: 1, weight: 1, attributes: 1 }).lean();
        const byKey = new Map(stored.map((doc) => [doc.emailKey, doc]));
        const staged = members.map(({ line, member }) => {
          const existing = byKey.get(member.emailKey);
          const action = !existing ? 'add' : changesMember(member, existing) ? 'update' : 'unchanged';
          report[action] += 1;
          return { importId, line, action, ...member, purgeAt };
        });
        await PanelImportRowModel.insertMany(staged, { lean: true });
      }
      // A cancelled import stops being read.
      const still = await PanelImportModel.updateOne({ _id: importId, status: 'reading' }, { $set: { 'progress.rows': report.rows, 'progress.bytes': counter.bytes, 'progress.at': clock.now() } });
      if (still.matchedCount === 0) throw new ConflictError('The import was cancelled', 'import_cancelled');
      input.onProgress?.({ rows: report.rows, bytes: counter.bytes });
    }

    try {
      for await (const { line, cells } of rows) {
        if (isBlankRow(cells)) continue;
        report.rows += 1;
        if (report.rows > maxRows) {
          throw new UnprocessableError(`The file has more than ${maxRows.toLocaleString('en')} rows, the most an import takes: split it in parts`, undefined, 'too_many_rows');
        }
        const checked = checkRow(cells, columns, languages);
        if (checked.kind === 'invalid_email') {
          report.skip += 1;
          report.counts.invalidEmails += 1;
          listed(report.invalidEmails, { line, value: checked.value });
        } else if (checked.kind === 'bad_values') {
          report.skip += 1;
          report.counts.badValues += checked.badValues.length;
          for (const bad of checked.badValues) listed(report.badValues, { line, email: checked.email, ...bad });
        } else {
          const firstLine = firstLines.get(checked.member.emailKey);
          if (firstLine !== undefined) {
            report.skip += 1;
            report.counts.duplicatesInFile += 1;
            listed(report.duplicatesInFile, { line, email: checked.member.email, firstLine });
          } else {
            firstLines.set(checked.member.emailKey, line);
            batch.push({ line, member: checked.member });
            const { weight } = checked.member;
            if (weight !== undefined) weightCounts.set(weight, (weightCounts.get(weight) ?? 0) + 1);
          }
        }
        if (batch.length >= BATCH_ROWS || report.rows % BATCH_ROWS === 0) await flush();
      }
      await flush();
      const loneWeights = await findLoneWeights(surveyId, panelId, weightCounts);
      if (loneWeights) report.loneWeights = loneWeights;
      const done = await PanelImportModel.findOneAndUpdate({ _id: importId, status: 'reading' }, { $set: { status: 'ready', report, 'progress.rows': report.rows, 'progress.at': clock.now() } }, { returnDocument: 'after' }).lean<StoredImport>();
      if (!done) throw new ConflictError('The import was cancelled', 'import_cancelled');
      return toImport(done, clock.now());
    } catch (error) {
      await rows.return(undefined).catch(() => undefined);
      return failReading(importId, error);
    }
  }

  /** The import says why it failed, and its staged rows go: nothing of it can be applied. */
  async function failReading(importId: string, error: unknown): Promise<PanelImport> {
    const expected = error instanceof AppError && error.expected;
    if (!expected) logger.error({ err: error, importId }, 'panel import failed while reading');
    const failure = expected ? { message: error.message, code: error.code } : { message: 'The file could not be read (the error is in the server log)', code: 'import_failed' };
    await PanelImportRowModel.deleteMany({ importId });
    const doc = await PanelImportModel.findOneAndUpdate({ _id: importId, status: 'reading' }, { $set: { status: 'failed', failure } }, { returnDocument: 'after' }).lean<StoredImport>();
    return toImport(doc ?? (await PanelImportModel.findById(importId).lean<StoredImport>())!, clock.now());
  }

  async function requireImport(surveyId: string, panelId: string, importId: string): Promise<PanelImport> {
    const doc = isValidObjectId(importId) ? await PanelImportModel.findOne({ _id: importId, surveyId, panelId }).lean<StoredImport>() : null;
    if (!doc) throw new NotFoundError(`Panel ${panelId} has no import ${importId}`, 'import_not_found');
    return toImport(doc, clock.now());
  }

  /** Writes the staged rows the report counts as added or updated, in batches of upserts by address. */
  async function applyRows(surveyId: string, panelId: string, importId: string): Promise<{ added: number; updated: number }> {
    let added = 0;
    let updated = 0;
    let applied = 0;
    let ops: AnyBulkWriteOperation[] = [];
    const write = async () => {
      if (!ops.length) return;
      const result = await PanelMemberModel.bulkWrite(ops, { ordered: false });
      added += result.upsertedCount;
      updated += result.modifiedCount;
      applied += ops.length;
      await PanelImportModel.updateOne({ _id: importId }, { $set: { 'progress.applied': applied, 'progress.at': clock.now() } });
      ops = [];
    };
    const cursor = PanelImportRowModel.find({ importId, action: { $in: ['add', 'update'] } }).sort({ action: 1, line: 1 }).lean().cursor();
    for await (const row of cursor) {
      const attributes = Object.entries((row.attributes ?? {}) as Record<string, string>).map(([key, value]) => [`attributes.${key}`, value]);
      ops.push({
        updateOne: {
          filter: { surveyId, panelId, emailKey: row.emailKey },
          // Only what the file gives is set: no unsubscribe or bounce is ever cleared by an import.
          update: {
            $set: { ...(row.name ? { name: row.name } : {}), ...(row.language ? { language: row.language } : {}), ...(row.weight ? { weight: row.weight } : {}), ...Object.fromEntries(attributes) },
            $setOnInsert: { surveyId, panelId, email: row.email, emailKey: row.emailKey },
          },
          upsert: true,
        },
      });
      if (ops.length >= BATCH_ROWS) await write();
    }
    await write();
    return { added, updated };
  }

  /**
   * Claims the import for applying (refused unless it is ready, or its applying stalled) and
   * applies it in the background: `applying` settles when every staged row is written. The
   * console answers at once and shows the progress; the API and the command line wait.
   */
  async function startConfirm(surveyId: string, panelId: string, importId: string, actor: AuditActor): Promise<{ applying: Promise<PanelImport> }> {
    const current = await requireImport(surveyId, panelId, importId);
    const now = clock.now();
    const resumable = current.status === 'failed' && current.failure?.code === 'apply_interrupted';
    if (current.status === 'applied') throw new ConflictError('This import was already applied', 'import_applied');
    if (current.status === 'reading') throw new ConflictError('The file is still being read: confirm once its report is shown', 'import_not_ready');
    if (current.status !== 'ready' && !resumable) throw new ConflictError(`This import is ${current.status}: upload the file again`, 'import_not_ready');
    if (current.expiresAt.getTime() <= now.getTime()) throw new GoneError('This import has expired: upload the file again', 'import_expired');
    // One confirmation applies it: a second click or a second process finds it no longer ready.
    // An apply whose process died (no progress for a while) may be claimed again: the upserts
    // are idempotent, so applying twice writes the same members.
    const claimed = await PanelImportModel.updateOne(
      { _id: importId, $or: [{ status: 'ready' }, { status: 'applying', 'progress.at': { $lt: stalledBefore(now) } }] },
      { $set: { status: 'applying', 'progress.applied': 0, 'progress.at': now }, $min: { applyStartedAt: now }, $unset: { failure: 1 } },
    );
    if (claimed.modifiedCount === 0) throw new ConflictError('This import is being applied or was applied', 'import_applied');
    return { applying: applyImport(current, actor) };
  }

  async function applyImport(current: PanelImport, actor: AuditActor): Promise<PanelImport> {
    const { surveyId, panelId, id: importId } = current;
    let written: { added: number; updated: number };
    try {
      written = await applyRows(surveyId, panelId, importId);
    } catch (error) {
      // Confirming again finishes the job: the rows already written are written the same way. The
      // page says why it is back to its report (the error itself is in the server log).
      const failure = { message: 'Saving the members stopped before the end (the error is in the server log): confirm again to finish', code: 'apply_failed' };
      await PanelImportModel.updateOne({ _id: importId, status: 'applying' }, { $set: { status: 'ready', failure } });
      throw error;
    }
    const appliedAt = clock.now();
    const doc = await PanelImportModel.findOneAndUpdate(
      { _id: importId },
      { $set: { status: 'applied', appliedAt, expiresAt: new Date(appliedAt.getTime() + APPLIED_LIFETIME_MS), purgeAt: purgeAfter(APPLIED_LIFETIME_MS) } },
      { returnDocument: 'after' },
    ).lean<StoredImport>();
    await PanelImportRowModel.deleteMany({ importId });
    const report = current.report!;
    await recordAudit(
      {
        ...actor,
        action: 'panel_imported',
        surveyId,
        target: panelId,
        details: { importId, fileName: current.fileName, rows: report.rows, add: report.add, update: report.update, unchanged: report.unchanged, skip: report.skip, written },
      },
      logger,
    );
    return toImport(doc!, appliedAt);
  }

  /** Applies exactly the rows of the report the organizer saw, and answers once they are written. */
  async function confirmImport(surveyId: string, panelId: string, importId: string, actor: AuditActor): Promise<PanelImport> {
    return (await startConfirm(surveyId, panelId, importId, actor)).applying;
  }

  /** Drops an import not applied yet, and its staged rows; a reading one stops at its next batch. */
  async function cancelImport(surveyId: string, panelId: string, importId: string): Promise<PanelImport> {
    const current = await requireImport(surveyId, panelId, importId);
    // Once a confirmation claimed it, members may be written (a saving that failed half-way leaves
    // it ready, to be confirmed again): cancelling would leave the panel half-imported.
    if (current.status === 'applied' || current.applyStarted) throw new ConflictError('This import was applied: it cannot be cancelled', 'import_applied');
    // Conditional, since a confirmation may have claimed it since it was read: the staged rows go
    // only once this call has cancelled it, never from under an apply.
    const cancelled = await PanelImportModel.updateOne({ _id: importId, status: { $in: ['reading', 'ready', 'failed'] }, applyStartedAt: { $exists: false } }, { $set: { status: 'cancelled' } });
    if (cancelled.modifiedCount === 0) {
      const latest = await requireImport(surveyId, panelId, importId);
      if (latest.status === 'cancelled') return latest;
      throw new ConflictError('This import was confirmed meanwhile: it cannot be cancelled', 'import_applied');
    }
    await PanelImportRowModel.deleteMany({ importId });
    return requireImport(surveyId, panelId, importId);
  }

  /** The panel's latest imports, newest first. */
  async function listImports(surveyId: string, panelId: string, limit = 5): Promise<PanelImport[]> {
    const docs = await PanelImportModel.find({ surveyId, panelId }, { report: 0 }).sort({ startedAt: -1 }).limit(limit).lean<StoredImport[]>();
    const now = clock.now();
    return docs.map((doc) => toImport(doc, now));
  }

  return { startImport, requireImport, listImports, startConfirm, confirmImport, cancelImport };
}

export type PanelImports = ReturnType<typeof createPanelImports>;
