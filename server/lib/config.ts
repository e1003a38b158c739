// The one place that reads process.env. It is parsed once, with Zod, at boot; a bad value stops
// the process with a message that lists every problem, not only the first.
import path from 'node:path';
import { z } from 'zod';

const ZBooleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const ZConfig = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SURVEYS_DIR: z.string().min(1).default('./surveys'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * The address the outside world reaches the site by; every link the app mails or shows starts
   * with it. Required in production: without it a link would be built from the request's Host
   * header, which the client writes (ALLOWED_HOSTS and public-url.ts say what development does).
   */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
  TRUST_PROXY: ZBooleanString.default(false),
  /**
   * With TRUST_PROXY, how many proxies stand in front (nginx alone: 1; a CDN then nginx: 2). The
   * client's address is read that many entries from the right of X-Forwarded-For: entries further
   * left were written by the client, and trusting them would let anyone pick their own address
   * (and a fresh allowance from every per-address limit).
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  RESPONSE_RATE_LIMIT: z.coerce.number().int().positive().default(20),
  RESPONSE_RATE_WINDOW_MINUTES: z.coerce.number().int().positive().default(10),
  /** Invitation links one address may follow per window (a company's members share one address). */
  INVITATION_LINK_RATE_LIMIT: z.coerce.number().int().positive().default(100),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * Hosts a link may be built from when PUBLIC_URL is unset (development): comma-separated names,
   * with a port when it matters ("localhost:3000,survey.lan"). A request to any other Host gets
   * links to the address the server listens on instead, never to the Host it claimed.
   */
  ALLOWED_HOSTS: z.string().optional(),
  /** A client must have sent its request's headers within this time, or the connection is closed. */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  /** ...and its whole request, body included: a body sent a byte at a time cannot hold a connection. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** How often a process looks for responses whose counters a crash left unapplied, and applies them. */
  COUNTER_SWEEP_MS: z.coerce.number().int().min(50).max(3_600_000).default(60_000),
  LOW_BASE_THRESHOLD: z.coerce.number().int().positive().default(50),
  /** Stack traces and messages of unexpected errors reach the browser only when this is set. */
  SHOW_ERROR_DETAILS: ZBooleanString.default(false),
  /** A staff session ends after this long without a request... */
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().max(24 * 60).default(60),
  /** ...and this long after sign-in, however active. */
  SESSION_MAX_HOURS: z.coerce.number().int().positive().max(24 * 30).default(12),
  /**
   * Where mail goes: smtp://user:pass@host:587 (STARTTLS when the server offers it) or
   * smtps://host:465 (TLS from the start). Unset: a mail catcher on loopback keeps every message
   * for the console's outbox page, and nothing leaves the machine.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    // Options could turn certificate checks off; a private CA goes in NODE_EXTRA_CA_CERTS instead.
    .regex(/^[^?]*$/, 'takes no options after "?": TLS is always verified (trust a private CA with NODE_EXTRA_CA_CERTS)')
    .optional(),
  /**
   * The sender of every message; a name and an address, on one line. The default's domain is
   * reserved (RFC 6761) and only suits the local catcher: production with SMTP_URL must name one.
   */
  MAIL_FROM: z.string().regex(/^[^\r\n]+$/, 'must be one line').optional(),
  /** The organisation's postal address, printed at the foot of every bulk message (anti-spam laws ask for it). */
  MAIL_POSTAL_ADDRESS: z.string().regex(/^[^\r\n]*$/, 'must be one line').default(''),
  /** Messages handed to SMTP per second, at most, by each worker. */
  MAIL_RATE_PER_SECOND: z.coerce.number().positive().max(1000).default(10),
  /** Whether this process sends the outbox (a second process can run `npm run mail -- worker`). */
  MAIL_WORKER: ZBooleanString.default(true),
  /** Hours of the survey's day when no reminder is sent: "21-8" holds them from 21:00 to 08:00. */
  MAIL_QUIET_HOURS: z.string().regex(/^([01]?\d|2[0-3])-([01]?\d|2[0-3])$/, 'must be two hours, as 21-8').default('21-8'),
  /**
   * How often a process looks for figures changed by another process, while a dashboard is open
   * (when the database has no change streams: a standalone mongod, the embedded store).
   */
  LIVE_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(250),
  /**
   * The least time between two computations of one dashboard view: on a busy wave its figures move
   * at most this often, which bounds what open dashboards cost the respondents (bench:live).
   */
  LIVE_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(10_000).default(500),
  /** A heartbeat on every open dashboard stream this often, so proxies keep it open. */
  LIVE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** A dashboard stream ends after this long; the page reconnects, and its access is checked again. */
  LIVE_STREAM_MAX_AGE_MS: z.coerce.number().int().min(1000).max(24 * 3600_000).default(15 * 60_000),
  /** Open dashboard streams one process holds at most; more get 503 with Retry-After. */
  LIVE_MAX_STREAMS: z.coerce.number().int().positive().max(100_000).default(1000),
});

/** The sender when MAIL_FROM is unset: fine for the local catcher, refused in production with SMTP_URL. */
export const DEFAULT_MAIL_FROM = 'Barometer <barometer@barometer.localhost>';

export type Config = Readonly<Omit<z.infer<typeof ZConfig>, 'MAIL_FROM'> & { MAIL_FROM: string; dataDir: string; surveysDir: string }>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default) into a frozen, typed configuration. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset: `PORT= npm start` should not be an error.
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = ZConfig.safeParse(defined);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const problems: string[] = [];
  if (result.data.NODE_ENV === 'production' && !result.data.SECRET) {
    problems.push('SECRET: required in production (at least 32 random characters)');
  }
  if (result.data.NODE_ENV === 'production' && !result.data.PUBLIC_URL) {
    problems.push('PUBLIC_URL: required in production (the address people open, as https://surveys.example.org): links are built from it, never from the Host a request claims');
  }
  if (result.data.NODE_ENV === 'production' && result.data.SMTP_URL && !result.data.MAIL_FROM) {
    problems.push('MAIL_FROM: required in production when SMTP_URL is set ("Name <address@your-domain>")');
  }
  if (result.data.HEADERS_TIMEOUT_MS > result.data.REQUEST_TIMEOUT_MS) {
    problems.push('HEADERS_TIMEOUT_MS: must not be longer than REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    ...result.data,
    MAIL_FROM: result.data.MAIL_FROM ?? DEFAULT_MAIL_FROM,
    dataDir: path.resolve(result.data.DATA_DIR),
    surveysDir: path.resolve(result.data.SURVEYS_DIR),
  });
}

let loaded: Config | undefined;

/** The process's configuration, parsed on first use. */
export function getConfig(): Config {
  loaded ??= parseConfig();
  return loaded;
}
