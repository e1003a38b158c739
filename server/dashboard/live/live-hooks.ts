// Stub: bumps a wave's live version after every change to its complete responses.
export function registerLiveHooks(): void {}
