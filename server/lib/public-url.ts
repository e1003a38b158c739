// Links that leave the app (a resume link, a one-time password link, a token's example) must
// name the site as the outside world reaches it.
import type { Request } from 'express';
import type { Config } from './config';

/** PUBLIC_URL when it is set, else `fallbackOrigin`; never with a trailing slash. */
export function publicBaseUrl(config: Pick<Config, 'PUBLIC_URL'>, fallbackOrigin: string): string {
  return (config.PUBLIC_URL ?? fallbackOrigin).replace(/\/$/, '');
}

/** The origin a request came to, as the person's browser saw it. */
export function requestOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** Where a link made while answering `req` points: PUBLIC_URL, else the origin the request came to. */
export function requestPublicBase(config: Pick<Config, 'PUBLIC_URL'>, req: Request): string {
  return publicBaseUrl(config, requestOrigin(req));
}

/** Where the server itself can be reached: a wildcard address is where it listens, not an address anyone can open. */
export function serverOrigin(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
