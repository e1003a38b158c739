// planCacheClear (https://www.mongodb.com/docs/v7.0/reference/command/planCacheClear/): empties a
// collection's plan cache (storage/plan/cache.ts), or only the entries of one query shape. The
// shape's values do not matter, only its structure; a shape with no entry clears nothing; a
// collection that does not exist has nothing to clear. Fields are checked as mongod checks them.
import type { Document } from 'bson';
import { isPlainObject, parseCollation } from '../bson/index';
import { CommandError } from '../errors';
import { compileFilter } from '../query/index';
import { queryShape } from '../storage/plan/cache';
import { collectionName, type CommandHandler } from './context';

function optionalObject(command: Document, field: string, description: string): Document | undefined {
  const value = command[field] as unknown;
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new CommandError('BadValue', `${description} must be an object`);
  return value;
}

export const planCacheClear: CommandHandler = (command, context) => {
  const collection = context.catalog.getCollection(context.db, collectionName(command, 'planCacheClear'));
  if (command.query === undefined) {
    // A forgotten query must not clear the whole cache by accident.
    if (command.sort !== undefined || command.projection !== undefined || command.collation !== undefined) {
      throw new CommandError('BadValue', 'sort, projection, or collation provided without query');
    }
    collection?.planCache.clear();
    return {};
  }
  const filter = optionalObject(command, 'query', 'required field query');
  const sort = optionalObject(command, 'sort', 'optional field sort');
  const projection = optionalObject(command, 'projection', 'optional field projection');
  const collation = optionalObject(command, 'collation', 'optional field collation');
  if (collation && Object.keys(collation).length === 0) throw new CommandError('BadValue', 'optional field collation cannot be an empty object');
  // The shape is parsed as a query would be: an invalid one fails as it would in a find.
  const collator = collation ? parseCollation(collation) : collection?.idIndex.collator;
  compileFilter(filter, { collator });
  collection?.planCache.clearShape(queryShape({ filter, sort: sort && Object.keys(sort).length > 0 ? sort : undefined, projection: projection && Object.keys(projection).length > 0 ? projection : undefined, collator }));
  return {};
};
