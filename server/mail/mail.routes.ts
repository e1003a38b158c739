// The outbox page (/admin/outbox) and its JSON twin. Stub: the mail-console part fills it.
import { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';

export function mailRouters(_deps: AppDependencies): { api: Router; pages: Router } {
  return { api: Router(), pages: Router() };
}
