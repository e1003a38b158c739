// Interface strings for the resume link sent by email.
export const RESUME_MAIL_MESSAGES = {
} as const;
