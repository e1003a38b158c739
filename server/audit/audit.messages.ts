// Strings of audit pages, in every interface language.
export const AUDIT_MESSAGES = {} as const;
