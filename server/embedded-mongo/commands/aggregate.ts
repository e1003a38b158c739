// aggregate: runs a pipeline over a collection (or, with `aggregate: 1`, over nothing).
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { type CommandHandler } from './context';
import { aggregateDocuments } from './query';
import { optionalNumber } from './read';

export const aggregate: CommandHandler = (command, context) => {
  const target = command.aggregate;
  if (!Array.isArray(command.pipeline)) throw new CommandError('FailedToParse', "'pipeline' option must be specified as an array");
  if (command.cursor === undefined && command.explain !== true) {
    throw new CommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const collection = typeof target === 'string' ? context.catalog.getCollection(context.db, target) : undefined;
  const docs = aggregateDocuments(context.catalog, context.db, collection, command.pipeline as Document[], command.collation as Document | undefined);
  const ns = `${context.db}.${typeof target === 'string' ? target : '$cmd.aggregate'}`;
  const batchSize = optionalNumber((command.cursor as Document | undefined)?.batchSize);
  const batch = context.cursors.open(ns, docs, batchSize);
  return { cursor: { firstBatch: batch.docs, id: batch.id, ns } };
};

