// The fieldwork and quota pages' strings.
export const FIELDWORK_MESSAGES = {} as const;
