/**
 * The trade-path warmer runs the real runTrade in memory (whole trades at start-up), and between
 * opportunities rehearses the buy's send path: in memory until it has the real dependencies, then
 * through the real order entry, every order marked as a rehearsal. Its sendBuy is also the real
 * buy's entry, which must never be marked.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TradePathWarmer } from '../../../src/engine/trade/trade-warmup.js';
import type { OrderAck, OrderEntry, OrderRequest } from '../../../src/engine/trade/order-entry.js';
import { OrderTracker } from '../../../src/engine/trade/order-tracker.js';
import type { TradeDeps, TradeSettings } from '../../../src/engine/trade/trade-runner.js';
import { OPPORTUNITY_FIELDS, readOpportunity, writeOpportunity } from '../../../src/core/opportunity.js';
import { testPair } from '../../helpers/test-pair.js';

const PAIRS = [testPair('USDT/USD'), testPair('USDT/EUR'), testPair('ABC/USD'), testPair('ABC/EUR')];
let clock = 1_000_000;
const nowUs = (): number => (clock += 10);

const settings = (rehearsal: boolean): TradeSettings => ({
  fillTimeoutMs: 1000,
  maxLocalAgeUs: 1_500,
  sellRetries: 1,
  stableFee: 0.002,
  orderDeadlineMs: 3000,
  takenUs: 0,
  buyUserref: 77,
  onBuySent: undefined,
  rehearsal,
});

/** An order entry that records what it is given and answers not-sent. */
function recordingEntry(rehearsesOrders: boolean, onOrder: (o: OrderRequest) => void = () => undefined) {
  const orders: OrderRequest[] = [];
  const entry: OrderEntry = {
    rehearsesOrders,
    isReady: () => true,
    start: () => undefined,
    close: () => undefined,
    addOrder(order): Promise<OrderAck> {
      orders.push(order);
      onOrder(order);
      return Promise.resolve({ status: 'not-sent', reason: 'test' });
    },
  };
  return { entry, orders };
}

function depsWith(entry: OrderEntry): TradeDeps {
  return {
    orderEntry: entry,
    tracker: new OrderTracker(),
    orderLookup: null,
    journal: { append: () => assert.fail('nothing is journaled') },
    log: { level: 'error', debug() {}, info() {}, warn() {}, error() {} },
    alert: () => undefined,
    nowUs,
    sleep: () => Promise.resolve(),
  };
}

describe('TradePathWarmer', () => {
  test('warmUp runs whole trades in memory, all sold', async () => {
    const warmer = new TradePathWarmer(PAIRS, nowUs);
    assert.equal(await warmer.warmUp(5), 5);
  });

  test('a rehearsal before the real path runs in memory: no order entry of ours is given anything', () => {
    const warmer = new TradePathWarmer(PAIRS, nowUs);
    assert.equal(warmer.sendBuy(null, null, settings(true), null), null);
  });

  test('with the real path, each rehearsal gives the real entry one IOC buy marked as a rehearsal', () => {
    const warmer = new TradePathWarmer(PAIRS, nowUs);
    const { entry, orders } = recordingEntry(true);
    warmer.useRealPath(depsWith(entry));
    const sent = warmer.sendBuy(null, null, settings(true), null);
    warmer.sendBuy(null, null, settings(true), null);
    assert.ok(sent !== null);
    assert.deepEqual(
      orders.map((o) => `${o.side} ${o.ordertype} ${o.timeinforce} ${o.pair.wsname} ${o.rehearsal}`),
      ['buy limit IOC ABC/USD true', 'buy limit IOC ABC/USD true'],
    );
  });

  test('an order entry that does not honour rehearsals is never given one', () => {
    const warmer = new TradePathWarmer(PAIRS, nowUs);
    const { entry, orders } = recordingEntry(false);
    warmer.useRealPath(depsWith(entry));
    warmer.sendBuy(null, null, settings(true), null);
    assert.equal(orders.length, 0);
  });

  test("a rehearsal without a rehearsal's settings is refused before anything is built", () => {
    const warmer = new TradePathWarmer(PAIRS, nowUs);
    const { entry, orders } = recordingEntry(true);
    warmer.useRealPath(depsWith(entry));
    assert.throws(() => warmer.sendBuy(null, null, settings(false), null), /rehearsal settings/);
    assert.equal(orders.length, 0);
  });

  test("the real buy through sendBuy: the caller's opportunity, settings and entry, never marked", () => {
    const warmer = new TradePathWarmer(PAIRS, nowUs);
    const rehearsed = recordingEntry(true);
    warmer.useRealPath(depsWith(rehearsed.entry));
    const real = recordingEntry(true);
    const buf = new Float64Array(OPPORTUNITY_FIELDS);
    writeOpportunity(buf, 0, {
      ...readOpportunity(buf),
      buyPair: 2,
      sellPair: 3,
      buyPrice: 100,
      sellPrice: 101,
      volume: 3,
      triggerRecvUs: nowUs(),
    });
    const sent = warmer.sendBuy(
      readOpportunity(buf),
      PAIRS[2] ?? null,
      settings(false),
      depsWith(real.entry),
    );
    assert.ok(sent !== null);
    assert.equal(rehearsed.orders.length, 0);
    assert.equal(real.orders.length, 1);
    assert.equal(real.orders[0]?.rehearsal, false);
    assert.equal(real.orders[0]?.userref, 77);
  });

  test('an entry that throws fails the rehearsal (the trader logs it) and the next one still runs', () => {
    let calls = 0;
    const warmer = new TradePathWarmer(PAIRS, nowUs);
    const { entry } = recordingEntry(true, () => {
      calls++;
      if (calls === 1) throw new Error('E_BAD_ORDER: volume');
    });
    warmer.useRealPath(depsWith(entry));
    assert.throws(() => warmer.sendBuy(null, null, settings(true), null), /E_BAD_ORDER/);
    warmer.sendBuy(null, null, settings(true), null);
    assert.equal(calls, 2);
  });

  test('without the pairs it needs, nothing runs', async () => {
    const warmer = new TradePathWarmer(PAIRS.slice(0, 2), nowUs);
    const { entry, orders } = recordingEntry(true);
    assert.equal(await warmer.warmUp(3), 0);
    warmer.useRealPath(depsWith(entry));
    assert.equal(warmer.sendBuy(null, null, settings(true), null), null);
    assert.equal(orders.length, 0);
  });
});
