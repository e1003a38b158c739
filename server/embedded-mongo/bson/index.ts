// The store's value model (decision 0004): types, comparison, hashing, arithmetic, paths,
// collations and the conversion from wire values. Nothing outside bson/ needs to know how a
// BSON type is held in memory.
export type { Document } from 'bson';
export { bsonType, isNumeric, makeDouble, isPlainObject, isInt32Number, BSON_TYPE_CODES, type BsonTypeName } from './types';
export { toNumber, numericView, asDouble, compareNumbers, fitsInt32, fitsInt64, integerResult, addNumbers, subtractNumbers, multiplyNumbers, divideNumbers, modNumbers, type NumericView } from './numbers';
export { compareValues, valuesEqual, hashKey, typeRank, compareStringsBinary, regexParts, type RegexParts } from './compare';
export { cloneValue, fromWire, setOwnField, WIRE_DESERIALIZE_OPTIONS } from './wire';
export { getField, isArrayIndex } from './paths';
export { parseCollation, type Collator } from './collation';
