// The version pages' strings.
export const VERSIONS_MESSAGES = {} as const;
