// Keeps the live counters in step with complete responses, and reads them back.
import type { AnyBulkWriteOperation } from 'mongodb';
import type { TAnswers } from '../../surveys/answers';
import type { TSurveyDefinition } from '../../surveys/survey.schemas';
import { accumulate, contributionOf, type Contribution } from './contribution';
import { TallyModel } from './tally.model';
import { bumpLiveVersion } from '../../dashboard/live/live-version';

export const ALL_SEGMENT = 'all';

/** Segment names a response falls in: "all", plus one per segment question it answered. */
export function segmentsOf(answers: TAnswers, segmentQuestions: readonly string[]): string[] {
  const segments = [ALL_SEGMENT];
  for (const questionId of segmentQuestions) {
    const value = answers[questionId];
    if (typeof value === 'string') segments.push(`${questionId}=${value}`);
  }
  return segments;
}

export interface TallyTarget {
  definition: TSurveyDefinition;
  surveyId: string;
  waveId: string;
  segmentQuestions: readonly string[];
}

/** Adds (sign 1) or removes (sign −1) one complete response's counts. */
export async function applyToTallies(target: TallyTarget, answers: TAnswers, sign: 1 | -1): Promise<void> {
  const contribution = contributionOf(target.definition, answers);
  const operations: AnyBulkWriteOperation[] = [];
  for (const segment of segmentsOf(answers, target.segmentQuestions)) {
    for (const [questionId, counts] of contribution) {
      const inc: Record<string, number> = {};
      for (const [key, amount] of Object.entries(counts)) inc[`c.${key}`] = amount * sign;
      operations.push({
        updateOne: {
          filter: { surveyId: target.surveyId, waveId: target.waveId, segment, questionId },
          update: { $inc: inc },
          upsert: true,
        },
      });
    }
  }
  if (operations.length > 0) await TallyModel.collection.bulkWrite(operations, { ordered: false });
}

function withoutZeros(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, v]) => v !== 0));
}

/** The counters of one segment of a wave, as a Contribution (question id → key → count). */
export async function readTallies(surveyId: string, waveId: string, segment = ALL_SEGMENT): Promise<Contribution> {
  return (await readSegmentTallies(surveyId, waveId, [segment])).get(segment) ?? new Map();
}

/**
 * The counters of several segments of a wave in one query (a crosstab's columns and its total),
 * by segment; a segment nobody is in yet has an empty Contribution.
 */
export async function readSegmentTallies(surveyId: string, waveId: string, segments: readonly string[]): Promise<Map<string, Contribution>> {
  const wanted = [...new Set(segments)];
  const docs = await TallyModel.find({ surveyId, waveId, segment: { $in: wanted } }, { segment: 1, questionId: 1, c: 1, _id: 0 }).lean<Array<{ segment: string; questionId: string; c: Record<string, number> }>>();
  const bySegment = new Map<string, Contribution>(wanted.map((segment) => [segment, new Map()]));
  for (const doc of docs) {
    const counts = withoutZeros(doc.c ?? {});
    if (Object.keys(counts).length > 0) bySegment.get(doc.segment)?.set(doc.questionId, counts);
  }
  return bySegment;
}

/** Recomputes a wave's counters from its responses (after a crash, or a change of segments). */
export async function rebuildTallies(target: TallyTarget, responses: AsyncIterable<{ answers: TAnswers }> | Iterable<{ answers: TAnswers }>): Promise<number> {
  const bySegment = new Map<string, Contribution>();
  let count = 0;
  for await (const response of responses) {
    count += 1;
    const contribution = contributionOf(target.definition, response.answers);
    for (const segment of segmentsOf(response.answers, target.segmentQuestions)) {
      const into = bySegment.get(segment) ?? new Map();
      accumulate(into, contribution);
      bySegment.set(segment, into);
    }
  }
  await TallyModel.deleteMany({ surveyId: target.surveyId, waveId: target.waveId });
  const docs = [...bySegment].flatMap(([segment, tally]) =>
    [...tally].map(([questionId, c]) => ({ surveyId: target.surveyId, waveId: target.waveId, segment, questionId, c })),
  );
  for (let i = 0; i < docs.length; i += 1000) await TallyModel.insertMany(docs.slice(i, i + 1000));
  // Open dashboards read the rebuilt counters.
  await bumpLiveVersion(target.surveyId, target.waveId);
  return count;
}
