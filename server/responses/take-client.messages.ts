// Interface strings for the respondent's script (offline state, copy button).
export const TAKE_CLIENT_MESSAGES = {
} as const;
