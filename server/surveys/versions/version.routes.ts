// A survey's definition versions: upload, list, differences between waves, editorial marks.
import type { Router } from 'express';
import type { AppDependencies } from '../../lib/app-dependencies';
import { routeTable } from '../../lib/routes';

export function versionRoutes(_deps: AppDependencies): Router {
  return routeTable([]);
}
