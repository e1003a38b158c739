import assert from 'node:assert/strict';
import { Decimal128, Double } from 'bson';
import { addNumbers, divideNumbers, modNumbers, multiplyNumbers, subtractNumbers, toNumber } from '../../../../server/embedded-mongo/bson/index';

const dec = (s: string): Decimal128 => Decimal128.fromString(s);
const text = (value: unknown): string => (value as Decimal128).toString();

describe('embedded-mongo bson: arithmetic with MongoDB type promotion', () => {
  it('keeps int32 sums as int32 and widens an overflow to int64', () => {
    assert.equal(addNumbers(1, 2), 3);
    assert.equal(addNumbers(2147483647, 1), 2147483648n);
    assert.equal(multiplyNumbers(65536, 65536), 4294967296n);
    assert.equal(subtractNumbers(-2147483648, 1), -2147483649n);
  });

  it('keeps int64 results as int64 and turns an int64 overflow into a double', () => {
    assert.equal(addNumbers(2n ** 60n, 1), 2n ** 60n + 1n);
    assert.equal(addNumbers(2n ** 63n - 1n, 1n), 2 ** 63);
    assert.equal(typeof multiplyNumbers(2n ** 62n, 4), 'number');
  });

  it('gives a double whenever a double takes part, keeping integer-valued doubles typed', () => {
    const sum = addNumbers(1, new Double(1));
    assert.ok(sum instanceof Double);
    assert.equal((sum as Double).value, 2);
    assert.equal(addNumbers(0.5, 1n), 1.5);
    assert.ok(divideNumbers(6, 3) instanceof Double);
    assert.equal(divideNumbers(1, 4), 0.25);
  });

  it('computes decimals at 34 digits with IEEE preferred exponents', () => {
    assert.equal(text(addNumbers(dec('1.0'), dec('1.00'))), '2.00');
    assert.equal(text(addNumbers(dec('1'), 2)), '3');
    assert.equal(text(multiplyNumbers(dec('1.5'), dec('2.0'))), '3.00');
    assert.equal(text(divideNumbers(dec('1'), dec('3'))), '0.3333333333333333333333333333333333');
    assert.equal(text(divideNumbers(dec('6'), dec('3'))), '2');
    assert.equal(text(addNumbers(dec('0.1'), 0.2)), '0.300000000000000');
    assert.equal(text(subtractNumbers(dec('9E+6144'), dec('-9E+6144'))), 'Infinity');
  });

  it('takes remainders with the sign of the dividend in the promoted type', () => {
    assert.equal(modNumbers(-7, 3), -1);
    assert.equal(modNumbers(7n, 3), 1n);
    assert.equal(modNumbers(7.5, 2), 1.5);
    assert.equal(text(modNumbers(dec('7.5'), 2)), '1.5');
  });

  it('converts any numeric to a JS number', () => {
    assert.equal(toNumber(dec('2.5')), 2.5);
    assert.equal(toNumber(5n), 5);
    assert.equal(toNumber(new Double(3)), 3);
    assert.ok(Number.isNaN(toNumber('x')));
  });
});
