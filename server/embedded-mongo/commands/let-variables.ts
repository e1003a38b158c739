// The `let` option of find, aggregate, update, delete and findAndModify: constants given as
// expressions, evaluated once per command (earlier names visible to later ones), with $$NOW
// fixed for the whole command, as mongod does.
import { bsonType, isPlainObject } from '../bson/index';
import { compileExpression, type Variables } from '../aggregate/expressions/index';
import { validateVariableNameForWrite } from '../aggregate/expressions/compile';
import { CommandError } from '../errors';

export function evaluateLet(spec: unknown, commandName: string): Variables {
  const variables: Variables = { NOW: new Date() };
  if (spec === undefined || spec === null) return variables;
  if (!isPlainObject(spec)) {
    throw new CommandError('TypeMismatch', `BSON field '${commandName}.let' is the wrong type '${bsonType(spec)}', expected type 'object'`);
  }
  for (const [name, expression] of Object.entries(spec)) {
    validateVariableNameForWrite(name);
    const defined = Object.keys(variables).filter((variable) => variable !== 'NOW');
    const value = compileExpression(expression, { variableNames: defined })({}, variables);
    variables[name] = value === undefined ? null : value;
  }
  return variables;
}
