// The admins' account pages: list, create, change role and grants, disable and enable, new
// one-time links, sign-out everywhere. Each handler calls one use case of the account service
// and renders; a refusal the admin can act on draws the same page again with the message, the
// status the service chose, and what was typed.
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../lib/errors';
import { requestPublicBase } from '../lib/public-url';
import type { MessageKey, Translate } from '../lib/i18n/index';
import { doneNotice, staffPageContext } from '../console/page-context';
import type { AppDependencies } from '../lib/app-dependencies';
import { surveyTitles } from '../surveys/survey-titles';
import { PASSWORD_LINK_HOURS, type Account, type AccountService, type PasswordLink } from './account.service';
import { accountStatus, formatUtcMinute, grantedSurveys } from './account-display';
import { passwordLinkUrl } from './password-link';
import { createPasswordLinkMailer } from './password-link-mail.service';
import { echoedText, refusalMessage } from './refusals';
import { auditActorOf } from './principal';
import { ROLES } from './user.model';

/** The message an admin reads for a refusal the service explains by its code. */
const REFUSALS: Record<string, MessageKey> = {
  invalid_email: 'users.invalid_email',
  invalid_name: 'users.invalid_name',
  invalid_role: 'users.invalid_role',
  invalid_grant: 'users.invalid_grant',
  account_exists: 'users.account_exists',
  own_admin_role: 'users.own_admin_role',
  own_account: 'users.own_account',
};

/** After an action, the account page says what happened (`?done=`); nothing else is echoed. */
const DONE_NOTICES = {
  saved: 'users.done_saved',
  disabled: 'users.done_disabled',
  enabled: 'users.done_enabled',
  signed_out: 'users.done_signed_out',
} as const satisfies Record<string, MessageKey>;
type Done = keyof typeof DONE_NOTICES;

/** A posted account form as strings, to draw it again; the service validates the raw values. */
interface AccountForm {
  email: string;
  name: string;
  role: string;
  grants: string[];
}

function readAccountForm(body: unknown): AccountForm & { raw: Record<string, unknown> } {
  const raw = (body ?? {}) as Record<string, unknown>;
  const grants = raw.grants === undefined ? [] : Array.isArray(raw.grants) ? raw.grants : [raw.grants];
  return {
    raw,
    email: echoedText(raw.email, 254),
    // Longer than the limit so the admin sees what was refused, not a silently cut name.
    name: echoedText(raw.name, 200),
    role: echoedText(raw.role, 20),
    grants: grants.filter((grant): grant is string => typeof grant === 'string'),
  };
}

const USERS_PATH = '/admin/users';

function accountPath(id: string): string {
  return `${USERS_PATH}/${encodeURIComponent(id)}`;
}

export function createUserAdminHandlers(deps: AppDependencies, accounts: AccountService) {
  const { config, catalog, clock } = deps;
  const linkMailer = createPasswordLinkMailer(deps, accounts);

  /** The staff page context, with the roles the account forms offer. */
  function pageContext(req: Request, languagePath: string | undefined) {
    return { ...staffPageContext(req, languagePath), roles: ROLES };
  }

  function grantTitles(account: Account, t: Translate, lang: string): string[] {
    if (account.role === 'admin') return [t('users.all_surveys')];
    return grantedSurveys(catalog, account.grants, lang).map((survey) => survey.title);
  }

  function userIdOf(req: Request): string {
    return String(req.params.userId);
  }

  /** An unknown account is a 404 page (the error handler words it), not a refusal on this page. */
  function refusalOf(error: unknown, t: Translate): string {
    if (error instanceof AppError && error.code === 'account_not_found') throw error;
    return refusalMessage(error, t, REFUSALS);
  }

  function renderAccount(req: Request, res: Response, status: number, account: Account, extra: { form?: Omit<AccountForm, 'email'>; error?: string; notice?: string }): void {
    const context = pageContext(req, accountPath(account.id));
    res.status(status).render('users/show', {
      ...context,
      title: `${account.email} – ${context.t('users.title')}`,
      account,
      status: accountStatus(account),
      lastSignIn: formatUtcMinute(account.lastSignInAt),
      form: extra.form ?? { name: account.name, role: account.role, grants: account.grants },
      surveys: surveyTitles(catalog, context.lang),
      action: accountPath(account.id),
      notice: extra.notice,
      error: extra.error,
    });
  }

  /**
   * Queues the link to its owner too. A link the outbox refuses (an address no mail server would
   * take) or cannot store is still shown: the admin hands it over, as before mail existed.
   */
  async function mailLink(req: Request, account: Account, passwordLink: PasswordLink): Promise<{ mailed: true } | { mailed: false; reason: string }> {
    const { lang, t } = pageContext(req, undefined);
    const mailing = await linkMailer.mailIssuedLink(account, passwordLink, { base: requestPublicBase(config, req), language: lang }, auditActorOf(req), clock.now());
    return mailing.mailed ? mailing : { mailed: false, reason: mailing.reason ?? t('users.link_outbox_failed') };
  }

  /** The one-time link, drawn in the answer to the POST that made it and never again. */
  async function renderLink(req: Request, res: Response, status: number, kind: 'created' | 'link', account: Account, passwordLink: PasswordLink): Promise<void> {
    const mailing = await mailLink(req, account, passwordLink);
    const context = pageContext(req, undefined);
    // Neither the browser's cache nor its back button may bring the link back.
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).render('users/link', {
      ...context,
      title: context.t(kind === 'created' ? 'users.created_title' : 'users.link_title'),
      kind,
      account,
      link: passwordLinkUrl(requestPublicBase(config, req), passwordLink.token),
      hours: PASSWORD_LINK_HOURS,
      expiresAt: formatUtcMinute(passwordLink.expiresAt),
      accountHref: accountPath(account.id),
      mailing,
    });
  }

  function renderNewForm(req: Request, res: Response, status: number, form: AccountForm, error?: string): void {
    const context = pageContext(req, `${USERS_PATH}/new`);
    res.status(status).render('users/new', { ...context, title: context.t('users.new'), form, surveys: surveyTitles(catalog, context.lang), error });
  }

  const list: RequestHandler = async (req, res) => {
    const context = pageContext(req, USERS_PATH);
    const rows = (await accounts.listAccounts()).map((account) => ({
      account,
      href: accountPath(account.id),
      status: accountStatus(account),
      grants: grantTitles(account, context.t, context.lang),
      lastSignIn: formatUtcMinute(account.lastSignInAt),
    }));
    res.render('users/list', { ...context, title: context.t('users.title'), rows });
  };

  const showNew: RequestHandler = (req, res) => {
    renderNewForm(req, res, 200, { email: '', name: '', role: 'analyst', grants: [] });
  };

  const create: RequestHandler = async (req, res) => {
    const form = readAccountForm(req.body);
    const { raw } = form;
    try {
      const { account, passwordLink } = await accounts.createAccount({ email: raw.email, name: raw.name, role: raw.role, grants: raw.grants }, auditActorOf(req));
      await renderLink(req, res, 201, 'created', account, passwordLink);
    } catch (error) {
      renderNewForm(req, res, (error as AppError).status, form, refusalOf(error, pageContext(req, undefined).t));
    }
  };

  const show: RequestHandler = async (req, res) => {
    const { t } = pageContext(req, undefined);
    const account = await accounts.findAccount(userIdOf(req));
    renderAccount(req, res, 200, account, { notice: doneNotice(req, DONE_NOTICES, t) });
  };

  const update: RequestHandler = async (req, res) => {
    const id = userIdOf(req);
    const form = readAccountForm(req.body);
    const { raw } = form;
    try {
      await accounts.updateAccount(id, { name: raw.name, role: raw.role, grants: raw.grants }, auditActorOf(req));
      res.redirect(303, `${accountPath(id)}?done=saved`);
    } catch (error) {
      const message = refusalOf(error, pageContext(req, undefined).t);
      renderAccount(req, res, (error as AppError).status, await accounts.findAccount(id), { form, error: message });
    }
  };

  /** An action button on the account page: run it, then show the page with what happened. */
  function accountAction(run: (id: string, req: Request) => Promise<unknown>, done: Done): RequestHandler {
    return async (req, res) => {
      const id = userIdOf(req);
      try {
        await run(id, req);
        res.redirect(303, `${accountPath(id)}?done=${done}`);
      } catch (error) {
        const message = refusalOf(error, pageContext(req, undefined).t);
        renderAccount(req, res, (error as AppError).status, await accounts.findAccount(id), { error: message });
      }
    };
  }

  const disable = accountAction((id, req) => accounts.setDisabled(id, true, auditActorOf(req)), 'disabled');
  const enable = accountAction((id, req) => accounts.setDisabled(id, false, auditActorOf(req)), 'enabled');
  const signOutEverywhere = accountAction((id, req) => accounts.endAllSessions(id, auditActorOf(req)), 'signed_out');

  const issuePasswordLink: RequestHandler = async (req, res) => {
    const { account, passwordLink } = await accounts.reissuePasswordLink(userIdOf(req), auditActorOf(req));
    await renderLink(req, res, 200, 'link', account, passwordLink);
  };

  return { list, showNew, create, show, update, disable, enable, issuePasswordLink, signOutEverywhere };
}
