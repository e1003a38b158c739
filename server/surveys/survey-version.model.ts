import mongoose, { Schema } from 'mongoose';

// Every definition version that was ever served or uploaded, by fingerprint, so that a wave can
// pin the one its respondents answer, and a codebook and an export can always say what wording a
// response answered, even after the file changed. Versions are never changed; one is deleted
// only when no wave pins it and no response refers to it.
const surveyVersionSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    fingerprint: { type: String, required: true },
    definition: { type: Schema.Types.Mixed, required: true },
    firstSeenAt: { type: Date, required: true },
    /** Where it came from: a file in SURVEYS_DIR at boot, or an upload in the console. */
    source: { type: String, enum: ['file', 'upload'] },
    /** The file's name, as the server or the uploader's browser gave it. */
    fileName: { type: String },
    /** The account that uploaded it. */
    uploadedBy: { type: String },
  },
  { collection: 'survey_versions', minimize: false },
);
surveyVersionSchema.index({ surveyId: 1, fingerprint: 1 }, { unique: true });

export const SurveyVersionModel = mongoose.model('SurveyVersion', surveyVersionSchema);
