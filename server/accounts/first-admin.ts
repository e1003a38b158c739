// While no account exists, boot prints a one-time setup code (as Grafana and Jenkins do) and the
// setup page creates the first admin only for someone who can read the server's console. There
// is no open setup page: without the code, /setup refuses. Each app process prints a code of its
// own; setup-codes.ts lets any process accept the code another printed.
import { randomInt, timingSafeEqual } from 'node:crypto';

/** Crockford's base-32 alphabet: no I, L, O or U to misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 3;
const GROUP_LENGTH = 4;

export interface FirstAdminSetup {
  /** Shown as XXXX-XXXX-XXXX. */
  readonly code: string;
  matches(candidate: unknown): boolean;
}

/** The code as compared: case, spaces and dashes aside, and the letters people misread for digits as those digits. */
export function normaliseSetupCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

export function createFirstAdminSetup(): FirstAdminSetup {
  const groups = Array.from({ length: GROUPS }, () =>
    Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  );
  const code = groups.join('-');
  const expected = Buffer.from(normaliseSetupCode(code));
  return {
    code,
    matches(candidate) {
      if (typeof candidate !== 'string' || candidate.length > 64) return false;
      const actual = Buffer.from(normaliseSetupCode(candidate));
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}
