// A member's unsubscribe link: /u/<memberId>.<signature>, where the signature is an HMAC-SHA256 of
// the member id under the app's secret. Nothing is stored for it, it works for every wave's mail
// to that member, and a link for another member cannot be made up without the secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'barometer unsubscribe v1';
const MEMBER_ID = /^[a-f0-9]{24}$/;

function signatureOf(secret: string, memberId: string): string {
  return createHmac('sha256', secret).update(`${PURPOSE}\n${memberId}`).digest('base64url');
}

/** The path part of a member's unsubscribe link. */
export function unsubscribePath(secret: string, memberId: string): string {
  return `/u/${memberId}.${signatureOf(secret, memberId)}`;
}

/** `base` as publicBaseUrl gives it, without a trailing slash. */
export function unsubscribeUrl(base: string, secret: string, memberId: string): string {
  return `${base}${unsubscribePath(secret, memberId)}`;
}

/** The member a link's last segment names, when its signature is right; undefined otherwise. */
export function memberOfUnsubscribeLink(secret: string, segment: string): string | undefined {
  const dot = segment.indexOf('.');
  if (dot < 0) return undefined;
  const memberId = segment.slice(0, dot);
  const given = Buffer.from(segment.slice(dot + 1));
  if (!MEMBER_ID.test(memberId)) return undefined;
  const expected = Buffer.from(signatureOf(secret, memberId));
  return given.length === expected.length && timingSafeEqual(given, expected) ? memberId : undefined;
}
