// The outbox page (/admin/outbox) and its JSON twin, for admins only: the messages hold one-time
// password links and respondents' personal links.
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';
import { adminOnly } from '../accounts/guards';
import { createOutboxConsoleHandlers } from './outbox-console.handlers';

export function mailRouters(deps: AppDependencies): { api: Router; pages: Router } {
  const { pages: h, api: j } = createOutboxConsoleHandlers(deps);
  const pages = routeTable([
    ['get', '/admin/outbox', adminOnly, h.showOutbox],
    ['get', '/admin/outbox/messages/:messageId', adminOnly, h.showMessage],
    ['get', '/admin/outbox/caught/:caughtId', adminOnly, h.showCaught],
    ['post', '/admin/outbox/retry', adminOnly, h.retryFailed],
  ]);
  const api = routeTable([
    ['get', '/api/v1/outbox', adminOnly, j.listJson],
    ['get', '/api/v1/outbox/:messageId', adminOnly, j.messageJson],
  ]);
  return { api, pages };
}
