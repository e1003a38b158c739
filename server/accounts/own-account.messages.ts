// Strings of own-account pages, in every interface language.
export const OWN_ACCOUNT_MESSAGES = {} as const;
