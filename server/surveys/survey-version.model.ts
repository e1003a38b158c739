import mongoose, { Schema } from 'mongoose';

// Every definition version that was ever served, by fingerprint, so that a codebook and an
// export can always say what wording a response answered, even after the file changed.
const surveyVersionSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    fingerprint: { type: String, required: true },
    definition: { type: Schema.Types.Mixed, required: true },
    firstSeenAt: { type: Date, required: true },
  },
  { collection: 'survey_versions', minimize: false },
);
surveyVersionSchema.index({ surveyId: 1, fingerprint: 1 }, { unique: true });

export const SurveyVersionModel = mongoose.model('SurveyVersion', surveyVersionSchema);
