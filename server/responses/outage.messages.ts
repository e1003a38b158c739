// Interface strings of the page a respondent sees when their answers could not be saved because the
// database is unreachable. French typography: a no-break space (\u00a0) before : ; ! ? and inside « ».
export const OUTAGE_MESSAGES = {} as const;
