// Sign-in attempts are slowed per account and per address, with a delay that doubles with each
// failure past a free allowance, so a guesser gets a handful of tries an hour while a person who
// mistypes twice never notices. Counts live in MongoDB so every app process shares them, and
// expire an hour after the last failure (a TTL index). Written here rather than with
// rate-limiter-flexible: its Mongo limiter counts fixed windows, and the doubling delay and the
// "same answer for an unknown account" rule would be layered on top of it anyway.
import mongoose, { Schema } from 'mongoose';
import { TooManyRequestsError } from '../lib/errors';

const throttleSchema = new Schema(
  {
    _id: { type: String },
    failures: { type: Number, required: true },
    /** Password links asked for by mail in the current hour (countPasswordLinkRequest). */
    requests: { type: Number },
    blockedUntil: { type: Date },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'login_throttle', versionKey: false },
);
throttleSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
const ThrottleModel = mongoose.model('LoginThrottle', throttleSchema);

const FORGET_AFTER_MS = 60 * 60_000;
const MAX_DELAY_SECONDS = 15 * 60;
/** Failures allowed before any delay: an account is one person; an address may be a whole office. */
const FREE_FAILURES = { account: 5, address: 20 } as const;

type Scope = keyof typeof FREE_FAILURES;
const keyOf = (scope: Scope, value: string) => `${scope}:${value}`;

export function delayAfter(failures: number, scope: Scope): number {
  const beyond = failures - FREE_FAILURES[scope];
  return beyond <= 0 ? 0 : Math.min(MAX_DELAY_SECONDS, 2 ** (beyond - 1));
}

export interface SignInAttempt {
  /** Lower-cased as typed, whether or not such an account exists. */
  email: string;
  ip: string;
}

/** Refuses the attempt while either its account or its address is waiting out a delay. */
export async function checkNotThrottled({ email, ip }: SignInAttempt, now = new Date()): Promise<void> {
  const blocked = await ThrottleModel.find(
    { _id: { $in: [keyOf('account', email), keyOf('address', ip)] }, blockedUntil: { $gt: now } },
    { blockedUntil: 1 },
  ).lean();
  if (blocked.length === 0) return;
  const until = Math.max(...blocked.map((entry) => entry.blockedUntil!.getTime()));
  throw new TooManyRequestsError('Too many failed sign-ins; wait before trying again', Math.ceil((until - now.getTime()) / 1000), 'sign_in_throttled');
}

export async function recordFailure({ email, ip }: SignInAttempt, now = new Date()): Promise<void> {
  await Promise.all((['account', 'address'] as const).map(async (scope) => {
    const _id = keyOf(scope, scope === 'account' ? email : ip);
    const entry = await ThrottleModel.findOneAndUpdate(
      { _id },
      { $inc: { failures: 1 }, $set: { expiresAt: new Date(now.getTime() + FORGET_AFTER_MS) } },
      { upsert: true, returnDocument: 'after', projection: { failures: 1 } },
    ).lean();
    const delay = delayAfter(entry?.failures ?? 1, scope);
    if (delay > 0) await ThrottleModel.updateOne({ _id }, { $set: { blockedUntil: new Date(now.getTime() + delay * 1000) } });
  }));
}

/** A successful sign-in clears its account's count, not its address's: one good password must not buy more guesses elsewhere. */
export async function forgetFailures({ email }: Pick<SignInAttempt, 'email'>): Promise<void> {
  await ThrottleModel.deleteOne({ _id: keyOf('account', email) });
}

/**
 * "Forgot your password?" asked per hour, counted whether or not the account exists (so the limit
 * tells nothing either): per address typed, so nobody floods one inbox, and per IP address, so
 * nobody walks through addresses. Past the allowance the request is refused until the hour that
 * began with the first request ends.
 */
const LINK_REQUESTS_PER_HOUR = { account: 3, address: 10 } as const satisfies Record<Scope, number>;

export async function countPasswordLinkRequest({ email, ip }: SignInAttempt, now = new Date()): Promise<void> {
  const counted = await Promise.all((['account', 'address'] as const).map(async (scope) => {
    const _id = `link_${keyOf(scope, scope === 'account' ? email : ip)}`;
    // The TTL index removes a finished hour within a minute or so; until then it must not count.
    await ThrottleModel.deleteOne({ _id, expiresAt: { $lte: now } });
    const entry = await ThrottleModel.findOneAndUpdate(
      { _id },
      { $inc: { requests: 1 }, $setOnInsert: { failures: 0, expiresAt: new Date(now.getTime() + FORGET_AFTER_MS) } },
      { upsert: true, returnDocument: 'after', projection: { requests: 1, expiresAt: 1 } },
    ).lean();
    return { over: (entry?.requests ?? 1) > LINK_REQUESTS_PER_HOUR[scope], until: entry?.expiresAt ?? now };
  }));
  const over = counted.filter((entry) => entry.over);
  if (over.length === 0) return;
  const until = Math.max(...over.map((entry) => entry.until.getTime()));
  throw new TooManyRequestsError('Too many password links asked for; wait before asking again', Math.max(1, Math.ceil((until - now.getTime()) / 1000)), 'password_link_throttled');
}
