import mongoose, { Schema } from 'mongoose';

// Live counters: one document per survey, wave, segment and question, whose `c` holds the counts
// by key (see contribution.ts). A completed response is one $inc per question; reading a wave's
// figures reads a few dozen small documents, whatever the number of responses.
const tallySchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    /** "all", or "<question>=<option>" for a segment such as company_size=tpe. */
    segment: { type: String, required: true },
    questionId: { type: String, required: true },
    c: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'tallies', minimize: false, versionKey: false },
);
tallySchema.index({ surveyId: 1, waveId: 1, segment: 1, questionId: 1 }, { unique: true });

export const TallyModel = mongoose.model('Tally', tallySchema);
