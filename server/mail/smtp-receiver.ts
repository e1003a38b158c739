// An SMTP server on loopback that reads each message whole: the local mail catcher (no SMTP_URL)
// keeps what it receives for the console, and the tests' SMTP server (test/support/smtp.ts)
// asserts on it. smtp-server speaks the protocol and mailparser reads the MIME, both from
// nodemailer's author, so what is checked is what a real server would receive.
import type { AddressInfo } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import { systemClock, type Clock } from '../lib/clock';

export interface ReceivedMail {
  /** With its angle brackets, as sent: "<…@domain>". */
  messageId: string;
  /** The From address, and its display name when there is one. */
  from: string;
  fromName?: string;
  /** The To addresses, joined by ", " when there are several. */
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Every header line as received (unfolded), by lower-cased name; a repeated header keeps its first value. */
  headers: Map<string, string>;
  /** The SMTP envelope's recipients. */
  envelopeTo: string[];
  size: number;
  receivedAt: Date;
}

/** An SMTP answer that refuses: 4xx is temporary (the sender retries), 5xx permanent. */
export interface SmtpRefusal {
  code: number;
  message: string;
}

export interface SmtpReceiverOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Asked at RCPT TO and at the end of DATA: a refusal answers that code instead of accepting. */
  refusal?(): SmtpRefusal | null;
  /** Runs before the server answers 250, so a message is kept before its sender hears it was. */
  onMessage(mail: ReceivedMail): Promise<void> | void;
  /** The largest message accepted, in bytes. */
  maxSize?: number;
  /** Stamps receivedAt. */
  clock?: Clock;
  /**
   * When given, a client must log in with these (AUTH PLAIN or LOGIN; in clear, as loopback never
   * leaves the machine) before it may send: the catcher takes mail from its own worker only.
   */
  credentials?: { user: string; pass: string };
}

export interface SmtpReceiver {
  port: number;
  /** smtp://127.0.0.1:PORT, to show: never the credentials. */
  url: string;
  /** The URL a client sends through: `url` with the credentials, when there are some. */
  senderUrl: string;
  close(): Promise<void>;
}

/** Compares digests, so the time taken tells nothing of how much of a guess was right. */
function sameSecret(given: string | null | undefined, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given ?? ''), digest(expected));
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): { address: string; name?: string }[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value).map((entry) => ({ address: entry.address ?? '', ...(entry.name ? { name: entry.name } : {}) }));
}

function refusalError(refusal: SmtpRefusal): Error {
  return Object.assign(new Error(refusal.message), { responseCode: refusal.code });
}

/**
 * The message whole, or null when it went over the size limit: the rest of an oversized message is
 * read and dropped (the client must finish DATA to hear the refusal), never kept in memory.
 */
async function readStream(stream: SMTPServerDataStream): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    if (!stream.sizeExceeded) chunks.push(chunk as Buffer);
  }
  return stream.sizeExceeded ? null : Buffer.concat(chunks);
}

/**
 * The largest message received by default: a stored caught message (its text, HTML and headers)
 * must fit in one 16 MB database document, and no message the app sends comes near it.
 */
const RECEIVED_MAIL_MAX_BYTES = 10 * 1024 * 1024;

/** Reads one message as received. */
async function parseReceivedMail(raw: Buffer, envelopeTo: string[], receivedAt: Date): Promise<ReceivedMail> {
  const parsed = await simpleParser(raw);
  const headers = new Map<string, string>();
  for (const { key, line } of parsed.headerLines) {
    if (!headers.has(key)) headers.set(key, line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  const [from] = addressesOf(parsed.from);
  return {
    messageId: parsed.messageId ?? '',
    from: from?.address ?? '',
    ...(from?.name ? { fromName: from.name } : {}),
    to: addressesOf(parsed.to).map((entry) => entry.address).join(', '),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    headers,
    envelopeTo,
    size: raw.length,
    receivedAt,
  };
}

export async function startSmtpReceiver(options: SmtpReceiverOptions): Promise<SmtpReceiver> {
  const { credentials } = options;
  const server = new SMTPServer({
    authOptional: credentials === undefined,
    // A loopback server has no certificate worth offering; a client that saw STARTTLS would try it.
    disabledCommands: credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const valid = credentials !== undefined && sameSecret(auth.username, credentials.user) && sameSecret(auth.password, credentials.pass);
      callback(valid ? null : refusalError({ code: 535, message: '5.7.8 Authentication failed' }), valid ? { user: auth.username } : undefined);
    },
    logger: false,
    size: options.maxSize ?? RECEIVED_MAIL_MAX_BYTES,
    // On close, connections still open are cut at once: a stopped server is down, as in an outage.
    closeTimeout: 10,
    onRcptTo(_address, _session, callback) {
      const refusal = options.refusal?.();
      callback(refusal ? refusalError(refusal) : undefined);
    },
    onData(stream, session, callback) {
      readStream(stream)
        .then(async (raw) => {
          if (raw === null) return callback(refusalError({ code: 552, message: '5.3.4 Message too large' }));
          const refusal = options.refusal?.();
          if (refusal) return callback(refusalError(refusal));
          const mail = await parseReceivedMail(raw, session.envelope.rcptTo.map((rcpt) => rcpt.address), (options.clock ?? systemClock).now());
          await options.onMessage(mail);
          callback();
        })
        .catch((error: unknown) => callback(refusalError({ code: 451, message: `Not kept: ${(error as Error).message}` })));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client that drops mid-message makes the server emit an error; it is the client's problem.
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;
  const url = `smtp://127.0.0.1:${port}`;
  return {
    port,
    url,
    senderUrl: credentials ? `smtp://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@127.0.0.1:${port}` : url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
