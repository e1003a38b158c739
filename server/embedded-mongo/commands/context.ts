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

/**
 * A handler answers at once, or returns a generator for work that may take long: it yields
 * PAUSE at safe points (the server then checks maxTimeMS and serves other clients) and returns
 * the reply. See docs/decisions/0004.
 */
export type CommandHandler = (command: Document, context: CommandContext) => Document | CommandRun;

export const PAUSE: unique symbol = Symbol('pause');
export type Pause = typeof PAUSE;
export type CommandRun = Generator<Pause, Document, void>;

export function isCommandRun(value: Document | CommandRun): value is CommandRun {
  return typeof (value as CommandRun).next === 'function' && typeof (value as CommandRun)[Symbol.iterator] === 'function';
}

/** The collection a command names in its first field, validated as a string. */
export function collectionName(command: Document, commandName: string): string {
  const value = command[commandName] as unknown;
  if (typeof value !== 'string' || value.length === 0) {
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${typeof value}`);
  }
  return value;
}
