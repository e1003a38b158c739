// API tokens: created by a user in the console, shown once, revocable, expiring. Creating and
// revoking are use cases (audited); checking a token is what authentication asks on each call.
import { Types } from 'mongoose';
import { NotFoundError, ValidationError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { recordAudit, type AuditActor } from '../audit/audit.service';
import { ApiTokenModel, TOKEN_SCOPES, type TokenScope } from './api-token.model';
import { hashSecretToken, newSecretToken } from './secret-token';

const TOKEN_PREFIX = 'brm_';
export const TOKEN_MAX_DAYS = 366;
/** lastUsedAt is written at most this often per token, not on every call a script makes. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiTokenSummary {
  id: string;
  name: string;
  scope: TokenScope;
  prefix: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt?: Date;
  lastUsedAt?: Date;
}

export interface NewApiToken {
  userId: string;
  name: string;
  scope: string;
  expiresInDays: number;
}

async function storeApiToken(input: NewApiToken, now: Date): Promise<{ token: string; summary: ApiTokenSummary }> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new ValidationError('Name the token (at most 100 characters)', undefined, 'invalid_token_name');
  if (!(TOKEN_SCOPES as readonly string[]).includes(input.scope)) throw new ValidationError('Scope must be "read" or "manage"', undefined, 'invalid_token_scope');
  if (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > TOKEN_MAX_DAYS) {
    throw new ValidationError(`A token expires in 1 to ${TOKEN_MAX_DAYS} days`, undefined, 'invalid_token_expiry');
  }
  const token = newSecretToken(TOKEN_PREFIX);
  const stored = await ApiTokenModel.create({
    userId: new Types.ObjectId(input.userId),
    name,
    scope: input.scope as TokenScope,
    hash: hashSecretToken(token),
    prefix: token.slice(0, TOKEN_PREFIX.length + 6),
    expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000),
  });
  return { token, summary: toSummary(stored.toObject()) };
}

async function listApiTokens(userId: string): Promise<ApiTokenSummary[]> {
  const tokens = await ApiTokenModel.find({ userId: new Types.ObjectId(userId) }).sort({ createdAt: -1 }).lean();
  return tokens.map(toSummary);
}

export function createApiTokenService(logger: Logger) {
  return {
    /** The token is in the answer only: stored as its hash, audited by its name. */
    async create(input: NewApiToken, actor: AuditActor, now = new Date()): Promise<{ token: string; summary: ApiTokenSummary }> {
      const created = await storeApiToken(input, now);
      const { summary } = created;
      await recordAudit({ ...actor, action: 'token_created', target: summary.name, details: { tokenId: summary.id, scope: summary.scope, expiresAt: summary.expiresAt } }, logger);
      return created;
    },

    list: listApiTokens,

    /** Revokes one of the user's own tokens; revoking twice is harmless, and audited once. */
    async revoke(userId: string, tokenId: string, actor: AuditActor, now = new Date()): Promise<ApiTokenSummary> {
      if (!Types.ObjectId.isValid(tokenId)) throw new NotFoundError('No such token', 'token_not_found');
      const filter = { _id: new Types.ObjectId(tokenId), userId: new Types.ObjectId(userId) };
      const { modifiedCount } = await ApiTokenModel.updateOne({ ...filter, revokedAt: { $exists: false } }, { $set: { revokedAt: now } });
      const token = await ApiTokenModel.findOne(filter).lean();
      if (!token) throw new NotFoundError('No such token', 'token_not_found');
      const summary = toSummary(token);
      if (modifiedCount === 1) {
        await recordAudit({ ...actor, action: 'token_revoked', target: summary.name, details: { tokenId: summary.id, scope: summary.scope } }, logger);
      }
      return summary;
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;

export type TokenCheck =
  | { valid: true; userId: string; tokenId: string; scope: TokenScope }
  | { valid: false; reason: 'unknown' | 'expired' | 'revoked' };

export async function checkApiToken(token: string, now = new Date()): Promise<TokenCheck> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return { valid: false, reason: 'unknown' };
  const stored = await ApiTokenModel.findOne({ hash: hashSecretToken(token) }).lean();
  if (!stored) return { valid: false, reason: 'unknown' };
  if (stored.revokedAt) return { valid: false, reason: 'revoked' };
  if (stored.expiresAt <= now) return { valid: false, reason: 'expired' };
  if (!stored.lastUsedAt || now.getTime() - stored.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await ApiTokenModel.updateOne({ _id: stored._id }, { $set: { lastUsedAt: now } });
  }
  return { valid: true, userId: String(stored.userId), tokenId: String(stored._id), scope: stored.scope as TokenScope };
}

function toSummary(token: {
  _id: Types.ObjectId; name: string; scope: string; prefix: string; createdAt?: Date; expiresAt: Date; revokedAt?: Date | null; lastUsedAt?: Date | null;
}): ApiTokenSummary {
  return {
    id: String(token._id),
    name: token.name,
    scope: token.scope as TokenScope,
    prefix: token.prefix,
    createdAt: token.createdAt ?? new Date(0),
    expiresAt: token.expiresAt,
    ...(token.revokedAt ? { revokedAt: token.revokedAt } : {}),
    ...(token.lastUsedAt ? { lastUsedAt: token.lastUsedAt } : {}),
  };
}
