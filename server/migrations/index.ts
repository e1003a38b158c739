// The data migrations, in the order they run (server/migrations/runner.ts runs each once, at
// boot). Add one as `server/migrations/<id>.ts` exporting a Migration, and list it here, last.
// Never rename, reorder or delete a listed one: its id is what the `migrations` collection records.
//
// None yet: every change so far kept old documents readable as they are.
import type { Migration } from './runner';

export const MIGRATIONS: readonly Migration[] = [];
