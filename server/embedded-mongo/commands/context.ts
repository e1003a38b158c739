// What every command handler receives, and the shape of the handler table.
import type { Document } from 'bson';
import { CommandError } from '../errors';
import type { CursorRegistry } from '../cursors';
import type { Catalog } from '../storage/catalog';

export interface CommandContext {
  catalog: Catalog;
  cursors: CursorRegistry;
  /** Database named by the request ($db). */
  db: string;
  connectionId: number;
  startedAt: Date;
}

export type CommandHandler = (command: Document, context: CommandContext) => Document;

/** The collection a command names in its first field, validated as a string. */
export function collectionName(command: Document, commandName: string): string {
  const value = command[commandName] as unknown;
  if (typeof value !== 'string' || value.length === 0) {
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${typeof value}`);
  }
  return value;
}
