// Where a one-time link that sets a password points (the page is in accounts.routes.ts).
export function passwordLinkPath(token: string): string {
  return `/account/password/${encodeURIComponent(token)}`;
}

/** `base` as publicBaseUrl gives it, without a trailing slash. */
export function passwordLinkUrl(base: string, token: string): string {
  return `${base}${passwordLinkPath(token)}`;
}
