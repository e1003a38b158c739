// The live counters of a wave set against a recompute from its stored responses, read straight
// from a database (the test's own, or a child app's store): every segment's plain counts, the
// counts by weighting cell added up, the activity's completes. Answers what differs, empty when
// nothing does.
import type { Db } from 'mongodb';
import { tallyResponses } from '../../../server/analysis/figures/figures.service';
import { segmentsOf } from '../../../server/analysis/tally/tally.service';
import { segmentQuestionsOf } from '../../../server/analysis/tally/tally.hooks';
import type { Contribution } from '../../../server/analysis/tally/contribution';
import type { TSurveyDefinition } from '../../../server/surveys/survey.schemas';
import type { TAnswers } from '../../../server/surveys/answers';

type Counts = Record<string, Record<string, number>>;

function sortedCounts(tally: Contribution | Map<string, Record<string, number>>): Counts {
  const out: Counts = {};
  for (const [question, counts] of [...tally].sort(([a], [b]) => a.localeCompare(b))) {
    const nonZero = Object.entries(counts).filter(([, v]) => Math.abs(v) > 1e-9).sort(([a], [b]) => a.localeCompare(b));
    if (nonZero.length) out[question] = Object.fromEntries(nonZero);
  }
  return out;
}

interface TallyDoc {
  segment: string;
  questionId: string;
  c?: Record<string, number>;
  k?: Record<string, { n?: Record<string, number> }>;
}

/** The differences between a wave's live counters and a recompute from its complete responses. */
export async function countersVersusRecompute(db: Db, definition: TSurveyDefinition, waveId: string): Promise<string[]> {
  const surveyId = definition.id;
  const responses = await db.collection<{ _id: unknown; answers?: TAnswers }>('responses').find({ surveyId, waveId, status: 'complete', test: { $ne: true } }).toArray();
  const answered = responses.map((r) => ({ id: String(r._id), answers: r.answers ?? {} }));
  const docs = await db.collection<TallyDoc>('tallies').find({ surveyId, waveId }).toArray();
  const segmentQuestions = segmentQuestionsOf(definition);
  const segments = new Set([...answered.flatMap((r) => segmentsOf(r.answers, segmentQuestions)), ...docs.map((doc) => doc.segment)]);
  const differences: string[] = [];
  for (const segment of segments) {
    const members = answered.filter((r) => segmentsOf(r.answers, segmentQuestions).includes(segment));
    const expected = JSON.stringify(sortedCounts(tallyResponses(definition, members).counts));
    const ofSegment = docs.filter((doc) => doc.segment === segment);
    const plain = JSON.stringify(sortedCounts(new Map(ofSegment.map((doc) => [doc.questionId, doc.c ?? {}]))));
    if (plain !== expected) differences.push(`segment ${segment}: counters ${plain}, recompute ${expected}`);
    const cellSums = new Map(ofSegment.map((doc) => {
      const sum: Record<string, number> = {};
      for (const cell of Object.values(doc.k ?? {})) for (const [key, n] of Object.entries(cell.n ?? {})) sum[key] = (sum[key] ?? 0) + n;
      return [doc.questionId, sum];
    }));
    const cells = JSON.stringify(sortedCounts(cellSums));
    if (cells !== expected) differences.push(`segment ${segment}: cells add up to ${cells}, recompute ${expected}`);
  }
  const activity = await db.collection<{ completes?: number }>('wave_activity').findOne({ surveyId, waveId });
  if ((activity?.completes ?? 0) !== responses.length) differences.push(`activity: ${activity?.completes ?? 0} completes, ${responses.length} stored`);
  return differences;
}
