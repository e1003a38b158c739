import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// One respondent's answers to one wave of one survey. A partial response is saved on every page,
// so nothing typed is lost; `status` turns to complete exactly once, at the final submit.
const responseSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    /** The definition version that was answered, so results know which wording was shown. */
    fingerprint: { type: String, required: true },
    /**
     * partial until the last page; complete exactly once; screened_out when a full quota cell
     * turned the respondent away; voided when an organizer removed it from the figures (what it
     * was before is in `voided.previousStatus`). Only complete responses are counted.
     */
    status: { type: String, enum: ['partial', 'complete', 'screened_out', 'voided'], required: true, default: 'partial' },
    /** Taken by an organizer in preview: never counted in a figure, export or count. */
    test: { type: Boolean },
    /** Why and by whom it was voided: { at, by, reason, previousStatus } (response.service.ts). */
    voided: { type: Schema.Types.Mixed },
    /** The quota cell that was full when the respondent was screened out: { at, questionId, optionId }. */
    screenedOut: { type: Schema.Types.Mixed },
    /** An imported record's identity (its response_id or external_id, or a hash of its content). */
    importKey: { type: String },
    /**
     * The design weight (a positive number): the inverse of the respondent's selection probability,
     * from an import's `weight` or their panel member's. Absent means 1. Calibration (post-
     * stratification, raking) starts from it (docs/design-weights.md).
     */
    weight: { type: Number },
    answers: { type: Schema.Types.Mixed, default: {} },
    otherTexts: { type: Schema.Types.Mixed, default: {} },
    language: { type: String, required: true },
    source: { type: String, enum: ['web', 'import'], required: true, default: 'web' },
    /**
     * The invitation the respondent came in by, in an identified panel wave only: an anonymous
     * wave's responses hold no member or invitation id (docs/decisions/0008).
     */
    invitationId: { type: String },
    /**
     * Questions answered before the respondent saw them, from their panel member's known attributes
     * (company_size...): stored as answers at the start, and never shown to them.
     */
    prefilled: { type: [String], default: undefined },
    /** sha256 of the respondent's resume token; the token itself is only in their cookie/link. */
    resumeTokenHash: { type: String },
    consentedAt: { type: Date },
    lastPageId: { type: String },
    startedAt: { type: Date, required: true },
    completedAt: { type: Date },
    /** Bumped on every change, so the live tallies can tell an edit from a replay. */
    revision: { type: Number, required: true, default: 0 },
    /**
     * Set, to the time of the change, by the write that changes what this response counts for
     * (completion, edit, void), and cleared once every follower (tallies, quotas, activity) has run:
     * one left behind by a crash sends the counter sweep to rebuild the wave (completion-hooks.ts).
     */
    followersPending: { type: Date },
  },
  { timestamps: { createdAt: false, updatedAt: 'updatedAt' }, collection: 'responses', minimize: false },
);
responseSchema.index({ surveyId: 1, waveId: 1, status: 1 });
responseSchema.index({ resumeTokenHash: 1 }, { unique: true, sparse: true });
// The counter sweep's "which changes were never followed?": only marked responses are in it, a
// handful at any time whatever the number of responses.
responseSchema.index({ followersPending: 1 }, { partialFilterExpression: { followersPending: { $exists: true } } });
// Importing the same record twice is refused: its key is already there.
responseSchema.index({ surveyId: 1, importKey: 1 }, { unique: true, partialFilterExpression: { importKey: { $exists: true } } });

export type ResponseDocument = InferSchemaType<typeof responseSchema>;
export const ResponseModel = mongoose.model('Response', responseSchema);
