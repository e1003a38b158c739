// The weighting-form strings.
export const WEIGHTING_FORM_MESSAGES = {} as const;
