// Route files are tables: method, path, guard, handlers. Every route names its guard, and the
// guard carries a description of what it requires, so a test can walk the router and check that
// no staff route was added without one (test/integration/accounts/route-guards.test.ts).
import { Router, type RequestHandler } from 'express';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a guard lets through. */
export type Requirement =
  | { kind: 'public' }
  | { kind: 'signed_in' }
  | { kind: 'admin' }
  | { kind: 'survey'; access: 'read' | 'manage' };

const REQUIREMENT = Symbol('route requirement');

export type Guard = RequestHandler & { readonly [REQUIREMENT]: Requirement };

export function defineGuard(requirement: Requirement, check: RequestHandler): Guard {
  return Object.assign(check, { [REQUIREMENT]: requirement });
}

/** The requirement a handler enforces, if it is a guard. */
export function requirementOf(handler: unknown): Requirement | undefined {
  return typeof handler === 'function' ? (handler as Partial<Guard>)[REQUIREMENT] : undefined;
}

/** Anyone may call the route: respondents, sign-in pages, health checks. */
export const publicAccess: Guard = defineGuard({ kind: 'public' }, (_req, _res, next) => next());

export type Route = readonly [method: HttpMethod, path: string, guard: Guard, ...handlers: RequestHandler[]];

/** A router holding the given routes, each guarded first. */
export function routeTable(routes: readonly Route[]): Router {
  const router = Router();
  for (const [method, path, guard, ...handlers] of routes) router[method](path, guard, ...handlers);
  return router;
}
