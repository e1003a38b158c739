// Strings of user-admin pages, in every interface language.
export const USER_ADMIN_MESSAGES = {} as const;
