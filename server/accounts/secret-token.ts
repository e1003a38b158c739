// Random secrets handed out once (API tokens, one-time links) and kept only as a SHA-256.
import { createHash, randomBytes } from 'node:crypto';

export function newSecretToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
