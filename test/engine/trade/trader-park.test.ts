/**
 * The parked trader (parkThread: trade mode's trader thread without a hosted listener) blocks in
 * Atomics.wait for at most a millisecond at a time: it rehearses while idle, its event loop (timers,
 * sockets) still runs between parks, and an opportunity published by another thread wakes it.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { Trader } from '../../../src/engine/trade/trader.js';
import { OPPORTUNITY_FIELDS } from '../../../src/core/opportunity.js';
import { PUBLISHED, type OpportunitySlot, type SlotWaitResult } from '../../../src/engine/shared/slot.js';
import {
  countingDeps,
  staleOpportunity,
  traderOptions,
  tradingSharedState,
  untilStaleDrop,
} from './trader-fixture.js';

// The publishing thread: the slot module is loaded from this test's compiled tree; it publishes
// 200 ms after it starts, while the trader is parked.
const PUBLISHER = `
const { workerData } = require('node:worker_threads');
import(workerData.slotUrl).then(({ OpportunitySlot, PUBLISHED }) => {
  const slot = new OpportunitySlot(workerData.buffer, workerData.byteOffset, workerData.fields);
  setTimeout(() => {
    if (slot.tryPublish(workerData.opportunity) !== PUBLISHED) throw new Error('slot not empty');
  }, 200);
});
`;

interface Park {
  timeoutMs: number;
  tookMs: number;
  result: string;
}

/** Records every park of the trader on `slot`; the first one lasts `firstTimeoutMs` if given. */
function recordParks(slot: OpportunitySlot, firstTimeoutMs?: number): Park[] {
  const parks: Park[] = [];
  const park = slot.waitForPublishSync.bind(slot);
  slot.waitForPublishSync = (timeoutMs: number) => {
    const t = parks.length === 0 && firstTimeoutMs !== undefined ? firstTimeoutMs : timeoutMs;
    const start = performance.now();
    const result = park(t);
    parks.push({ timeoutMs: t, tookMs: performance.now() - start, result });
    return result;
  };
  return parks;
}

/**
 * Scripts the trader's parks on `slot`: `step(n)` runs as park n (from 1) begins; a result it
 * returns ends that park at once (an early wake), else the park is real. Returns the park count.
 */
function scriptParks(slot: OpportunitySlot, step: (n: number) => SlotWaitResult | undefined): () => number {
  const park = slot.waitForPublishSync.bind(slot);
  let parks = 0;
  slot.waitForPublishSync = (timeoutMs: number) => step(++parks) ?? park(timeoutMs);
  return () => parks;
}

/** Starts `script` in a worker on the same slot (loaded from this test's compiled tree); stopped with the test. */
async function startSlotWorker(
  t: TestContext,
  script: string,
  slot: OpportunitySlot,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { state } = slot as unknown as { state: Int32Array };
  const worker = new Worker(script, {
    eval: true,
    workerData: {
      slotUrl: new URL('../../../src/engine/shared/slot.js', import.meta.url).href,
      buffer: state.buffer,
      byteOffset: state.byteOffset,
      fields: OPPORTUNITY_FIELDS,
      ...extra,
    },
  });
  t.after(() => worker.terminate());
  await new Promise<void>((resolve) => worker.once('online', () => resolve()));
}

test('a parked trader parks in 1 ms slices, rehearses between them and keeps its event loop running', async (t) => {
  const shared = tradingSharedState();
  for (let p = 0; p < 4; p++) shared.setPairTradable(p, true);
  const { deps, counts } = countingDeps();
  let rehearsals = 0;
  const parks = recordParks(shared.slot);
  const trader = new Trader(
    traderOptions(shared, { deps, parkThread: true, warmer: { sendBuy: () => (rehearsals++, null) } }),
  );
  const running = trader.run();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  t.after(() => clearInterval(ticker));
  setTimeout(() => assert.equal(shared.slot.tryPublish(staleOpportunity()), PUBLISHED), 50);
  await untilStaleDrop(trader, 3_000);
  trader.stop();
  await running;
  assert.equal(trader.counters.staleAtTrader, 1, `not taken: ${JSON.stringify(trader.counters)}`);
  assert.equal(counts.ordersSent, 0);
  assert.ok(parks.length >= 10, `parks: ${parks.length}`);
  assert.ok(
    parks.every((p) => p.timeoutMs === 1),
    'a park longer than 1 ms',
  );
  assert.ok(rehearsals >= 10, `rehearsals while parked: ${rehearsals}`);
  assert.ok(ticks >= 5, `the event loop ran between parks: ${ticks} timer ticks`);
});

test("another thread's publish wakes a parked trader at once (the park would last 10 s)", async (t) => {
  const shared = tradingSharedState();
  for (let p = 0; p < 4; p++) shared.setPairTradable(p, true);
  const { deps } = countingDeps();
  const parks = recordParks(shared.slot, 10_000);
  // Parks only once the publisher is up, so the first (10 s) park is the one its publish must end.
  await startSlotWorker(t, PUBLISHER, shared.slot, { opportunity: staleOpportunity() });
  const trader = new Trader(traderOptions(shared, { deps, parkThread: true }));
  const running = trader.run();
  await untilStaleDrop(trader, 15_000);
  trader.stop();
  await running;
  assert.equal(trader.counters.staleAtTrader, 1, `not taken: ${JSON.stringify(trader.counters)}`);
  const first = parks[0];
  assert.ok(first !== undefined && first.timeoutMs === 10_000, JSON.stringify(parks.slice(0, 2)));
  assert.equal(first.result, 'full');
  assert.ok(first.tookMs < 2_000, `the publish did not wake the park: it lasted ${first.tookMs} ms`);
});

// The listener's wake ahead of its publish (OpportunitySlot.wakeTaker), every 20 ms, with nothing published.
const WAKER = `
const { workerData } = require('node:worker_threads');
import(workerData.slotUrl).then(({ OpportunitySlot }) => {
  const slot = new OpportunitySlot(workerData.buffer, workerData.byteOffset, workerData.fields);
  setInterval(() => slot.wakeTaker(), 20);
});
`;

test("a listener's wake ahead of a publish ends a park at once; with nothing published the trader takes nothing and parks again", async (t) => {
  const shared = tradingSharedState();
  const { deps } = countingDeps();
  const parks = recordParks(shared.slot, 10_000);
  await startSlotWorker(t, WAKER, shared.slot);
  const trader = new Trader(traderOptions(shared, { deps, parkThread: true }));
  const running = trader.run();
  const deadline = Date.now() + 15_000;
  while (parks.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  trader.stop();
  await running;
  const first = parks[0];
  assert.ok(first !== undefined && first.timeoutMs === 10_000, JSON.stringify(parks.slice(0, 2)));
  assert.equal(first.result, 'full');
  assert.ok(first.tookMs < 2_000, `the wake did not end the park: it lasted ${first.tookMs} ms`);
  assert.ok(parks.length >= 3, `parked again after the wake: ${parks.length} parks`);
  assert.equal(trader.counters.taken, 0);
});

test('the trader tells listeners it takes opportunities only while run() runs', async () => {
  const shared = tradingSharedState();
  const { deps } = countingDeps();
  const trader = new Trader(traderOptions(shared, { deps, parkThread: true }));
  assert.equal(shared.isTraderTaking(), false, 'not before run()');
  const running = trader.run();
  assert.equal(shared.isTraderTaking(), true, 'from the start of run()');
  trader.stop();
  await running;
  assert.equal(shared.isTraderTaking(), false, 'not after run() ended');
});

test('the busy flag a take sets is cleared once the trader is done with what it took: a stale drop in trade mode, a logged one in evaluation mode', async () => {
  for (const mode of ['trade', 'evaluate'] as const) {
    const shared = tradingSharedState();
    const { deps } = countingDeps();
    const trader = new Trader(traderOptions(shared, { deps, mode, parkThread: mode === 'trade' }));
    const running = trader.run();
    assert.equal(shared.slot.tryPublish(staleOpportunity()), PUBLISHED);
    const until = Date.now() + 3_000;
    while (trader.counters.taken === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    trader.stop();
    await running;
    assert.equal(trader.counters.taken, 1, `${mode}: ${JSON.stringify(trader.counters)}`);
    assert.equal(shared.isTraderBusy(), false, `${mode}: still busy after handling the opportunity`);
  }
});

test('woken with nothing published within its spin or its next park, the trader does not rehearse before it looks again', async () => {
  const shared = tradingSharedState();
  for (let p = 0; p < 4; p++) shared.setPairTradable(p, true);
  const { deps } = countingDeps();
  let rehearsals = 0;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let atWake = -1;
  let atParkAfterTurn = -1;
  // The 20th park ends as a listener's early wake would, 2 ms in (a rehearsal is due by then), with
  // nothing published: the trader spins, parks once more (the 21st), finds nothing, and takes one
  // event-loop turn before the 22nd.
  const parks = scriptParks(shared.slot, (n) => {
    if (n === 20) {
      Atomics.wait(nap, 0, 0, 2);
      atWake = rehearsals;
      return 'full';
    }
    if (n === 22) atParkAfterTurn = rehearsals;
    return undefined;
  });
  const trader = new Trader(
    traderOptions(shared, { deps, parkThread: true, warmer: { sendBuy: () => (rehearsals++, null) } }),
  );
  const running = trader.run();
  for (let i = 0; i < 500 && parks() < 23; i++) await new Promise((r) => setTimeout(r, 5));
  trader.stop();
  await running;
  assert.ok(parks() >= 23, `parks: ${parks()}`);
  assert.ok(atWake >= 5, `rehearsals before the wake: ${atWake}`);
  assert.equal(
    atParkAfterTurn,
    atWake,
    'a rehearsal ran between the early wake and the next look at the slot',
  );
});

test('woken ahead of a publish its spin missed, the trader parks once more for it instead of taking an event-loop turn', async () => {
  const shared = tradingSharedState();
  for (let p = 0; p < 4; p++) shared.setPairTradable(p, true);
  const { deps } = countingDeps();
  let turned = false;
  let turnedBeforeNextPark: boolean | null = null;
  let parksAtTake = -1;
  // The 20th park ends as a listener's early wake would, with nothing in the slot yet, and leaves a
  // callback for the next event-loop turn. The listener's publish lands during the next park.
  const parks = scriptParks(shared.slot, (n) => {
    if (n === 20) {
      setImmediate(() => {
        turned = true;
      });
      return 'full';
    }
    if (n === 21) {
      turnedBeforeNextPark = turned;
      assert.equal(shared.slot.tryPublish(staleOpportunity()), PUBLISHED);
    }
    return undefined;
  });
  const trader = new Trader(traderOptions(shared, { deps, parkThread: true }));
  const tryTake = shared.slot.tryTake.bind(shared.slot);
  shared.slot.tryTake = (dst: Float64Array) => {
    const took = tryTake(dst);
    if (took && parksAtTake < 0) parksAtTake = parks();
    return took;
  };
  const running = trader.run();
  await untilStaleDrop(trader, 3_000);
  trader.stop();
  await running;
  assert.equal(trader.counters.staleAtTrader, 1, `not taken: ${JSON.stringify(trader.counters)}`);
  assert.equal(
    turnedBeforeNextPark,
    false,
    'an event-loop turn ran between the early wake and the next park',
  );
  assert.equal(parksAtTake, 21, 'taken out of the park that followed the early wake');
});
