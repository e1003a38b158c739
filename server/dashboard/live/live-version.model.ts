import mongoose, { Schema } from 'mongoose';

// Each wave's live version: a counter moved by every change to the wave's figures (a response
// completed, edited or deleted, a weighting change, a rebuild of the counters). Processes compare
// versions to know a dashboard is stale, without reading any figure.
const liveVersionSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    version: { type: Number, required: true, default: 0 },
    changedAt: { type: Date, required: true },
  },
  { collection: 'live_versions', versionKey: false },
);
liveVersionSchema.index({ surveyId: 1, waveId: 1 }, { unique: true });

export const LiveVersionModel = mongoose.model('LiveVersion', liveVersionSchema);
