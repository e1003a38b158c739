import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// A panel import waits here between the upload and the organizer's confirmation: the report is
// shown first and nothing reaches panel_members until it is confirmed (panel-import.service.ts).
// Both collections are emptied by the store itself (a TTL index on purgeAt), so an import never
// confirmed leaves nothing behind. The store's TTL runs on the wall clock, so purgeAt is a wall-clock
// time; whether an import may still be confirmed is the app's rule, on the app's clock (expiresAt):
// a test clock set years back must not see its imports swept away the moment they are made.
const panelImportSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    panelId: { type: String, required: true },
    fileName: { type: String },
    format: { type: String, enum: ['csv', 'xlsx'], required: true },
    /** reading (in the background) → ready (report shown) → applying (in the background) → applied; or failed / cancelled. */
    status: { type: String, enum: ['reading', 'ready', 'applying', 'applied', 'failed', 'cancelled'], required: true },
    /** Rows read so far, and when the reader last said so (a reader that stopped saying is dead). */
    progress: {
      rows: { type: Number, required: true, default: 0 },
      bytes: { type: Number, default: 0 },
      /** Staged rows written to the panel, while applying. */
      applied: { type: Number, default: 0 },
      at: { type: Date },
    },
    /** The file's size when known (an upload; an API body with a Content-Length), for the progress bar. */
    totalBytes: { type: Number },
    report: { type: Schema.Types.Mixed },
    /** Why reading failed, as shown to the organizer; and its code. */
    failure: { message: { type: String }, code: { type: String } },
    createdBy: { type: String },
    startedAt: { type: Date, required: true },
    /** When a confirmation first claimed it: from then on some members may be written, so it cannot be cancelled. */
    applyStartedAt: { type: Date },
    appliedAt: { type: Date },
    /** After this (app clock), confirming is refused. */
    expiresAt: { type: Date, required: true },
    /** When the store deletes the record (wall clock, TTL). */
    purgeAt: { type: Date, required: true },
  },
  { timestamps: false, collection: 'panel_imports', minimize: false },
);
panelImportSchema.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });
panelImportSchema.index({ surveyId: 1, panelId: 1, startedAt: -1 });

export type PanelImportDocument = InferSchemaType<typeof panelImportSchema>;
export const PanelImportModel = mongoose.model('PanelImport', panelImportSchema);

// One valid row of an import, as it will be written when confirmed: what the file gives (empty
// cells are left out: they never clear a stored value) and whether it adds, updates or leaves a
// member as is. Rows are staged here as they are read, so a 100,000-row file is never held whole.
const panelImportRowSchema = new Schema(
  {
    importId: { type: String, required: true },
    line: { type: Number, required: true },
    action: { type: String, enum: ['add', 'update', 'unchanged'], required: true },
    email: { type: String, required: true },
    emailKey: { type: String, required: true },
    name: { type: String },
    language: { type: String },
    attributes: { type: Schema.Types.Mixed, default: {} },
    weight: { type: Number },
    /** When the store deletes the row (wall clock, TTL), with its import. */
    purgeAt: { type: Date, required: true },
  },
  { timestamps: false, collection: 'panel_import_rows', minimize: false },
);
panelImportRowSchema.index({ importId: 1, action: 1, line: 1 });
panelImportRowSchema.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });

export type PanelImportRowDocument = InferSchemaType<typeof panelImportRowSchema>;
export const PanelImportRowModel = mongoose.model('PanelImportRow', panelImportRowSchema);
