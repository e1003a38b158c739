// Interface strings of the question asked when a resume link would replace the response this browser
// already has in progress. French typography: a no-break space (\u00a0) before : ; ! ? and inside « ».
export const RESUME_SWITCH_MESSAGES = {} as const;
