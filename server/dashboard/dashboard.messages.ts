// The dashboard strings.
export const DASHBOARD_MESSAGES = {} as const;
