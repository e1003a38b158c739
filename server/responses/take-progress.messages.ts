// Interface strings for the progress indicator and the notices of a question page.
export const TAKE_PROGRESS_MESSAGES = {
} as const;
