import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimalText } from '../../../../src/sim/ws/v2/order-params.js';
import { rfc3339, v2Num } from '../../../../src/sim/ws/v2/wire.js';

test('v2Num: grid value as a JSON number with at most the given decimals, no exponent', () => {
  const cases: Array<[number, number, string]> = [
    [50000, 1, '50000'],
    [0.566, 4, '0.566'],
    [0.5666, 4, '0.5666'],
    [1e-8, 8, '0.00000001'],
    [4831.75496356, 8, '4831.75496356'],
    [0, 8, '0'],
    [12, 0, '12'],
    [-0.17, 2, '-0.17'],
    [0.1 + 0.2, 8, '0.3'],
  ];
  for (const [v, d, text] of cases) {
    assert.equal(v2Num(v, d), text, `${v} @ ${d}`);
    assert.equal(JSON.parse(text), Math.round(v * 10 ** d) / 10 ** d);
  }
  assert.throws(() => v2Num(NaN, 2), /E_DECIMAL_FORMAT/);
});

test('rfc3339: microseconds, carry into the next second, the epoch', () => {
  assert.equal(rfc3339(1696613755.440295), '2023-10-06T17:35:55.440295Z');
  assert.equal(rfc3339(1696613755.9999996), '2023-10-06T17:35:56.000000Z');
  assert.equal(rfc3339(1696613756.000001), '2023-10-06T17:35:56.000001Z');
  assert.equal(rfc3339(0), '1970-01-01T00:00:00.000000Z');
});

test('decimalText: the shortest decimal of a JSON number, exponents expanded', () => {
  const cases: Array<[number, string]> = [
    [0.1, '0.1'],
    [1.2, '1.2'],
    [26500.4, '26500.4'],
    [1e-7, '0.0000001'],
    [1.5e-7, '0.00000015'],
    [0.123456789, '0.123456789'],
    [1e21, '1000000000000000000000'],
    [1.25e21, '1250000000000000000000'],
  ];
  for (const [v, text] of cases) assert.equal(decimalText(v), text, String(v));
});
