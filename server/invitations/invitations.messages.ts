// The invitation pages', mails' and unsubscribe page's strings.
export const INVITATIONS_MESSAGES = {} as const;
