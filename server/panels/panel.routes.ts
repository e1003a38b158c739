// Panels: import, members, history. Stub: the panels part fills it.
import { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';

export function panelRouters(_deps: AppDependencies): { api: Router; pages: Router } {
  return { api: Router(), pages: Router() };
}
