/** The trade path sends the buy on the pair's tick, not just at its decimals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTrade } from '../../../src/engine/trade/trade-runner.js';
import { OrderTracker } from '../../../src/engine/trade/order-tracker.js';
import type { OrderRequest } from '../../../src/engine/trade/order-entry.js';
import { OPPORTUNITY_FIELDS, readOpportunity, writeOpportunity } from '../../../src/core/opportunity.js';
import { testPair } from '../../helpers/test-pair.js';
import { silent } from './trader-fixture.js';

test('a buy decided at an off-tick price goes out floored onto a coarse tick', async () => {
  const buy = { ...testPair('ABC/USD'), pairDecimals: 2, tickSize: 0.05 };
  const sell = testPair('ABC/EUR');
  const buf = new Float64Array(OPPORTUNITY_FIELDS);
  writeOpportunity(buf, 0, {
    ...readOpportunity(buf),
    buyPair: 2,
    sellPair: 3,
    buyPrice: 100.23,
    sellPrice: 93,
    volume: 2,
    roi: 1.01,
    fee: 0.004,
    triggerRecvUs: 1_000_000,
    usdtUsd: { bid: 1, ask: 1, bidVol: 1, askVol: 1 },
    usdtEur: { bid: 0.92, ask: 0.92, bidVol: 1, askVol: 1 },
  });
  const sent: OrderRequest[] = [];
  const tracker = new OrderTracker();
  await runTrade(
    readOpportunity(buf),
    buy,
    sell,
    { fillTimeoutMs: 50, maxLocalAgeUs: 1_500, sellRetries: 0, stableFee: 0.002, orderDeadlineMs: 5_000 },
    {
      orderEntry: {
        isReady: () => true,
        start: () => undefined,
        close: () => undefined,
        addOrder: (o) => {
          sent.push(o);
          return Promise.resolve({ status: 'error', errorMessage: 'EOrder:Insufficient funds' });
        },
      },
      tracker,
      orderLookup: null,
      log: silent,
      journal: { append: (kind, tradeId) => ({ ts: 0, seq: 0, kind, tradeId }) },
      alert: () => undefined,
      nowUs: () => 1_000_100,
      sleep: () => Promise.resolve(),
    },
  );
  assert.equal(sent[0]?.price, '100.20');
});
