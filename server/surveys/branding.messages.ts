// Interface strings for a survey's branding on the respondent's pages.
export const BRANDING_MESSAGES = {
} as const;
