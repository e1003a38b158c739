// Accounts as use cases: create, sign in, set and change passwords, grant, disable, end sessions.
// Handlers and the command line call these; neither touches the user collection itself.
import mongoose, { Types } from 'mongoose';
import { z } from 'zod';
import { AppError, ConflictError, ForbiddenError, GoneError, NotFoundError, ValidationError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { isInterfaceLanguage, translator, type InterfaceLanguage, type MessageKey } from '../lib/i18n/index';
import { recordAudit, type AuditActor } from '../audit/audit.service';
import { checkNotThrottled, forgetFailures, recordFailure } from './login-throttle';
import { decoyHash, hashPassword, verifyPassword } from './password';
import { PASSWORD_MAX_LENGTH, passwordProblem } from './password-policy';
import { hashSecretToken, newSecretToken } from './secret-token';
import { ROLES, UserModel, type Role } from './user.model';
import type { FirstAdminSetup } from './first-admin';
import { forgetSetupCodes, isSetupCode } from './setup-codes';
import { isDuplicateKey } from '../lib/duplicate-key';

/** How long a one-time link that sets a password stays usable. */
export const PASSWORD_LINK_HOURS = 72;

export interface Account {
  id: string;
  email: string;
  name: string;
  role: Role;
  grants: string[];
  disabled: boolean;
  passwordSet: boolean;
  sessionGeneration: number;
  createdAt?: Date;
  lastSignInAt?: Date;
  /** The language the account last signed in with, when known. */
  language?: InterfaceLanguage;
}

/**
 * An email is a sign-in name and, later, a mail recipient: anything that could break out of a
 * header (CR, LF, commas, angle brackets, quotes) is refused rather than cleaned.
 */
const ZEmail = z
  .string()
  .trim()
  .max(254, 'an email address has at most 254 characters')
  .refine((value) => !/[\s<>,;:"'\\()[\]]/.test(value) && !/\p{Cc}/u.test(value), 'an email address cannot contain spaces, line breaks or the characters < > , ; : " \' \\ ( ) [ ]')
  .pipe(z.email('not an email address'))
  .transform((value) => value.toLowerCase());

export function parseEmail(raw: unknown): string {
  const result = ZEmail.safeParse(raw);
  if (!result.success) throw new ValidationError(`Email: ${result.error.issues[0]?.message ?? 'invalid'}`, undefined, 'invalid_email');
  return result.data;
}

const ZName = z.string().trim().max(100, 'a name has at most 100 characters').refine((value) => !/\p{Cc}/u.test(value), 'a name cannot contain control characters');

function parseName(raw: unknown): string {
  const result = ZName.safeParse(raw ?? '');
  if (!result.success) throw new ValidationError(`Name: ${result.error.issues[0]?.message ?? 'invalid'}`, undefined, 'invalid_name');
  return result.data;
}

function parseRole(raw: unknown): Role {
  if (typeof raw === 'string' && (ROLES as readonly string[]).includes(raw)) return raw as Role;
  throw new ValidationError(`Role must be one of ${ROLES.join(', ')}`, undefined, 'invalid_role');
}

/** A password refused by the policy: 422, with the reason in the person's language on the page. */
export class PasswordRejectedError extends AppError {
  constructor(readonly reason: MessageKey) {
    super(translator('en')(reason), 422, 'password_rejected');
  }
}

function checkNewPassword(password: unknown, userInputs: string[]): string {
  if (typeof password !== 'string') throw new PasswordRejectedError('accounts.password_too_short');
  const problem = passwordProblem(password, userInputs);
  if (problem) throw new PasswordRejectedError(problem);
  return password;
}

type StoredUser = {
  _id: Types.ObjectId;
  email: string;
  name?: string | null;
  role: string;
  grants?: string[] | null;
  passwordHash?: string | null;
  disabledAt?: Date | null;
  sessionGeneration?: number | null;
  createdAt?: Date;
  lastSignInAt?: Date | null;
  language?: string | null;
};

function toAccount(user: StoredUser): Account {
  return {
    id: String(user._id),
    email: user.email,
    name: user.name ?? '',
    role: user.role as Role,
    grants: [...(user.grants ?? [])],
    disabled: Boolean(user.disabledAt),
    passwordSet: Boolean(user.passwordHash),
    sessionGeneration: user.sessionGeneration ?? 0,
    ...(user.createdAt ? { createdAt: user.createdAt } : {}),
    ...(user.lastSignInAt ? { lastSignInAt: user.lastSignInAt } : {}),
    ...(isInterfaceLanguage(user.language) ? { language: user.language } : {}),
  };
}

const noSuchAccount = () => new NotFoundError('No such account', 'account_not_found');

function objectId(id: string): Types.ObjectId {
  if (!Types.ObjectId.isValid(id)) throw noSuchAccount();
  return new Types.ObjectId(id);
}

/** The account a read or a write found; an unknown one is a 404 in every use case. */
function found<User>(user: User | null): User {
  if (!user) throw noSuchAccount();
  return user;
}

/** How many accounts exist: none means the first admin is still to be set up. */
export function countAccounts(): Promise<number> {
  return UserModel.estimatedDocumentCount();
}

/** A one-time link's secret (only its hash is stored) and when it stops working. */
export interface PasswordLink {
  token: string;
  expiresAt: Date;
}

export interface AccountInput {
  email: unknown;
  name?: unknown;
  role: unknown;
  grants?: unknown;
}

export interface AccountServiceDependencies {
  logger: Logger;
  /** The surveys a grant may name. */
  knownSurveyIds: () => string[];
}

export function createAccountService({ logger, knownSurveyIds }: AccountServiceDependencies) {
  function parseGrants(raw: unknown, role: Role): string[] {
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const known = new Set(knownSurveyIds());
    const grants = [...new Set(list)];
    const unknown = grants.filter((id) => typeof id !== 'string' || !known.has(id));
    if (unknown.length) throw new ValidationError(`No such survey: ${unknown.map(String).join(', ')}`, undefined, 'invalid_grant');
    // An admin sees every survey; a stored grant would only mislead when the role changes.
    return role === 'admin' ? [] : (grants as string[]);
  }

  /**
   * A new one-time link on the account the filter finds, in the write that also reads the account
   * back. The link is made whether or not an account is found, so both cost the same.
   */
  async function issuePasswordLinkWhere(filter: Record<string, unknown>, now: Date): Promise<{ user: StoredUser | null; passwordLink: PasswordLink }> {
    const token = newSecretToken('');
    const expiresAt = new Date(now.getTime() + PASSWORD_LINK_HOURS * 3_600_000);
    const user = await UserModel.findOneAndUpdate(
      filter,
      { $set: { passwordLink: { hash: hashSecretToken(token), expiresAt } } },
      { returnDocument: 'after', projection: { passwordLink: 0 } },
    ).lean<StoredUser>();
    return { user, passwordLink: { token, expiresAt } };
  }

  async function issuePasswordLink(userId: Types.ObjectId, now: Date): Promise<{ user: StoredUser; passwordLink: PasswordLink }> {
    const { user, passwordLink } = await issuePasswordLinkWhere({ _id: userId }, now);
    return { user: found(user), passwordLink };
  }

  async function requireAccount(id: string): Promise<StoredUser> {
    return found(await UserModel.findById(objectId(id)).lean<StoredUser>());
  }

  return {
    countAccounts,

    async listAccounts(): Promise<Account[]> {
      const users = await UserModel.find({}, { passwordLink: 0 }).sort({ email: 1 }).lean<StoredUser[]>();
      return users.map(toAccount);
    },

    async findAccount(id: string): Promise<Account> {
      return toAccount(await requireAccount(id));
    },

    async findAccountByEmail(rawEmail: unknown): Promise<Account> {
      return toAccount(found(await UserModel.findOne({ email: parseEmail(rawEmail) }).lean<StoredUser>()));
    },

    /** A new account has no password: the returned one-time link sets it. */
    async createAccount(input: AccountInput, actor: AuditActor, now = new Date()): Promise<{ account: Account; passwordLink: PasswordLink }> {
      const email = parseEmail(input.email);
      const role = parseRole(input.role);
      const name = parseName(input.name);
      const grants = parseGrants(input.grants, role);
      let created;
      try {
        created = await UserModel.create({ email, name, role, grants });
      } catch (error) {
        if (isDuplicateKey(error)) throw new ConflictError(`An account for ${email} already exists`, 'account_exists');
        throw error;
      }
      const { user, passwordLink } = await issuePasswordLink(created._id, now);
      await recordAudit({ ...actor, action: 'account_created', target: email, details: { role, grants } }, logger);
      return { account: toAccount(user), passwordLink };
    },

    async updateAccount(id: string, input: { name?: unknown; role: unknown; grants?: unknown }, actor: AuditActor): Promise<Account> {
      const existing = await requireAccount(id);
      const role = parseRole(input.role);
      const name = input.name === undefined ? existing.name ?? '' : parseName(input.name);
      const grants = parseGrants(input.grants, role);
      if (String(existing._id) === String(actor.actorId) && existing.role === 'admin' && role !== 'admin') {
        throw new ForbiddenError('You cannot take away your own admin role; ask another admin', 'own_admin_role');
      }
      const user = found(await UserModel.findOneAndUpdate({ _id: existing._id }, { $set: { name, role, grants } }, { returnDocument: 'after' }).lean<StoredUser>());
      await recordAudit({ ...actor, action: 'account_changed', target: user.email, details: { from: { role: existing.role, grants: existing.grants ?? [] }, to: { role, grants } } }, logger);
      return toAccount(user);
    },

    /** Disabling ends the account's sessions at once; its tokens stop working with it. */
    async setDisabled(id: string, disabled: boolean, actor: AuditActor, now = new Date()): Promise<Account> {
      const userId = objectId(id);
      if (disabled && String(userId) === String(actor.actorId)) throw new ForbiddenError('You cannot disable your own account', 'own_account');
      const update = disabled ? { $set: { disabledAt: now }, $inc: { sessionGeneration: 1 } } : { $unset: { disabledAt: 1 } };
      const user = found(await UserModel.findOneAndUpdate({ _id: userId }, update, { returnDocument: 'after' }).lean<StoredUser>());
      await recordAudit({ ...actor, action: disabled ? 'account_disabled' : 'account_enabled', target: user.email }, logger);
      return toAccount(user);
    },

    /** A new one-time link; the old password keeps working until the link is used. */
    async reissuePasswordLink(id: string, actor: AuditActor, now = new Date()): Promise<{ account: Account; passwordLink: PasswordLink }> {
      const { user, passwordLink } = await issuePasswordLink(objectId(id), now);
      await recordAudit({ ...actor, action: 'password_link_issued', target: user.email }, logger);
      return { account: toAccount(user), passwordLink };
    },

    /**
     * "Forgot your password?": a new one-time link on the account with this address when it may
     * sign in (not disabled). A link is made either way, and `account` is absent when there is no
     * such account, so the caller can do the same work for both and answer the same.
     */
    async issuePasswordLinkByEmail(email: string, now = new Date()): Promise<{ account?: Account; passwordLink: PasswordLink }> {
      const { user, passwordLink } = await issuePasswordLinkWhere({ email, disabledAt: null }, now);
      return user ? { account: toAccount(user), passwordLink } : { passwordLink };
    },

    /** The account a one-time link is for; a used, replaced or expired link is gone. */
    async accountForPasswordLink(token: string, now = new Date()): Promise<Account> {
      const user = await UserModel.findOne({ 'passwordLink.hash': hashSecretToken(token) }).lean<StoredUser & { passwordLink?: { expiresAt: Date } }>();
      if (!user || !user.passwordLink || user.passwordLink.expiresAt <= now) {
        throw new GoneError('This link has expired or was already used; ask an administrator for a new one', 'password_link_invalid');
      }
      if (user.disabledAt) throw new ForbiddenError('This account is disabled', 'account_disabled');
      return toAccount(user);
    },

    async setPasswordWithLink(token: string, password: unknown, actor: Omit<AuditActor, 'actorId' | 'actorEmail'>, now = new Date()): Promise<Account> {
      const account = await this.accountForPasswordLink(token, now);
      const accepted = checkNewPassword(password, [account.email, account.name]);
      const passwordHash = await hashPassword(accepted);
      // The link is spent in the same write that sets the password, so it works exactly once.
      const user = await UserModel.findOneAndUpdate(
        { _id: objectId(account.id), 'passwordLink.hash': hashSecretToken(token) },
        { $set: { passwordHash }, $unset: { passwordLink: 1 }, $inc: { sessionGeneration: 1 } },
        { returnDocument: 'after' },
      ).lean<StoredUser>();
      if (!user) throw new GoneError('This link was used a moment ago', 'password_link_invalid');
      await recordAudit({ ...actor, actorId: user._id, actorEmail: user.email, action: 'password_set', target: user.email }, logger);
      return toAccount(user);
    },

    async changePassword(id: string, current: unknown, next: unknown, actor: AuditActor): Promise<Account> {
      const user = await requireAccount(id);
      if (typeof current !== 'string' || current.length > PASSWORD_MAX_LENGTH * 4 || !user.passwordHash || !(await verifyPassword(current, user.passwordHash))) {
        throw new AppError('The current password is wrong', 403, 'wrong_password');
      }
      const accepted = checkNewPassword(next, [user.email, user.name ?? '']);
      const passwordHash = await hashPassword(accepted);
      const updated = await UserModel.findOneAndUpdate({ _id: user._id }, { $set: { passwordHash }, $inc: { sessionGeneration: 1 } }, { returnDocument: 'after' }).lean<StoredUser>();
      await recordAudit({ ...actor, action: 'password_changed', target: user.email }, logger);
      return toAccount(updated ?? user);
    },

    /** Ends every session of the account, this one included. */
    async endAllSessions(id: string, actor: AuditActor): Promise<void> {
      const user = found(await UserModel.findOneAndUpdate({ _id: objectId(id) }, { $inc: { sessionGeneration: 1 } }, { projection: { email: 1 } }).lean<Pick<StoredUser, 'email'>>());
      await recordAudit({ ...actor, action: 'sign_out_everywhere', target: user.email }, logger);
    },

    /**
     * Unknown account and wrong password give the same error after the same work (a scrypt of a
     * decoy hash), so neither the answer nor its timing tells whether an account exists.
     */
    async signIn(attempt: { email: unknown; password: unknown; ip: string; language?: InterfaceLanguage }, now = new Date()): Promise<Account> {
      const email = typeof attempt.email === 'string' ? attempt.email.trim().toLowerCase().slice(0, 254) : '';
      const password = typeof attempt.password === 'string' ? attempt.password : '';
      if (password.length > PASSWORD_MAX_LENGTH * 4) throw new ValidationError('That password is longer than any password here', undefined, 'password_too_long');
      await checkNotThrottled({ email, ip: attempt.ip }, now);
      const user = email ? await UserModel.findOne({ email }).lean<StoredUser>() : null;
      const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
      if (!user || !user.passwordHash || !matches) {
        await recordFailure({ email, ip: attempt.ip }, now);
        await recordAudit({ via: 'anonymous', ip: attempt.ip, action: 'sign_in_failed', target: email }, logger);
        throw new AppError('The email or the password is wrong', 401, 'sign_in_failed');
      }
      // Said only to someone who knows the password.
      if (user.disabledAt) throw new ForbiddenError('This account is disabled; ask an administrator', 'account_disabled');
      await forgetFailures({ email });
      await UserModel.updateOne({ _id: user._id }, { $set: { lastSignInAt: now, ...(attempt.language ? { language: attempt.language } : {}) } });
      await recordAudit({ via: 'session', ip: attempt.ip, actorId: user._id, actorEmail: user.email, action: 'sign_in' }, logger);
      return toAccount(user);
    },

    /** The first admin, while there is no account at all. */
    async createFirstAdmin(
      input: { code: unknown; email: unknown; name?: unknown; password: unknown },
      setup: FirstAdminSetup,
      actor: Omit<AuditActor, 'actorId' | 'actorEmail'> & { ip: string },
    ): Promise<Account> {
      if ((await countAccounts()) > 0) throw new ConflictError('An administrator already exists; sign in instead', 'setup_done');
      // The code is guessed at the same pace as a password, with a growing delay, counted per
      // address: one visitor's wrong guesses must not lock the code's holder out.
      const attempt = { email: `(setup code from ${actor.ip})`, ip: actor.ip };
      await checkNotThrottled(attempt);
      if (!(await isSetupCode(setup, input.code))) {
        await recordFailure(attempt);
        throw new ForbiddenError('That setup code is wrong', 'setup_code_wrong');
      }
      const email = parseEmail(input.email);
      const name = parseName(input.name);
      const accepted = checkNewPassword(input.password, [email, name]);
      const passwordHash = await hashPassword(accepted);
      // Two setups at once: the unique _id of this marker lets exactly one of them through.
      try {
        await mongoose.connection.collection<{ _id: string; at: Date }>('app_state').insertOne({ _id: 'first_admin', at: new Date() });
      } catch (error) {
        if (isDuplicateKey(error)) throw new ConflictError('An administrator already exists; sign in instead', 'setup_done');
        throw error;
      }
      // Setting up signs the admin in: that is their first sign-in.
      const created = await UserModel.create({ email, name, role: 'admin', grants: [], passwordHash, lastSignInAt: new Date() });
      await recordAudit({ ...actor, actorId: created._id, actorEmail: email, action: 'first_admin_created', target: email }, logger);
      await forgetSetupCodes();
      return toAccount(created.toObject());
    },

    async signOut(actor: AuditActor): Promise<void> {
      await recordAudit({ ...actor, action: 'sign_out' }, logger);
    },

    /** The signed-in account behind a session, if it may still act. */
    async accountForSession(id: string): Promise<Account | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const user = await UserModel.findById(id, { passwordLink: 0 }).lean<StoredUser>();
      return user && !user.disabledAt ? toAccount(user) : undefined;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
