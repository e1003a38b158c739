// SCRAM-SHA-256 (RFC 5802 / RFC 7677), the mechanism the driver uses against MongoDB 4.0+.
// Only the salted keys are kept, as mongod keeps them: the password itself is never stored.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { saslprep } from '@mongodb-js/saslprep';

const derive = promisify(pbkdf2);

/** mongod's default scramSHA256IterationCount. */
export const SCRAM_SHA_256_ITERATIONS = 15_000;
/** mongod draws 28 bytes of salt for SCRAM-SHA-256 credentials. */
const SALT_BYTES = 28;

export interface ScramCredentials { iterationCount: number; salt: string; storedKey: string; serverKey: string }

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();
const sha256 = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();

export async function createScramCredentials(password: string, iterationCount = SCRAM_SHA_256_ITERATIONS): Promise<ScramCredentials> {
  const salt = randomBytes(SALT_BYTES);
  const salted = await derive(saslprep(password), salt, iterationCount, 32, 'sha256');
  return {
    iterationCount,
    salt: salt.toString('base64'),
    storedKey: sha256(hmac(salted, 'Client Key')).toString('base64'),
    serverKey: hmac(salted, 'Server Key').toString('base64'),
  };
}

export class ScramError extends Error {}

/** "a=1,b=2" -> { a: '1', b: '2' }; a value may itself contain '=' (base64). */
function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq !== 1) throw new ScramError(`malformed SCRAM attribute '${part.slice(0, 20)}'`);
    attributes.set(part.slice(0, 1), part.slice(2));
  }
  return attributes;
}

/** Usernames escape ',' and '=' as =2C and =3D (RFC 5802 §5.1). */
function decodeUsername(text: string): string {
  if (/=(?!2C|3D)/.test(text)) throw new ScramError('malformed SCRAM username');
  return text.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** One server-side conversation: client-first -> server-first, client-final -> server-final. */
export class ScramConversation {
  private serverFirst = '';
  private clientFirstBare = '';
  private nonce = '';
  private credentials: ScramCredentials | undefined;
  done = false;

  /** Reads client-first and returns the username it names. */
  static readUsername(clientFirst: string): { username: string; gs2Header: string; bare: string; clientNonce: string } {
    // gs2-header: "n,," or "y,," (no channel binding); an authzid ("a=") is not supported, like mongod.
    const match = /^([ny]),(a=[^,]*)?,(.*)$/.exec(clientFirst);
    if (!match) throw new ScramError('SCRAM client-first message must start with a GS2 header without channel binding');
    if (match[2]) throw new ScramError('SCRAM authorization identities are not supported');
    const bare = match[3]!;
    const attributes = parseAttributes(bare);
    const username = attributes.get('n');
    const clientNonce = attributes.get('r');
    if (username === undefined || !clientNonce) throw new ScramError('SCRAM client-first message needs n= and r=');
    return { username: decodeUsername(username), gs2Header: `${match[1]},${match[2] ?? ''},`, bare, clientNonce };
  }

  start(clientFirst: string, credentials: ScramCredentials): string {
    const first = ScramConversation.readUsername(clientFirst);
    this.clientFirstBare = first.bare;
    this.credentials = credentials;
    this.nonce = first.clientNonce + randomBytes(24).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${credentials.salt},i=${credentials.iterationCount}`;
    return this.serverFirst;
  }

  /** Checks the client's proof; returns server-final ("v=...") or throws ScramError. */
  finish(clientFinal: string): string {
    if (!this.credentials || this.done) throw new ScramError('SCRAM conversation is not expecting a client-final message');
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('SCRAM client-final message needs p=');
    const withoutProof = clientFinal.slice(0, proofAt);
    const attributes = parseAttributes(withoutProof);
    if (attributes.get('c') !== 'biws' && attributes.get('c') !== 'eSws') throw new ScramError('SCRAM channel binding mismatch');
    if (attributes.get('r') !== this.nonce) throw new ScramError('SCRAM nonce mismatch');
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const storedKey = Buffer.from(this.credentials.storedKey, 'base64');
    const clientSignature = hmac(storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw new ScramError('SCRAM proof has the wrong length');
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i += 1) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(sha256(clientKey), storedKey)) throw new ScramError('SCRAM proof does not match');
    this.done = true;
    return `v=${hmac(Buffer.from(this.credentials.serverKey, 'base64'), authMessage).toString('base64')}`;
  }
}
