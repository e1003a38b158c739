// express-rate-limit's counts, kept in MongoDB so that every app process counts the same hits: in
// memory, two processes behind one proxy would each allow the whole limit. One document per limiter
// and key ("<prefix><key>") holds a fixed window's hits and its end; a TTL index removes a window
// once it has ended. Written here rather than taken from a package: rate-limit-mongo, the one store
// published for MongoDB, pins the 3.x driver and opens its own connection; this is one collection
// on the app's mongoose connection and four small atomic writes.
import mongoose, { Schema } from 'mongoose';
import { rateLimit, type ClientRateLimitInfo, type Options, type RateLimitRequestHandler, type Store } from 'express-rate-limit';
import { isDuplicateKey } from './duplicate-key';

const windowSchema = new Schema(
  {
    _id: { type: String },
    hits: { type: Number, required: true },
    /** The window's end: its hits count until then, and the TTL index removes it after. */
    resetAt: { type: Date, required: true },
  },
  { collection: 'rate_limits', versionKey: false },
);
windowSchema.index({ resetAt: 1 }, { expireAfterSeconds: 0 });
const RateLimitWindowModel = mongoose.model('RateLimitWindow', windowSchema);

/** Tries at a window that ended but is still there (the TTL monitor runs about once a minute). */
const MAX_ATTEMPTS = 3;

export class MongoRateLimitStore implements Store {
  /** Keys are shared by every process: express-rate-limit then checks the prefixes are unique per request. */
  readonly localKeys = false;
  private windowMs = 60_000;

  /** `prefix` names the limiter: two limiters counting the same address keep apart. */
  constructor(readonly prefix: string) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const window = await RateLimitWindowModel.findOne({ _id: this.prefix + key, resetAt: { $gt: new Date() } }).lean();
    return window ? { totalHits: window.hits, resetTime: window.resetAt } : undefined;
  }

  /**
   * One hit, atomically: the current window's count goes up, or a new window starts. An ended
   * window still in the collection makes the upsert collide on its id: it is removed, and the hit
   * tried again (as is a race between two processes starting the same window).
   */
  async increment(key: string): Promise<ClientRateLimitInfo> {
    const _id = this.prefix + key;
    for (let attempt = 1; ; attempt += 1) {
      const now = new Date();
      try {
        const window = await RateLimitWindowModel.findOneAndUpdate(
          { _id, resetAt: { $gt: now } },
          { $inc: { hits: 1 }, $setOnInsert: { resetAt: new Date(now.getTime() + this.windowMs) } },
          { upsert: true, returnDocument: 'after' },
        ).lean();
        return { totalHits: window!.hits, resetTime: window!.resetAt };
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= MAX_ATTEMPTS) throw error;
        await RateLimitWindowModel.deleteOne({ _id, resetAt: { $lte: now } });
      }
    }
  }

  /** A hit taken back (skipFailedRequests): only in the window it was counted in. */
  async decrement(key: string): Promise<void> {
    await RateLimitWindowModel.updateOne({ _id: this.prefix + key, resetAt: { $gt: new Date() }, hits: { $gt: 0 } }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await RateLimitWindowModel.deleteOne({ _id: this.prefix + key });
  }
}

/**
 * A limiter whose counts every app process shares. `name` is its prefix in the collection, unique
 * per limiter; keys are client addresses, or hashes (never an email address or a token in clear).
 */
export function sharedRateLimit(name: string, options: Partial<Omit<Options, 'store'>>): RateLimitRequestHandler {
  return rateLimit({ standardHeaders: 'draft-8', legacyHeaders: false, ...options, store: new MongoRateLimitStore(`${name}:`) });
}
