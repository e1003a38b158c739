// One's own account: who one is, a new password, the end of every session, and API tokens.
// Handlers translate HTTP only: the account and token services apply the rules. A refused form
// is drawn again on the same page with its message and the status that says why.
import type { Request, RequestHandler, Response } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import type { MessageKey } from '../lib/i18n/index';
import { staffPageContext } from '../console/page-context';
import { requestPublicBase } from '../lib/public-url';
import type { AccountService } from './account.service';
import { formatUtcMinute, grantedSurveys } from './account-display';
import { TOKEN_MAX_DAYS, createApiTokenService } from './api-token.service';
import { echoedText, refusalMessage } from './refusals';
import { auditActorOf, principalOf } from './principal';
import { endSession, openSession } from './sessions';

type Form = Record<string, unknown>;

const ACCOUNT_PATH = '/admin/account';
const DEFAULT_TOKEN_DAYS = 90;

/** What a person reads for a refusal the services explain by its code. */
const REFUSALS: Record<string, MessageKey> = {
  wrong_password: 'accounts.wrong_password',
  invalid_token_name: 'own_account.invalid_token_name',
  invalid_token_scope: 'own_account.invalid_token_scope',
  invalid_token_expiry: 'own_account.invalid_token_expiry',
  token_not_found: 'own_account.token_not_found',
};

/** What the token form showed, so a refused form keeps what was typed. */
interface TokenForm {
  name: string;
  scope: string;
  days: string;
}

const EMPTY_TOKEN_FORM: TokenForm = { name: '', scope: 'read', days: String(DEFAULT_TOKEN_DAYS) };

export function createOwnAccountHandlers(deps: AppDependencies, accounts: AccountService) {
  const { catalog, config, logger } = deps;
  const tokens = createApiTokenService(logger);

  /** Draws the account page; every answer of this feature is this page, a redirect aside. */
  async function render(req: Request, res: Response, status: number, extra: { notice?: string; error?: string; newToken?: { token: string; name: string }; tokenForm?: TokenForm }): Promise<void> {
    const context = staffPageContext(req, ACCOUNT_PATH);
    const { account } = principalOf(req);
    // A page showing a new token must not be kept by any cache, nor shown again by a back button.
    if (extra.newToken) res.set('Cache-Control', 'no-store');
    res.status(status).render('account/show', {
      ...context,
      title: `${context.t('own_account.title')} – Barometer`,
      account,
      grants: grantedSurveys(catalog, account.grants, context.lang),
      tokens: await tokens.list(account.id),
      now: new Date(),
      utcMinute: formatUtcMinute,
      origin: requestPublicBase(config, req),
      maxDays: TOKEN_MAX_DAYS,
      tokenForm: extra.tokenForm ?? EMPTY_TOKEN_FORM,
      notice: extra.notice,
      error: extra.error,
      newToken: extra.newToken,
    });
  }

  /** Draws the page again after a refusal the person can act on; anything else goes to the error handler. */
  async function refuse(req: Request, res: Response, error: unknown, tokenForm?: TokenForm): Promise<void> {
    const message = refusalMessage(error, staffPageContext(req, ACCOUNT_PATH).t, REFUSALS, { max: TOKEN_MAX_DAYS });
    await render(req, res, (error as { status: number }).status, { error: message, ...(tokenForm ? { tokenForm } : {}) });
  }

  const show: RequestHandler = async (req, res) => {
    const { t } = staffPageContext(req, ACCOUNT_PATH);
    await render(req, res, 200, req.query.password_changed ? { notice: t('own_account.password_changed') } : {});
  };

  const changePassword: RequestHandler = async (req, res) => {
    const form = (req.body ?? {}) as Form;
    const { account } = principalOf(req);
    try {
      const changed = await accounts.changePassword(account.id, form.current_password, form.new_password, auditActorOf(req));
      // The change raised the session generation, which ends every session; this one goes on
      // under a new id and the new generation.
      await openSession(req, changed);
      res.redirect(303, `${ACCOUNT_PATH}?password_changed=1`);
    } catch (error) {
      await refuse(req, res, error);
    }
  };

  const signOutEverywhere: RequestHandler = async (req, res) => {
    const { account } = principalOf(req);
    await accounts.endAllSessions(account.id, auditActorOf(req));
    await endSession(req, res, config);
    res.redirect(303, '/login?signed_out=1');
  };

  const createToken: RequestHandler = async (req, res) => {
    const form = (req.body ?? {}) as Form;
    const { account } = principalOf(req);
    const tokenForm: TokenForm = { name: echoedText(form.name, 200), scope: echoedText(form.scope, 20), days: echoedText(form.expires_in_days, 20) };
    try {
      // Number('') is 0 and Number('1e1') is 10: only plain digits count as a number of days.
      const days = /^\s*\d{1,4}\s*$/.test(tokenForm.days) ? Number(tokenForm.days) : Number.NaN;
      const { token, summary } = await tokens.create({ userId: account.id, name: tokenForm.name, scope: tokenForm.scope, expiresInDays: days }, auditActorOf(req));
      await render(req, res, 200, { newToken: { token, name: summary.name } });
    } catch (error) {
      await refuse(req, res, error, tokenForm);
    }
  };

  const revokeToken: RequestHandler = async (req, res) => {
    const { account } = principalOf(req);
    const { t } = staffPageContext(req, ACCOUNT_PATH);
    try {
      const revoked = await tokens.revoke(account.id, String(req.params.tokenId), auditActorOf(req));
      await render(req, res, 200, { notice: t('own_account.token_revoked_notice', { name: revoked.name }) });
    } catch (error) {
      await refuse(req, res, error);
    }
  };

  return { show, changePassword, signOutEverywhere, createToken, revokeToken };
}
