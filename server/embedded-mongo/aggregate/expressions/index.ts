// Aggregation expressions (decision 0004): compileExpression turns an expression into an
// Evaluator once; the evaluator runs per document on the store's exact BSON values.
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

export { compileExpression } from './compile';
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
