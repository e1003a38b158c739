// The few rules that keep a message's headers what we meant them to be. Anything that could end a
// header line (CR, LF) or smuggle another recipient is refused, never cleaned: a subject or a name
// that holds a line break is a mistake or an attack, and both deserve a clear refusal.
import { createHash } from 'node:crypto';
import { UnprocessableError, ValidationError } from '../lib/errors';
import { parseEmail } from '../accounts/account.service';

export interface MailAddress {
  address: string;
  name?: string;
}

const LINE_BREAK = /[\r\n]/;
/** RFC 5322 field names: printable ASCII except the colon. */
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** Refuses a value that would break out of its header line. `what` names it in the message. */
export function assertOneLine(value: string | undefined, what: string): void {
  if (value !== undefined && LINE_BREAK.test(value)) {
    throw new UnprocessableError(`${what} cannot contain a line break`, { field: what }, 'header_injection');
  }
}

/** Checks extra headers: names as RFC 5322 wants them, values on one line. */
export function assertHeaders(headers: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new UnprocessableError(`the header name "${name.replace(/[\r\n]/g, ' ')}" is not valid`, { field: 'headers' }, 'header_injection');
    assertOneLine(value, `the ${name} header`);
  }
}

/** An address a message can go to: the same rules as an account's email (account.service.ts). */
export function checkedAddress(raw: string, what: string): string {
  assertOneLine(raw, what);
  try {
    return parseEmail(raw);
  } catch (error) {
    if (error instanceof ValidationError) throw new UnprocessableError(`${what}: ${error.message.replace(/^Email: /, '')}`, { field: what }, 'invalid_email');
    throw error;
  }
}

/** "Name <address>", "\"Name\" <address>" or a bare address. */
const MAILBOX = /^\s*(?:(.*?)\s*<([^<>]+)>|([^<>\s]+))\s*$/;

/** MAIL_FROM, "Barometer <barometer@example.org>" or a bare address, as a name and an address. */
export function parseMailbox(raw: string, what = 'the sender'): MailAddress {
  assertOneLine(raw, what);
  const match = MAILBOX.exec(raw);
  if (!match) throw new UnprocessableError(`${what} is not "Name <address>" nor an address`, { field: what }, 'invalid_email');
  const name = match[1]?.replace(/^"(.*)"$/, '$1').trim();
  const address = checkedAddress(match[2] ?? match[3] ?? '', what);
  return name ? { address, name } : { address };
}

/**
 * The Message-ID of the message queued under `key`: the same key always gives the same id, so a
 * message sent again after a crash carries the id of the first attempt and a receiving server (or
 * a person) can tell it is the same message.
 */
export function messageIdFor(key: string, senderAddress: string): string {
  const domain = senderAddress.slice(senderAddress.lastIndexOf('@') + 1);
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `<${digest}@${domain}>`;
}
