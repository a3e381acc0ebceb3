import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createVenue } from '../../../src/sim/venue/venue.js';
import type { OrderRequest } from '../../../src/sim/contracts.js';
import { createFakeMarket, FAKE_PAIRS } from './fake-market.js';

const KEY = 'k';
const START: Record<string, number> = { ZUSD: 60000, ZEUR: 40000, USDT: 5000, XXBT: 0.7 };

const orderArb: fc.Arbitrary<OrderRequest | { cancel: number }> = fc.oneof(
  fc.record({
    pair: fc.constantFrom(...FAKE_PAIRS.map((p) => p.altname), 'NOPE'),
    type: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
    ordertype: fc.constantFrom<'limit' | 'market'>('limit', 'market'),
    price: fc.oneof(
      fc.constantFrom(
        '50010.0',
        '49990.0',
        '50050.0',
        '46010.0',
        '45990.0',
        '1.0001',
        '0.9998',
        '0.9201',
        '40000.0',
        '60000.0',
      ),
      fc.string({ maxLength: 6 }),
    ),
    volume: fc.oneof(
      fc.constantFrom('0.1', '0.5', '1.3', '3', '10', '2500', '100000'),
      fc.string({ maxLength: 6 }),
    ),
    timeinforce: fc.constantFrom<'GTC' | 'IOC'>('GTC', 'IOC'),
    // Fee currency: stated either way, or left to the side's default (fcib for sells).
    oflags: fc.constantFrom<string | undefined>(undefined, 'fciq', 'fcib'),
  }),
  fc.record({ cancel: fc.nat(20) }),
);

test('venue invariants over random order flows', () => {
  fc.assert(
    fc.property(fc.array(orderArb, { maxLength: 40 }), (ops) => {
      const venue = createVenue({
        market: createFakeMarket(),
        seed: 1,
        accounts: [{ apiKey: KEY, balances: START }],
      });
      const txids: string[] = [];
      for (const op of ops) {
        if ('cancel' in op) {
          const id = txids[op.cancel % Math.max(1, txids.length)];
          if (id !== undefined) venue.cancelOrder(KEY, id);
          continue;
        }
        const r = venue.addOrder(KEY, op);
        if (r.ok) txids.push(r.value.txid);
        else assert.match(r.error, /^E[A-Za-z]+:/);
      }
      // Money: every balance = start + exact sum of its trades; never negative; hold ≤ balance.
      const expected = new Map<string, number>(Object.entries(START));
      const add = (id: string, x: number) => expected.set(id, (expected.get(id) ?? 0) + x);
      for (const t of venue.trades(KEY)) {
        const p = FAKE_PAIRS[t.pairIndex];
        assert.ok(p);
        // The fee leaves the currency it is charged in (quote, or base for fcib).
        const quoteFee = t.feeInBase === true ? 0 : t.fee;
        const baseFee = t.feeInBase === true ? t.fee : 0;
        if (t.type === 'buy') {
          add(p.quoteId, -(t.cost + quoteFee));
          add(p.baseId, t.vol - baseFee);
        } else {
          add(p.quoteId, t.cost - quoteFee);
          add(p.baseId, -(t.vol + baseFee));
        }
      }
      for (const [id, b] of venue.balances(KEY)) {
        assert.ok(
          Math.abs(b.balance - (expected.get(id) ?? 0)) < 1e-8,
          `${id} ${b.balance} vs ${expected.get(id)}`,
        );
        assert.ok(b.balance >= -1e-9, `${id} negative`);
        assert.ok(b.hold >= 0 && b.hold <= b.balance + 1e-9, `${id} hold ${b.hold} > ${b.balance}`);
      }
      // Orders: open ones are open; closed ones have a final status; volExec never exceeds volume.
      for (const o of venue.openOrders(KEY)) assert.equal(o.status, 'open');
      for (const o of venue.closedOrders(KEY)) assert.ok(o.status === 'closed' || o.status === 'canceled');
      for (const o of [...venue.openOrders(KEY), ...venue.closedOrders(KEY)])
        assert.ok(o.volExec <= o.volume + 1e-12);
    }),
    { numRuns: 150, seed: 42 },
  );
});
