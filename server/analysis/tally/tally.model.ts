import mongoose, { Schema } from 'mongoose';

// Live counters: one document per survey, wave, segment and question, whose `c` holds the counts
// by key (see contribution.ts). A completed response is one $inc per question; reading a wave's
// figures reads a few dozen small documents, whatever the number of responses. `k` holds the same
// counts split by weighting cell (cell-tallies.ts): k.<cell>.n is Σv by key, and .w and .s what the
// design weight d adds to it, Σ(d − 1)·v and Σ(d² − 1)·v (absent while every d is 1). They ride in the same $inc as `c`: more fields in one update
// cost the respondent's path far less than more documents would.
const tallySchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    /** "all", or "<question>=<option>" for a segment such as company_size=tpe. */
    segment: { type: String, required: true },
    questionId: { type: String, required: true },
    c: { type: Schema.Types.Mixed, default: {} },
    k: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'tallies', minimize: false, versionKey: false },
);
tallySchema.index({ surveyId: 1, waveId: 1, segment: 1, questionId: 1 }, { unique: true });

export const TallyModel = mongoose.model('Tally', tallySchema);
