// Aggregation expressions (decision 0004): compileExpression turns an expression into an
// Evaluator once; the evaluator runs per document on the store's exact BSON values.
//
// How callers use an Evaluator(doc, vars):
// - `doc` is $$CURRENT (what "$field" paths read); $$ROOT is vars.ROOT, or `doc` when unset.
// - vars.NOW should be fixed once per command (it is set on first use when absent);
//   vars.CLUSTER_TIME must be a Timestamp to be readable (a standalone has none: 51144).
// - Names defined by a command or stage `let` must be passed as `variableNames` when compiling,
//   or "$$name" is refused with 17276, as mongod does while parsing.
// - $let/$map/$filter/$reduce bind their variables in `vars` while they run and restore them
//   afterwards (much faster than a scope object per call), so `vars` must not be frozen.
// - Errors are CommandErrors with mongod 7.0's codes and messages; compile-time errors (unknown
//   operator, arity, bad arguments) are thrown by compileExpression itself.
import { accumulatorOperators } from './accumulators';
import { arithmeticOperators } from './arithmetic';
import { arrayOperators } from './arrays';
import { bitOperators } from './bits';
import { registerOperators } from './compile';
import { dateOperators } from './dates';
import type { OperatorCompiler } from './compile';
import { logicOperators } from './logic';
import { miscOperators } from './misc';
import { setOperators } from './sets';
import { stringOperators } from './strings';
import { trigOperators } from './trig';
import { typeOperators } from './types';

export { compileExpression, describe } from './compile';
export type { Evaluator, ExpressionOptions, Variables } from './compile';

const operators = new Map<string, OperatorCompiler>();
const groups = [
  accumulatorOperators,
  arithmeticOperators,
  arrayOperators,
  bitOperators,
  dateOperators,
  logicOperators,
  miscOperators,
  setOperators,
  stringOperators,
  trigOperators,
  typeOperators,
];
for (const group of groups) {
  for (const [name, compile] of Object.entries(group)) operators.set(name, compile);
}
registerOperators(operators);
