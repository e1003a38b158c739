// How refused input is worded, the same for every API and use case: a JSON body that is not JSON,
// and Zod's issues as one sentence ("path: message; …") with the same issues as details.
import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError } from './errors';

/** Refuses (400 json_required) a body not sent as application/json; `what` names it for the caller. */
export function requireJsonBody(req: Request, what = 'the body'): void {
  if (!req.is('application/json')) throw new ValidationError(`Send ${what} as application/json`, undefined, 'json_required');
}

/** Each issue as "path: message" (`whole`, the input itself, when it has no path), joined by "; ". */
export function issuesText(issues: readonly z.core.$ZodIssue[], whole = 'body'): string {
  return issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');
}

/** The issues as an error's details: where, and what is wrong. */
export function issueDetails(issues: readonly z.core.$ZodIssue[]): Array<{ path: string; message: string }> {
  return issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/**
 * A JSON body read with its schema: not JSON, 400 json_required; not what the schema wants, 400
 * with `code`, the issues as text (after `lead`, a sentence saying what to send) and as details.
 */
export function parseJsonBody<T>(req: Request, schema: z.ZodType<T>, code: string, lead?: string): T {
  requireJsonBody(req);
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    const { issues } = parsed.error;
    throw new ValidationError(lead ? `${lead}: ${issuesText(issues)}` : issuesText(issues), issueDetails(issues), code);
  }
  return parsed.data;
}
