// SPSS variable names: a letter first, then letters, digits and _ . @ # $; not ending with a
// period; not one of the reserved words; at most 64 bytes; unique regardless of case. Survey ids
// are snake_case and almost always valid already: only what is not is changed.
import { utf8Prefix } from './sav-bytes';

const RESERVED = new Set(['ALL', 'AND', 'BY', 'EQ', 'GE', 'GT', 'LE', 'LT', 'NE', 'NOT', 'OR', 'TO', 'WITH']);
const MAX_NAME_BYTES = 64;
const SHORT_NAME_BYTES = 8;

/** A valid SPSS name close to `wanted` (not yet unique). */
export function validName(wanted: string): string {
  let name = wanted.replace(/[^A-Za-z0-9_.@#$]/g, '_');
  if (!/^[A-Za-z]/.test(name)) name = `v${name}`;
  name = name.replace(/\.+$/, (dots) => '_'.repeat(dots.length));
  if (RESERVED.has(name.toUpperCase())) name = `${name}_`;
  return utf8Prefix(name, MAX_NAME_BYTES).toString('utf8');
}

/** Hands out names that no other name of the same file has, ignoring case, as SPSS compares them. */
export class NameRegistry {
  private readonly taken = new Set<string>();

  constructor(private readonly maxBytes: number = MAX_NAME_BYTES) {}

  claim(wanted: string): string {
    const base = utf8Prefix(wanted, this.maxBytes).toString('utf8');
    let name = base;
    for (let n = 2; this.taken.has(name.toUpperCase()); n += 1) {
      const suffix = `_${n}`;
      name = `${utf8Prefix(base, this.maxBytes - suffix.length).toString('utf8')}${suffix}`;
    }
    this.taken.add(name.toUpperCase());
    return name;
  }
}

/** The 8-byte upper-case names the variable records carry; the long names record maps them to the real ones. */
export class ShortNames {
  private readonly registry = new NameRegistry(SHORT_NAME_BYTES);

  claim(longName: string): string {
    const cut = utf8Prefix(validName(longName).toUpperCase(), SHORT_NAME_BYTES).toString('utf8');
    return this.registry.claim(cut.replace(/\.+$/, (dots) => '_'.repeat(dots.length)));
  }
}
