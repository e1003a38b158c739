// "Email me this link" over HTTP: the form of the "continue later" box posts here. The CSRF
// middleware (server/lib/security.ts) has already refused a post without the form's token (403).
// A sent link goes back to the page the form was on (303), which then says it is on its way; a
// refused one draws the box again, in the respondent's language, with what was typed and the
// status that says why. Three limits of its own, each counting apart from every other limiter:
// per client address, per response and per recipient, so the form cannot mail strangers in bulk.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { AppError } from '../lib/errors';
import { negotiateLanguage, translator, type InterfaceLanguage } from '../lib/i18n/index';
import type { MessageKey } from '../lib/i18n/messages';
import { requestPublicBase } from '../lib/public-url';
import { sharedRateLimit } from '../lib/rate-limit-store';
import { respondentBranding } from '../surveys/branding';
import { surveyTitle } from '../surveys/survey-titles';
import { pagePath, readResumeCookie, surveyPath } from './resume-cookie';
import { createResumeMailService } from './resume-mail.service';
import { RESUME_MAIL_SENT_QUERY, saveLaterView } from './save-later';

const HOUR_MS = 3_600_000;
/** Whatever one client address asks, refused or not: a visitor has little reason to ask often. */
const PER_CLIENT_PER_HOUR = 10;
/** Links sent for one response: a typo or two, then a link that must have arrived. */
const PER_RESPONSE_PER_HOUR = 3;
/** Links sent to one address, whichever responses they are for. */
const PER_ADDRESS_PER_DAY = 5;
/** The longest address the outbox takes (RFC 5321), and so the most of what was typed drawn again. */
const EMAIL_MAX_LENGTH = 254;

type Refusal = { status: number; message: MessageKey; field?: boolean };

/** The refusals' statuses and wording, by the code the service or the check throws. */
const REFUSALS: Record<string, Refusal> = {
  no_response_in_progress: { status: 403, message: 'resume_mail.no_response' },
  invalid_email: { status: 422, message: 'resume_mail.email_invalid', field: true },
  header_injection: { status: 422, message: 'resume_mail.email_invalid', field: true },
};

/** A field of the posted form, as the body parser left it (a string, an array, or nothing). */
function posted(req: Request, field: 'email' | 'page'): unknown {
  return (req.body as Record<string, unknown> | undefined)?.[field];
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The posted address as the limiter counts it: case and spaces aside, and never the address itself in the database. */
function recipientKey(req: Request): string | undefined {
  const email = posted(req, 'email');
  return typeof email === 'string' && email.trim() ? sha256(email.trim().toLowerCase()) : undefined;
}

export function createResumeMailHandlers(deps: AppDependencies): { limits: RequestHandler[]; send: RequestHandler } {
  const { config, catalog } = deps;
  const resumeMail = createResumeMailService(deps);

  function surveyIdOf(req: Request): string {
    return (req.params as { surveyId: string }).surveyId;
  }

  /** The page the form names, if the survey has such a page: never a path taken from the request. */
  function namedPage(req: Request): string | undefined {
    const page = posted(req, 'page');
    return typeof page === 'string' && catalog.require(surveyIdOf(req)).definition.pages.some((p) => p.id === page) ? page : undefined;
  }

  /** Back to the page the form was on; else the survey, which sends the respondent where they belong. */
  function backPath(req: Request): string {
    const page = namedPage(req);
    return page ? pagePath(surveyIdOf(req), page) : surveyPath(surveyIdOf(req));
  }

  function typedEmail(req: Request): string {
    const email = posted(req, 'email');
    return typeof email === 'string' ? email.slice(0, EMAIL_MAX_LENGTH) : '';
  }

  function renderRefusal(req: Request, res: Response, refusal: Refusal): void {
    const surveyId = surveyIdOf(req);
    const { definition } = catalog.require(surveyId);
    const lang: InterfaceLanguage = negotiateLanguage(req, definition.languages);
    const t = translator(lang);
    const message = t(refusal.message);
    const box = saveLaterView(surveyId, requestPublicBase(config, req), readResumeCookie(req, surveyId), {
      email: typedEmail(req),
      ...(refusal.field ? { error: message } : {}),
      pageId: namedPage(req),
    });
    res.status(refusal.status).render('take/resume-link', {
      lang,
      t,
      surveyTitle: surveyTitle(definition, lang),
      branding: respondentBranding(definition, lang),
      title: `${t('resume_mail.refused_title')} – ${surveyTitle(definition, lang)}`,
      message,
      backHref: backPath(req),
      ...box,
    });
  }

  const refuseTooMany = (req: Request, res: Response) => renderRefusal(req, res, { status: 429, message: 'resume_mail.too_many' });
  // Counted in MongoDB, shared by every app process; the keys are the client's address, and hashes.
  const common = { handler: refuseTooMany } as const;
  const limits: RequestHandler[] = [
    sharedRateLimit('resume-mail-client', { ...common, windowMs: HOUR_MS, limit: PER_CLIENT_PER_HOUR }),
    // The next two count only links sent: a refused address costs the respondent nothing.
    sharedRateLimit('resume-mail-response', {
      ...common,
      windowMs: HOUR_MS,
      limit: PER_RESPONSE_PER_HOUR,
      skipFailedRequests: true,
      skip: (req) => !readResumeCookie(req, surveyIdOf(req)),
      keyGenerator: (req) => sha256(readResumeCookie(req, surveyIdOf(req)) ?? ''),
    }),
    sharedRateLimit('resume-mail-recipient', {
      ...common,
      windowMs: 24 * HOUR_MS,
      limit: PER_ADDRESS_PER_DAY,
      skipFailedRequests: true,
      skip: (req) => recipientKey(req) === undefined,
      keyGenerator: (req) => recipientKey(req) ?? '',
    }),
  ];

  async function send(req: Request, res: Response): Promise<void> {
    const surveyId = surveyIdOf(req);
    // A form posts urlencoded; anything else (JSON, say) did not come from the page.
    if (!req.is('application/x-www-form-urlencoded')) return renderRefusal(req, res, { status: 415, message: 'resume_mail.not_a_form' });
    const email = posted(req, 'email');
    if (Array.isArray(email)) return renderRefusal(req, res, { status: 400, message: 'resume_mail.email_invalid', field: true });
    if (typeof email !== 'string' || !email.trim()) return renderRefusal(req, res, { status: 422, message: 'resume_mail.email_missing', field: true });
    const { definition } = catalog.require(surveyId);
    try {
      await resumeMail.mailResumeLink({
        surveyId,
        resumeToken: readResumeCookie(req, surveyId),
        email,
        language: negotiateLanguage(req, definition.languages),
        base: requestPublicBase(config, req),
      });
    } catch (error) {
      const refusal = error instanceof AppError && error.code ? REFUSALS[error.code] : undefined;
      if (refusal) return renderRefusal(req, res, refusal);
      throw error;
    }
    res.redirect(303, `${backPath(req)}?${RESUME_MAIL_SENT_QUERY}#save-later`);
  }

  return { limits, send };
}
