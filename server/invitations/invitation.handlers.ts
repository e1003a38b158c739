// The invitations page of a wave (settings summary, counts, response rate, mail previews, the
// send button and the progress of a send), its JSON twin, and the member's unsubscribe page and
// one-click POST. Handlers translate HTTP; the rules are in invitation.service.ts,
// invitation-send.service.ts (a send runs in the background) and unsubscribe.service.ts.
import type { Request, RequestHandler, Response } from 'express';
import { mayManageSurvey } from '../accounts/permissions';
import { formatPercent } from '../analysis/format/index';
import { auditActorOf, principalOf } from '../accounts/principal';
import { refusalMessage } from '../accounts/refusals';
import { staffPageContext } from '../console/page-context';
import type { AppDependencies } from '../lib/app-dependencies';
import type { AppError } from '../lib/errors';
import { runInBackground } from '../lib/background-job';
import { INTERFACE_LANGUAGES, translator, type InterfaceLanguage, type MessageKey, type Translate } from '../lib/i18n/index';
import { requestPublicBase } from '../lib/public-url';
import { mailLanguage } from '../mail/render-mail';
import { surveyTitle } from '../surveys/survey-titles';
import { panelPath } from '../panels/panel-paths';
import { surveyConsolePath, waveConsolePath } from '../waves/console-paths';
import { surveyTimeZone } from '../waves/wave-dates';
import { phaseOf } from '../waves/wave-phase';
import { parseQuietHours } from './quiet-hours';
import { createInvitationService, countInvitations, type InvitationCounts } from './invitation.service';
import { createInvitationSends, type InvitationSend } from './invitation-send.service';
import { findUnsubscribeTarget, unsubscribeMember, type UnsubscribeTarget } from './unsubscribe.service';

const REFUSALS: Record<string, MessageKey> = {
  not_a_panel_wave: 'invitations.refused_not_a_panel_wave',
  no_panel: 'invitations.refused_no_panel',
  wave_not_open_for_invitations: 'invitations.refused_not_open',
  send_running: 'invitations.refused_send_running',
};

/** How a stopped send is worded on the page; another failure shows its own message. */
const SEND_FAILURES: Record<string, MessageKey> = {
  send_interrupted: 'invitations.send_interrupted',
  send_failed: 'invitations.send_failed',
};

/** As the report prints it (formatPercent), one decimal. */
function percentText(share: number, lang: InterfaceLanguage): string {
  return formatPercent(Math.min(share, 1), { locale: lang, decimals: 1 });
}

/** What a finished send did, as the page's notice says it. */
function sentNotice({ progress }: InvitationSend, lang: InterfaceLanguage): string {
  return translator(lang)('invitations.done_sent', {
    queued: progress.queued,
    already: progress.alreadyInvited,
    unsubscribed: progress.skipped.unsubscribed,
    bounced: progress.skipped.bounced,
  });
}

function sendFailure(send: InvitationSend, t: Translate): string | undefined {
  if (!send.error) return undefined;
  const key = SEND_FAILURES[send.error.code];
  return key ? t(key) : send.error.message;
}

export function createInvitationHandlers(deps: AppDependencies) {
  const { catalog, clock, config, secret, logger } = deps;
  const invitations = createInvitationService(deps);
  const sends = createInvitationSends(deps);

  function params(req: Request): { surveyId: string; waveId: string } {
    return { surveyId: catalog.require(String(req.params.surveyId)).definition.id, waveId: String(req.params.waveId) };
  }

  function pagePath(surveyId: string, waveId: string, send?: InvitationSend): string {
    return `${waveConsolePath(surveyId, waveId)}/invitations${send ? `?send=${send.id}` : ''}`;
  }

  /**
   * The page, with the send it follows: the one named by `?send=` (where the send button leads),
   * else the wave's latest send unless it ended well (one running, or one that stopped: the next
   * click finishes it). While it runs, the page links to that send's address (a refused POST's
   * page too) to show the progress again; with script, follow-progress.js asks it every 2 s.
   */
  async function renderPage(req: Request, res: Response, status: number, extra: { error?: string } = {}): Promise<void> {
    const { surveyId, waveId } = params(req);
    const survey = catalog.require(surveyId);
    const context = staffPageContext(req, `${waveConsolePath(surveyId, waveId)}/invitations`);
    const wave = await invitations.requireWaveOf(surveyId, waveId);
    const named = typeof req.query.send === 'string' ? await sends.findSend(surveyId, waveId, req.query.send) : undefined;
    const latest = named ? undefined : await sends.latestSend(surveyId, waveId);
    const send = named ?? (latest?.status === 'done' ? undefined : latest);
    const mayManage = mayManageSurvey(principalOf(req).account, surveyId);
    const [counts, preview] = await Promise.all([countInvitations(wave), invitations.previewMails(wave, requestPublicBase(config, req), { withRealMember: mayManage })]);
    const quiet = parseQuietHours(config.MAIL_QUIET_HOURS);
    const refreshHref = send?.status === 'running' ? pagePath(surveyId, waveId, send) : undefined;
    res.status(status).render('invitations/show', {
      ...context,
      title: `${context.t('invitations.title')} – ${waveId} – ${surveyTitle(survey.definition, context.lang)}`,
      surveyId,
      waveId,
      surveyName: surveyTitle(survey.definition, context.lang),
      surveyHref: surveyConsolePath(surveyId),
      waveHref: waveConsolePath(surveyId, waveId),
      panelHref: wave.panelId ? panelPath(surveyId, wave.panelId) : undefined,
      wave,
      phase: phaseOf(wave, clock.now()),
      quiet,
      timeZone: surveyTimeZone(survey),
      counts,
      rateText: counts.rr1 === null ? undefined : percentText(counts.rr1, context.lang),
      preview,
      mayManage,
      sendAction: `${waveConsolePath(surveyId, waveId)}/invitations/send`,
      send,
      refreshHref,
      ...(refreshHref ? { scripts: ['/public/js/follow-progress.js'] } : {}),
      notice: send?.status === 'done' ? sentNotice(send, context.lang) : undefined,
      sendFailure: send ? sendFailure(send, context.t) : undefined,
      error: extra.error,
    });
  }

  const invitationsPage: RequestHandler = async (req, res) => renderPage(req, res, 200);

  /** Starts the send and answers at once: the page it leads to follows the send until it ends. */
  const sendPage: RequestHandler = async (req, res) => {
    const { surveyId, waveId } = params(req);
    const context = staffPageContext(req, undefined);
    try {
      const { send, finished } = await sends.startSend(surveyId, waveId, auditActorOf(req), requestPublicBase(config, req));
      runInBackground(finished, logger, { surveyId, waveId, sendId: send.id }, 'sending invitations');
      res.redirect(303, pagePath(surveyId, waveId, send));
    } catch (error) {
      await renderPage(req, res, (error as AppError).status ?? 500, { error: refusalMessage(error, context.t, REFUSALS, { wave: waveId }) });
    }
  };

  function countsJson(wave: { surveyId: string; waveId: string; accessMode: string; panelId?: string; anonymous: boolean; reminderDays: number[] }, counts: InvitationCounts) {
    return { surveyId: wave.surveyId, waveId: wave.waveId, accessMode: wave.accessMode, panelId: wave.panelId ?? null, anonymous: wave.anonymous, reminderDays: wave.reminderDays, ...counts };
  }

  function sendHref(send: InvitationSend): string {
    return `/api/v1/surveys/${encodeURIComponent(send.surveyId)}/waves/${encodeURIComponent(send.waveId)}/invitations/sends/${send.id}`;
  }

  function sendJson(send: InvitationSend) {
    return { ...send, href: sendHref(send) };
  }

  const showJson: RequestHandler = async (req, res) => {
    const { surveyId, waveId } = params(req);
    const wave = await invitations.requireWaveOf(surveyId, waveId);
    const [counts, latest] = await Promise.all([countInvitations(wave), sends.latestSend(surveyId, waveId)]);
    res.json({ ...countsJson(wave, counts), latestSend: latest ? sendJson(latest) : null });
  };

  /** 202 with the send and its address; the caller reads it there until its status is not running. */
  const startSendJson: RequestHandler = async (req, res) => {
    const { surveyId, waveId } = params(req);
    const { send, finished } = await sends.startSend(surveyId, waveId, auditActorOf(req), requestPublicBase(config, req));
    runInBackground(finished, logger, { surveyId, waveId, sendId: send.id }, 'sending invitations');
    res.status(202).location(sendHref(send)).json(sendJson(send));
  };

  const showSendJson: RequestHandler = async (req, res) => {
    const { surveyId, waveId } = params(req);
    res.json(sendJson(await sends.findSend(surveyId, waveId, String(req.params.sendId))));
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

  return { pages: { invitationsPage, sendPage, unsubscribePage }, api: { showJson, startSendJson, showSendJson, unsubscribePost } };
}
