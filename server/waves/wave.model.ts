import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// A wave is one edition of a survey (e.g. CAP-TIC "2011-03"); every response belongs to one, so
// results can be compared over time. Panels, invitations and quotas hang off it later.
const waveSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true, match: /^[A-Za-z0-9][A-Za-z0-9_-]*$/ },
    label: { type: Schema.Types.Mixed },
    status: { type: String, enum: ['draft', 'open', 'closed'], required: true, default: 'draft' },
    fieldStart: { type: String },
    fieldEnd: { type: String },
    /** How the wave's figures are weighted, when asked for weighted figures (see analysis/weighting). */
    weighting: { type: Schema.Types.Mixed },
    openedAt: { type: Date },
    closedAt: { type: Date },
  },
  { timestamps: true, collection: 'waves' },
);
waveSchema.index({ surveyId: 1, waveId: 1 }, { unique: true });
// The two reads that resolve a survey's `current` wave (server/waves/wave.service.ts).
waveSchema.index({ surveyId: 1, status: 1, openedAt: -1, createdAt: -1 });
waveSchema.index({ surveyId: 1, createdAt: -1 });

export type WaveDocument = InferSchemaType<typeof waveSchema>;
export const WaveModel = mongoose.model('Wave', waveSchema);
