import type { TCondition, TConditionLeaf, TConditionValue } from './survey.schemas';
import type { TAnswers, TAnswerValue } from './answers';

/*
 * Display logic is data: a condition is a small tree of plain objects, evaluated here by a
 * closed set of operators. Nothing in a definition is ever executed.
 */

export const CONDITION_OPERATORS = ['equals', 'in', 'includes', 'answered', 'gt', 'gte', 'lt', 'lte'] as const;
export type TConditionOperator = (typeof CONDITION_OPERATORS)[number];

export function isLeafCondition(c: TCondition): c is TConditionLeaf {
  return 'question' in c && typeof c.question === 'string';
}

/** The operator of a leaf condition (the schema guarantees there is exactly one). */
export function conditionOperator(c: TConditionLeaf): TConditionOperator {
  const record = c as Record<string, unknown>;
  for (const op of CONDITION_OPERATORS) if (record[op] !== undefined) return op;
  throw new Error(`condition on "${c.question}" has no operator`);
}

/** Every question id a condition reads, in order of appearance. */
export function conditionQuestionIds(c: TCondition): string[] {
  if (isLeafCondition(c)) return [c.question];
  if ('all' in c) return c.all.flatMap(conditionQuestionIds);
  if ('any' in c) return c.any.flatMap(conditionQuestionIds);
  return conditionQuestionIds(c.not);
}

export function isAnswered(value: TAnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

// YAML writes `equals: 3` as a number and `equals: yes` as a string; answers store option ids
// as strings and numbers as numbers. Compare by value, not by JavaScript type.
function sameValue(answer: TAnswerValue, expected: TConditionValue): boolean {
  if (typeof answer === 'number' || typeof expected === 'number') {
    const a = typeof answer === 'number' ? answer : typeof answer === 'string' && answer.trim() !== '' ? Number(answer) : NaN;
    const b = typeof expected === 'number' ? expected : typeof expected === 'string' && expected.trim() !== '' ? Number(expected) : NaN;
    return !Number.isNaN(a) && a === b;
  }
  if (typeof answer === 'string') return answer === String(expected);
  if (typeof answer === 'boolean') return answer === expected;
  return false;
}

function numericAnswer(value: TAnswerValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  return undefined;
}

/**
 * True when the condition holds for these answers. A question that was not answered (or was
 * hidden) satisfies only `answered: false`, and `not` of a condition that needs an answer.
 */
export function evaluateCondition(condition: TCondition, answers: TAnswers): boolean {
  if (!isLeafCondition(condition)) {
    if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, answers));
    if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, answers));
    return !evaluateCondition(condition.not, answers);
  }
  const value = answers[condition.question];
  const answered = isAnswered(value);
  const op = conditionOperator(condition);
  if (op === 'answered') return answered === (condition as { answered: boolean }).answered;
  if (!answered || value === undefined) return false;
  switch (op) {
    case 'equals':
      return !Array.isArray(value) && sameValue(value, (condition as { equals: TConditionValue }).equals);
    case 'in': {
      const list = (condition as { in: TConditionValue[] }).in;
      return !Array.isArray(value) && list.some((v) => sameValue(value, v));
    }
    case 'includes': {
      const id = (condition as { includes: string }).includes;
      return Array.isArray(value) && value.includes(id);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = numericAnswer(value);
      if (n === undefined) return false;
      const bound = (condition as unknown as Record<string, number>)[op] as number;
      return op === 'gt' ? n > bound : op === 'gte' ? n >= bound : op === 'lt' ? n < bound : n <= bound;
    }
  }
}
