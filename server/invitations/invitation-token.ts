// A panel member's personal link to one wave. The token is 32 random bytes (256 bits), handed out
// once in the invitation mail; only its SHA-256 is stored (invitation.model.ts), so a copy of the
// database opens no survey on anyone's behalf.
import { hashSecretToken, newSecretToken } from '../accounts/secret-token';

/** Invitation tokens start with "i_", so a token pasted in the wrong place is recognisable. */
const INVITATION_TOKEN_PREFIX = 'i_';

export function newInvitationToken(): { token: string; tokenHash: string } {
  const token = newSecretToken(INVITATION_TOKEN_PREFIX);
  return { token, tokenHash: hashSecretToken(token) };
}

export function invitationTokenHash(token: string): string {
  return hashSecretToken(token);
}

/** The respondent's way in: /s/<survey>/i/<token> (take.routes.ts). */
export function invitationLinkPath(surveyId: string, token: string): string {
  return `/s/${encodeURIComponent(surveyId)}/i/${encodeURIComponent(token)}`;
}
