// The response handling pages' strings (and the test-mode banner).
export const RESPONSE_ADMIN_MESSAGES = {} as const;
