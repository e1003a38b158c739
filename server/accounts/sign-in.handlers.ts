// The pages that let a person in: sign-in, sign-out, the first admin's setup, and the one-time
// link that sets a password. A refused form is drawn again with its message and the status that
// says why (401, 403, 410, 422, 429); what was typed, except passwords, stays in the form.
import type { Request, RequestHandler, Response } from 'express';
import { AppError, TooManyRequestsError } from '../lib/errors';
import { negotiateLanguage, translator, type MessageKey } from '../lib/i18n/index';
import type { AppDependencies } from '../lib/app-dependencies';
import type { Account, AccountService } from './account.service';
import { PasswordRejectedError } from './account.service';
import { checkNotThrottled, recordFailure } from './login-throttle';
import { safeNextPath } from './guards';
import { sessionCookieName } from './sessions';
import { auditActorOf, principalOf } from './principal';
import { recordAudit } from '../audit/audit.service';

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
};

function pageContext(req: Request) {
  const lang = negotiateLanguage(req);
  const t = translator(lang);
  return { lang, t, switchLanguageHref: `${req.path}?lang=${lang === 'fr' ? 'en' : 'fr'}` };
}

function promised(run: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error as Error) : resolve())));
}

/**
 * A new session id for the signed-in account: an id planted before sign-in is worth nothing after.
 * Also re-opens a session after a password change, which raised the account's session generation.
 */
export async function openSession(req: Request, account: Account): Promise<void> {
  await promised((done) => req.session.regenerate(done));
  const session = req.session;
  session.userId = account.id;
  session.generation = account.sessionGeneration;
  session.browserId = req.browserId;
  session.signedInAt = Date.now();
  await promised((done) => req.session.save(done));
}

export function createSignInHandlers(deps: AppDependencies, accounts: AccountService) {
  const { firstAdmin } = deps;

  /** Draws a form again after a refusal the person can act on; anything else goes to the error handler. */
  function refuse(req: Request, res: Response, view: string, error: unknown, locals: Form): void {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    const context = pageContext(req);
    let message: string;
    if (error instanceof PasswordRejectedError) message = context.t(error.reason);
    else if (error instanceof TooManyRequestsError) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
      message = context.t('accounts.sign_in_throttled', { seconds: error.retryAfterSeconds });
    } else message = REFUSALS[error.code] ? context.t(REFUSALS[error.code]!) : error.message;
    res.status(error.status).render(view, { ...context, ...locals, error: message });
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
      const account = await accounts.signIn({ email: form.email, password: form.password, ip: req.ip ?? '' });
      await openSession(req, account);
      res.redirect(303, next);
    } catch (error) {
      const context = pageContext(req);
      refuse(req, res, 'accounts/sign-in', error, { title: context.t('accounts.sign_in_title'), email: typeof form.email === 'string' ? form.email.slice(0, 254) : '', next });
    }
  };

  const signOut: RequestHandler = async (req, res) => {
    const actor = auditActorOf(req);
    await promised((done) => req.session.destroy(done));
    res.clearCookie(sessionCookieName(deps.config), { path: '/' });
    await recordAudit({ ...actor, action: 'sign_out' }, deps.logger);
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
    const locals = { title: context.t('accounts.setup_title'), email: typeof form.email === 'string' ? form.email.slice(0, 254) : '', name: typeof form.name === 'string' ? form.name.slice(0, 100) : '' };
    try {
      if ((await accounts.countAccounts()) > 0) throw new AppError('An administrator already exists; sign in instead', 409, 'setup_done');
      // The code is guessed at the same pace as a password, with a growing delay, counted per
      // address: one visitor's wrong guesses must not lock the code's holder out.
      const attempt = { email: `(setup code from ${req.ip ?? ''})`, ip: req.ip ?? '' };
      await checkNotThrottled(attempt);
      if (!firstAdmin.matches(form.code)) {
        await recordFailure(attempt);
        throw new AppError(context.t('accounts.setup_code_wrong'), 403, 'setup_code_wrong');
      }
      const account = await accounts.createFirstAdmin({ email: form.email, name: form.name, password: form.password }, { via: 'anonymous', ip: req.ip });
      await openSession(req, account);
      res.redirect(303, '/admin');
    } catch (error) {
      refuse(req, res, 'accounts/setup', error, locals);
    }
  };

  const showPasswordLink: RequestHandler = async (req, res) => {
    const context = pageContext(req);
    const token = String(req.params.token);
    try {
      const account = await accounts.accountForPasswordLink(token);
      res.render('accounts/set-password', { ...context, title: context.t('accounts.set_password_title'), account, action: `/account/password/${encodeURIComponent(token)}` });
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
      refuse(req, res, 'accounts/set-password', error, { title: context.t('accounts.set_password_title'), account, action: account ? `/account/password/${encodeURIComponent(token)}` : undefined });
    }
  };

  /** Who the API sees: the account behind the token or session, and what it may do. */
  const whoAmI: RequestHandler = (req, res) => {
    const { account, via, scope } = principalOf(req);
    res.json({ email: account.email, name: account.name, role: account.role, grants: account.grants, via, scope });
  };

  return { showSignIn, signIn, signOut, showSetup, setUp, showPasswordLink, setPasswordWithLink, whoAmI };
}
