// Keeps the live counters in step with complete responses, and reads them back.
import type { AnyBulkWriteOperation } from 'mongodb';
import type { TAnswers } from '../../surveys/answers';
import type { TSurveyDefinition } from '../../surveys/survey.schemas';
import type { CellTallies } from '../design/design.types';
import { accumulate, contributionOf, RESPONSE_KEY, type Contribution } from './contribution';
import { cellKeyOf } from '../design/calibrate-cells';
import { addToCell, cellValuesOf, emptyCell, parseCellKey } from './cell-tallies';
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
  /** The wave's weighting variables (cellVariablesOf): the counters are also kept per cell of them. */
  cellVariables: readonly string[];
}

/** A complete response as the counters need it: its answers and its design weight (1 when absent). */
export interface CountedResponse {
  answers: TAnswers;
  weight?: number;
}

/** Adds (sign 1) or removes (sign −1) one complete response's counts, plainly and in its weighting cell. */
export async function applyToTallies(target: TallyTarget, response: CountedResponse, sign: 1 | -1): Promise<void> {
  const { answers } = response;
  const d = response.weight ?? 1;
  const contribution = contributionOf(target.definition, answers);
  const cell = cellKeyOf(cellValuesOf(answers, target.cellVariables), target.cellVariables);
  const operations: AnyBulkWriteOperation[] = [];
  for (const segment of segmentsOf(answers, target.segmentQuestions)) {
    for (const [questionId, counts] of contribution) {
      const inc: Record<string, number> = {};
      for (const [key, amount] of Object.entries(counts)) {
        inc[`c.${key}`] = amount * sign;
        inc[`k.${cell}.n.${key}`] = amount * sign;
        // What d adds beyond Σv: nothing to write for a response without a design weight.
        if (d !== 1) {
          inc[`k.${cell}.w.${key}`] = amount * (d - 1) * sign;
          inc[`k.${cell}.s.${key}`] = amount * (d * d - 1) * sign;
        }
      }
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

/**
 * Whether some response of the wave has a design weight other than 1, from the cells of its
 * response count (one small document): Σ(d − 1)² = Σ(d² − 1) − 2·Σ(d − 1) over a cell, which is
 * 0 only when every d is 1. Counters kept before cells existed hold none and say false.
 */
export async function readDesignWeighted(surveyId: string, waveId: string): Promise<boolean> {
  const doc = await TallyModel.findOne({ surveyId, waveId, segment: ALL_SEGMENT, questionId: RESPONSE_KEY }, { k: 1, _id: 0 }).lean<{ k?: CellFields }>();
  return Object.values(doc?.k ?? {}).some((fields) => {
    const spread = (fields.s?.n ?? 0) - 2 * (fields.w?.n ?? 0);
    return spread > 1e-9 * Math.max(1, Math.abs(fields.s?.n ?? 0));
  });
}

/** Whether a document's cells add up to its plain counts (sums of non-integer answers to rounding). */
function sameCounts(plain: Record<string, number>, cellTotals: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(plain), ...Object.keys(cellTotals)]);
  for (const key of keys) {
    const a = plain[key] ?? 0;
    const b = cellTotals[key] ?? 0;
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a))) return false;
  }
  return true;
}

/**
 * A counter document's cells as stored: n = Σv, and w = Σ(d − 1)·v and s = Σ(d² − 1)·v, so that
 * Σd·v = n + w and Σd²·v = n + s; w and s stay absent while every d is 1 (no design weights), which
 * keeps the respondent's update to one extra field per key.
 */
type CellFields = Record<string, { n: Record<string, number>; w?: Record<string, number>; s?: Record<string, number> }>;

/** n + the stored excess: Σd·v from n and w, or Σd²·v from n and s. */
function withExcess(n: Record<string, number>, excess: Record<string, number> | undefined): Record<string, number> {
  if (!excess) return n;
  const sums = { ...n };
  for (const [key, amount] of Object.entries(excess)) sums[key] = (sums[key] ?? 0) + amount;
  return sums;
}

/** The excess of Σd·v (or Σd²·v) over n, key by key; undefined when it is 0 everywhere. */
function excessOver(n: Record<string, number>, sums: Record<string, number>): Record<string, number> | undefined {
  const excess = Object.entries(sums).filter(([key, amount]) => amount !== (n[key] ?? 0)).map(([key, amount]) => [key, amount - (n[key] ?? 0)] as const);
  return excess.length > 0 ? Object.fromEntries(excess) : undefined;
}

/**
 * The weighting cells of several segments of a wave, in one query, for the weighting variables
 * `variables`; undefined when the counters do not hold exactly the wave's responses in those cells:
 * some were counted under other weighting variables (a rebuild is under way, or a process wrote
 * with variables since changed), which shows as a document whose cells do not add up to its plain
 * counts. The caller then recomputes from the responses: never figures from half-moved counters.
 */
export async function readSegmentCells(surveyId: string, waveId: string, segments: readonly string[], variables: readonly string[]): Promise<Map<string, CellTallies> | undefined> {
  const wanted = [...new Set(segments)];
  const docs = await TallyModel.find({ surveyId, waveId, segment: { $in: wanted } }, { segment: 1, questionId: 1, c: 1, k: 1, _id: 0 }).lean<Array<{ segment: string; questionId: string; c?: Record<string, number>; k?: CellFields }>>();
  const bySegment = new Map<string, CellTallies>(wanted.map((segment) => [segment, new Map()]));
  for (const doc of docs) {
    const cells = bySegment.get(doc.segment);
    if (!cells) continue;
    const cellTotals: Record<string, number> = {};
    for (const [key, fields] of Object.entries(doc.k ?? {})) {
      const counts = withoutZeros(fields.n ?? {});
      if (Object.keys(counts).length === 0) continue;
      const values = parseCellKey(key, variables);
      if (!values) return undefined;
      const cell = cells.get(key) ?? emptyCell(values);
      cell.counts.set(doc.questionId, counts);
      cell.weighted.set(doc.questionId, withExcess(fields.n, fields.w));
      cell.weightedSquares.set(doc.questionId, withExcess(fields.n, fields.s));
      cells.set(key, cell);
      for (const [countKey, amount] of Object.entries(counts)) cellTotals[countKey] = (cellTotals[countKey] ?? 0) + amount;
    }
    if (!sameCounts(withoutZeros(doc.c ?? {}), cellTotals)) return undefined;
  }
  return bySegment;
}

/** A wave's counters summed from its responses: plain and by weighting cell, per segment. */
async function countResponses(target: TallyTarget, responses: AsyncIterable<CountedResponse> | Iterable<CountedResponse>): Promise<{ count: number; bySegment: Map<string, { plain: Contribution; cells: CellTallies }> }> {
  const bySegment = new Map<string, { plain: Contribution; cells: CellTallies }>();
  let count = 0;
  for await (const response of responses) {
    count += 1;
    const contribution = contributionOf(target.definition, response.answers);
    const values = cellValuesOf(response.answers, target.cellVariables);
    const cell = cellKeyOf(values, target.cellVariables);
    for (const segment of segmentsOf(response.answers, target.segmentQuestions)) {
      const into = bySegment.get(segment) ?? { plain: new Map(), cells: new Map() };
      accumulate(into.plain, contribution);
      addToCell(into.cells, cell, values, contribution, response.weight ?? 1);
      bySegment.set(segment, into);
    }
  }
  return { count, bySegment };
}

/** One question's cells as its counter document stores them in `k`. */
function cellFieldsOf(cells: CellTallies, questionId: string): CellFields {
  const k: CellFields = {};
  for (const [key, cell] of cells) {
    const n = cell.counts.get(questionId);
    if (!n) continue;
    const w = excessOver(n, cell.weighted.get(questionId) ?? {});
    const s = excessOver(n, cell.weightedSquares.get(questionId) ?? {});
    k[key] = { n, ...(w ? { w } : {}), ...(s ? { s } : {}) };
  }
  return k;
}

/**
 * Recomputes a wave's counters from its responses (a change of segments, or by hand). Counters
 * moved by followers while it runs may be lost or counted twice: the counter sweep
 * (counter-sweep.ts) calls it under a lease that holds the wave's followers back.
 */
export async function rebuildTallies(target: TallyTarget, responses: AsyncIterable<CountedResponse> | Iterable<CountedResponse>): Promise<number> {
  const { count, bySegment } = await countResponses(target, responses);
  await TallyModel.deleteMany({ surveyId: target.surveyId, waveId: target.waveId });
  const docs = [...bySegment].flatMap(([segment, { plain, cells }]) =>
    [...plain].map(([questionId, c]) => ({ surveyId: target.surveyId, waveId: target.waveId, segment, questionId, c, k: cellFieldsOf(cells, questionId) })),
  );
  for (let i = 0; i < docs.length; i += 1000) await TallyModel.insertMany(docs.slice(i, i + 1000));
  // Open dashboards read the rebuilt counters.
  await bumpLiveVersion(target.surveyId, target.waveId);
  return count;
}

/**
 * Splits a wave's counters again by the cells of new weighting variables (target.cellVariables),
 * leaving the plain counts alone: plain figures read on undisturbed. Until the last document is
 * rewritten the cells mix old and new variables, which readSegmentCells refuses, so weighted
 * figures are recomputed from the responses meanwhile. The caller, which changed the weighting,
 * tells open dashboards (once for both).
 */
export function rebuildCellTallies(target: TallyTarget, responses: AsyncIterable<CountedResponse> | Iterable<CountedResponse>): Promise<number> {
  return queueWaveRebuild(target.surveyId, target.waveId, () => splitCells(target, responses));
}

const waveRebuilds = new Map<string, Promise<unknown>>();

/**
 * Runs a rebuild of a wave's counters after those already asked of this process: one at a time per
 * wave, whichever asks (a weighting change, a background heal of the cells, the counter sweep).
 * Each clears then rewrites counters, and interleaved they could end on the first one's weighting
 * variables. Run in order, the last asked, which read the latest variables, writes last.
 */
export function queueWaveRebuild<T>(surveyId: string, waveId: string, rebuild: () => Promise<T>): Promise<T> {
  const key = `${surveyId}\u0000${waveId}`;
  const run = (waveRebuilds.get(key) ?? Promise.resolve()).catch(() => undefined).then(rebuild);
  const settled = run.catch(() => undefined);
  waveRebuilds.set(key, settled);
  void settled.then(() => { if (waveRebuilds.get(key) === settled) waveRebuilds.delete(key); });
  return run;
}

/** The last rebuild of a wave's counters asked of this process (queueWaveRebuild), while it runs or waits its turn; it never rejects. */
export function pendingWaveRebuildOf(surveyId: string, waveId: string): Promise<unknown> | undefined {
  return waveRebuilds.get(`${surveyId}\u0000${waveId}`);
}

async function splitCells(target: TallyTarget, responses: AsyncIterable<CountedResponse> | Iterable<CountedResponse>): Promise<number> {
  const { count, bySegment } = await countResponses(target, responses);
  await TallyModel.updateMany({ surveyId: target.surveyId, waveId: target.waveId }, { $set: { k: {} } });
  const operations: AnyBulkWriteOperation[] = [...bySegment].flatMap(([segment, { plain, cells }]) =>
    [...plain.keys()].map((questionId) => ({
      updateOne: { filter: { surveyId: target.surveyId, waveId: target.waveId, segment, questionId }, update: { $set: { k: cellFieldsOf(cells, questionId) } } },
    })),
  );
  for (let i = 0; i < operations.length; i += 1000) await TallyModel.collection.bulkWrite(operations.slice(i, i + 1000), { ordered: false });
  return count;
}
