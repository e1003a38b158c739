// The invitations page of a wave (settings summary, counts, response rate, mail previews, the
// send button), its JSON twin, and the member's unsubscribe page and one-click POST. Handlers
// translate HTTP; the rules are in invitation.service.ts and unsubscribe.service.ts.
import type { Request, RequestHandler, Response } from 'express';
import { mayManageSurvey } from '../accounts/permissions';
import { formatPercent } from '../analysis/format/index';
import { auditActorOf, principalOf } from '../accounts/principal';
import { refusalMessage } from '../accounts/refusals';
import { staffPageContext } from '../console/page-context';
import type { AppDependencies } from '../lib/app-dependencies';
import type { AppError } from '../lib/errors';
import { INTERFACE_LANGUAGES, translator, type InterfaceLanguage, type MessageKey } from '../lib/i18n/index';
import { publicBaseUrl, requestOrigin } from '../lib/public-url';
import { mailLanguage } from '../mail/render-mail';
import { surveyTitle } from '../surveys/survey-titles';
import { surveyConsolePath, waveConsolePath } from '../waves/console-paths';
import { surveyTimeZone } from '../waves/wave-dates';
import { phaseOf } from '../waves/wave-phase';
import { parseQuietHours } from './quiet-hours';
import { createInvitationService, countInvitations, type InvitationCounts, type SentInvitations } from './invitation.service';
import { findUnsubscribeTarget, unsubscribeMember, type UnsubscribeTarget } from './unsubscribe.service';

const REFUSALS: Record<string, MessageKey> = {
  not_a_panel_wave: 'invitations.refused_not_a_panel_wave',
  no_panel: 'invitations.refused_no_panel',
  wave_not_open_for_invitations: 'invitations.refused_not_open',
};

/** As the report prints it (formatPercent), one decimal. */
function percentText(share: number, lang: InterfaceLanguage): string {
  return formatPercent(Math.min(share, 1), { locale: lang, decimals: 1 });
}

type SentFigures = Pick<SentInvitations, 'queued' | 'alreadyInvited' | 'skippedUnsubscribed' | 'skippedBounced'>;
const SENT_FIGURES = ['queued', 'alreadyInvited', 'skippedUnsubscribed', 'skippedBounced'] as const;

/** After a send, the page says what it did from the redirect's query (numbers only are read back). */
function sentQuery(result: SentFigures): string {
  return new URLSearchParams({ done: 'sent', ...Object.fromEntries(SENT_FIGURES.map((name) => [name, String(result[name])])) }).toString();
}

function sentFromQuery(query: Request['query']): SentFigures {
  const figure = (name: string) => {
    const value = Number(query[name]);
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  };
  return Object.fromEntries(SENT_FIGURES.map((name) => [name, figure(name)])) as SentFigures;
}

function sentNotice(result: SentFigures, lang: InterfaceLanguage): string {
  return translator(lang)('invitations.done_sent', {
    queued: result.queued,
    already: result.alreadyInvited,
    unsubscribed: result.skippedUnsubscribed,
    bounced: result.skippedBounced,
  });
}

export function createInvitationHandlers(deps: AppDependencies) {
  const { catalog, clock, config, secret, logger } = deps;
  const invitations = createInvitationService(deps);

  function params(req: Request): { surveyId: string; waveId: string } {
    return { surveyId: catalog.require(String(req.params.surveyId)).definition.id, waveId: String(req.params.waveId) };
  }

  function publicBase(req: Request): string {
    return publicBaseUrl(config, requestOrigin(req));
  }

  async function renderPage(req: Request, res: Response, status: number, extra: { error?: string; notice?: string } = {}): Promise<void> {
    const { surveyId, waveId } = params(req);
    const survey = catalog.require(surveyId);
    const context = staffPageContext(req, `${waveConsolePath(surveyId, waveId)}/invitations`);
    const { wave } = await invitations.requireWaveOf(surveyId, waveId);
    const [counts, preview] = await Promise.all([countInvitations(wave), invitations.previewMails(survey, wave, publicBase(req))]);
    const quiet = parseQuietHours(config.MAIL_QUIET_HOURS);
    res.status(status).render('invitations/show', {
      ...context,
      title: `${context.t('invitations.title')} – ${waveId} – ${surveyTitle(survey.definition, context.lang)}`,
      surveyId,
      waveId,
      surveyName: surveyTitle(survey.definition, context.lang),
      surveyHref: surveyConsolePath(surveyId),
      waveHref: waveConsolePath(surveyId, waveId),
      panelHref: wave.panelId ? `${surveyConsolePath(surveyId)}/panels/${encodeURIComponent(wave.panelId)}` : undefined,
      wave,
      phase: phaseOf(wave, clock.now()),
      quiet,
      timeZone: surveyTimeZone(survey),
      counts,
      rateText: counts.rr1 === null ? undefined : percentText(counts.rr1, context.lang),
      preview,
      mayManage: mayManageSurvey(principalOf(req).account, surveyId),
      sendAction: `${waveConsolePath(surveyId, waveId)}/invitations/send`,
      notice: extra.notice,
      error: extra.error,
    });
  }

  const invitationsPage: RequestHandler = async (req, res) => {
    const sent = req.query.done === 'sent' ? sentFromQuery(req.query) : undefined;
    await renderPage(req, res, 200, sent ? { notice: sentNotice(sent, staffPageContext(req, undefined).lang) } : {});
  };

  const sendPage: RequestHandler = async (req, res) => {
    const { surveyId, waveId } = params(req);
    const context = staffPageContext(req, undefined);
    try {
      const result = await invitations.sendInvitations(surveyId, waveId, auditActorOf(req), publicBase(req));
      res.redirect(303, `${waveConsolePath(surveyId, waveId)}/invitations?${sentQuery(result)}`);
    } catch (error) {
      await renderPage(req, res, (error as AppError).status ?? 500, { error: refusalMessage(error, context.t, REFUSALS, { wave: waveId }) });
    }
  };

  function countsJson(wave: { surveyId: string; waveId: string; accessMode: string; panelId?: string; anonymous: boolean; reminderDays: number[] }, counts: InvitationCounts) {
    return { surveyId: wave.surveyId, waveId: wave.waveId, accessMode: wave.accessMode, panelId: wave.panelId ?? null, anonymous: wave.anonymous, reminderDays: wave.reminderDays, ...counts };
  }

  const showJson: RequestHandler = async (req, res) => {
    const { surveyId, waveId } = params(req);
    const { wave } = await invitations.requireWaveOf(surveyId, waveId);
    res.json(countsJson(wave, await countInvitations(wave)));
  };

  const sendJson: RequestHandler = async (req, res) => {
    const { surveyId, waveId } = params(req);
    const result = await invitations.sendInvitations(surveyId, waveId, auditActorOf(req), publicBase(req));
    res.json(result);
  };

  // --- Unsubscribe (public) ---

  function unsubscribePageLocals(target: UnsubscribeTarget) {
    const survey = catalog.get(target.member.surveyId);
    const lang = mailLanguage(target.member.language, survey?.definition.languages ?? INTERFACE_LANGUAGES);
    const t = translator(lang);
    return { lang, t, survey: survey ? surveyTitle(survey.definition, lang) : target.member.surveyId, panel: target.panelName, title: t('unsubscribe.title') };
  }

  const unsubscribePage: RequestHandler = async (req, res) => {
    const link = String(req.params.link);
    const target = await findUnsubscribeTarget(secret, link);
    res.render('invitations/unsubscribe', { ...unsubscribePageLocals(target), action: `/u/${encodeURIComponent(link)}`, done: Boolean(target.member.unsubscribedAt) });
  };

  /** The page's button and the mail client's one-click POST (body List-Unsubscribe=One-Click) alike. */
  const unsubscribePost: RequestHandler = async (req, res) => {
    const link = String(req.params.link);
    const target = await unsubscribeMember(secret, link, { now: clock.now(), logger, ...(req.ip ? { ip: req.ip } : {}) });
    res.status(200).render('invitations/unsubscribe', { ...unsubscribePageLocals(target), action: `/u/${encodeURIComponent(link)}`, done: true });
  };

  return { pages: { invitationsPage, sendPage, unsubscribePage }, api: { showJson, sendJson, unsubscribePost } };
}
