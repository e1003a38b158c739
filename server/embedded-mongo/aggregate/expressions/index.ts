// Aggregation expressions (decision 0004): compileExpression turns an expression into an
// Evaluator once; the evaluator runs per document on the store's exact BSON values.
import { arithmeticOperators } from './arithmetic';
import { arrayOperators } from './arrays';
import { registerOperators } from './compile';
import type { OperatorCompiler } from './compile';
import { logicOperators } from './logic';
import { miscOperators } from './misc';
import { stringOperators } from './strings';

export { compileExpression } from './compile';
export type { Evaluator, ExpressionOptions, Variables } from './compile';

const operators = new Map<string, OperatorCompiler>();
for (const group of [arithmeticOperators, arrayOperators, logicOperators, miscOperators, stringOperators]) {
  for (const [name, compile] of Object.entries(group)) operators.set(name, compile);
}
registerOperators(operators);
