import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// How many completes each quota cell of a wave holds, beside its limit, in one document per cell:
// the respondent path takes a place with one conditional increment on it (count < limit), which
// the database applies atomically, so concurrent last completes cannot overshoot. The limit is
// kept here, in step with the wave's quotas, so that condition needs no second read.
const quotaCounterSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    /** The quota question (single-choice), e.g. company_size. */
    questionId: { type: String, required: true },
    /** The cell: one of its options, e.g. tpe. */
    optionId: { type: String, required: true },
    /** Counted completes of the cell (test responses never; voided and erased ones given back). */
    count: { type: Number, required: true, min: 0, default: 0 },
    limit: { type: Number, required: true, min: 0 },
  },
  { collection: 'quota_counters', versionKey: false },
);
// One counter per cell; every read and write of the respondent path names all four fields.
quotaCounterSchema.index({ surveyId: 1, waveId: 1, questionId: 1, optionId: 1 }, { unique: true });

export type QuotaCounterDocument = InferSchemaType<typeof quotaCounterSchema>;
export const QuotaCounterModel = mongoose.model('QuotaCounter', quotaCounterSchema);
