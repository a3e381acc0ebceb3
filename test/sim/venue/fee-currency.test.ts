/**
 * The venue takes each fee in the currency the order names (v1/REST oflags fcib/fciq, v2
 * fee_preference base/quote), and in the documented default when it names none (base for sells,
 * quote for buys). What matters to an arbitrage: the volume a buy delivers can be sold in full only
 * when neither leg pays its fee in the coin — so the client must say fciq on both legs.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVenue } from '../../../src/sim/venue/venue.js';
import { parseV2Order } from '../../../src/sim/ws/v2/order-params.js';
import type { OrderRequest } from '../../../src/sim/contracts.js';
import { createFakeMarket } from './fake-market.js';

const KEY = 'k';
type Flag = 'fciq' | 'fcib' | undefined;
const FLAGS: readonly Flag[] = ['fciq', 'fcib', undefined];

function venue() {
  // Only quote money: the coin held after the buy is exactly what the buy delivered.
  return createVenue({
    market: createFakeMarket(),
    seed: 3,
    nowMs: () => 1_700_000_000_000,
    accounts: [{ apiKey: KEY, balances: { ZUSD: 100_000 } }],
  });
}

const xbt = (v: ReturnType<typeof venue>): number => v.balances(KEY).get('XXBT')?.balance ?? 0;

function buyThenSellAll(buyFlag: Flag, sellFlag: Flag) {
  const v = venue();
  const buy: OrderRequest = {
    pair: 'XBT/USD',
    type: 'buy',
    ordertype: 'limit',
    price: '50010.0',
    volume: '0.1',
    timeinforce: 'IOC',
    ...(buyFlag === undefined ? {} : { oflags: buyFlag }),
  };
  const b = v.addOrder(KEY, buy);
  assert.ok(b.ok);
  const bought = v.order(KEY, b.value.txid)?.volExec ?? 0;
  const held = xbt(v);
  const sell: OrderRequest = {
    pair: 'XBT/USD',
    type: 'sell',
    ordertype: 'market',
    volume: bought.toFixed(8),
    ...(sellFlag === undefined ? {} : { oflags: sellFlag }),
  };
  return { v, bought, held, sell: v.addOrder(KEY, sell) };
}

describe('fee currency: the bought volume is sellable in every case the client can choose', () => {
  for (const buyFlag of FLAGS) {
    for (const sellFlag of FLAGS) {
      const buyInBase = buyFlag === 'fcib';
      const sellInBase = sellFlag === 'fcib' || sellFlag === undefined;
      const sellable = !buyInBase && !sellInBase;
      test(`buy ${buyFlag ?? '(no flag)'}, sell ${sellFlag ?? '(no flag)'}: ${sellable ? 'sold in full' : 'Insufficient funds'}`, () => {
        const r = buyThenSellAll(buyFlag, sellFlag);
        assert.equal(r.bought, 0.1);
        // A base fee on the buy is kept back from the coin delivered: 0.1 × 0.40 %.
        assert.equal(r.held, buyInBase ? 0.0996 : 0.1);
        if (sellable) {
          assert.ok(r.sell.ok, r.sell.ok ? '' : r.sell.error);
          assert.equal(xbt(r.v), 0);
        } else {
          assert.deepEqual(r.sell, { ok: false, error: 'EOrder:Insufficient funds' });
        }
      });
    }
  }

  test('the order and its trades say which currency paid', () => {
    const r = buyThenSellAll('fcib', 'fciq');
    const [buyTrade] = r.v.trades(KEY);
    assert.equal(buyTrade?.feeInBase, true);
    assert.equal(buyTrade?.fee, 0.0004);
    const orders = r.v.closedOrders(KEY);
    assert.equal(orders[0]?.oflags, 'fcib');
    const plain = buyThenSellAll(undefined, 'fciq');
    assert.deepEqual(
      plain.v.closedOrders(KEY).map((o) => o.oflags),
      ['fciq', 'fciq'],
      'a buy without a flag is recorded with its default',
    );
  });

  test('both flags at once are refused', () => {
    const v = venue();
    const r = v.addOrder(KEY, {
      pair: 'XBT/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '50010.0',
      volume: '0.1',
      oflags: 'fcib,fciq',
    });
    assert.deepEqual(r, { ok: false, error: 'EGeneral:Invalid arguments:oflags' });
  });

  test('v2 fee_preference maps to the v1 flags', () => {
    const m = createFakeMarket();
    const base = { order_type: 'market', side: 'sell', order_qty: 0.1, symbol: 'BTC/USD' };
    for (const [pref, flag] of [
      ['base', 'fcib'],
      ['quote', 'fciq'],
    ] as const) {
      const p = parseV2Order({ ...base, fee_preference: pref }, m);
      assert.ok(p.ok);
      assert.equal(p.req.oflags, flag);
    }
    const bad = parseV2Order({ ...base, fee_preference: 'coin' }, m);
    assert.deepEqual(bad, { ok: false, error: 'EGeneral:Invalid arguments:fee_preference' });
  });
});
