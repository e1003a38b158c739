// The panel pages' strings.
export const PANELS_MESSAGES = {} as const;
