// What the "continue later" box shows (views/take/save-later.ejs): the resume link in full, the
// copy button the page's script wires, and the "email me this link" form, which names the page the
// respondent is on so that its answer can bring them back there.
import { resumeLink, surveyPath } from './resume-cookie';

/** The query the "email me this link" answer redirects with: the page then says the link is on its way. */
export const RESUME_MAIL_SENT_PARAM = ['resume_mail', 'sent'] as const;
export const RESUME_MAIL_SENT_QUERY = RESUME_MAIL_SENT_PARAM.join('=');

/** Whether a page's query says the link was just mailed. */
export function resumeMailSentIn(query: Record<string, unknown>): boolean {
  return query[RESUME_MAIL_SENT_PARAM[0]] === RESUME_MAIL_SENT_PARAM[1];
}

export interface SaveLaterView {
  resumeUrl?: string;
  resumeMail?: {
    action: string;
    /** The page the form was on, posted back as `page`. */
    pageId?: string;
    /** What was typed, when a refused form is drawn again. */
    email?: string;
    /** The refusal's message, already in the respondent's language. */
    error?: string;
    /** "If this address can receive mail, the link is on its way." */
    sent?: boolean;
  };
}

export interface SaveLaterOptions {
  pageId?: string;
  /** The page's query string said the link was just mailed. */
  sent?: boolean;
  email?: string;
  error?: string;
}

/** `base`: PUBLIC_URL, else the request's origin; `resumeToken`: the browser's resume cookie (no box without one). */
export function saveLaterView(surveyId: string, base: string, resumeToken: string | undefined, options: SaveLaterOptions = {}): SaveLaterView {
  if (!resumeToken) return {};
  return {
    resumeUrl: resumeLink(base, surveyId, resumeToken),
    resumeMail: {
      action: surveyPath(surveyId, '/resume-link'),
      ...(options.pageId ? { pageId: options.pageId } : {}),
      ...(options.email !== undefined ? { email: options.email } : {}),
      ...(options.error ? { error: options.error } : {}),
      ...(options.sent ? { sent: true } : {}),
    },
  };
}
