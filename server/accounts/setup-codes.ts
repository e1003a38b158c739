// The setup codes of every app process, so that any of them accepts the code another printed.
// Behind a load balancer the setup form may be posted to a process other than the one whose
// console the operator read; a code held only in that process's memory would then be refused.
// What is stored is the code's SHA-256, never the code: the database is read by more people than
// the console. A code is kept a day at most (a TTL index), and all of them go once the first admin
// exists, when /setup refuses anyway.
import { createHash } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { normaliseSetupCode, type FirstAdminSetup } from './first-admin';

const setupCodeSchema = new Schema(
  {
    /** SHA-256 of the normalised code. */
    _id: { type: String },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'setup_codes', versionKey: false },
);
setupCodeSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
const SetupCodeModel = mongoose.model('SetupCode', setupCodeSchema);

const KEEP_MS = 24 * 3600_000;
/** Longer is not a code anyone printed; the same bound as FirstAdminSetup.matches. */
const MAX_LENGTH = 64;

function digestOf(code: string): string {
  return createHash('sha256').update(normaliseSetupCode(code)).digest('hex');
}

/** Makes this process's code good on every process, for a day or until the first admin exists. */
export async function shareSetupCode(setup: FirstAdminSetup, now = new Date()): Promise<void> {
  await SetupCodeModel.updateOne({ _id: digestOf(setup.code) }, { $set: { expiresAt: new Date(now.getTime() + KEEP_MS) } }, { upsert: true });
}

/** Whether `candidate` is this process's code or one another process shared. */
export async function isSetupCode(setup: FirstAdminSetup, candidate: unknown, now = new Date()): Promise<boolean> {
  if (setup.matches(candidate)) return true;
  if (typeof candidate !== 'string' || candidate.length > MAX_LENGTH) return false;
  // A lookup by digest: what its timing could tell is which digest exists, not the code.
  return (await SetupCodeModel.exists({ _id: digestOf(candidate), expiresAt: { $gt: now } })) !== null;
}

/** Once the first admin exists, no code is worth keeping. */
export async function forgetSetupCodes(): Promise<void> {
  await SetupCodeModel.deleteMany({});
}
