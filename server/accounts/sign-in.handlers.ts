// The pages that let a person in: sign-in, sign-out, the first admin's setup, and the one-time
// link that sets a password. A refused form is drawn again with its message and the status that
// says why (401, 403, 410, 422, 429); what was typed, except passwords, stays in the form.
import type { Request, RequestHandler, Response } from 'express';
import { TooManyRequestsError, type AppError } from '../lib/errors';
import type { MessageKey } from '../lib/i18n/index';
import type { AppDependencies } from '../lib/app-dependencies';
import { staffPageContext } from '../console/page-context';
import type { AccountService } from './account.service';
import { safeNextPath } from './guards';
import { endSession, openSession } from './sessions';
import { auditActorOf } from './principal';
import { passwordLinkPath } from './password-link';
import { echoedText, refusalMessage } from './refusals';
import { createPasswordLinkMailer } from './password-link-mail.service';
import { requestPublicBase } from '../lib/public-url';

type Form = Record<string, unknown>;

/** The message a person reads for a refusal the service explains by its code. */
const REFUSALS: Record<string, MessageKey> = {
  sign_in_failed: 'accounts.sign_in_failed',
  account_disabled: 'accounts.account_disabled',
  password_too_long: 'accounts.password_too_long_sign_in',
  setup_done: 'accounts.setup_done',
  password_link_invalid: 'accounts.link_invalid',
  wrong_password: 'accounts.wrong_password',
  invalid_email: 'accounts.invalid_email',
  invalid_name: 'accounts.invalid_name',
  setup_code_wrong: 'accounts.setup_code_wrong',
  password_link_throttled: 'accounts.forgot_throttled',
};

const FORGOT_PATH = '/login/forgot';

/** Each of these pages is drawn at the address its form posts to, so the language link reloads it. */
function pageContext(req: Request) {
  return staffPageContext(req, req.path);
}

export function createSignInHandlers(deps: AppDependencies, accounts: AccountService) {
  const { firstAdmin, config, clock } = deps;
  const linkMailer = createPasswordLinkMailer(deps, accounts);

  /** Draws a form again after a refusal the person can act on; anything else goes to the error handler. */
  function refuse(req: Request, res: Response, view: string, error: unknown, locals: Form): void {
    const context = pageContext(req);
    const refusal = error as AppError;
    const message = refusalMessage(error, context.t, REFUSALS);
    if (refusal instanceof TooManyRequestsError) res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
    res.status(refusal.status).render(view, { ...context, ...locals, error: message });
  }

  const showSignIn: RequestHandler = (req, res) => {
    if (req.principal) return res.redirect(303, safeNextPath(req.query.next));
    const context = pageContext(req);
    const notice = req.query.ended ? context.t('accounts.session_ended')
      : req.query.signed_out ? context.t('accounts.signed_out')
        : req.query.password_saved ? context.t('accounts.password_saved') : undefined;
    res.render('accounts/sign-in', { ...context, title: context.t('accounts.sign_in_title'), email: '', next: safeNextPath(req.query.next), notice });
  };

  const signIn: RequestHandler = async (req, res) => {
    const form = (req.body ?? {}) as Form;
    const next = safeNextPath(form.next);
    try {
      const account = await accounts.signIn({ email: form.email, password: form.password, ip: req.ip ?? '', language: pageContext(req).lang });
      await openSession(req, account);
      res.redirect(303, next);
    } catch (error) {
      const context = pageContext(req);
      refuse(req, res, 'accounts/sign-in', error, { title: context.t('accounts.sign_in_title'), email: echoedText(form.email, 254), next });
    }
  };

  const signOut: RequestHandler = async (req, res) => {
    const actor = auditActorOf(req);
    await endSession(req, res, deps.config);
    await accounts.signOut(actor);
    res.redirect(303, '/login?signed_out=1');
  };

  const showSetup: RequestHandler = async (req, res) => {
    if ((await accounts.countAccounts()) > 0) return res.redirect(303, '/login');
    const context = pageContext(req);
    res.render('accounts/setup', { ...context, title: context.t('accounts.setup_title'), email: '', name: '' });
  };

  const setUp: RequestHandler = async (req, res) => {
    const form = (req.body ?? {}) as Form;
    const context = pageContext(req);
    try {
      const account = await accounts.createFirstAdmin({ code: form.code, email: form.email, name: form.name, password: form.password }, firstAdmin, { via: 'anonymous', ip: req.ip ?? '' });
      await openSession(req, account);
      res.redirect(303, '/admin');
    } catch (error) {
      refuse(req, res, 'accounts/setup', error, { title: context.t('accounts.setup_title'), email: echoedText(form.email, 254), name: echoedText(form.name, 100) });
    }
  };

  const showPasswordLink: RequestHandler = async (req, res) => {
    const context = pageContext(req);
    const token = String(req.params.token);
    try {
      const account = await accounts.accountForPasswordLink(token);
      res.render('accounts/set-password', { ...context, title: context.t('accounts.set_password_title'), account, action: passwordLinkPath(token) });
    } catch (error) {
      refuse(req, res, 'accounts/set-password', error, { title: context.t('accounts.set_password_title'), account: undefined, action: undefined });
    }
  };

  const setPasswordWithLink: RequestHandler = async (req, res) => {
    const context = pageContext(req);
    const token = String(req.params.token);
    const form = (req.body ?? {}) as Form;
    try {
      await accounts.setPasswordWithLink(token, form.password, { via: 'anonymous', ip: req.ip });
      res.redirect(303, '/login?password_saved=1');
    } catch (error) {
      const account = await accounts.accountForPasswordLink(token).catch(() => undefined);
      refuse(req, res, 'accounts/set-password', error, { title: context.t('accounts.set_password_title'), account, action: account ? passwordLinkPath(token) : undefined });
    }
  };

  const showForgotPassword: RequestHandler = (req, res) => {
    const context = pageContext(req);
    res.render('accounts/forgot-password', { ...context, title: context.t('accounts.forgot_title'), email: '', notice: req.query.sent ? context.t('accounts.forgot_sent') : undefined });
  };

  /** The same answer whether or not the address is an account's: a redirect to "a link is on its way". */
  const requestPasswordLink: RequestHandler = async (req, res) => {
    const form = (req.body ?? {}) as Form;
    const context = pageContext(req);
    try {
      await linkMailer.requestLinkByMail({ email: form.email, ip: req.ip ?? '', base: requestPublicBase(config, req), language: context.lang }, clock.now());
      res.redirect(303, `${FORGOT_PATH}?sent=1`);
    } catch (error) {
      refuse(req, res, 'accounts/forgot-password', error, { title: context.t('accounts.forgot_title'), email: echoedText(form.email, 254) });
    }
  };

  return { showSignIn, signIn, signOut, showSetup, setUp, showPasswordLink, setPasswordWithLink, showForgotPassword, requestPasswordLink };
}
