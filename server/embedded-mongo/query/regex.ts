// MongoDB regexes (PCRE syntax, options i m s x u) run as JS RegExps. Differences: the `x`
// option is applied here by removing unescaped whitespace and #-comments outside character
// classes; PCRE-only syntax (possessive quantifiers, \Z, recursion...) is refused by JS and
// reported as mongod reports a bad pattern (51091).
import { CommandError } from '../errors';
import { bsonType, regexParts } from '../bson/index';

const VALID_OPTIONS = /^[imsxu]*$/;
const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 1000;

export function validateRegexOptions(options: string): void {
  for (const flag of options) {
    if (!'imsxu'.includes(flag)) throw new CommandError(51108, `invalid flag in regex options: ${flag}`);
  }
}

function stripExtended(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (ch === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
      continue;
    }
    out += ch;
  }
  return out;
}

/** Compiles (and caches) a MongoDB regex; throws 51091 for a pattern JS cannot run. */
export function compileRegex(pattern: string, options: string): RegExp {
  const cacheKey = `${options}/${pattern}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  if (!VALID_OPTIONS.test(options)) validateRegexOptions(options);
  const source = options.includes('x') ? stripExtended(pattern) : pattern;
  const flags = [...new Set(options.replace(/[xu]/g, ''))].join('');
  let regex: RegExp;
  try {
    // PCRE in mongod always matches UTF-8 by code point; the u flag is the JS equivalent, but it
    // refuses some escapes PCRE accepts (e.g. "\-"), so fall back to code-unit matching for those.
    regex = new RegExp(source, `${flags}u`);
  } catch {
    try {
      regex = new RegExp(source, flags);
    } catch (error) {
      throw new CommandError(51091, `Regular expression is invalid: ${(error as Error).message}`);
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(cacheKey, regex);
  return regex;
}

/** The JS RegExp for a regex value (a BSONRegExp, or a JS RegExp built in code). */
export function regexOfValue(value: unknown): RegExp {
  const { pattern, flags } = regexParts(value);
  return compileRegex(pattern, flags);
}

/** A regex matches strings and symbols only. */
export function regexMatches(regex: RegExp, value: unknown): boolean {
  const type = bsonType(value);
  if (type !== 'string' && type !== 'symbol') return false;
  regex.lastIndex = 0;
  return regex.test(typeof value === 'string' ? value : String((value as { value: string }).value));
}
