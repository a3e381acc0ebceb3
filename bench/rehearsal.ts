/**
 * What the trader's idle rehearsal costs (src/engine/trade/trade-warmup.ts): one TradePathWarmer
 * rehearsal — the buy's send path (TradePathWarmer.sendBuy) up to the order entry, which here
 * builds a stand-in frame and writes nothing — in time and in garbage. It runs about once a
 * millisecond on an idle trader, so its garbage is the trader's scavenge rate, and a scavenge is a
 * pause the next opportunity can land in (bench/README.md, "The rehearsal's garbage"). The order
 * entry is a stand-in (a JSON frame of the order's fields), so the numbers are the trade path's own
 * and a frame's, without the real client and the loopback write.
 * Bytes per rehearsal: the median heap growth over batches in which no GC ran.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { selectUniverse } from '../src/core/pair-universe.js';
import { TradePathWarmer } from '../src/engine/trade/trade-warmup.js';
import { OrderTracker } from '../src/engine/trade/order-tracker.js';
import type { TradeSettings } from '../src/engine/trade/trade-runner.js';
import { deadlineText } from '../src/kraken/exec/session-order-entry.js';
import type { OrderAck, OrderEntry, OrderRequest } from '../src/engine/trade/order-entry.js';
import type { MicroResult } from './micro.js';
import { round } from './lib/stats.js';
import { generateUniverse } from '../src/sim/market/universe.js';

/** Rehearsals per batch: few enough that most batches see no scavenge. */
const PER_BATCH = 200;

const NOT_SENT: Promise<OrderAck> = Promise.resolve({ status: 'not-sent', reason: 'rehearsal' });

/**
 * Stand-in for the real order entry with a rehearsal: the order's fields and its deadline text as
 * both adapters make it (deadlineText), as a JSON frame, answered not-sent.
 */
const standInEntry: OrderEntry = {
  rehearsesOrders: true,
  isReady: () => true,
  start: () => undefined,
  close: () => undefined,
  addOrder(order: OrderRequest): Promise<OrderAck> {
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
    return NOT_SENT;
  },
};

/** A rehearsal's settings, as the trader makes them (Trader.tradeSettings). */
const SETTINGS: TradeSettings = {
  fillTimeoutMs: 1000,
  maxLocalAgeUs: 1_500,
  sellRetries: 1,
  stableFee: 0.002,
  orderDeadlineMs: 3000,
  takenUs: 0,
  buyUserref: 12345,
  onBuySent: undefined,
  rehearsal: true,
};

export async function runRehearsalMicro(quick: boolean): Promise<MicroResult> {
  const { pairs } = selectUniverse(generateUniverse({ seed: 1, coins: 520 }).pairs);
  const nowUs = (): number => performance.now() * 1000;
  const warmer = new TradePathWarmer(pairs, nowUs);
  await warmer.warmUp();
  warmer.useRealPath({
    orderEntry: standInEntry,
    tracker: new OrderTracker(),
    orderLookup: null,
    journal: { append: () => ({ ts: 0, seq: 0, kind: 'intent', tradeId: '' }) },
    log: { level: 'error', debug() {}, info() {}, warn() {}, error() {} },
    alert: () => undefined,
    nowUs,
    sleep: () => Promise.resolve(),
  });
  const rehearse = (): void => {
    warmer.sendBuy(null, null, SETTINGS, null);
  };
  for (let i = 0; i < 20_000; i++) rehearse();
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
    for (let i = 0; i < PER_BATCH; i++) rehearse();
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
