// The open answers of a wave: every "other (specify)" text and every open-text answer of its
// counted complete responses, newest first, searchable, a page at a time, each with the
// respondent's segment. One aggregation answers a page: it reads the wave's complete responses
// through the {surveyId, waveId, status} index, turns each into its open answers, and counts them
// while it picks the page.
//
// Pages are ranges, not skips: a page is "the 50 answers after (or before) this one" in the order
// (completed at, response, question), so page 500 costs what page 1 costs (the sort keeps 50
// answers, never 50 × 500). The address of a page is that position, which also keeps a page
// steady while new responses arrive at the top.
import mongoose, { type PipelineStage } from 'mongoose';
import { ValidationError } from '../lib/errors';
import { escapeRegExp } from '../lib/escape-reg-exp';
import { COUNTED } from '../responses/response.service';
import { ResponseModel } from '../responses/response.model';
import type { TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';

export const OPEN_ANSWERS_PER_PAGE = 50;
/** Longest search accepted: a search box, not a document. */
export const MAX_SEARCH_LENGTH = 200;

/** Where open answers are stored: a text question's answer, or a choice question's "other" text. */
export interface OpenField {
  questionId: string;
  kind: 'text' | 'other';
  /** The option whose text box this is ("other"), for a choice question. */
  optionId?: string;
  question: TQuestion;
}

/** The survey's open fields in the order its questions are asked. */
export function openFieldsOf(definition: TSurveyDefinition): OpenField[] {
  return definition.pages.flatMap((page) =>
    page.questions.flatMap((question): OpenField[] => {
      if (question.type === 'short_text' || question.type === 'long_text') return [{ questionId: question.id, kind: 'text', question }];
      const specify = 'options' in question ? question.options?.find((option) => 'specify' in option && option.specify) : undefined;
      return specify ? [{ questionId: question.id, kind: 'other', optionId: specify.id, question }] : [];
    }),
  );
}

function storedPath(field: OpenField): string {
  return field.kind === 'text' ? `answers.${field.questionId}` : `otherTexts.${field.questionId}`;
}

/** A position in the order of open answers: newest response first, then a response's answers in question order. */
export interface AnswerPosition {
  completedAt: Date;
  responseId: string;
  /** The answer's field, as its index in openFieldsOf. */
  order: number;
}

/** A page's address: the answers just older or just newer than a position. */
export interface PageCursor {
  direction: 'older' | 'newer';
  at: AnswerPosition;
}

const CURSOR_TEXT = /^(older|newer)-(\d{1,15})-([0-9a-f]{24})-(\d{1,4})$/;

export function cursorText(cursor: PageCursor): string {
  return `${cursor.direction}-${cursor.at.completedAt.getTime()}-${cursor.at.responseId}-${cursor.at.order}`;
}

/** Reads `page=`; what this page never wrote is refused (400): there is no page to guess. */
export function parseCursor(text: string): PageCursor {
  const match = CURSOR_TEXT.exec(text);
  if (!match) throw new ValidationError('page: follow the page links (older-… or newer-…)', undefined, 'invalid_page');
  const [, direction, ms, responseId, order] = match;
  return { direction: direction as PageCursor['direction'], at: { completedAt: new Date(Number(ms)), responseId: responseId as string, order: Number(order) } };
}

export interface OpenAnswer {
  responseId: string;
  completedAt: Date;
  field: OpenField;
  order: number;
  text: string;
  /** The respondent's answer to the segment question (an option id), when they gave one. */
  segment?: string;
}

export interface OpenAnswersPage {
  answers: OpenAnswer[];
  /** Every answer the search, question and filter select, on all pages. */
  total: number;
  /** How many answers come before this page (0 on the first). */
  offset: number;
  /** The next page's address, when there are older answers. */
  older?: PageCursor;
  /** The previous page's address; null when it is the first page (which has no cursor). */
  newer?: PageCursor | null;
}

export interface OpenAnswersRequest {
  surveyId: string;
  waveId: string;
  definition: TSurveyDefinition;
  /** The dashboard's filter, already checked against the definition. */
  filter?: Record<string, string[]>;
  /** Case-insensitive text to find, taken literally. */
  search?: string;
  /** One open question only. */
  questionId?: string;
  /** The question whose answer is each respondent's segment. */
  segmentQuestionId?: string;
  cursor?: PageCursor;
}

/**
 * The dashboard's filter as a query on the stored answers, as matchesFilter reads it: a respondent
 * matches when their answer (or one of their answers) is one of the values. Ratings and NPS are
 * stored as numbers and filtered by their text.
 */
function filterConditions(filter: Record<string, string[]> | undefined): Record<string, unknown> {
  const conditions: Record<string, unknown> = {};
  for (const [questionId, values] of Object.entries(filter ?? {})) {
    conditions[`answers.${questionId}`] = { $in: values.flatMap((value) => (/^\d+$/.test(value) ? [value, Number(value)] : [value])) };
  }
  return conditions;
}

interface Positioned {
  at: Date;
  _id: mongoose.Types.ObjectId;
  open: { order: number; text: string };
}

/** Answers strictly after (older than) or before (newer than) a position, in page order. */
function beyond(position: AnswerPosition, direction: PageCursor['direction']): Record<string, unknown> {
  const [dateOp, idOp, orderOp] = direction === 'older' ? ['$lt', '$lt', '$gt'] : ['$gt', '$gt', '$lt'];
  const id = new mongoose.Types.ObjectId(position.responseId);
  return {
    $or: [
      { at: { [dateOp]: position.completedAt } },
      { at: position.completedAt, _id: { [idOp]: id } },
      { at: position.completedAt, _id: id, 'open.order': { [orderOp]: position.order } },
    ],
  };
}

const NEWEST_FIRST = { at: -1, _id: -1, 'open.order': 1 } as const;
const OLDEST_FIRST = { at: 1, _id: 1, 'open.order': -1 } as const;

/** The aggregation that answers a page (exported so a test can ask the server how it runs it). */
export function openAnswersPipeline(request: OpenAnswersRequest): PipelineStage[] {
  const fields = openFieldsOf(request.definition);
  const wanted = fields.map((field, order) => ({ field, order })).filter(({ field }) => request.questionId === undefined || field.questionId === request.questionId);
  const search = request.search?.trim();
  // Without a search, an answer is any text that is not blank.
  const text = { $regex: search ? escapeRegExp(search) : '\\S', $options: 'i' };
  const { cursor } = request;
  const pageStages: PipelineStage.FacetPipelineStage[] = cursor
    ? [{ $match: beyond(cursor.at, cursor.direction) }, { $sort: cursor.direction === 'older' ? NEWEST_FIRST : OLDEST_FIRST }]
    : [{ $sort: NEWEST_FIRST }];
  return [
    {
      $match: {
        surveyId: request.surveyId,
        waveId: request.waveId,
        status: 'complete',
        ...COUNTED,
        ...filterConditions(request.filter),
        // Only responses with an answer to show reach the next stages.
        $or: wanted.map(({ field }) => ({ [storedPath(field)]: text })),
      },
    },
    {
      $project: {
        at: { $ifNull: ['$completedAt', '$startedAt'] },
        ...(request.segmentQuestionId ? { segment: `$answers.${request.segmentQuestionId}` } : {}),
        open: wanted.map(({ field, order }) => ({ order: { $literal: order }, text: `$${storedPath(field)}` })),
      },
    },
    { $unwind: '$open' },
    { $match: { 'open.text': text } },
    {
      $facet: {
        total: [{ $count: 'n' }],
        ...(cursor ? { beyond: [{ $match: beyond(cursor.at, cursor.direction) }, { $count: 'n' }] } : {}),
        page: [...pageStages, { $limit: OPEN_ANSWERS_PER_PAGE }],
      },
    },
  ];
}

interface FacetResult {
  total: Array<{ n: number }>;
  beyond?: Array<{ n: number }>;
  page: Array<Positioned & { segment?: unknown }>;
}

function positionOf(answer: OpenAnswer): AnswerPosition {
  return { completedAt: answer.completedAt, responseId: answer.responseId, order: answer.order };
}

/** A page of a wave's open answers, and where the pages around it are. */
export async function listOpenAnswers(request: OpenAnswersRequest): Promise<OpenAnswersPage> {
  const fields = openFieldsOf(request.definition);
  const [result] = await ResponseModel.aggregate<FacetResult>(openAnswersPipeline(request));
  const total = result?.total[0]?.n ?? 0;
  const beyondCount = result?.beyond?.[0]?.n ?? 0;
  const docs = result?.page ?? [];
  if (request.cursor?.direction === 'newer') docs.reverse();
  const answers = docs.flatMap((doc): OpenAnswer[] => {
    const field = fields[doc.open.order];
    if (!field) return [];
    return [
      {
        responseId: doc._id.toHexString(),
        completedAt: doc.at,
        field,
        order: doc.open.order,
        text: doc.open.text,
        ...(typeof doc.segment === 'string' ? { segment: doc.segment } : {}),
      },
    ];
  });
  // Older cursor: the answers beyond it are this page and the rest. Newer: those before it end with this page.
  const offset = !request.cursor ? 0 : request.cursor.direction === 'older' ? total - beyondCount : Math.max(0, beyondCount - answers.length);
  const first = answers[0];
  const last = answers[answers.length - 1];
  return {
    answers,
    total,
    offset,
    ...(last && offset + answers.length < total ? { older: { direction: 'older', at: positionOf(last) } } : {}),
    ...(first && offset > 0 ? { newer: offset <= OPEN_ANSWERS_PER_PAGE ? null : { direction: 'newer', at: positionOf(first) } } : {}),
  };
}
