/**
 * TRADER_HOSTS_LISTENER: a listener in the trader's own thread hands its opportunity straight to the
 * trader (Listener.onPublished → Trader.takeNow). The buy must leave within the listener's call, and
 * the trader must still handle one opportunity at a time: while that trade is in flight, the slot
 * refuses another listener thread's publish (it would wait through the trade and go stale).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Trader } from '../../../src/engine/trade/trader.js';
import type { OrderAck, OrderEntry, OrderRequest } from '../../../src/engine/trade/order-entry.js';
import { PUBLISHED, REFUSED_TAKER_BUSY, SLOT_EMPTY } from '../../../src/engine/shared/slot.js';
import { NOW_US } from '../../core/fixtures.js';
import { PAIRS, rig } from '../listener-fixture.js';
import { depsAround, tradableOpportunity, traderOptions } from './trader-fixture.js';

/** An order entry that records each order and answers it only when the test says. */
function heldOrderEntry(): {
  entry: OrderEntry;
  orders: OrderRequest[];
  answer(i: number, a: OrderAck): void;
  answerAll(a: OrderAck): void;
} {
  const orders: OrderRequest[] = [];
  const answers: ((a: OrderAck) => void)[] = [];
  const entry: OrderEntry = {
    isReady: () => true,
    addOrder: (order) => {
      orders.push(order);
      return new Promise<OrderAck>((resolve) => answers.push(resolve));
    },
    start: () => undefined,
    close: () => undefined,
  };
  return { entry, orders, answer: (i, a) => answers[i]?.(a), answerAll: (a) => answers.forEach((f) => f(a)) };
}

const REFUSED: OrderAck = { status: 'error', errorMessage: 'EOrder:Insufficient funds' };

async function until(what: string, done: () => boolean): Promise<void> {
  const end = Date.now() + 2_000;
  while (!done()) {
    if (Date.now() > end) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A listener wired to a trader in one thread, as the trader worker wires them; stopped after the test. */
function hostedRig(t: TestContext) {
  const r = rig();
  const held = heldOrderEntry();
  const deps = depsAround(held.entry, NOW_US);
  const trader = new Trader(traderOptions(r.shared, { deps, pairs: PAIRS.pairs, nowUs: () => NOW_US }));
  r.listener.onPublished = () => trader.takeNow();
  const running = trader.run();
  t.after(async () => {
    // Even after a failed assertion: no order left waiting (one sent meanwhile too), the run loop ended.
    trader.stop();
    let ended = false;
    void running.then(() => (ended = true));
    for (let i = 0; i < 300 && !ended; i++) {
      held.answerAll(REFUSED);
      await new Promise((r) => setTimeout(r, 10));
    }
    await running;
  });
  return { ...r, ...held, trader };
}

test('the buy leaves within the listener call that found the opportunity', async (t) => {
  const { sendDislocation, orders, answer, trader, shared } = hostedRig(t);
  sendDislocation();
  // No await between the update and this line: the trader ran inside the listener's call.
  assert.equal(orders.length, 1, 'the buy was handed to the order entry synchronously');
  assert.equal(orders[0]?.side, 'buy');
  assert.equal(orders[0]?.pair.wsname, 'ABC/USD');
  assert.equal(orders[0]?.timeinforce, 'IOC');
  assert.equal(shared.slot.currentState(), SLOT_EMPTY, 'taken from the slot');
  assert.equal(shared.isTraderBusy(), true, 'the listeners see the trader busy');
  answer(0, REFUSED);
  await until('the trade ends', () => !shared.isTraderBusy());
  assert.equal(trader.counters.taken, 1);
  assert.equal(trader.counters.trades, 1);
});

test('one trade at a time: a publish while a trade is in flight is refused by the slot; the next after it is traded', async (t) => {
  const { sendDislocation, orders, answer, trader, shared } = hostedRig(t);
  sendDislocation();
  assert.equal(orders.length, 1);
  // Another listener thread publishes while the first trade waits for its answer: had it been let
  // in, it would have waited through the whole trade and its pause and gone stale.
  const opp = tradableOpportunity({ seq: 2, buyPair: 2, sellPair: 3, triggerRecvUs: NOW_US });
  assert.equal(shared.slot.tryPublish(opp), REFUSED_TAKER_BUSY, 'refused: the trader is busy with the first');
  assert.equal(shared.slot.currentState(), SLOT_EMPTY);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(orders.length, 1, 'no second buy while the first trade is in flight');
  answer(0, REFUSED);
  await until('the first trade ends', () => !shared.isTraderBusy());
  assert.equal(shared.slot.tryPublish(opp), PUBLISHED, 'published once the trader is free');
  await until('the second opportunity is traded', () => orders.length === 2);
  assert.equal(orders[1]?.volume, '1.00000000');
  answer(1, REFUSED);
  await until('the second trade ends', () => !shared.isTraderBusy());
  assert.equal(trader.counters.taken, 2);
  assert.equal(trader.counters.trades, 2);
});
