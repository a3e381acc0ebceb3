/**
 * The parked trader (parkThread, the default trader thread without a hosted listener) blocks in
 * Atomics.wait for at most a millisecond at a time: an opportunity published by another thread wakes
 * it, it rehearses while idle, and its event loop (timers, sockets) still runs between parks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { Trader } from '../../../src/engine/trade/trader.js';
import {
  OPPORTUNITY_FIELDS,
  OPP_BUY_PAIR,
  OPP_EVAL_DONE_US,
  OPP_SELL_PAIR,
  OPP_SEQ,
  OPP_TRIGGER_RECV_US,
} from '../../../src/core/opportunity.js';
import { countingDeps, traderOptions, tradingSharedState } from './trader-fixture.js';

// The publishing thread: the slot module is loaded from this test's compiled tree.
const PUBLISHER = `
const { workerData } = require('node:worker_threads');
import(workerData.slotUrl).then(({ OpportunitySlot }) => {
  const slot = new OpportunitySlot(workerData.buffer, workerData.byteOffset, workerData.fields);
  setTimeout(() => {
    const nowUs = Date.now() * 1000;
    const opp = new Float64Array(workerData.fields);
    opp[workerData.seq] = 1;
    opp[workerData.buy] = 0;
    opp[workerData.sell] = 1;
    // Received 5 ms ago: the trader drops it as stale, which shows it was taken (nothing is sent).
    opp[workerData.recv] = nowUs - 5000;
    opp[workerData.evald] = nowUs - 4960;
    if (!slot.tryPublish(opp)) throw new Error('slot not empty');
  }, 50);
});
`;

test('a parked trader is woken by another thread, rehearses while idle and keeps its event loop running', async (t) => {
  const shared = tradingSharedState();
  for (let p = 0; p < 4; p++) shared.setPairTradable(p, true);
  const { deps, counts } = countingDeps();
  let rehearsals = 0;
  const trader = new Trader(
    traderOptions(shared, {
      deps,
      parkThread: true,
      warmer: {
        rehearse: () => {
          rehearsals++;
        },
      },
    }),
  );
  const running = trader.run();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  t.after(() => clearInterval(ticker));
  const slot = shared.slot as unknown as { state: Int32Array };
  const worker = new Worker(PUBLISHER, {
    eval: true,
    workerData: {
      slotUrl: new URL('../../../src/engine/shared/slot.js', import.meta.url).href,
      buffer: slot.state.buffer,
      byteOffset: slot.state.byteOffset,
      fields: OPPORTUNITY_FIELDS,
      seq: OPP_SEQ,
      buy: OPP_BUY_PAIR,
      sell: OPP_SELL_PAIR,
      recv: OPP_TRIGGER_RECV_US,
      evald: OPP_EVAL_DONE_US,
    },
  });
  t.after(() => worker.terminate());
  const until = Date.now() + 3_000;
  while (trader.counters.staleAtTrader === 0 && Date.now() < until)
    await new Promise((r) => setTimeout(r, 5));
  trader.stop();
  await running;
  assert.equal(trader.counters.staleAtTrader, 1, `not taken: ${JSON.stringify(trader.counters)}`);
  assert.equal(counts.ordersSent, 0);
  assert.ok(rehearsals >= 10, `rehearsals while parked: ${rehearsals}`);
  assert.ok(ticks >= 5, `the event loop ran between parks: ${ticks} timer ticks`);
});
