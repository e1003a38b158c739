// Text a user typed, searched for as that text: MongoDB's $regex takes a pattern, and a search box
// must never hand it one (a `.*` would match everything, a `(a+)+$` could take the server's time).
// A NUL character is written as `\x00`: MongoDB refuses a pattern that holds one (a 500 for a
// search a link can carry as `?q=%00`), and `\x00` matches the same text.

/** The pattern that matches exactly `text`: every character a pattern gives a meaning escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\0/g, '\\x00');
}
