// Work that must follow a change to a complete response: the live tallies now, notifications
// later. Features register a named hook at boot instead of the response service importing each
// of them; registering a name again replaces the earlier hook (tests boot the app many times).
import type { StoredResponse } from './response.service';

export interface ResponseHooks {
  /** The response just turned complete. */
  completed?(response: StoredResponse): Promise<void>;
  /** A complete response's answers were changed (`before` is the old version). */
  edited?(before: StoredResponse, after: StoredResponse): Promise<void>;
  /** A complete response was deleted. */
  deleted?(response: StoredResponse): Promise<void>;
}

const hooks = new Map<string, ResponseHooks>();

export function registerResponseHooks(name: string, responseHooks: ResponseHooks): void {
  hooks.set(name, responseHooks);
}

// Test responses (an organizer's preview) are counted nowhere, so they never reach a hook.

export async function recordCompletion(response: StoredResponse): Promise<void> {
  if (response.test) return;
  for (const h of hooks.values()) await h.completed?.(response);
}

export async function recordEdit(before: StoredResponse, after: StoredResponse): Promise<void> {
  if (after.test) return;
  for (const h of hooks.values()) await h.edited?.(before, after);
}

export async function recordDeletion(response: StoredResponse): Promise<void> {
  if (response.test) return;
  for (const h of hooks.values()) await h.deleted?.(response);
}
