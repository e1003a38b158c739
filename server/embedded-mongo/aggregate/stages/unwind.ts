// $unwind: one output document per array element. The input document is never changed:
// each output is a copy with the array field (and includeArrayIndex) set.
import { bsonType, getField, isPlainObject } from '../../bson/index';
import { CommandError } from '../../errors';
import { withField } from '../paths';
import { PAUSE, type Stream } from '../pause';
import type { CompiledStage } from '../stage';

interface UnwindSpec {
  path: string[];
  includeArrayIndex?: string[];
  preserveNullAndEmptyArrays: boolean;
}

function parsePath(path: unknown): string[] {
  if (typeof path !== 'string' || path.length === 0) throw new CommandError(28812, 'no path specified to $unwind stage');
  if (!path.startsWith('$')) {
    throw new CommandError(28818, `path option to $unwind stage should be prefixed with a '$': ${path}`);
  }
  const field = path.slice(1);
  if (field === '' || field.split('.').some((part) => part === '' || part.startsWith('$'))) {
    throw new CommandError(28818, `path option to $unwind stage should be prefixed with a '$': ${path}`);
  }
  return field.split('.');
}

function parseUnwindSpec(spec: unknown): UnwindSpec {
  if (typeof spec === 'string') return { path: parsePath(spec), preserveNullAndEmptyArrays: false };
  if (!isPlainObject(spec)) {
    throw new CommandError(15981, `expected either a string or an object as specification for $unwind stage, got ${bsonType(spec)}`);
  }
  let path: string[] | undefined;
  let includeArrayIndex: string[] | undefined;
  let preserve = false;
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'path') {
      if (typeof value !== 'string') throw new CommandError(28808, `expected a string as the path for $unwind stage, got ${bsonType(value)}`);
      path = parsePath(value);
    } else if (key === 'includeArrayIndex') {
      if (typeof value !== 'string' || value.length === 0) {
        throw new CommandError(28810, `expected a non-empty string for the includeArrayIndex  option to $unwind stage, got ${bsonType(value)}`);
      }
      if (value.startsWith('$')) {
        throw new CommandError(28822, `includeArrayIndex option to $unwind stage should not be prefixed with a '$': ${value}`);
      }
      includeArrayIndex = value.split('.');
    } else if (key === 'preserveNullAndEmptyArrays') {
      if (typeof value !== 'boolean') {
        throw new CommandError(28809, `expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage, got ${bsonType(value)}`);
      }
      preserve = value;
    } else {
      throw new CommandError(28811, `unrecognized option to $unwind stage: ${key}`);
    }
  }
  if (!path) throw new CommandError(28812, 'no path specified to $unwind stage');
  return { path, preserveNullAndEmptyArrays: preserve, ...(includeArrayIndex ? { includeArrayIndex } : {}) };
}

export function parseUnwind(spec: unknown): CompiledStage {
  const { path, includeArrayIndex, preserveNullAndEmptyArrays } = parseUnwindSpec(spec);
  const dotted = path.join('.');
  return {
    name: '$unwind',
    spec,
    *run(input: Stream): Stream {
      for (const doc of input) {
        if (doc === PAUSE) {
          yield doc;
          continue;
        }
        const value = getField(doc, dotted);
        if (Array.isArray(value) && value.length > 0) {
          for (let i = 0; i < value.length; i += 1) {
            const out = withField(doc, path, value[i]);
            // The index is a 64-bit integer, as in mongod.
            yield includeArrayIndex ? withField(out, includeArrayIndex, BigInt(i)) : out;
          }
        } else if (value !== undefined && value !== null && !Array.isArray(value)) {
          // A non-array value is unwound as a one-element array (with a null index).
          yield includeArrayIndex ? withField(doc, includeArrayIndex, null) : doc;
        } else if (preserveNullAndEmptyArrays) {
          // An empty array disappears from the output; null and missing stay as they were.
          const out = Array.isArray(value) ? withField(doc, path, undefined) : doc;
          yield includeArrayIndex ? withField(out, includeArrayIndex, null) : out;
        }
      }
    },
  };
}
