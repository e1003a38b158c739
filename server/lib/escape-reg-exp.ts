// Text a user typed, searched for as that text: MongoDB's $regex takes a pattern, and a search box
// must never hand it one (a `.*` would match everything, a `(a+)+$` could take the server's time).

/** The pattern that matches exactly `text`: every character a pattern gives a meaning escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
