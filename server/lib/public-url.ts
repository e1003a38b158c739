// Links that leave the app (a resume link, a one-time password link, an invitation, a token's
// example) must name the site as the outside world reaches it, and never a site an attacker names:
// the Host header is the client's to write, so `Host: evil.example` must not put evil.example in a
// link mailed to somebody else, or shown to a respondent who then copies it.
import type { Request } from 'express';
import type { Config } from './config';

/** PUBLIC_URL when it is set, else `fallbackOrigin`; never with a trailing slash. */
export function publicBaseUrl(config: Pick<Config, 'PUBLIC_URL'>, fallbackOrigin: string): string {
  return (config.PUBLIC_URL ?? fallbackOrigin).replace(/\/$/, '');
}

/** Names of this machine a browser on it may use: a link to them leads nowhere else. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** ALLOWED_HOSTS as lower-case names, with their port when one was given. */
export function allowedHosts(config: Pick<Config, 'ALLOWED_HOSTS'>): Set<string> {
  return new Set((config.ALLOWED_HOSTS ?? '').split(',').map((host) => host.trim().toLowerCase()).filter((host) => host !== ''));
}

/** The Host header split into a lower-case name and its port (absent when none was written). */
function hostOf(req: Request): { name: string; port?: string } | undefined {
  const header = req.get('host')?.trim().toLowerCase();
  const parts = header ? /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(header) : null;
  return parts ? { name: parts[1] as string, ...(parts[2] ? { port: parts[2] } : {}) } : undefined;
}

/**
 * Where a link made while answering `req` points. PUBLIC_URL when it is set (production requires
 * it). Without it (development): the Host the request came to only if ALLOWED_HOSTS lists it (with
 * its port, or by name alone); a loopback name with the port the server listens on; else the
 * address the server listens on. A forged Host never makes it into a link.
 */
export function requestPublicBase(config: Pick<Config, 'PUBLIC_URL' | 'ALLOWED_HOSTS' | 'HOST'>, req: Request): string {
  if (config.PUBLIC_URL) return publicBaseUrl(config, '');
  const listeningPort = req.socket.localPort ?? 0;
  // req.protocol comes from X-Forwarded-Proto behind a proxy: only the two schemes a link may have.
  const scheme = req.protocol === 'https' ? 'https' : 'http';
  const host = hostOf(req);
  if (host) {
    const allowed = allowedHosts(config);
    const written = host.port ? `${host.name}:${host.port}` : host.name;
    if (allowed.has(written) || allowed.has(host.name)) return `${scheme}://${written}`;
    if (LOOPBACK_NAMES.has(host.name)) return `${scheme}://${host.name}:${listeningPort}`;
  }
  return serverOrigin(config.HOST, listeningPort);
}

/** Where the server itself can be reached: a wildcard address is where it listens, not an address anyone can open. */
export function serverOrigin(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
