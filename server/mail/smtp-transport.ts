// SMTP_URL to a nodemailer transport. smtps:// is TLS from the first byte (port 465); smtp://
// upgrades with STARTTLS whenever the server offers it (nodemailer's default), and the server's
// certificate is always verified. There is deliberately no way to turn verification off from the
// URL (nodemailer would read `?tls.rejectUnauthorized=false`): a server with a private CA is
// trusted by giving Node that CA (NODE_EXTRA_CA_CERTS), never by trusting anything.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

export type MailTransport = Transporter<SMTPTransport.SentMessageInfo>;

export interface TransportOptions {
  /** Connections kept open at once (one per message in flight). */
  maxConnections?: number;
}

/** The transport's settings from SMTP_URL; throws on a URL that carries options. */
export function smtpTransportOptions(smtpUrl: string, options: TransportOptions = {}): SMTPTransport.Options & { pool: true; maxConnections: number } {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://');
  if (url.search) throw new Error('SMTP_URL takes no options after "?": TLS is always verified; trust a private CA with NODE_EXTRA_CA_CERTS');
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    // One connection reused for many messages: a 10,000-member wave is not 10,000 handshakes.
    pool: true,
    maxConnections: options.maxConnections ?? 1,
    // A server that stops answering fails the attempt (a temporary failure, retried) instead of
    // holding the worker; the worker's lease is renewed while a send lasts.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  };
}

export function createSmtpTransport(smtpUrl: string, options: TransportOptions = {}): MailTransport {
  return nodemailer.createTransport(smtpTransportOptions(smtpUrl, options));
}
