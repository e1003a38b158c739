// A reminder must carry the member's personal link again, but only the token's hash is there to
// find the invitation by. So the token is also kept sealed (AES-256-GCM under a key derived from
// the app's secret): a copy of the database alone still opens no survey, and the reminder reuses
// the very link of the invitation instead of issuing a second one that would kill the first.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const VERSION = 'v1';

function sealingKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('barometer invitation token seal v1').digest();
}

export function sealInvitationToken(secret: string, token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret), iv);
  const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The token, or undefined when it was sealed under another secret (SECRET changed) or altered. */
export function unsealInvitationToken(secret: string, sealed: string): string | undefined {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !body || !tag) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
