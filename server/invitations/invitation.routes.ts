// A wave's invitations, reminders and unsubscribe links. Stub: the invitations part fills it.
import { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';

export function invitationRouters(_deps: AppDependencies): { api: Router; pages: Router } {
  return { api: Router(), pages: Router() };
}
