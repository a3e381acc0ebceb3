/**
 * What the trader's idle rehearsal costs (src/engine/trade/trade-warmup.ts): one TradePathWarmer
 * rehearsal — the trade path up to the buy's send (rehearseBuy): the frame built, nothing sent — in
 * time and in garbage. It runs about once a millisecond on an idle trader, so its garbage is the
 * trader's scavenge rate, and a scavenge is a pause the next opportunity can land in (bench/README.md,
 * "The rehearsal's garbage"). The frame builder is a stand-in (a JSON frame of the order's fields), so
 * the numbers are the trade path's own and a frame's, without the loopback send.
 * Bytes per rehearsal: the median heap growth over batches in which no GC ran.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { selectUniverse } from '../src/core/pair-universe.js';
import { TradePathWarmer } from '../src/engine/trade/trade-warmup.js';
import { deadlineText } from '../src/kraken/exec/session-order-entry.js';
import type { OrderRequest } from '../src/engine/trade/order-entry.js';
import type { MicroResult } from './micro.js';
import { round } from './lib/stats.js';
import { generateUniverse } from '../src/sim/market/universe.js';

/** Rehearsals per batch: few enough that most batches see no scavenge. */
const PER_BATCH = 200;

export async function runRehearsalMicro(quick: boolean): Promise<MicroResult> {
  const { pairs } = selectUniverse(generateUniverse({ seed: 1, coins: 520 }).pairs);
  // Stand-in for the order entry's builder: the order's fields and its deadline text as both
  // adapters make it (deadlineText), as a JSON frame.
  const buildFrame = (order: OrderRequest): void => {
    const frame = JSON.stringify({
      event: 'addOrder',
      pair: order.pair.wsname,
      type: order.side,
      ordertype: order.ordertype,
      volume: order.volume,
      price: order.price,
      userref: order.userref,
      deadline: deadlineText(order.deadlineMs),
    });
    if (frame.length === 0) throw new Error('E_BENCH_FRAME: empty');
  };
  const warmer = new TradePathWarmer(pairs, () => performance.now() * 1000, buildFrame);
  await warmer.warmUp();
  for (let i = 0; i < 20_000; i++) warmer.rehearse();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const batches = quick ? 100 : 500;
  const times: number[] = [];
  const bytes: number[] = [];
  for (let b = 0; b < batches; b++) {
    const g0 = gcs;
    const h0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    for (let i = 0; i < PER_BATCH; i++) warmer.rehearse();
    const t1 = performance.now();
    const h1 = process.memoryUsage().heapUsed;
    times.push(((t1 - t0) * 1e6) / PER_BATCH);
    // GC entries are delivered on the event loop, which a batch of rehearsals never yields to.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    if (gcs === g0 && h1 >= h0) bytes.push((h1 - h0) / PER_BATCH);
  }
  obs.disconnect();
  const sortedTimes = [...times].sort((a, b) => a - b);
  const sortedBytes = [...bytes].sort((a, b) => a - b);
  return {
    name: 'trader idle: one trade-path rehearsal (in memory, stand-in frame builder)',
    nsPerOp: round(sortedTimes[Math.floor(sortedTimes.length / 2)] as number, 1),
    bestNsPerOp: round(sortedTimes[0] as number, 1),
    bytesPerOp:
      sortedBytes.length === 0 ? null : round(sortedBytes[Math.floor(sortedBytes.length / 2)] as number, 0),
    gcsPerMillionOps: round((gcs * 1e6) / (PER_BATCH * batches), 1),
  };
}
