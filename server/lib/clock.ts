// What time it is, for every rule that depends on it (a wave's field dates, a grace period). The
// app takes it as a dependency so that tests can set the time instead of waiting for it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
