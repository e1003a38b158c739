// Walks the Express router the app builds: every route of every mounted router, with the
// requirement its guard declares (server/lib/routes.ts). The route-guard and CSRF walks
// (test/integration/accounts/route-guards.test.ts, test/security/*) read the routes from here, so a
// route added later is checked without anybody listing it.
import type { Requirement } from '../../server/lib/routes';
import { requirementOf } from '../../server/lib/routes';
import { CAPTIC_ID } from '../fixtures/captic-answers';

export interface RouteEntry {
  method: string;
  path: string;
  requirement: Requirement | undefined;
}

// The parts of Express 5's router (the `router` package) the walk reads; its types leave some out.
interface WalkedLayer {
  handle: unknown;
  method?: string;
  rawPath?: unknown;
  route?: { path: unknown; stack: WalkedLayer[] };
}
export interface WalkedRouter {
  stack: WalkedLayer[];
}

function isRouter(handle: unknown): handle is WalkedRouter {
  return typeof handle === 'function' && Array.isArray((handle as Partial<WalkedRouter>).stack);
}

/** A layer's paths: a string, or an array of them (`app.use(['/a', '/b'], ...)`). */
function pathsOf(raw: unknown): string[] {
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) return raw.flat(Infinity).filter((p): p is string => typeof p === 'string');
  throw new Error(`a route or mount path that is not a string: ${String(raw)}; the walk cannot check it`);
}

function joinPaths(prefix: string, path: string): string {
  return prefix === '' || prefix === '/' ? path : `${prefix.replace(/\/$/, '')}${path === '/' ? '' : path}`;
}

/** Every route of the router and of the routers mounted in it, with the requirement of its first handler. */
export function walkRoutes(router: WalkedRouter, prefix = ''): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const layer of router.stack) {
    if (layer.route) {
      const [first] = layer.route.stack;
      const methods = [...new Set(layer.route.stack.map((l) => l.method ?? 'all'))];
      for (const path of pathsOf(layer.route.path)) {
        for (const method of methods) routes.push({ method, path: joinPaths(prefix, path), requirement: requirementOf(first?.handle) });
      }
    } else if (isRouter(layer.handle)) {
      for (const mount of pathsOf(layer.rawPath ?? '/')) routes.push(...walkRoutes(layer.handle, joinPaths(prefix, mount)));
    }
  }
  return routes;
}

export const isStaffPath = (path: string) => /^\/(admin|api)(\/|$)/.test(path);

export const SAFE_METHODS = new Set(['get', 'head', 'options']);

/** Fills any other path parameter: shaped like an id, naming nothing stored. */
export const UNKNOWN_ID = '5f1e0c0de0000000000000aa';

/** A path the route matches: the CAP-TIC survey, its current wave, and an unknown id for anything else. */
export function concretePath(path: string): string {
  return path
    .replace(/[{}]/g, '')
    .replace(/[:*](\w+)/g, (_, name: string) => (name === 'surveyId' ? CAPTIC_ID : name === 'wave' ? 'current' : UNKNOWN_ID));
}
