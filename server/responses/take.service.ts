// The respondent's use cases: opening a survey, consenting, opening a page, submitting one, coming
// back through a link, reaching the thank-you page. Each takes plain input (the survey, the
// browser's resume token, the posted form) and says what to show or where the respondent goes
// next; the handlers turn that into HTTP. Every page costs one read of the response (by its
// resume token, an indexed lookup) and a page post one conditional write more: the open wave
// comes from the wave cache.
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import type { AnswerError, TAnswers, TOtherTexts } from '../surveys/answers';
import { validatePageAnswers, validateResponse } from '../surveys/answers';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { TPage, TSurveyDefinition } from '../surveys/survey.schemas';
import { computeVisibility, findPage } from '../surveys/visibility';
import { findOpenWave, findWave, type Wave } from '../waves/wave.service';
import { parsePageForm, type FormBody } from './form-input';
import { pagePosition, resumePage, visiblePages } from './navigation';
import { planPage, type PagePlan } from './page-plan';
import { findResponseByResumeToken, savePage, startResponse, type StoredResponse } from './response.service';

/** Codes a respondent cannot produce with the form we sent: the request was tampered with. */
const TAMPERING_CODES = new Set<AnswerError['code']>(['unknown_question', 'unknown_option', 'hidden']);
/** Codes that only say something is missing: going Back is allowed with those. */
const MISSING_CODES = new Set<AnswerError['code']>(['required', 'too_few', 'incomplete_ranking', 'other_text_required']);

/** Where the respondent goes next. */
export type Destination = { to: 'intro' } | { to: 'thanks' } | { to: 'page'; pageId: string; resumed?: boolean };
export type Redirect = { kind: 'redirect'; destination: Destination };

export interface RespondentInput {
  survey: LoadedSurvey;
  /** The token of the browser's resume cookie, when it has one. */
  resumeToken: string | undefined;
}

function redirect(destination: Destination): Redirect {
  return { kind: 'redirect', destination };
}

function toResumePage(definition: TSurveyDefinition, response: StoredResponse, resumed = false): Redirect {
  const page = resumePage(definition, response.answers, response.lastPageId);
  return redirect({ to: 'page', pageId: page.id, ...(resumed ? { resumed } : {}) });
}

/** The browser's response to the wave, if it has one. */
async function responseInWave(input: RespondentInput, wave: Wave): Promise<StoredResponse | undefined> {
  if (!input.resumeToken) return undefined;
  const response = await findResponseByResumeToken(input.survey.definition.id, input.resumeToken);
  return response?.waveId === wave.waveId ? response : undefined;
}

/** A filled honeypot field is a bot: people never see it. */
function refuseBots(honeypot: string | undefined): void {
  if (honeypot !== undefined && honeypot.trim() !== '') throw new AppError('Submission refused', 400, 'bot_suspected');
}

/** The intro page, unless the browser already has a response: then where it left off. */
export async function openSurvey(input: RespondentInput): Promise<{ kind: 'intro' } | Redirect> {
  const { definition } = input.survey;
  const response = await responseInWave(input, await findOpenWave(definition.id));
  if (response?.status === 'complete') return redirect({ to: 'thanks' });
  if (response) return toResumePage(definition, response, true);
  return { kind: 'intro' };
}

export interface BeginInput extends RespondentInput {
  consented: boolean;
  language: string;
  honeypot: string | undefined;
}

/** Consent given: a new partial response, and the token that is the respondent's only key to it. */
export async function beginResponse(input: BeginInput): Promise<{ kind: 'consent_missing' } | (Redirect & { resumeToken?: string })> {
  const { survey } = input;
  const { definition } = survey;
  const wave = await findOpenWave(definition.id);
  refuseBots(input.honeypot);
  const existing = await responseInWave(input, wave);
  if (existing) return existing.status === 'complete' ? redirect({ to: 'thanks' }) : toResumePage(definition, existing);
  if (definition.consent && !input.consented) return { kind: 'consent_missing' };
  const { response, resumeToken } = await startResponse({
    surveyId: definition.id,
    waveId: wave.waveId,
    fingerprint: survey.fingerprint,
    language: input.language,
    consented: input.consented,
  });
  return { ...toResumePage(definition, response), resumeToken };
}

/** A "continue later" link: the browser takes the token, and the respondent goes where they left off. */
export async function resumeByLink(survey: LoadedSurvey, token: string): Promise<Redirect> {
  const { definition } = survey;
  const response = await findResponseByResumeToken(definition.id, token);
  if (!response) throw new NotFoundError('This resume link is not valid', 'resume_link_invalid');
  if (response.status === 'complete') return redirect({ to: 'thanks' });
  const wave = await findWave(definition.id, response.waveId);
  if (wave.status !== 'open') throw new AppError(`Wave "${wave.waveId}" is closed`, 410, 'wave_closed');
  return toResumePage(definition, response, true);
}

export interface PageInput extends RespondentInput {
  pageId: string;
}

export type ShownPage = { kind: 'page'; response: StoredResponse; plan: PagePlan };

/** A page of the form, or where the respondent belongs when the page is not theirs to see. */
export async function openPage(input: PageInput): Promise<ShownPage | Redirect> {
  const { definition } = input.survey;
  const response = await responseInWave(input, await findOpenWave(definition.id));
  if (!response) return redirect({ to: 'intro' });
  if (response.status === 'complete') return redirect({ to: 'thanks' });
  const page = requirePage(definition, input.pageId);
  // No skipping ahead by URL, and no page the answers hide: go where the respondent belongs.
  const pages = visiblePages(definition, response.answers);
  const resume = resumePage(definition, response.answers, response.lastPageId);
  const index = pages.indexOf(page);
  if (index < 0 || index > pages.indexOf(resume)) return redirect({ to: 'page', pageId: resume.id });
  return { kind: 'page', response, plan: planPage(definition, page, response.answers) };
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
  response: StoredResponse;
  plan: PagePlan;
  answers: TAnswers;
  otherTexts: TOtherTexts;
  errors: AnswerError[];
  rankInput: Record<string, Record<string, string>>;
}

/**
 * Saves one page and moves on (Next) or back (Back). Answers the form could not have produced are
 * refused outright; answers that are merely wrong or missing bring the page back. Going Back keeps
 * what is valid without requiring what is missing. Next on the last page completes the response
 * when the whole of it holds.
 */
export async function submitPage(input: SubmitPageInput): Promise<RejectedPage | Redirect> {
  const { definition } = input.survey;
  const wave = await findOpenWave(definition.id);
  refuseBots(input.honeypot);
  const response = await responseInWave(input, wave);
  if (!response) throw new ForbiddenError('No response in progress for this browser', 'response_not_yours');
  if (input.formResponseId !== response.id) throw new ForbiddenError('This form belongs to another response', 'response_not_yours');
  // A double click, a reload or a retry after the final submit: the response is already whole.
  if (response.status === 'complete') return redirect({ to: 'thanks' });
  const page = requirePage(definition, input.pageId);
  if (!visiblePages(definition, response.answers).includes(page)) return toResumePage(definition, response);

  const plan = planPage(definition, page, response.answers);
  const parsed = parsePageForm(page, input.form);
  if (parsed.unknownFields.length > 0) {
    throw new ValidationError(`Unknown fields: ${parsed.unknownFields.join(', ')}`, { fields: parsed.unknownFields }, 'unknown_question');
  }
  const rendered = new Set(plan.questions.map((p) => p.question.id));
  const notShown = Object.keys({ ...parsed.answers, ...parsed.otherTexts }).filter((id) => !rendered.has(id));
  if (notShown.length > 0) {
    throw new ValidationError(`Answers to questions that are not shown: ${notShown.join(', ')}`, { questions: notShown }, 'hidden_question');
  }
  discardSamePageHidden(definition, plan, parsed);

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
  if (errors.length > 0 || !result.ok) {
    return {
      kind: 'rejected',
      response,
      plan,
      answers: { ...response.answers, ...parsed.answers },
      otherTexts: { ...response.otherTexts, ...parsed.otherTexts },
      errors,
      rankInput: parsed.rankInput,
    };
  }

  const { previous, next } = pagePosition(definition, page.id, { ...plan.prior, ...result.answers });
  const target = back ? previous : next;
  let complete = !back && !target;
  if (complete) {
    // The last page: the whole response must hold, not only this page.
    const whole = validateResponse(definition, { ...response.answers, ...result.answers }, { ...response.otherTexts, ...result.otherTexts });
    if (!whole.ok && whole.errors.some((e) => !page.questions.some((q) => q.id === e.questionId))) complete = false;
  }
  const saved = await savePage(response, {
    definition,
    fingerprint: input.survey.fingerprint,
    pageId: page.id,
    pageQuestionIds: page.questions.map((q) => q.id),
    answers: result.answers,
    otherTexts: result.otherTexts,
    language: input.language,
    complete,
  });
  if (saved.response.status === 'complete') return redirect({ to: 'thanks' });
  if (target) return redirect({ to: 'page', pageId: target.id });
  return toResumePage(definition, saved.response);
}

/**
 * Questions hidden by answers on this same page were shown without JavaScript; their answers are
 * discarded rather than refused.
 */
function discardSamePageHidden(
  definition: TSurveyDefinition,
  plan: PagePlan,
  parsed: { answers: TAnswers; otherTexts: TOtherTexts },
): void {
  const visibility = computeVisibility(definition, { ...plan.prior, ...parsed.answers });
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

/** The thank-you page, only for a browser whose response is complete. */
export async function openThanks(input: RespondentInput): Promise<{ kind: 'thanks' } | Redirect> {
  const response = input.resumeToken ? await findResponseByResumeToken(input.survey.definition.id, input.resumeToken) : undefined;
  return response?.status === 'complete' ? { kind: 'thanks' } : redirect({ to: 'intro' });
}
