import { readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { LANGUAGE_CODE, ZSurveyDefinition, QUESTION_TYPES, type TSurveyDefinition } from './survey.schemas';
import { formatPathForMessage } from './survey.checks';
import { fingerprintSurvey } from './fingerprint';
import { encodeLogoData, MAX_LOGO_BYTES, readLogo } from './logo-image';

/*
 * Reads definition files (YAML, or JSON, which YAML parses too), checks them with
 * ZSurveyDefinition and turns every problem into `file:line path: message`, all of them at
 * once, so an organizer fixes a file in one round.
 */

export interface LoadedSurvey {
  definition: TSurveyDefinition;
  /** Version of the definition, recorded by every response (see fingerprint.ts). */
  fingerprint: string;
  /** The file it came from, relative to the working directory when inside it. */
  file: string;
}

export interface SurveyProblem {
  file: string;
  /** 1-based line in the file; null when the problem is about the file as a whole. */
  line: number | null;
  /** Path in the definition, e.g. pages[1].questions[3].options ('' for the whole file). */
  path: string;
  message: string;
}

export function formatProblem(p: SurveyProblem): string {
  return `${p.file}${p.line !== null ? `:${p.line}` : ''}${p.path ? ` ${p.path}` : ''}: ${p.message}`;
}

export class SurveyDefinitionError extends Error {
  constructor(readonly problems: SurveyProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SurveyDefinitionError';
  }
}

export const SURVEY_FILE_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

function displayName(file: string): string {
  const abs = resolve(file);
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

type PathKey = PropertyKey;

/** The line of the deepest node of `path` present in the document (a map entry's key line). */
function lineOf(doc: Document, counter: LineCounter, path: readonly PathKey[]): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents?.range?.[0] ?? 0) as number;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(key));
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item: unknown = node.items[key];
      if (!item) break;
      const range = (item as { range?: [number, number, number] | null }).range;
      if (range) offset = range[0];
      node = item;
    } else break;
  }
  return counter.linePos(offset).line;
}

function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let current = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeType(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const EXPECTED_WORDS: Record<string, string> = { string: 'a text', number: 'a number', boolean: 'true or false', array: 'a list', object: 'a mapping' };

/** Zod's generic messages, reworded for someone editing a YAML file. */
function explainIssue(issue: z.core.$ZodIssue, data: unknown): { path: PathKey[]; message: string; linePath: PathKey[] }[] {
  const path = [...issue.path];
  // A check may print a short path (the list) but point at a precise line (the duplicate item).
  const params = (issue as { params?: { lineSuffix?: PathKey[] } }).params;
  const linePath = [...path, ...(params?.lineSuffix ?? [])];
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], linePath: [...path, key], message: `unknown field "${key}"` }));
    case 'invalid_type':
      if (value === undefined) return [{ path, linePath, message: 'is required but missing' }];
      return [{ path, linePath, message: `must be ${EXPECTED_WORDS[issue.expected] ?? issue.expected}, not ${describeType(value)}` }];
    case 'invalid_union':
      if ((issue as { discriminator?: string }).discriminator === 'type') {
        return [
          {
            path,
            linePath,
            message: value === undefined ? `a question needs a type: ${QUESTION_TYPES.join(', ')}` : `unknown question type ${JSON.stringify(value)} (types: ${QUESTION_TYPES.join(', ')})`,
          },
        ];
      }
      if (value === undefined) return [{ path, linePath, message: 'is required but missing' }];
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        // `{ fr: Banque, assurance, en: ... }`: the comma made "assurance" a key without a text.
        const empty = Object.entries(value).find(([, v]) => v === null);
        if (empty) return [{ path, linePath, message: `has an entry "${empty[0]}" without text (inside { ... } a text containing a comma must be "quoted")` }];
        const badKey = Object.keys(value).find((k) => !LANGUAGE_CODE.test(k));
        if (badKey !== undefined) return [{ path, linePath, message: `"${badKey}" is not a language code (write them as in languages, e.g. fr, en)` }];
      }
      return [{ path, linePath, message: issue.message }];
    case 'invalid_value':
      return [{ path, linePath, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(value)}` }];
    default:
      return [{ path, linePath, message: issue.message }];
  }
}

function explainYamlError(code: string, message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  // The usual cause for a non-programmer: `{ fr: Banque, assurance, en: ... }`, where the comma
  // splits the text. Say so.
  if (code === 'DUPLICATE_KEY') return `${first} (a key appears twice; inside { ... } a text with a comma must be "quoted")`;
  return first;
}

const LOGO_FILE_PATH = ['branding', 'logo', 'file'] as const;

/**
 * Reads `branding.logo.file` (a path beside the definition) and puts the image in the definition
 * as `data`, so that the version stored carries its logo (see ZBrandingLogo). Returns the problem,
 * if any. Synchronous like the rest of the check: a logo is at most MAX_LOGO_BYTES.
 */
function embedLogoFile(data: unknown, assetsDir: string): string | undefined {
  const logo = valueAt(data, ['branding', 'logo']);
  if (logo === null || typeof logo !== 'object') return undefined;
  const fields = logo as Record<string, unknown>;
  const file = fields.file;
  if (typeof file !== 'string') return undefined;
  if (fields.data !== undefined) return 'write file or data, not both';
  const outside = `${JSON.stringify(file)} is outside the survey's folder: give a path beside the survey file, e.g. assets/logo.svg`;
  const escapes = (path: string) => isAbsolute(path) || path === '..' || path.startsWith(`..${sep}`);
  if (isAbsolute(file) || escapes(normalize(file))) return outside;
  let bytes: Buffer;
  try {
    // Where the path really leads, links followed: a link out of the folder is outside it too,
    // and one to a device (/dev/zero has size 0) would be read for ever.
    const path = realpathSync(join(assetsDir, normalize(file)));
    if (escapes(relative(realpathSync(assetsDir), path))) return outside;
    const stat = statSync(path);
    if (!stat.isFile()) return `${file} is not a file`;
    // Said before reading, so a mistaken path to a video does not load it whole.
    if (stat.size > MAX_LOGO_BYTES) return `${file} is ${Math.ceil(stat.size / 1024)} KB, more than the ${MAX_LOGO_BYTES / 1024} KB a logo may be`;
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${file} does not exist (the path is read from the survey file's folder)` : `${file} cannot be read: ${(error as Error).message}`;
  }
  const reading = readLogo(bytes);
  if (!reading.ok) return `${file}: ${reading.message}`;
  delete fields.file;
  fields.data = encodeLogoData(bytes, reading.image);
  return undefined;
}

/** What checking a definition's text finds: the survey, or every problem with its line and path. */
export type SurveyTextCheck = { ok: true; survey: LoadedSurvey } | { ok: false; problems: SurveyProblem[] };

/**
 * Checks one definition's text, as boot checks a file: `fileName` is the name its problems are
 * reported under (a path, or the name an uploader's browser gave). `assetsDir` is the folder a
 * logo file is read from: a definition file's own; an upload has none.
 */
export function checkSurveyText(text: string, fileName: string, options: { assetsDir?: string } = {}): SurveyTextCheck {
  const file = fileName;
  const refuse = (problems: SurveyProblem[]): SurveyTextCheck => ({ ok: false, problems });
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return refuse(doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line ?? null, path: '', message: `cannot be read: ${explainYamlError(e.code, e.message)}` })));
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) return refuse([{ file, line: null, path: '', message: 'the file is empty' }]);
  const logoProblem = options.assetsDir === undefined ? undefined : embedLogoFile(data, options.assetsDir);
  const logoProblems: SurveyProblem[] = logoProblem ? [{ file, line: lineOf(doc, counter, LOGO_FILE_PATH), path: formatPathForMessage(LOGO_FILE_PATH), message: logoProblem }] : [];
  const parsed = ZSurveyDefinition.safeParse(data);
  if (!parsed.success || logoProblems.length) {
    const issues = parsed.success ? [] : parsed.error.issues;
    const problems: SurveyProblem[] = issues
      .flatMap((issue) => explainIssue(issue, data).map((x): SurveyProblem => ({ file, line: lineOf(doc, counter, x.linePath), path: formatPathForMessage(x.path), message: x.message })))
      // The logo file's own problem replaces the schema's "an upload cannot read a file".
      .filter((p) => !logoProblems.some((l) => l.path === p.path))
      .concat(logoProblems);
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return refuse(problems);
  }
  return { ok: true, survey: { definition: parsed.data, fingerprint: fingerprintSurvey(parsed.data), file } };
}

/** Parses and checks one definition's source text. Throws SurveyDefinitionError listing every problem. */
export function parseSurveySource(source: string, file: string, options: { assetsDir?: string } = {}): LoadedSurvey {
  const checked = checkSurveyText(source, file, options);
  if (!checked.ok) throw new SurveyDefinitionError(checked.problems);
  return checked.survey;
}

export async function loadSurveyFile(path: string): Promise<LoadedSurvey> {
  const file = displayName(path);
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    throw new SurveyDefinitionError([{ file, line: null, path: '', message: `cannot be read: ${(error as Error).message}` }]);
  }
  return parseSurveySource(source, file, { assetsDir: dirname(path) });
}

/** The definition files of a directory, sorted by name. */
export async function listSurveyFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && (SURVEY_FILE_EXTENSIONS as readonly string[]).includes(extname(e.name).toLowerCase()))
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * Loads several files, collecting the problems of all of them (and survey ids used twice)
 * before throwing, so one run names every bad file.
 */
export async function loadSurveyFiles(paths: readonly string[]): Promise<LoadedSurvey[]> {
  const loaded: LoadedSurvey[] = [];
  const problems: SurveyProblem[] = [];
  for (const path of paths) {
    try {
      loaded.push(await loadSurveyFile(path));
    } catch (error) {
      if (error instanceof SurveyDefinitionError) problems.push(...error.problems);
      else throw error;
    }
  }
  const firstFile = new Map<string, string>();
  for (const survey of loaded) {
    const first = firstFile.get(survey.definition.id);
    if (first !== undefined) problems.push({ file: survey.file, line: 1, path: 'id', message: `survey id "${survey.definition.id}" is already used by ${first}` });
    else firstFile.set(survey.definition.id, survey.file);
  }
  if (problems.length) throw new SurveyDefinitionError(problems);
  return loaded;
}

export async function loadSurveyDirectory(dir: string): Promise<LoadedSurvey[]> {
  let files: string[];
  try {
    files = await listSurveyFiles(dir);
  } catch (error) {
    throw new SurveyDefinitionError([{ file: displayName(dir), line: null, path: '', message: `cannot be read: ${(error as Error).message}` }]);
  }
  return loadSurveyFiles(files);
}
