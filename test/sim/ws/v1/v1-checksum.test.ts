import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bookChecksum, checksumFragment } from '../../../../src/sim/ws/v1/checksum.js';
import { crc32 } from '../../../../src/kraken/book-checksum.js';

test('crc32 matches the IEEE check value', () => {
  assert.equal(crc32('123456789'), 0xcbf43926);
});

test('Kraken published v1 checksum vector (docs/kraken-protocol.md §1.9) → 974947235', () => {
  const vol = '0.00000500';
  const asks = Array.from({ length: 10 }, (_, i) => (0.05005 + i * 0.00005).toFixed(5));
  const bids = [
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
  ];
  const lv = (p: string): { ck: string } => ({ ck: checksumFragment(p) + checksumFragment(vol) });
  assert.equal(checksumFragment('0.05005'), '5005');
  assert.equal(checksumFragment('0.00000500'), '500');
  assert.equal(bookChecksum(asks.map(lv), bids.map(lv)), 974947235);
  // Levels past the tenth do not count.
  assert.equal(bookChecksum([...asks, '0.06000'].map(lv), [...bids, '0.01000'].map(lv)), 974947235);
});

test('server fragments agree with the shared wire-string checksum (src/kraken/book-checksum.ts)', async () => {
  const { bookChecksumV1 } = await import('../../../../src/kraken/book-checksum.js');
  const asks: Array<[string, string]> = [
    ['50000.5', '0.00100000'],
    ['50001.0', '12.50000000'],
    ['50010.0', '3.00000000'],
  ];
  const bids: Array<[string, string]> = [
    ['49999.9', '0.00000001'],
    ['49000.0', '100.00000000'],
  ];
  const lv = ([p, q]: [string, string]): { ck: string } => ({
    ck: checksumFragment(p) + checksumFragment(q),
  });
  assert.equal(bookChecksum(asks.map(lv), bids.map(lv)), bookChecksumV1(asks, bids));
});
