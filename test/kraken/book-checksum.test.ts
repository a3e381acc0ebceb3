import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bookChecksumV1,
  bookChecksumV2,
  checksumDigits,
  crc32,
  type V1LevelStrings,
} from '../../src/kraken/book-checksum.js';

describe('crc32', () => {
  test('standard check values (IEEE / zlib)', () => {
    // "123456789" → 0xCBF43926 is the catalogued CRC-32/ISO-HDLC check value.
    assert.equal(crc32('123456789'), 0xcbf43926);
    assert.equal(crc32(''), 0);
    assert.equal(crc32('a'), 0xe8b7be43);
  });
});

describe('v1 book checksum (docs/kraken-protocol.md §1.9)', () => {
  const vol = '0.00000500';
  const asks: V1LevelStrings[] = [];
  for (let i = 0; i < 10; i++) asks.push([(0.05005 + i * 0.00005).toFixed(5), vol, '1534614248.123678']);
  const bids: V1LevelStrings[] = [
    '0.05000',
    '0.04995',
    '0.04990',
    '0.04980',
    '0.04975',
    '0.04970',
    '0.04965',
    '0.04960',
    '0.04955',
    '0.04950',
  ].map((p) => [p, vol, '1534614248.765567'] as const);

  test('published vector → 974947235', () => {
    assert.equal(bookChecksumV1(asks, bids), 974947235);
  });

  test('equals crc32 of the documented concatenation', () => {
    const input =
      '5005500501050050155005020500502550050305005035500504050050455005050500' +
      '5000500499550049905004980500497550049705004965500496050049555004950500';
    assert.equal(crc32(input), 974947235);
  });

  test('only the top 10 levels count; a change inside them changes the checksum', () => {
    const deeper = [...asks, ['0.05055', vol, '1']] as V1LevelStrings[];
    assert.equal(bookChecksumV1(deeper, bids), 974947235);
    const changed = asks.map((l, i) => (i === 3 ? ([l[0], '0.00000600'] as const) : l));
    assert.notEqual(bookChecksumV1(changed, bids), 974947235);
  });

  test('digits: dot removed, leading zeros stripped', () => {
    assert.equal(checksumDigits('0.05005'), '5005');
    assert.equal(checksumDigits('5541.30000'), '554130000');
    assert.equal(checksumDigits('0.00000500'), '500');
  });
});

describe('v2 book checksum (docs/kraken-protocol.md §3.6, MATIC/USD from Kraken docs)', () => {
  // The full 10×10 snapshot of the docs' example (price_precision 4, qty_precision 8).
  const bids = [
    [0.5666, 4831.75496356],
    [0.5665, 6658.22734739],
    [0.5664, 18724.91513344],
    [0.5663, 11563.92544914],
    [0.5662, 14006.65365711],
    [0.5661, 17454.85679807],
    [0.566, 18097.1547],
    [0.5659, 33644.89175666],
    [0.5658, 148.3464],
    [0.5657, 606.70854372],
  ].map(([price, qty]) => ({ price: price as number, qty: qty as number }));
  const asks = [
    [0.5668, 4410.79769741],
    [0.5669, 4655.40412487],
    [0.567, 49844.89424998],
    [0.5671, 24306.41678],
    [0.5672, 29783.25223475],
    [0.5673, 57234.71239278],
    [0.5674, 45065.04744],
    [0.5675, 5912.76380354],
    [0.5676, 42514.92434778],
    [0.5677, 36304.0847022],
  ].map(([price, qty]) => ({ price: price as number, qty: qty as number }));

  test('snapshot → 2439117997', () => {
    assert.equal(bookChecksumV2(asks, bids, 4, 8), 2439117997);
  });

  test('after the documented update (bid 0.5657 → 1098.3947558) → 2114181697', () => {
    const updated = bids.map((l) => (l.price === 0.5657 ? { price: 0.5657, qty: 1098.3947558 } : l));
    assert.equal(bookChecksumV2(asks, updated, 4, 8), 2114181697);
  });

  test('other precisions do not reproduce it (JSON numbers must be re-padded)', () => {
    assert.notEqual(bookChecksumV2(asks, bids, 5, 8), 2439117997);
    assert.notEqual(bookChecksumV2(asks, bids, 4, 7), 2439117997);
  });

  test('non-finite input is an error with a code', () => {
    assert.throws(() => bookChecksumV2([{ price: NaN, qty: 1 }], [], 4, 8), { code: 'E_DECIMAL_FORMAT' });
  });
});
