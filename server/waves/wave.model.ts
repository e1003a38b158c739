import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// A wave is one edition of a survey (e.g. CAP-TIC "2011-03"); every response belongs to one, so
// results can be compared over time. `status` is what the organizer decided; whether the wave
// takes answers right now also depends on its field dates and the clock (wave-phase.ts).
const quotaSchema = new Schema(
  {
    /** A single-choice question of the wave's definition, e.g. company_size. */
    questionId: { type: String, required: true },
    /** One of its options: the quota cell, e.g. tpe. */
    optionId: { type: String, required: true },
    /** Completes wanted in the cell; once reached, new respondents of the cell are screened out. */
    limit: { type: Number, required: true, min: 0 },
  },
  { _id: false },
);

const editorialChangeSchema = new Schema(
  {
    /** What changed wording: "question:<id>" or "option:<question id>.<option id>". */
    ref: { type: String, required: true },
    markedBy: { type: String },
    markedAt: { type: Date, required: true },
  },
  { _id: false },
);

const waveSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true, match: /^[A-Za-z0-9][A-Za-z0-9_-]*$/ },
    label: { type: Schema.Types.Mixed },
    status: { type: String, enum: ['draft', 'scheduled', 'open', 'closed'], required: true, default: 'draft' },
    /** The definition version respondents answer (survey_versions), pinned when the wave is made. */
    fingerprint: { type: String },
    /** When the wave opens and closes (UTC); shown in the survey's time zone. */
    opensAt: { type: Date },
    closesAt: { type: Date },
    /** Minutes after closing during which a response already started may still be finished. */
    graceMinutes: { type: Number, min: 0, default: 60 },
    /** How respondents reach the survey: anyone with the link, or invited panel members only. */
    accessMode: { type: String, enum: ['open', 'panel'], default: 'open' },
    /** The panel (panels.panelId) whose members a panel wave invites. */
    panelId: { type: String },
    /** Responses of a panel wave are not linkable to members: only "has completed" is kept (invitation.model.ts). */
    anonymous: { type: Boolean, default: false },
    /** Completes the organizer aims for, shown against progress. */
    targetSample: { type: Number, min: 0 },
    quotas: { type: [quotaSchema], default: [] },
    /** Days after the invitation when reminders go to those who have not completed (panels). */
    reminderDays: { type: [Number], default: [] },
    /** The wave whose settings this one started from. */
    copiedFrom: { type: String },
    /**
     * Wording changes against the previous wave's version that the organizer marked as editorial
     * (a typo): comparisons test across them instead of marking a break in series.
     */
    editorialChanges: { type: [editorialChangeSchema], default: [] },
    /** How the wave's figures are weighted, when asked for weighted figures (see analysis/weighting). */
    weighting: { type: Schema.Types.Mixed },
    openedAt: { type: Date },
    closedAt: { type: Date },
    createdBy: { type: String },
  },
  { timestamps: true, collection: 'waves' },
);
waveSchema.index({ surveyId: 1, waveId: 1 }, { unique: true });
// At most one wave of a survey is open by the organizer's decision; the service says which one
// when a second is asked for, and this index makes two concurrent openings unable to both succeed.
waveSchema.index({ surveyId: 1 }, { unique: true, partialFilterExpression: { status: 'open' }, name: 'one_open_wave_per_survey' });
// The reads that resolve a survey's `current` wave (server/waves/wave.service.ts).
waveSchema.index({ surveyId: 1, status: 1, openedAt: -1, createdAt: -1 });
waveSchema.index({ surveyId: 1, createdAt: -1 });

export type WaveDocument = InferSchemaType<typeof waveSchema>;
export const WaveModel = mongoose.model('Wave', waveSchema);
