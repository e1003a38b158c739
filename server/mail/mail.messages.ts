// The outbox page's and mail's strings.
export const MAIL_MESSAGES = {} as const;
