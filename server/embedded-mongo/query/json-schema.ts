// $jsonSchema (https://www.mongodb.com/docs/manual/reference/operator/query/jsonSchema/):
// MongoDB's draft-4 subset. Type-specific keywords (minimum, minLength, items...) only constrain
// values of their type, as in JSON Schema. Keywords MongoDB omits ($ref, format, default...)
// are refused as mongod refuses them.
import type { Document } from 'bson';
import { BSON_TYPE_CODES, bsonType, compareValues, hashKey, isNumeric, isPlainObject, modNumbers, toNumber, valuesEqual, type BsonTypeName } from '../bson/index';
import { CommandError } from '../errors';
import { compileRegex } from './regex';

type SchemaTest = (value: unknown) => boolean;

const PROPERTY_KEYWORDS = ['properties', 'patternProperties', 'additionalProperties'];

const SUPPORTED = new Set([
  'additionalItems', 'additionalProperties', 'allOf', 'anyOf', 'bsonType', 'dependencies', 'description', 'enum',
  'exclusiveMaximum', 'exclusiveMinimum', 'items', 'maximum', 'maxItems', 'maxLength', 'maxProperties', 'minimum',
  'minItems', 'minLength', 'minProperties', 'multipleOf', 'not', 'oneOf', 'pattern', 'patternProperties', 'properties',
  'required', 'title', 'type', 'uniqueItems',
]);
const NOT_SUPPORTED = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);
const JSON_TYPES: Record<string, (type: BsonTypeName) => boolean> = {
  object: (type) => type === 'object',
  array: (type) => type === 'array',
  number: (type) => type === 'int' || type === 'long' || type === 'double' || type === 'decimal',
  boolean: (type) => type === 'bool',
  string: (type) => type === 'string',
  null: (type) => type === 'null',
};

function failed(message: string): CommandError {
  return new CommandError('FailedToParse', message);
}

function typeMismatch(message: string): CommandError {
  return new CommandError('TypeMismatch', message);
}

function nonNegativeInteger(keyword: string, value: unknown): number {
  const n = isNumeric(value) ? toNumber(value) : Number.NaN;
  if (!isNumeric(value)) throw typeMismatch(`$jsonSchema keyword '${keyword}' must be a number`);
  if (!Number.isInteger(n) || n < 0) throw failed(`$jsonSchema keyword '${keyword}' must be a non-negative integral number`);
  return n;
}

function typeSet(keyword: 'type' | 'bsonType', spec: unknown): (type: BsonTypeName) => boolean {
  const names = Array.isArray(spec) ? spec : [spec];
  if (names.length === 0) throw failed(`$jsonSchema keyword '${keyword}' must name at least one type`);
  const tests = names.map((name) => {
    if (typeof name !== 'string') throw typeMismatch(`$jsonSchema keyword '${keyword}' must be either a string or an array of strings`);
    if (keyword === 'type') {
      if (name === 'integer') throw failed("$jsonSchema type 'integer' is not currently supported.");
      const test = JSON_TYPES[name];
      if (!test) throw failed(`Unknown type name alias: ${name}`);
      return test;
    }
    if (name === 'number') return JSON_TYPES.number!;
    if (!(name in BSON_TYPE_CODES)) throw new CommandError('BadValue', `Unknown type name alias: ${name}`);
    return (type: BsonTypeName) => type === name;
  });
  return (type) => tests.some((test) => test(type));
}

function numberOf(keyword: string, value: unknown): unknown {
  if (!isNumeric(value)) throw typeMismatch(`$jsonSchema keyword '${keyword}' must be a number`);
  return value;
}

function booleanOf(keyword: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw typeMismatch(`$jsonSchema keyword '${keyword}' must be a boolean`);
  return value;
}

function schemaList(keyword: string, value: unknown): SchemaTest[] {
  if (!Array.isArray(value)) throw typeMismatch(`$jsonSchema keyword '${keyword}' must be an array`);
  if (value.length === 0) throw failed(`$jsonSchema keyword '${keyword}' must be a non-empty array`);
  return value.map((entry) => compileSchema(entry));
}

export function compileJsonSchema(schema: unknown): (doc: Document) => boolean {
  const test = compileSchema(schema);
  return (doc) => test(doc);
}

function compileSchema(schema: unknown): SchemaTest {
  if (!isPlainObject(schema)) throw typeMismatch('$jsonSchema must be an object');
  const tests: SchemaTest[] = [];
  if ('type' in schema && 'bsonType' in schema) throw failed("Cannot specify both $jsonSchema keywords 'type' and 'bsonType'");
  for (const [keyword, spec] of Object.entries(schema)) {
    if (NOT_SUPPORTED.has(keyword)) throw failed(`$jsonSchema keyword '${keyword}' is not currently supported`);
    if (!SUPPORTED.has(keyword)) throw failed(`Unknown $jsonSchema keyword: ${keyword}`);
    const test = compileKeyword(keyword, spec, schema);
    if (test) tests.push(test);
  }
  return (value) => tests.every((test) => test(value));
}

function isObject(value: unknown): value is Document {
  return bsonType(value) === 'object' && isPlainObject(value);
}

function compileKeyword(keyword: string, spec: unknown, schema: Document): SchemaTest | undefined {
  switch (keyword) {
    case 'title':
    case 'description':
      if (typeof spec !== 'string') throw typeMismatch(`$jsonSchema keyword '${keyword}' must be a string`);
      return undefined;
    case 'type':
    case 'bsonType': {
      const matches = typeSet(keyword, spec);
      return (value) => value === undefined || matches(bsonType(value));
    }
    case 'enum': {
      if (!Array.isArray(spec)) throw typeMismatch("$jsonSchema keyword 'enum' must be an array");
      if (spec.length === 0) throw failed("$jsonSchema keyword 'enum' cannot be an empty array");
      return (value) => value === undefined || spec.some((entry) => valuesEqual(value, entry));
    }
    case 'minimum':
    case 'maximum': {
      const bound = numberOf(keyword, spec);
      const exclusive = schema[keyword === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true;
      return (value) => {
        if (!isNumeric(value)) return true;
        const order = compareValues(value, bound);
        if (keyword === 'minimum') return exclusive ? order > 0 : order >= 0;
        return exclusive ? order < 0 : order <= 0;
      };
    }
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      booleanOf(keyword, spec);
      if (!((keyword === 'exclusiveMinimum' ? 'minimum' : 'maximum') in schema)) throw failed(`$jsonSchema keyword '${keyword === 'exclusiveMinimum' ? 'minimum' : 'maximum'}' must be a present if ${keyword} is present`);
      return undefined;
    case 'multipleOf': {
      const divisor = numberOf(keyword, spec);
      if (compareValues(divisor, 0) <= 0) throw failed("$jsonSchema keyword 'multipleOf' must have a positive value");
      return (value) => !isNumeric(value) || compareValues(modNumbers(value, divisor), 0) === 0;
    }
    case 'minLength':
    case 'maxLength': {
      const limit = nonNegativeInteger(keyword, spec);
      return (value) => {
        if (typeof value !== 'string') return true;
        const length = [...value].length; // code points, as mongod counts
        return keyword === 'minLength' ? length >= limit : length <= limit;
      };
    }
    case 'pattern': {
      if (typeof spec !== 'string') throw typeMismatch("$jsonSchema keyword 'pattern' must be a string");
      const regex = compileRegex(spec, '');
      return (value) => typeof value !== 'string' || regex.test(value);
    }
    case 'minItems':
    case 'maxItems': {
      const limit = nonNegativeInteger(keyword, spec);
      return (value) => !Array.isArray(value) || (keyword === 'minItems' ? value.length >= limit : value.length <= limit);
    }
    case 'uniqueItems': {
      if (!booleanOf(keyword, spec)) return undefined;
      return (value) => !Array.isArray(value) || new Set(value.map((element) => hashKey(element))).size === value.length;
    }
    case 'items':
      return compileItems(spec, schema.additionalItems);
    case 'additionalItems':
      if (typeof spec !== 'boolean' && !isPlainObject(spec)) throw typeMismatch("$jsonSchema keyword 'additionalItems' must be either an object or a boolean");
      return undefined; // applied by 'items'
    case 'minProperties':
    case 'maxProperties': {
      const limit = nonNegativeInteger(keyword, spec);
      return (value) => !isObject(value) || (keyword === 'minProperties' ? Object.keys(value).length >= limit : Object.keys(value).length <= limit);
    }
    case 'required': {
      if (!Array.isArray(spec)) throw typeMismatch("$jsonSchema keyword 'required' must be an array");
      if (spec.length === 0) throw failed("$jsonSchema keyword 'required' cannot be an empty array");
      for (const name of spec) if (typeof name !== 'string') throw typeMismatch("$jsonSchema keyword 'required' must be an array of strings");
      const names = spec as string[];
      return (value) => !isObject(value) || names.every((name) => value[name] !== undefined);
    }
    case 'properties':
    case 'patternProperties':
    case 'additionalProperties':
      // The three act together; compile them once, at the first of them.
      return keyword === PROPERTY_KEYWORDS.find((name) => name in schema) ? compileProperties(schema) : undefined;
    case 'dependencies':
      return compileDependencies(spec);
    case 'allOf': {
      const list = schemaList(keyword, spec);
      return (value) => value === undefined || list.every((test) => test(value));
    }
    case 'anyOf': {
      const list = schemaList(keyword, spec);
      return (value) => value === undefined || list.some((test) => test(value));
    }
    case 'oneOf': {
      const list = schemaList(keyword, spec);
      return (value) => value === undefined || list.filter((test) => test(value)).length === 1;
    }
    case 'not': {
      const inner = compileSchema(spec);
      return (value) => value === undefined || !inner(value);
    }
    default:
      throw failed(`Unknown $jsonSchema keyword: ${keyword}`);
  }
}

function compileItems(spec: unknown, additional: unknown): SchemaTest {
  if (isPlainObject(spec)) {
    const each = compileSchema(spec);
    return (value) => !Array.isArray(value) || value.every((element) => each(element));
  }
  if (!Array.isArray(spec)) throw typeMismatch("$jsonSchema keyword 'items' must be an array or an object");
  const positional = spec.map((entry) => compileSchema(entry));
  const rest: SchemaTest = additional === false ? () => false : isPlainObject(additional) ? compileSchema(additional) : () => true;
  return (value) => !Array.isArray(value) || value.every((element, index) => (positional[index] ?? rest)(element));
}

/** properties, patternProperties and additionalProperties act together on an object's fields. */
function compileProperties(schema: Document): SchemaTest {
  const properties = schema.properties;
  if (properties !== undefined && !isPlainObject(properties)) throw typeMismatch("$jsonSchema keyword 'properties' must be an object");
  const named = new Map(Object.entries((properties as Document | undefined) ?? {}).map(([name, sub]) => [name, compileSchema(sub)]));
  const patternSpec = schema.patternProperties;
  if (patternSpec !== undefined && !isPlainObject(patternSpec)) throw typeMismatch("$jsonSchema keyword 'patternProperties' must be an object");
  const patterns = Object.entries((patternSpec as Document | undefined) ?? {}).map(([pattern, sub]) => [compileRegex(pattern, ''), compileSchema(sub)] as const);
  const additionalSpec = schema.additionalProperties;
  if (additionalSpec !== undefined && typeof additionalSpec !== 'boolean' && !isPlainObject(additionalSpec)) {
    throw typeMismatch("$jsonSchema keyword 'additionalProperties' must be either an object or a boolean");
  }
  const additional: SchemaTest | undefined = additionalSpec === false ? () => false : isPlainObject(additionalSpec) ? compileSchema(additionalSpec) : undefined;
  return (value) => {
    if (!isObject(value)) return true;
    for (const [name, field] of Object.entries(value)) {
      if (field === undefined) continue;
      let claimed = false;
      const sub = named.get(name);
      if (sub) {
        claimed = true;
        if (!sub(field)) return false;
      }
      for (const [regex, test] of patterns) {
        if (regex.test(name)) {
          claimed = true;
          if (!test(field)) return false;
        }
      }
      if (!claimed && additional && !additional(field)) return false;
    }
    return true;
  };
}

function compileDependencies(spec: unknown): SchemaTest {
  if (!isPlainObject(spec)) throw typeMismatch("$jsonSchema keyword 'dependencies' must be an object");
  const rules = Object.entries(spec).map(([name, dependency]): [string, SchemaTest] => {
    if (Array.isArray(dependency)) {
      const names = dependency as string[];
      return [name, (value) => names.every((other) => (value as Document)[other] !== undefined)];
    }
    return [name, compileSchema(dependency)];
  });
  return (value) => !isObject(value) || rules.every(([name, test]) => value[name] === undefined || test(value));
}
