// The open-answers strings.
export const OPEN_ANSWERS_MESSAGES = {} as const;
