import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addFees, normaliseFeeAsset, pairAssetsOf, quoteValueOfFees } from '../../src/kraken/fee-assets.js';

test('pair assets in the v1 spelling whichever API named the pair', () => {
  assert.deepEqual(pairAssetsOf('BTC/USD'), { base: 'XBT', quote: 'USD' });
  assert.deepEqual(pairAssetsOf('XBT/USD'), { base: 'XBT', quote: 'USD' });
  assert.deepEqual(pairAssetsOf('DOGE/EUR'), { base: 'XDG', quote: 'EUR' });
  assert.deepEqual(pairAssetsOf('KAR/USD'), { base: 'KAR', quote: 'USD' });
});

test('a fee asset is named as its pair names it; others keep Kraken spelling', () => {
  const p = pairAssetsOf('BTC/USD');
  assert.equal(normaliseFeeAsset('BTC', p), 'XBT');
  assert.equal(normaliseFeeAsset('USD', p), 'USD');
  assert.equal(normaliseFeeAsset('KFEE', p), 'KFEE');
});

test('quote value: quote fees as is, base fees at the price, other assets left unvalued', () => {
  const p = pairAssetsOf('XBT/USD');
  assert.deepEqual(quoteValueOfFees([{ asset: 'USD', qty: 0.5 }], p, 60000), { value: 0.5, unvalued: [] });
  assert.deepEqual(quoteValueOfFees([{ asset: 'XBT', qty: 0.001 }], p, 60000), { value: 60, unvalued: [] });
  assert.deepEqual(quoteValueOfFees([{ asset: 'KFEE', qty: 12 }], p, 60000), {
    value: 0,
    unvalued: [{ asset: 'KFEE', qty: 12 }],
  });
});

test('per-asset totals never mix assets', () => {
  const t = addFees(
    [{ asset: 'USD', qty: 1 }],
    [
      { asset: 'XBT', qty: 0.001 },
      { asset: 'USD', qty: 0.5 },
    ],
  );
  assert.deepEqual(t, [
    { asset: 'USD', qty: 1.5 },
    { asset: 'XBT', qty: 0.001 },
  ]);
});
