// The dashboard-figures strings.
export const DASHBOARD_FIGURES_MESSAGES = {} as const;
