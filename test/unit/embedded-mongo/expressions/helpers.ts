import type { Document } from 'bson';
import { compileExpression } from '../../../../server/embedded-mongo/aggregate/expressions/index';
import type { ExpressionOptions, Variables } from '../../../../server/embedded-mongo/aggregate/expressions/index';
import { bsonType, toNumber } from '../../../../server/embedded-mongo/bson/index';

/** Compiles and evaluates an expression against one document. */
export function evaluate(expression: unknown, doc: Document = {}, vars: Variables = {}, options: ExpressionOptions = {}): unknown {
  return compileExpression(expression, options)(doc, vars);
}

/** Asserts that compiling or evaluating throws a CommandError with this code (and message, if given). */
export { assertCommandError as assertFails } from '../error-code';

/** A value's BSON type with its numeric value, so int 5 and double 5.0 read differently in assertions. */
export function typed(value: unknown): [string, number | string] {
  const type = bsonType(value);
  if (type === 'long' || type === 'decimal') return [type, String(value)];
  return [type, toNumber(value)];
}
