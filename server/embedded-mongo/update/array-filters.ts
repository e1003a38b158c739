// arrayFilters: one query per identifier, checked as mongod checks them (parsed_update_array_filters
// and ExpressionWithPlaceholder), then matched against each array element for `$[<identifier>]`.
import type { Document } from 'bson';
import { isPlainObject, type Collator } from '../bson/index';
import { CommandError } from '../errors';
import { compileFilter } from '../query/index';

export interface ArrayFilter {
  readonly identifier: string;
  readonly test: (element: unknown) => boolean;
}

const LOGICAL = new Set(['$and', '$or', '$nor']);
const IDENTIFIER = /^[a-z][a-zA-Z0-9]*$/;

/** The identifier a filter is about: the first part of its field names, the same in every clause. */
function identifierOf(filter: Document): string | undefined {
  let found: string | undefined;
  const visit = (clause: Document): void => {
    for (const [key, value] of Object.entries(clause)) {
      if (LOGICAL.has(key) && Array.isArray(value)) {
        for (const inner of value) if (isPlainObject(inner)) visit(inner);
        continue;
      }
      if (key.startsWith('$')) continue;
      const name = key.split('.')[0]!;
      if (found !== undefined && found !== name) {
        throw new CommandError('FailedToParse', `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${found}' and '${name}'`);
      }
      found = name;
    }
  };
  visit(filter);
  return found;
}

export function parseArrayFilters(arrayFilters: unknown, collator: Collator | undefined): Map<string, ArrayFilter> {
  const parsed = new Map<string, ArrayFilter>();
  if (arrayFilters === undefined || arrayFilters === null) return parsed;
  if (!Array.isArray(arrayFilters)) throw new CommandError('TypeMismatch', 'arrayFilters must be an array');
  for (const filter of arrayFilters) {
    if (!isPlainObject(filter)) throw new CommandError('TypeMismatch', 'Each array filter must be an object');
    const identifier = identifierOf(filter);
    if (identifier === undefined) {
      throw new CommandError('FailedToParse', 'Cannot use an expression without a top-level field name in arrayFilters');
    }
    if (!IDENTIFIER.test(identifier)) {
      throw new CommandError(
        'BadValue',
        `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${identifier}'`,
      );
    }
    if (parsed.has(identifier)) {
      throw new CommandError('FailedToParse', `Found multiple array filters with the same top-level field name ${identifier}`);
    }
    // The element is wrapped under the identifier, so `{ i: 2 }` and `{ 'i.x': 2 }` read naturally.
    const matcher = compileFilter(filter, { collator });
    parsed.set(identifier, { identifier, test: (element) => matcher.test({ [identifier]: element }) });
  }
  return parsed;
}
