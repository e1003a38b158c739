import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// One respondent's answers to one wave of one survey. A partial response is saved on every page,
// so nothing typed is lost; `status` turns to complete exactly once, at the final submit.
const responseSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    /** The definition version that was answered, so results know which wording was shown. */
    fingerprint: { type: String, required: true },
    status: { type: String, enum: ['partial', 'complete'], required: true, default: 'partial' },
    answers: { type: Schema.Types.Mixed, default: {} },
    otherTexts: { type: Schema.Types.Mixed, default: {} },
    language: { type: String, required: true },
    source: { type: String, enum: ['web', 'import'], required: true, default: 'web' },
    /** sha256 of the respondent's resume token; the token itself is only in their cookie/link. */
    resumeTokenHash: { type: String },
    consentedAt: { type: Date },
    lastPageId: { type: String },
    startedAt: { type: Date, required: true },
    completedAt: { type: Date },
    /** Bumped on every change, so the live tallies can tell an edit from a replay. */
    revision: { type: Number, required: true, default: 0 },
  },
  { timestamps: { createdAt: false, updatedAt: 'updatedAt' }, collection: 'responses', minimize: false },
);
responseSchema.index({ surveyId: 1, waveId: 1, status: 1 });
responseSchema.index({ resumeTokenHash: 1 }, { unique: true, sparse: true });

export type ResponseDocument = InferSchemaType<typeof responseSchema>;
export const ResponseModel = mongoose.model('Response', responseSchema);
