/**
 * Stablecoin-base coins (USDC/USD + USDC/EUR, …) are charged Kraken's stablecoin fee schedule, not
 * the coin schedule the evaluation prices every coin with: the universe leaves them out and says
 * why. The schedules are live ones from the corpus (AssetPairs of XXBTZUSD and USDCUSD).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectUniverse, STABLECOIN_BASES } from '../../src/core/pair-universe.js';
import type { PairInfo } from '../../src/core/pair.js';
import { parseAssetPairs } from '../../src/kraken/asset-pairs.js';
import { corpus, value } from '../helpers/corpus.js';
import { testPair } from '../helpers/test-pair.js';

function liveSchedules(): { coin: PairInfo['takerFees']; stable: PairInfo['takerFees'] } {
  const e = corpus('rest.AssetPairs')[0];
  assert.ok(e);
  const pairs = parseAssetPairs((value(e) as { result: unknown }).result).pairs;
  const coin = pairs.find((p) => p.id === 'XXBTZUSD')?.takerFees;
  const stable = pairs.find((p) => p.id === 'USDCUSD')?.takerFees;
  assert.ok(coin && stable);
  return { coin, stable };
}

function legs(base: string, takerFees: PairInfo['takerFees']): PairInfo[] {
  return ['USD', 'EUR'].map((q) => ({ ...testPair(`${base}/${q}`), takerFees }));
}

test('stablecoin bases and coins off the coin schedule are excluded, each with its reason', () => {
  const { coin, stable } = liveSchedules();
  const all = [
    ...legs('USDT', stable),
    ...legs('XBT', coin),
    ...legs('ETH', coin),
    ...legs('USDC', stable), // a known stablecoin
    ...legs('NEWUSD', stable), // an unknown name on the stablecoin schedule
  ];
  const u = selectUniverse(all);
  assert.deepEqual(
    u.coins.map((c) => c.base),
    ['ETH', 'XBT'],
  );
  assert.deepEqual(
    u.excluded.map((x) => x.base),
    ['NEWUSD', 'USDC'],
  );
  assert.match(u.excluded[1]?.reason ?? '', /stablecoin fee schedule/);
  assert.match(u.excluded[0]?.reason ?? '', /not the coin schedule/);
});

test('a name on the stablecoin list is excluded even with the coin schedule', () => {
  const { coin, stable } = liveSchedules();
  for (const base of ['DAI', 'PYUSD', 'EURC']) assert.ok(STABLECOIN_BASES.has(base));
  const u = selectUniverse([...legs('USDT', stable), ...legs('XBT', coin), ...legs('PYUSD', coin)]);
  assert.deepEqual(
    u.excluded.map((x) => x.base),
    ['PYUSD'],
  );
});

test('without XBT the commonest coin schedule is the reference', () => {
  const { coin, stable } = liveSchedules();
  const u = selectUniverse([
    ...legs('USDT', stable),
    ...legs('AAA', coin),
    ...legs('BBB', coin),
    ...legs('CCC', stable),
  ]);
  assert.deepEqual(
    u.coins.map((c) => c.base),
    ['AAA', 'BBB'],
  );
  assert.deepEqual(
    u.excluded.map((x) => x.base),
    ['CCC'],
  );
});
