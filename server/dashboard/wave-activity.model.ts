import mongoose, { Schema } from 'mongoose';

// A wave's completes counted as they happen, for the dashboard's header: the total, the completes
// of each day in the survey's time zone ("2026-03-10" → 42) and the time of the last one. Kept by
// the response hooks like the tallies, so the header costs one small read at any number of
// responses; rebuilt from the responses by `npm run tallies:rebuild`.
const waveActivitySchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    completes: { type: Number, required: true, default: 0 },
    days: { type: Schema.Types.Mixed, default: {} },
    lastCompletedAt: { type: Date },
  },
  { collection: 'wave_activity', minimize: false, versionKey: false },
);
waveActivitySchema.index({ surveyId: 1, waveId: 1 }, { unique: true });

export const WaveActivityModel = mongoose.model('WaveActivity', waveActivitySchema);
