import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, compareQuantity, ERR_FORMAT_WRONG, ERR_SUFFIX, formatQuantity, isQuantity, parseQuantity, quantityIntValue, quantityValue } from './quantity.js';

test('canonical forms as resource.Quantity.String()', () => {
  const cases: [string | number, string][] = [
    ['1024Mi', '1Gi'], ['1000M', '1G'], ['1.5Gi', '1536Mi'], ['100m', '100m'], ['1.5', '1500m'],
    ['0.9Gi', '966367641600m'], ['100Mi', '100Mi'], ['2Gi', '2Gi'], ['10Gi', '10Gi'], ['0', '0'], ['0Gi', '0'],
    ['1e3', '1e3'], ['1.5e3', '1500'], ['12000', '12k'], ['1500', '1500'], ['0.5Ki', '512'], ['1Ki', '1Ki'],
    ['2048Ki', '2Mi'], ['5', '5'], [5, '5'], ['1k', '1k'], ['0.1n', '1n'], ['-1024Mi', '-1Gi'], ['500Mi', '500Mi'],
    ['1000Mi', '1000Mi'], ['3000m', '3'], ['1G', '1G'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, `input ${input}`);
});

test('upstream parse errors, literally', () => {
  assert.throws(() => parseQuantity('10GB'), { message: ERR_FORMAT_WRONG });
  assert.throws(() => parseQuantity(''), { message: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" });
  assert.throws(() => parseQuantity('abc'), { message: ERR_FORMAT_WRONG });
  assert.throws(() => parseQuantity('10Gii'), { message: ERR_SUFFIX });
  assert.throws(() => parseQuantity('1mi'), { message: "unable to parse quantity's suffix" });
  assert.equal(isQuantity('1Gi'), true);
  assert.equal(isQuantity('1 Gi'), false);
});

test('comparison and values are exact', () => {
  assert.equal(compareQuantity(parseQuantity('1Gi'), parseQuantity('1024Mi')), 0);
  assert.equal(compareQuantity(parseQuantity('1G'), parseQuantity('1Gi')), -1);
  assert.equal(compareQuantity(parseQuantity('2Gi'), parseQuantity('2000Mi')), 1);
  assert.equal(compareQuantity(parseQuantity('100m'), parseQuantity('0.1')), 0);
  assert.equal(quantityValue(parseQuantity('1Gi')), 1073741824);
  assert.equal(quantityValue(parseQuantity('100m')), 0.1);
  assert.equal(quantityIntValue(parseQuantity('100m')), 1n);
  assert.equal(formatQuantity(parseQuantity('7Ei')), '7Ei');
  // Binary quantities are capped at the int64 maximum, as upstream's maxAllowed.
  assert.equal(formatQuantity(parseQuantity('8Ei')), '9223372036854775807');
});
