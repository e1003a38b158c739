// The respondent's use cases: opening a survey, consenting, opening a page, submitting one, coming
// back through a link, reaching the thank-you page, and an organizer's preview. Each takes plain
// input (the survey, the browser's resume token, the posted form, the time) and says what to show
// or where the respondent goes next; the handlers turn that into HTTP. Every page costs one read
// of the response (by its resume token, an indexed lookup) and a page post one conditional write
// more: waves come from the wave cache and definition versions from the catalog's.
//
// Which wave a request belongs to: the browser's own response's, while that response may still be
// saved (its wave open, or closed less than the grace period ago; any wave not closed for a
// preview), else the survey's current wave, which must be open for a new respondent.
//
// A panel wave (accessMode 'panel') takes new respondents by invitation only: the personal link
// (/s/<survey>/i/<token>) leaves its token in a signed cookie, and each invitation allows one
// complete response, claimed at the completing submit. What the panel knows of the member is
// stored as answers at the start and not asked again. docs/decisions/0008 says how an anonymous
// wave keeps responses and members apart.
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import type { Clock } from '../lib/clock';
import type { AnswerError, TAnswers, TOtherTexts } from '../surveys/answers';
import { validatePageAnswers, validateResponse } from '../surveys/answers';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import type { TOption, TPage, TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import { computeVisibility, findPage, findQuestion, type SurveyVisibility } from '../surveys/visibility';
import { CURRENT_WAVE, findWave, lookUpWave, type Wave } from '../waves/wave.service';
import { mayContinue, phaseOf, type WavePhase } from '../waves/wave-phase';
import { fullCellFor, releaseQuotaCells, reserveQuotaCells, type QuotaCell } from '../fieldwork/quotas';
import { parsePageForm, tickOtherForTypedText, type FormBody, type OtherTextError } from './form-input';
import { pagesShown, type PagePosition } from './navigation';
import { planPage, type PagePlan } from './page-plan';
import { findResponse, findResponseByResumeToken, rotateResumeToken, savePage, startResponse, type StoredResponse } from './response.service';
import {
  attachResponse,
  claimInvitation,
  invitationForWave,
  panelKnowledgeOf,
  openInvitation,
  releaseInvitation,
  markInvitationScreenedOut,
  type InvitationPass,
} from '../invitations/invitation-access.service';

/** Codes a respondent cannot produce with the form we sent: the request was tampered with. */
const TAMPERING_CODES = new Set<AnswerError['code']>(['unknown_question', 'unknown_option', 'hidden']);
/** Codes that only say something is missing: going Back is allowed with those. */
const MISSING_CODES = new Set<AnswerError['code']>(['required', 'too_few', 'incomplete_ranking', 'other_text_required']);

/** Where the respondent goes next. */
export type Destination =
  | { to: 'intro' }
  | { to: 'thanks'; ticked?: string[] }
  | { to: 'screened_out' }
  | { to: 'page'; pageId: string; resumed?: boolean; ticked?: string[]; resumeMailSent?: boolean };
export type Redirect = { kind: 'redirect'; destination: Destination };
/** A redirect that hands the browser a response: the resume cookie takes this token. */
export type Handover = Redirect & { resumeToken?: string };

/**
 * The survey takes no answers now: not open yet (a draft, or scheduled), or closed (410, with the
 * dates). The respondent's pages render it politely, in their language.
 */
export class WaveNotOpenError extends AppError {
  constructor(
    readonly wave: Wave,
    readonly phase: Exclude<WavePhase, 'open'>,
    readonly survey: LoadedSurvey,
  ) {
    super(
      phase === 'closed' ? `Wave "${wave.waveId}" of survey "${wave.surveyId}" is closed` : `Survey "${wave.surveyId}" is not open yet`,
      phase === 'closed' ? 410 : 403,
      phase === 'closed' ? 'wave_closed' : 'wave_not_open',
    );
  }
}

/** A panel wave, and no invitation for it: the polite "by invitation only" page (403). */
export class InvitationOnlyError extends AppError {
  constructor(readonly survey: LoadedSurvey) {
    super(`Survey "${survey.definition.id}" takes answers by invitation only`, 403, 'invitation_only');
  }
}

/** A resume link that opens nothing: every such link, whatever the reason, gets this one answer. */
export type InvalidResumeLink = { kind: 'invalid_resume_link' };

/** The invitation's one complete response is given: "you have already answered". */
export type AlreadyAnswered = { kind: 'already_answered'; survey: LoadedSurvey };

export interface RespondentInput {
  surveyId: string;
  /** The token of the browser's resume cookie, when it has one. */
  resumeToken: string | undefined;
  /** The token of the browser's invitation cookie, when a personal link set one. */
  invitationToken?: string | undefined;
}

/** Which response, wave and definition version a respondent's request is about. */
interface Respondent {
  survey: LoadedSurvey;
  wave: Wave;
  response?: StoredResponse;
}

/** A respondent of a panel wave who may begin: the invitation they came in by. */
interface Admitted extends Respondent {
  invitation?: InvitationPass;
}

function redirect(destination: Destination): Redirect {
  return { kind: 'redirect', destination };
}

/** The pages a response's answers show, its known (prefilled) questions left out. */
function pagesShownTo(definition: TSurveyDefinition, response: StoredResponse, answers: TAnswers = response.answers) {
  return pagesShown(definition, answers, response.prefilled);
}

function toResumePage(definition: TSurveyDefinition, response: StoredResponse, resumed = false): Redirect {
  if (response.status === 'complete') return redirect({ to: 'thanks' });
  if (response.status === 'screened_out') return redirect({ to: 'screened_out' });
  const page = pagesShownTo(definition, response).resumePage(response.lastPageId);
  return redirect({ to: 'page', pageId: page.id, ...(resumed ? { resumed } : {}) });
}

/** A filled honeypot field is a bot: people never see it. */
function refuseBots(honeypot: string | undefined): void {
  if (honeypot !== undefined && honeypot.trim() !== '') throw new AppError('Submission refused', 400, 'bot_suspected');
}

/** The two pages a response ends on, and the status that leads to each. */
const ENDING_STATUS = { thanks: 'complete', screened_out: 'screened_out' } as const;
export type EndingKind = keyof typeof ENDING_STATUS;

/** What the respondent sees after the last page, or instead of the form. */
export type Ending = { kind: EndingKind; survey: LoadedSurvey; response: StoredResponse; test: boolean };

export function createTakeService({ catalog, clock }: { catalog: SurveyCatalog; clock: Clock }) {
  const versionOf = (wave: Wave) => catalog.forWave(wave);

  /** The browser's response (its resume cookie's), if it may still be shown. */
  async function ownResponse(input: RespondentInput, now: Date): Promise<Respondent | undefined> {
    if (!input.resumeToken) return undefined;
    return showable(await findResponseByResumeToken(input.surveyId, input.resumeToken), now);
  }

  /** A response with its wave and version, if it may still be shown: its wave takes it, or it is finished. */
  async function showable(response: StoredResponse | undefined, now: Date): Promise<Respondent | undefined> {
    if (!response || response.status === 'voided') return undefined;
    const wave = await lookUpWave(response.surveyId, response.waveId, now);
    if (!wave) return undefined;
    const usable = response.test ? phaseOf(wave, now) !== 'closed' : response.status !== 'partial' || mayContinue(wave, response.startedAt, now);
    return usable ? { survey: await versionOf(wave), wave, response } : undefined;
  }

  /** The wave a new respondent joins: the current one, which must be open. */
  async function openWaveFor(surveyId: string, now: Date): Promise<Respondent> {
    catalog.require(surveyId);
    const wave = await findWave(surveyId, CURRENT_WAVE, now);
    const survey = await versionOf(wave);
    const phase = phaseOf(wave, now);
    if (phase !== 'open') throw new WaveNotOpenError(wave, phase, survey);
    return { survey, wave };
  }

  /**
   * The respondent's state, from the browser's own response (if any) and the current wave:
   *
   * | own response                                   | the request is about                       |
   * |------------------------------------------------|--------------------------------------------|
   * | partial, and its wave still takes it           | that response (a preview's too)            |
   * | finished, in the current open wave             | that response: thanks or screen-out page   |
   * | finished, no wave open now                     | that response: they keep their ending page |
   * | finished in another wave, or a finished preview| a new respondent of the current open wave  |
   * | none, voided, or its wave no longer takes it   | a new respondent of the current open wave  |
   *
   * A new respondent needs the current wave open; otherwise WaveNotOpenError (the polite page).
   */
  async function respondentOf(input: RespondentInput, now: Date): Promise<Respondent> {
    const own = await ownResponse(input, now);
    if (own?.response?.status === 'partial') return own;
    // A finished preview does not hold the organizer's browser: next time they meet the survey as anyone would.
    if (own?.response?.test) return openWaveFor(input.surveyId, now);
    try {
      const fresh = await openWaveFor(input.surveyId, now);
      return own && own.wave.waveId === fresh.wave.waveId ? own : fresh;
    } catch (error) {
      // The wave closed since they finished: they still see their thanks (or screen-out) page.
      if (own && error instanceof WaveNotOpenError) return own;
      throw error;
    }
  }

  /**
   * The respondent, and in a panel wave the invitation that lets them begin. A new respondent of a
   * panel wave needs a valid invitation for it (else InvitationOnlyError); a browser that already
   * answers keeps its response, unless a personal link shows it is now someone else's: another
   * member's in an identified wave, or an invitation not yet used where this browser has finished
   * (an anonymous wave cannot tell more). `opened`: the invitation a link just opened.
   */
  async function admittedRespondent(input: RespondentInput, now: Date, opened?: Awaited<ReturnType<typeof openInvitation>>): Promise<Admitted> {
    const respondent = await respondentOf(input, now);
    const { survey, wave, response } = respondent;
    if (wave.accessMode !== 'panel' || response?.test) return respondent;
    opened ??= input.invitationToken ? await openInvitation(input.surveyId, input.invitationToken, now) : undefined;
    const invitation = opened && opened.wave.waveId === wave.waveId ? opened.invitation : undefined;
    if (response) {
      const someoneElse = invitation && (wave.anonymous ? response.status !== 'partial' && !invitation.completed : response.invitationId !== invitation.id);
      return someoneElse ? { survey, wave, invitation } : { ...respondent, ...(invitation ? { invitation } : {}) };
    }
    if (!invitation) throw new InvitationOnlyError(survey);
    return { survey, wave, invitation };
  }

  /**
   * Where an admitted respondent goes instead of a new response: their own response as it stands,
   * or "already answered" when it can no longer complete because their invitation's one complete
   * response is given; without one of their own, an invited member's entry (invitedEntry).
   */
  async function entryOf(respondent: Admitted, now: Date, resumed: boolean): Promise<AlreadyAnswered | Handover | undefined> {
    const { survey, response, invitation } = respondent;
    if (!response) return invitation && invitedEntry(respondent, invitation, now);
    if (response.status === 'partial' && invitation?.completed) return { kind: 'already_answered', survey };
    return toResumePage(survey.definition, response, resumed);
  }

  /**
   * Where an invited member goes instead of a new response: "already answered" once their one
   * complete response is given; in an identified wave, the response they started, from whatever
   * device (it takes a new resume token, so the browser that follows the link holds it now).
   */
  async function invitedEntry({ survey, wave }: Respondent, invitation: InvitationPass, now: Date): Promise<AlreadyAnswered | Handover | undefined> {
    if (invitation.completed) return { kind: 'already_answered', survey };
    // An anonymous wave cannot show them their screen-out page: a new response is not offered either.
    if (invitation.screenedOut && (wave.anonymous || !invitation.responseId)) return { kind: 'already_answered', survey };
    if (wave.anonymous || !invitation.responseId) return undefined;
    const started = await findResponse(invitation.responseId);
    if (!started || started.surveyId !== wave.surveyId || started.waveId !== wave.waveId) return undefined;
    const own = await showable(started, now);
    if (!own?.response) return undefined;
    const resumeToken = await rotateResumeToken(started.id);
    return resumeToken ? { ...toResumePage(own.survey.definition, own.response, true), resumeToken } : undefined;
  }

  /**
   * The page after consent: where an existing response left off, or the first page of a new one.
   * Only the response's own wave counts: a complete response of another wave starts a new one. An
   * invited member's response starts with what the panel knows of them; in an identified wave it
   * and the invitation name each other, in an anonymous one neither does.
   */
  async function startIn(respondent: Admitted, input: BeginInput, now: Date, test: boolean): Promise<Handover> {
    const { survey, wave, invitation } = respondent;
    const identified = invitation && !wave.anonymous ? invitation : undefined;
    const known = invitation ? await panelKnowledgeOf(invitation, survey.definition) : undefined;
    const { response, resumeToken } = await startResponse({
      surveyId: survey.definition.id,
      waveId: wave.waveId,
      fingerprint: survey.fingerprint,
      language: input.language,
      consented: input.consented,
      ...(test ? { test } : {}),
      ...(identified ? { invitationId: identified.id } : {}),
      prefilled: known?.answers ?? {},
      ...(known?.weight !== undefined ? { weight: known.weight } : {}),
      now,
    });
    if (identified) await attachResponse(identified.id, response.id);
    return { ...toResumePage(survey.definition, response), resumeToken };
  }

  /**
   * The invitation a completing response of a panel wave claims: in an identified wave the one it
   * was started by, in an anonymous wave (whose response names none) the browser's invitation cookie.
   */
  async function invitationIdFor(response: StoredResponse, wave: Wave, invitationToken: string | undefined): Promise<string | undefined> {
    if (!wave.anonymous && response.invitationId) return response.invitationId;
    if (!invitationToken) return undefined;
    return (await invitationForWave(wave.surveyId, wave.waveId, invitationToken))?.id;
  }

  /** The response a resume link opens: one in progress that may still be saved. */
  async function resumableByLink(surveyId: string, token: string, now: Date): Promise<(Respondent & { response: StoredResponse }) | undefined> {
    const linked = await showable(await findResponseByResumeToken(surveyId, token), now);
    return linked?.response?.status === 'partial' ? { ...linked, response: linked.response } : undefined;
  }

  /** The response, under a new token for the browser that opened its link: the link's token opens nothing any more. */
  async function handOver({ survey, response }: Respondent & { response: StoredResponse }): Promise<Handover | InvalidResumeLink> {
    const resumeToken = await rotateResumeToken(response.id);
    return resumeToken ? { ...toResumePage(survey.definition, response, true), resumeToken } : { kind: 'invalid_resume_link' };
  }

  return {
    /**
     * The intro page, unless the browser already has a response: then where it left off (and an
     * invited member, their response or "already answered").
     */
    async openSurvey(input: RespondentInput): Promise<{ kind: 'intro'; survey: LoadedSurvey; test: boolean } | Handover | AlreadyAnswered> {
      const now = clock.now();
      const respondent = await admittedRespondent(input, now);
      return (await entryOf(respondent, now, true)) ?? { kind: 'intro', survey: respondent.survey, test: false };
    },

    /**
     * A personal link followed: the invitation it opens, for the browser's cookie, and where the
     * member goes (see openSurvey). Every link that opens nothing gets the same answer, after the
     * same work (openInvitation).
     */
    async followInvitation(input: RespondentInput & { token: string }): Promise<{ kind: 'invalid_invitation' } | ((Handover | AlreadyAnswered) & { invitationToken: string })> {
      const now = clock.now();
      const opened = await openInvitation(input.surveyId, input.token, now);
      if (!opened) return { kind: 'invalid_invitation' };
      const respondent = await admittedRespondent({ ...input, invitationToken: input.token }, now, opened);
      return { ...((await entryOf(respondent, now, true)) ?? redirect({ to: 'intro' })), invitationToken: input.token };
    },

    /** Consent given: a new partial response, and the token that is the respondent's only key to it. */
    async beginResponse(input: BeginInput): Promise<{ kind: 'consent_missing'; survey: LoadedSurvey } | Handover | AlreadyAnswered> {
      const now = clock.now();
      const respondent = await admittedRespondent(input, now);
      refuseBots(input.honeypot);
      const entry = await entryOf(respondent, now, false);
      if (entry) return entry;
      if (respondent.survey.definition.consent && !input.consented) return { kind: 'consent_missing', survey: respondent.survey };
      return startIn(respondent, input, now, false);
    },

    /**
     * An organizer's preview of a wave, before or during fieldwork: a test response in that wave,
     * counted nowhere, whatever the wave's phase but closed.
     */
    async beginPreview(input: { surveyId: string; waveId: string; language: string }): Promise<Handover> {
      const now = clock.now();
      const wave = await findWave(input.surveyId, input.waveId, now);
      const survey = await versionOf(wave);
      if (phaseOf(wave, now) === 'closed') throw new WaveNotOpenError(wave, 'closed', survey);
      return startIn({ survey, wave }, { ...input, resumeToken: undefined, consented: true, honeypot: undefined }, now, true);
    },

    /**
     * A "continue later" link followed. It opens a response in progress that may still be saved;
     * every other link (unknown, malformed, another survey's, finished, voided, or its wave closed)
     * gets the same refusal, after the same lookup by the token's hash. A browser that holds
     * another response in progress is asked first ('ask'): nothing changes until it chooses
     * (takeOverByLink). Otherwise the response is handed over with a new token, so that whoever held
     * the link before (the device it was started on, or someone who sent it) no longer opens it; a
     * browser that already holds the link's response just goes back to it.
     */
    async openResumeLink(input: RespondentInput & { token: string }): Promise<Handover | InvalidResumeLink | { kind: 'ask' }> {
      const now = clock.now();
      const linked = await resumableByLink(input.surveyId, input.token, now);
      if (!linked) return { kind: 'invalid_resume_link' };
      if (input.resumeToken === input.token) return toResumePage(linked.survey.definition, linked.response, true);
      const own = await ownResponse(input, now);
      if (own?.response?.status === 'partial' && own.response.id !== linked.response.id) return { kind: 'ask' };
      return handOver(linked);
    },

    /** "Open the answers from the link", chosen on the question openResumeLink asked. */
    async takeOverByLink(input: { surveyId: string; token: string }): Promise<Handover | InvalidResumeLink> {
      const linked = await resumableByLink(input.surveyId, input.token, clock.now());
      return linked ? handOver(linked) : { kind: 'invalid_resume_link' };
    },

    /** A page of the form, or where the respondent belongs when the page is not theirs to see. */
    async openPage(input: PageInput): Promise<ShownPage | Redirect> {
      const { survey, response } = await respondentOf(input, clock.now());
      const { definition } = survey;
      if (!response) return redirect({ to: 'intro' });
      if (response.status !== 'partial') return toResumePage(definition, response);
      const page = requirePage(definition, input.pageId);
      // No skipping ahead by URL, and no page the answers hide: go where the respondent belongs.
      const shown = pagesShownTo(definition, response);
      const resume = shown.resumePage(response.lastPageId);
      const index = shown.pages.indexOf(page);
      if (index < 0 || index > shown.pages.indexOf(resume)) return redirect({ to: 'page', pageId: resume.id });
      return { kind: 'page', survey, response, plan: planPage(definition, page, shown), position: shown.position(page.id) };
    },

    /**
     * Saves one page and moves on (Next) or back (Back). Answers the form could not have produced are
     * refused outright; answers that are merely wrong or missing bring the page back. Going Back keeps
     * what is valid without requiring what is missing. A respondent whose answers put them in a full
     * quota cell is screened out there and then; Next on the last page completes the response when
     * the whole of it holds, when its quota cells still have room, and in a panel wave when its
     * invitation's one complete response is still to give.
     */
    async submitPage(input: SubmitPageInput): Promise<RejectedPage | Redirect | AlreadyAnswered> {
      const now = clock.now();
      const { survey, wave, response } = await respondentOf(input, now);
      const { definition } = survey;
      refuseBots(input.honeypot);
      if (!response) throw new ForbiddenError('No response in progress for this browser', 'response_not_yours');
      if (input.formResponseId !== response.id) throw new ForbiddenError('This form belongs to another response', 'response_not_yours');
      // A double click, a reload or a retry after the final submit: the response is already whole.
      if (response.status !== 'partial') return toResumePage(definition, response);
      const page = requirePage(definition, input.pageId);
      const shown = pagesShownTo(definition, response);
      if (!shown.pages.includes(page)) return toResumePage(definition, response);

      const plan = planPage(definition, page, shown);
      const parsed = parsePageForm(page, input.form);
      if (parsed.unknownFields.length > 0) {
        throw new ValidationError(`Unknown fields: ${parsed.unknownFields.join(', ')}`, { fields: parsed.unknownFields }, 'unknown_question');
      }
      const rendered = new Set(plan.questions.map((p) => p.question.id));
      const notShown = Object.keys({ ...parsed.answers, ...parsed.otherTexts }).filter((id) => !rendered.has(id));
      if (notShown.length > 0) {
        throw new ValidationError(`Answers to questions that are not shown: ${notShown.join(', ')}`, { questions: notShown }, 'hidden_question');
      }
      // What the page's own answers show: one pass serves both rules below. Dropping what they
      // hide changes nothing it says, since the pass leaves hidden answers out already.
      const onPage = computeVisibility(definition, { ...plan.prior, ...parsed.answers });
      discardSamePageHidden(plan, parsed, onPage);
      const other = tickOtherForTypedText(plan.questions.map((p) => p.question), parsed, (questionId) =>
        onPage.questions.has(questionId) ? onPage.options.get(questionId) : undefined,
      );
      // The page's known questions were not asked: their stored answers stand as this page's.
      const known = pickAnswers(response.answers, shown.known);
      for (const question of page.questions) {
        const value = known[question.id];
        if (value !== undefined) parsed.answers[question.id] = value;
      }

      const back = input.action === 'back';
      const result = validatePageAnswers(definition, page.id, { answers: parsed.answers, otherTexts: parsed.otherTexts }, response.answers, {
        requireAnswers: !back,
      });
      let errors = [...parsed.formErrors, ...(result.ok ? [] : result.errors)];
      const tampering = errors.filter((e) => TAMPERING_CODES.has(e.code));
      if (tampering.length > 0) {
        throw new ValidationError(
          `Answers that the form did not offer: ${tampering.map((e) => `${e.questionId} (${e.code})`).join(', ')}`,
          { errors: tampering },
          'invalid_answers',
        );
      }
      if (back) errors = errors.filter((e) => !MISSING_CODES.has(e.code));
      if (errors.length > 0 || !result.ok || other.errors.length > 0) {
        const answers = { ...response.answers, ...parsed.answers };
        return {
          kind: 'rejected',
          survey,
          response,
          plan,
          position: pagesShownTo(definition, response, answers).position(page.id),
          answers,
          otherTexts: { ...response.otherTexts, ...parsed.otherTexts },
          errors: [...errors, ...other.errors],
          rankInput: parsed.rankInput,
        };
      }

      // Known answers of later pages count already: for the pages shown and for the quota cells.
      const answersSoFar = { ...known, ...plan.prior, ...result.answers };
      const { previous, next } = pagesShownTo(definition, response, answersSoFar).neighbours(page.id);
      const target = back ? previous : next;
      let complete = !back && !target;
      if (complete) {
        // The last page: the whole response must hold, not only this page.
        const whole = validateResponse(definition, { ...response.answers, ...result.answers }, { ...response.otherTexts, ...result.otherTexts });
        if (!whole.ok && whole.errors.some((e) => !page.questions.some((q) => q.id === e.questionId))) complete = false;
      }
      // Quotas count real respondents only; a preview goes through whatever the counts.
      let outcome: 'partial' | 'complete' | { screenedOut: { questionId: string; optionId: string } } = complete ? 'complete' : 'partial';
      let reserved: Awaited<ReturnType<typeof reserveQuotaCells>> | undefined;
      if (!response.test && !back) {
        // The completing post takes its places by conditional increments, which find a full cell
        // themselves: reading the counters first would only repeat it. Any other post only looks.
        let full: QuotaCell | undefined;
        if (complete) {
          reserved = await reserveQuotaCells(wave, answersSoFar);
          if (!reserved.ok) full = reserved.full;
        } else full = await fullCellFor(wave, answersSoFar);
        if (full) outcome = { screenedOut: { questionId: full.questionId, optionId: full.optionId } };
      }
      // A panel wave's invitation allows one complete response: taken before the save, like the
      // quota places, and given back (with them) if the save does not complete this response.
      let claimed: string | undefined;
      if (outcome === 'complete' && wave.accessMode === 'panel' && !response.test) {
        const invitationId = await invitationIdFor(response, wave, input.invitationToken);
        if (!invitationId || !(await claimInvitation(invitationId, { anonymous: wave.anonymous, now }))) {
          if (reserved?.ok) await releaseQuotaCells(wave, reserved.cells);
          if (!invitationId) throw new InvitationOnlyError(survey);
          // A double submit of this same response may have claimed it and not saved yet (on a
          // replica set the re-read can come first): the browser goes to the thank-you page, which
          // sends it on to "already answered" only if this response is really still partial then.
          const latest = await findResponse(response.id);
          return latest && latest.status !== 'partial' ? toResumePage(definition, latest) : redirect({ to: 'thanks' });
        }
        claimed = invitationId;
      }
      let saved;
      try {
        saved = await savePage(response, {
          definition,
          fingerprint: survey.fingerprint,
          pageId: page.id,
          pageQuestionIds: page.questions.map((q) => q.id),
          answers: result.answers,
          otherTexts: result.otherTexts,
          language: input.language,
          outcome,
          now,
        });
      } catch (error) {
        if (reserved?.ok) await releaseQuotaCells(wave, reserved.cells);
        if (claimed) await releaseInvitation(claimed);
        throw error;
      }
      // Completed elsewhere meanwhile (a double submit): the cells and the claim this request took go back.
      if (saved.kind !== 'saved' || saved.response.status !== 'complete') {
        if (reserved?.ok) await releaseQuotaCells(wave, reserved.cells);
        if (claimed) await releaseInvitation(claimed);
      }
      if (saved.kind === 'saved' && saved.response.status === 'screened_out' && wave.accessMode === 'panel' && !response.test) {
        const invitationId = await invitationIdFor(response, wave, input.invitationToken);
        if (invitationId) await markInvitationScreenedOut(invitationId);
      }
      // The next page (or the thank-you page) says which "Other" the rule ticked: by question id
      // only, the text being read back from the stored response.
      const ticked = other.ticked.length > 0 ? { ticked: other.ticked } : {};
      if (saved.response.status === 'complete') return redirect({ to: 'thanks', ...ticked });
      if (saved.response.status !== 'partial') return toResumePage(definition, saved.response);
      if (target) return redirect({ to: 'page', pageId: target.id, ...ticked });
      return toResumePage(definition, saved.response);
    },

    /** The thank-you or screen-out page, only for a browser whose response ended that way. */
    async openEnding(input: RespondentInput, ending: EndingKind): Promise<Ending | Redirect> {
      const own = await ownResponse(input, clock.now());
      if (own?.response?.status === ENDING_STATUS[ending]) return { kind: ending, survey: own.survey, response: own.response, test: own.response.test === true };
      return redirect({ to: 'intro' });
    },
  };
}

export type TakeService = ReturnType<typeof createTakeService>;

export interface BeginInput extends RespondentInput {
  consented: boolean;
  language: string;
  honeypot: string | undefined;
}

export interface PageInput extends RespondentInput {
  pageId: string;
}

export type ShownPage = { kind: 'page'; survey: LoadedSurvey; response: StoredResponse; plan: PagePlan; position: PagePosition };

function pickAnswers(answers: TAnswers, ids: ReadonlySet<string>): TAnswers {
  return Object.fromEntries(Object.entries(answers).filter(([id]) => ids.has(id)));
}

function requirePage(definition: TSurveyDefinition, pageId: string): TPage {
  const page = findPage(definition, pageId);
  if (!page) throw new NotFoundError(`Survey "${definition.id}" has no page "${pageId}"`);
  return page;
}

export interface SubmitPageInput extends PageInput {
  /** The posted form, fields as the body parser gives them. */
  form: FormBody;
  /** The `response` hidden field: which response the form was rendered for. */
  formResponseId: string | undefined;
  action: 'next' | 'back';
  language: string;
  honeypot: string | undefined;
}

/** The page comes back with what the respondent typed and what is wrong with it. */
export interface RejectedPage {
  kind: 'rejected';
  survey: LoadedSurvey;
  response: StoredResponse;
  plan: PagePlan;
  /** Where the page stands with what was typed. */
  position: PagePosition;
  answers: TAnswers;
  otherTexts: TOtherTexts;
  errors: Array<AnswerError | OtherTextError>;
  rankInput: Record<string, Record<string, string>>;
}

/** An "other" option that the page rule ticked, with the text the respondent typed for it. */
export interface TickedOther {
  question: TQuestion;
  option: TOption;
  text: string;
}

/**
 * The "other" options named by a redirect's `ticked` ids that the response still holds, with
 * their stored texts: a hand-made URL can name questions, never show a text of its own.
 */
export function tickedOthers(definition: TSurveyDefinition, response: Pick<StoredResponse, 'answers' | 'otherTexts'>, questionIds: readonly string[]): TickedOther[] {
  const found: TickedOther[] = [];
  for (const id of new Set(questionIds)) {
    const question = findQuestion(definition, id);
    const option = question && 'options' in question ? question.options?.find((o) => o.specify) : undefined;
    const value = response.answers[id];
    const text = response.otherTexts[id];
    const chosen = Array.isArray(value) ? value.includes(option?.id ?? '') : value === option?.id;
    if (question && option && text && chosen) found.push({ question, option, text });
  }
  return found;
}

/**
 * Questions hidden by answers on this same page were shown without JavaScript; their answers are
 * discarded rather than refused.
 */
function discardSamePageHidden(plan: PagePlan, parsed: { answers: TAnswers; otherTexts: TOtherTexts }, visibility: SurveyVisibility): void {
  for (const planned of plan.questions) {
    const id = planned.question.id;
    if (planned.dynamic && !visibility.questions.has(id)) {
      delete parsed.answers[id];
      delete parsed.otherTexts[id];
      continue;
    }
    const dynamicOptions = (planned.options ?? []).filter((o) => o.dynamic).map((o) => o.option.id);
    const value = parsed.answers[id];
    if (dynamicOptions.length && value !== undefined) {
      const shown = visibility.options.get(id) ?? [];
      const drop = (optionId: string) => dynamicOptions.includes(optionId) && !shown.includes(optionId);
      if (Array.isArray(value)) parsed.answers[id] = value.filter((o) => !drop(o));
      else if (typeof value === 'string' && drop(value)) delete parsed.answers[id];
    }
  }
}
