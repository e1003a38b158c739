// Collations (https://www.mongodb.com/docs/manual/reference/collation/) on Node's ICU through
// Intl.Collator. Limits, since Intl exposes fewer knobs than ICU's C API:
// - strength 4 is tertiary order with punctuation breaking ties when alternate is 'shifted';
//   strength 5 (identical) breaks tertiary ties by code point order, as ICU does.
// - alternate 'shifted' ignores punctuation and spaces (Intl's ignorePunctuation): with
//   maxVariable 'space' mongod ignores only spaces, which Intl cannot express, so it is refused.
// - backwards (French secondary order) has no Intl option and is refused with 238 NotImplemented
//   unless false, rather than accepted and ignored.
// - normalization: ICU's comparison already treats canonically equivalent strings as equal.
// `key(s)` must be equal exactly for strings the collator calls equal. Intl gives no sort keys,
// so each collator keeps an ordered registry of one representative per equivalence class and
// keys a string by its representative's number: exact by construction, at the cost of keeping
// every distinct string keyed under that collation (collators are shared per specification).
import type { Document } from 'bson';
import BTreeModule from 'sorted-btree';
import { CommandError } from '../errors';
import { compareStringsBinary } from './compare';

// sorted-btree is CommonJS with `exports.default`: imported from ESM (as tsx runs the store's
// worker thread) the default import is the module object, not the class.
const BTree: typeof BTreeModule = (BTreeModule as unknown as { default?: typeof BTreeModule }).default ?? BTreeModule;

export interface Collator {
  /** The collation as mongod echoes it back (e.g. in listIndexes), with defaults filled in. */
  readonly spec: Document;
  compare(a: string, b: string): number;
  key(s: string): string;
}

const FIELDS = new Set(['locale', 'caseLevel', 'caseFirst', 'strength', 'numericOrdering', 'alternate', 'maxVariable', 'normalization', 'backwards', 'version']);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'bigint') return 'long';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object' && 'value' in value && typeof (value as { value: unknown }).value === 'number') return (value as { value: number }).value;
  return undefined;
}

function requireType<T>(field: string, value: unknown, read: (v: unknown) => T | undefined, expected: string): T {
  const result = read(value);
  if (result === undefined) {
    throw new CommandError('TypeMismatch', `BSON field 'collation.${field}' is the wrong type '${typeName(value)}', expected type${expected.startsWith('[') ? 's' : ''} '${expected}'`);
  }
  return result;
}

const asBool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function oneOf(field: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) {
    throw new CommandError('BadValue', `Enumeration value '${value}' for field 'collation.${field}' is not a valid value.`);
  }
  return value;
}

/**
 * The locales and variants mongod 7.0 accepts (manual: "Collation Locales and Default
 * Parameters"); anything else is refused, even where Node's ICU would have it.
 */
const SUPPORTED_LOCALES: Readonly<Record<string, readonly string[]>> = {
  af: [], sq: [], am: [], ar: ['compat'], hy: [], as: [], az: ['search'], be: [], bn: ['traditional'], bs: ['search'],
  bs_Cyrl: [], bg: [], my: [], ca: ['search'], chr: [], zh: ['big5han', 'gb2312han', 'unihan', 'zhuyin'], zh_Hant: [],
  hr: ['search'], cs: ['search'], da: ['search'], nl: [], dz: [], en: [], en_US: [], en_US_POSIX: [], eo: [], et: [],
  ee: [], fo: ['search'], fil: [], fi: ['search', 'traditional'], fr: [], fr_CA: [], gl: ['search'], ka: [],
  de: ['search', 'eor', 'phonebook'], de_AT: ['phonebook'], el: [], gu: [], ha: [], haw: [], he: ['search'], hi: [],
  hu: [], is: ['search'], ig: [], smn: ['search'], id: [], ga: [], it: [], ja: ['unihan'], kl: ['search'],
  kn: ['traditional'], kk: [], km: [], kok: [], ko: ['search', 'searchjl', 'unihan'], ky: [], lkt: [], lo: [], lv: [],
  ln: ['phonetic'], lt: [], dsb: [], lb: [], mk: [], ms: [], ml: [], mt: [], mr: [], mn: [], ne: [], se: ['search'],
  nb: ['search'], nn: ['search'], or: [], om: [], ps: [], fa: [], fa_AF: [], pl: [], pt: [], pa: [], ro: [], ru: [],
  sr: [], sr_Latn: ['search'], si: ['dictionary'], sk: ['search'], sl: [], es: ['search', 'traditional'], sw: [],
  sv: ['search'], ta: [], te: [], th: [], bo: [], to: [], tr: ['search'], uk: [], hsb: [], ur: [], ug: [],
  vi: ['traditional'], wae: [], cy: [], yi: ['search'], yo: [], zu: [],
};

/** ICU variant names as BCP 47 collation types (-u-co-...). */
const VARIANT_TYPES: Readonly<Record<string, string>> = {
  compat: 'compat', search: 'search', searchjl: 'searchjl', traditional: 'trad', phonebook: 'phonebk', eor: 'eor',
  unihan: 'unihan', big5han: 'big5han', gb2312han: 'gb2312', zhuyin: 'zhuyin', phonetic: 'phonetic', dictionary: 'dict',
};

/** MongoDB names locales the ICU way (`en_US`, `de@collation=phonebook`); Intl wants BCP 47. */
function toBcp47(locale: string): string | undefined {
  const match = /^([A-Za-z_]+)(?:@collation=([a-z0-9]+))?$/.exec(locale);
  if (!match) return undefined;
  const [, base, variant] = match;
  const variants = Object.hasOwn(SUPPORTED_LOCALES, base!) ? SUPPORTED_LOCALES[base!] : undefined;
  if (!variants || (variant !== undefined && !variants.includes(variant))) return undefined;
  const tag = base!.replace(/_/g, '-') + (variant ? `-u-co-${VARIANT_TYPES[variant]}` : '');
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

function formatLocaleSpec(spec: Document): string {
  const parts = Object.entries(spec).map(([key, value]) => `${key}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  return `{ ${parts.join(', ')} }`;
}

interface Settings {
  locale: string;
  caseLevel: boolean;
  caseFirst: string;
  strength: number;
  numericOrdering: boolean;
  alternate: string;
  maxVariable: string;
  normalization: boolean;
  backwards: boolean;
}

const shared = new Map<string, Collator>();

/**
 * Validates a collation like mongod and returns its collator; undefined when absent or
 * `{ locale: 'simple' }` (binary comparison).
 */
export function parseCollation(spec: unknown): Collator | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (typeof spec !== 'object' || Array.isArray(spec)) {
    throw new CommandError('TypeMismatch', `BSON field 'collation' is the wrong type '${typeName(spec)}', expected type 'object'`);
  }
  const fields = spec as Document;
  for (const field of Object.keys(fields)) {
    if (!FIELDS.has(field)) throw new CommandError(40415, `BSON field 'collation.${field}' is an unknown field.`);
  }
  if (fields.locale === undefined) throw new CommandError(40414, "BSON field 'collation.locale' is missing but a required field");
  const locale = requireType('locale', fields.locale, asString, 'string');
  if (locale === 'simple') {
    const others = Object.keys(fields).filter((field) => field !== 'locale' && field !== 'version');
    if (others.length > 0) throw new CommandError('BadValue', `Collation { locale: "simple" } cannot be combined with other options: ${others.join(', ')}`);
    return undefined;
  }
  const read = <T>(field: string, reader: (v: unknown) => T | undefined, expected: string, fallback: T): T =>
    fields[field] === undefined ? fallback : requireType(field, fields[field], reader, expected);
  // mongod's IDL truncates a fractional strength, bounds it to [0, 5], and 0 is no valid level.
  const strength = Math.trunc(read('strength', numericValue, '[long, int, decimal, double]', 3));
  if (strength < 0) throw new CommandError(51024, `BSON field 'strength' value must be >= 0, actual value '${strength}'`);
  if (strength > 5) throw new CommandError(51024, `BSON field 'strength' value must be <= 5, actual value '${strength}'`);
  if (strength === 0) throw new CommandError('BadValue', "Enumeration value '0' for field 'collation.strength' is not a valid value.");
  const settings: Settings = {
    locale,
    caseLevel: read('caseLevel', asBool, 'bool', false),
    caseFirst: oneOf('caseFirst', read('caseFirst', asString, 'string', 'off'), ['upper', 'lower', 'off']),
    strength,
    numericOrdering: read('numericOrdering', asBool, 'bool', false),
    alternate: oneOf('alternate', read('alternate', asString, 'string', 'non-ignorable'), ['non-ignorable', 'shifted']),
    maxVariable: oneOf('maxVariable', read('maxVariable', asString, 'string', 'punct'), ['punct', 'space']),
    normalization: read('normalization', asBool, 'bool', false),
    backwards: read('backwards', asBool, 'bool', false),
  };
  const bcp47 = toBcp47(locale);
  if (!bcp47) throw new CommandError('BadValue', `Field 'locale' is invalid in: ${formatLocaleSpec(fields)}`);
  if (settings.backwards) throw new CommandError('NotImplemented', 'collation backwards: true (French secondary order) is not supported by the embedded store');
  if (settings.alternate === 'shifted' && settings.maxVariable === 'space') {
    throw new CommandError('NotImplemented', "collation maxVariable: 'space' with alternate: 'shifted' is not supported by the embedded store");
  }
  const cacheKey = JSON.stringify(settings);
  let collator = shared.get(cacheKey);
  if (!collator) {
    collator = createCollator(settings, bcp47);
    shared.set(cacheKey, collator);
  }
  return collator;
}

function createCollator(settings: Settings, bcp47: string): Collator {
  const sensitivity = settings.strength === 1 ? (settings.caseLevel ? 'case' : 'base') : settings.strength === 2 ? (settings.caseLevel ? 'variant' : 'accent') : 'variant';
  const options: Intl.CollatorOptions = {
    usage: 'sort',
    sensitivity,
    numeric: settings.numericOrdering,
    caseFirst: settings.caseFirst === 'off' ? 'false' : (settings.caseFirst as 'upper' | 'lower'),
    ignorePunctuation: settings.alternate === 'shifted',
  };
  const primary = new Intl.Collator(bcp47, options);
  const withPunctuation = settings.alternate === 'shifted' && settings.strength >= 4 ? new Intl.Collator(bcp47, { ...options, ignorePunctuation: false }) : undefined;
  const compare = (a: string, b: string): number => {
    let result = primary.compare(a, b);
    if (result === 0 && withPunctuation) result = withPunctuation.compare(a, b);
    if (result === 0 && settings.strength === 5) result = compareStringsBinary(a, b);
    return result;
  };
  const representatives = new BTree<string, number>(undefined, compare);
  const spec: Document = {
    locale: settings.locale,
    caseLevel: settings.caseLevel,
    caseFirst: settings.caseFirst,
    strength: settings.strength,
    numericOrdering: settings.numericOrdering,
    alternate: settings.alternate,
    maxVariable: settings.maxVariable,
    normalization: settings.normalization,
    backwards: settings.backwards,
    version: '57.1',
  };
  return {
    spec,
    compare,
    key(s: string): string {
      let id = representatives.get(s);
      if (id === undefined) {
        id = representatives.size;
        representatives.set(s, id);
      }
      return `#${id}`;
    },
  };
}
