import { createHash } from 'node:crypto';
import type { TSurveyDefinition } from './survey.schemas';

/*
 * The version of a definition that responses record. It hashes the normalized form the
 * respondent answers: the parsed definition with defaults applied, keys sorted, so YAML vs JSON,
 * comments, quoting, key order and spelled-out defaults do not change it. The report section and
 * the waves it seeds and its time zone are left out on purpose: rewording a statement or closing
 * a wave does not change what respondents were asked.
 */

const EXCLUDED_KEYS = ['report', 'seed_waves', 'time_zone'] as const;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The normalized content that the fingerprint covers, as canonical JSON. */
export function normalizeForFingerprint(definition: TSurveyDefinition): string {
  const content: Record<string, unknown> = { ...definition };
  for (const key of EXCLUDED_KEYS) delete content[key];
  return canonicalJson(content);
}

/** "sha256:" followed by the first 16 hex digits of the SHA-256 of the normalized content. */
export function fingerprintSurvey(definition: TSurveyDefinition): string {
  return `sha256:${createHash('sha256').update(normalizeForFingerprint(definition)).digest('hex').slice(0, 16)}`;
}
