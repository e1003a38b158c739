// Set expression operators: arrays read as sets, duplicates ignored, equality by BSON value
// (with the collation) (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/#set-expression-operators).
import { CommandError } from '../../errors';
import { compareValues, hashKey } from '../../bson/index';
import type { Collator } from '../../bson/index';
import { compileOperands, fixedArity } from './args';
import type { Evaluator, OperatorCompiler } from './compile';
import { isNullish, isTruthy, typeName } from './values';

/** Distinct elements in first-seen order, keyed by hashKey (equal exactly when valuesEqual). */
class ValueSet {
  private readonly entries = new Map<string, unknown>();
  constructor(private readonly collator: Collator | undefined, values: readonly unknown[] = []) {
    for (const value of values) this.add(value);
  }
  add(value: unknown): void {
    const key = hashKey(value, this.collator);
    if (!this.entries.has(key)) this.entries.set(key, value);
  }
  has(value: unknown): boolean {
    return this.entries.has(hashKey(value, this.collator));
  }
  get size(): number {
    return this.entries.size;
  }
  values(): unknown[] {
    return [...this.entries.values()];
  }
}

const $setEquals: OperatorCompiler = (args, ctx, name) => {
  const operands = compileOperands(args, ctx);
  if (operands.length < 2) throw new CommandError(17045, `${name} needs at least two arguments had: ${operands.length}`);
  const collator = ctx.collator;
  return (doc, vars) => {
    let first: ValueSet | undefined;
    for (const [index, operand] of operands.entries()) {
      const value = operand(doc, vars);
      if (!Array.isArray(value)) {
        throw new CommandError(17044, `All operands of $setEquals must be arrays. ${index + 1}-th argument is of type: ${typeName(value)}`);
      }
      const set = new ValueSet(collator, value);
      if (!first) {
        first = set;
        continue;
      }
      if (set.size !== first.size || !set.values().every((element) => first?.has(element))) return false;
    }
    return true;
  };
};

/** mongod builds $setUnion and $setIntersection in an ordered set, so results come out in BSON order. */
function sortedValues(set: ValueSet, collator: Collator | undefined): unknown[] {
  return set.values().sort((a, b) => compareValues(a, b, collator));
}

const $setIntersection: OperatorCompiler = (args, ctx) => {
  const operands = compileOperands(args, ctx);
  const collator = ctx.collator;
  return (doc, vars) => {
    let result: ValueSet | undefined;
    for (const operand of operands) {
      const value = operand(doc, vars);
      if (isNullish(value)) return null;
      if (!Array.isArray(value)) {
        throw new CommandError(17047, `All operands of $setIntersection must be arrays. One argument is of type: ${typeName(value)}`);
      }
      if (!result) {
        result = new ValueSet(collator, value);
        continue;
      }
      const next = new ValueSet(collator, value);
      const current: ValueSet = result;
      result = new ValueSet(collator, current.values().filter((element) => next.has(element)));
    }
    return result ? sortedValues(result, collator) : [];
  };
};

const $setUnion: OperatorCompiler = (args, ctx) => {
  const operands = compileOperands(args, ctx);
  const collator = ctx.collator;
  return (doc, vars) => {
    const result = new ValueSet(collator);
    for (const operand of operands) {
      const value = operand(doc, vars);
      if (isNullish(value)) return null;
      if (!Array.isArray(value)) throw new CommandError(17043, `All operands of $setUnion must be arrays. One argument is of type: ${typeName(value)}`);
      for (const element of value) result.add(element);
    }
    return sortedValues(result, collator);
  };
};

const $setDifference: OperatorCompiler = (args, ctx, name) => {
  const [leftOf, rightOf] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  const collator = ctx.collator;
  return (doc, vars) => {
    const left = leftOf(doc, vars);
    const right = rightOf(doc, vars);
    if (isNullish(left) || isNullish(right)) return null;
    if (!Array.isArray(left)) throw new CommandError(17048, `both operands of $setDifference must be arrays. First argument is of type: ${typeName(left)}`);
    if (!Array.isArray(right)) throw new CommandError(17049, `both operands of $setDifference must be arrays. Second argument is of type: ${typeName(right)}`);
    const exclude = new ValueSet(collator, right);
    return new ValueSet(collator, left.filter((element) => !exclude.has(element))).values();
  };
};

const $setIsSubset: OperatorCompiler = (args, ctx, name) => {
  const [leftOf, rightOf] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  const collator = ctx.collator;
  return (doc, vars) => {
    const left = leftOf(doc, vars);
    const right = rightOf(doc, vars);
    if (!Array.isArray(left)) throw new CommandError(17046, `both operands of $setIsSubset must be arrays. First argument is of type: ${typeName(left)}`);
    if (!Array.isArray(right)) throw new CommandError(17042, `both operands of $setIsSubset must be arrays. Second argument is of type: ${typeName(right)}`);
    const superset = new ValueSet(collator, right);
    return left.every((element) => superset.has(element));
  };
};

function elementsTrue(all: boolean): OperatorCompiler {
  return (args, ctx, name) => {
    const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
    return (doc, vars) => {
      const value = operand(doc, vars);
      if (!Array.isArray(value)) throw new CommandError(all ? 17040 : 17041, `${name}'s argument must be an array, but is ${typeName(value)}`);
      return all ? value.every(isTruthy) : value.some(isTruthy);
    };
  };
}

export const setOperators: Record<string, OperatorCompiler> = {
  $allElementsTrue: elementsTrue(true),
  $anyElementTrue: elementsTrue(false),
  $setDifference,
  $setEquals,
  $setIntersection,
  $setIsSubset,
  $setUnion,
};
