/**
 * Micro benchmarks of the hot path's pieces, in this process, with plain timing loops: parse
 * (SpreadScanner.scan over real-shaped frames), store (QuoteTable.update), evaluation of both
 * directions (evaluate), the whole listener step (scan → store → evaluate), and the slot hand-off
 * (tryPublish + tryTake). Each is warmed up first so TurboFan has optimised it, then timed in
 * batches; allocation is the heap growth over a batch with no GC in it (0 B/op means the
 * path allocates nothing), otherwise the count of GCs the batch caused.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { createEvalParams, evaluate } from '../src/core/arbitrage.js';
import { buildPairMeta } from '../src/core/pair-meta.js';
import { coinOfPairIndex } from '../src/core/pair-index.js';
import { OPPORTUNITY_FIELDS } from '../src/core/opportunity.js';
import { selectUniverse, splitUniverse } from '../src/core/pair-universe.js';
import { QuoteTable } from '../src/core/quote-table.js';
import { OpportunitySlot } from '../src/engine/shared/slot.js';
import { SpreadScanner } from '../src/kraken/ws/v1/spread-scanner.js';
import { TickerScanner } from '../src/kraken/ws/v2/ticker-scanner.js';
import { generateUniverse } from '../src/sim/market/universe.js';
import { Listener } from '../src/engine/listener.js';
import { BAL_EUR, BAL_USD, BALANCE_FIELDS, createSharedState } from '../src/engine/shared/shared-state.js';
import { EVAL_CODE_COUNT } from '../src/core/eval-codes.js';
import { MetricsRecorder } from '../src/metrics/recorder.js';
import type { ListenerPairs } from '../src/core/pair-universe.js';
import { round } from './lib/stats.js';
import {
  QUOTE_ASK,
  QUOTE_ASK_VOL,
  QUOTE_BID,
  QUOTE_BID_VOL,
  QUOTE_EXCH_TS,
  QUOTE_RECV_US,
} from '../src/core/quote-layout.js';

export interface MicroResult {
  name: string;
  nsPerOp: number;
  /** Best of the batches (least disturbed by the shared machine). */
  bestNsPerOp: number;
  bytesPerOp: number | null;
  gcsPerMillionOps: number;
}

const EUR_PER_USD = 0.92;

/** Times `op(i)` in batches after a warm-up; `op` must return a number (kept so V8 cannot drop the work). */
function bench(name: string, ops: number, op: (i: number) => number): MicroResult {
  let sink = 0;
  const warm = Math.min(ops, 200_000);
  for (let i = 0; i < warm; i++) sink += op(i);
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const batches = 5;
  const per = Math.ceil(ops / batches);
  const times: number[] = [];
  let cleanBytes: number | null = null;
  const gcBefore = gcs;
  for (let b = 0; b < batches; b++) {
    const g0 = gcs;
    const h0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    for (let i = 0; i < per; i++) sink += op(i);
    const t1 = performance.now();
    const h1 = process.memoryUsage().heapUsed;
    times.push(((t1 - t0) * 1e6) / per);
    // GC entries are delivered asynchronously; a shrinking heap also means a GC ran.
    // The least over clean batches: the first can still carry the optimiser's own allocations.
    if (gcs === g0 && h1 >= h0) cleanBytes = Math.min(cleanBytes ?? Infinity, (h1 - h0) / per);
  }
  obs.disconnect();
  if (sink === 0.123456789) process.stdout.write(''); // keeps `sink` alive
  const sorted = [...times].sort((a, b) => a - b);
  return {
    name,
    nsPerOp: round(sorted[Math.floor(sorted.length / 2)] as number, 1),
    bestNsPerOp: round(sorted[0] as number, 1),
    bytesPerOp: cleanBytes === null ? null : round(cleanBytes, 2),
    gcsPerMillionOps: round(((gcs - gcBefore) * 1e6) / (per * batches), 1),
  };
}

export function runMicro(quick: boolean): MicroResult[] {
  const ops = quick ? 1_000_000 : 5_000_000;
  const sim = generateUniverse({ seed: 1, coins: 520 });
  const universe = selectUniverse(sim.pairs);
  const subset = splitUniverse(universe, 1)[0];
  if (subset === undefined) throw new Error('E_BENCH_UNIVERSE: no listener subset');
  const pairs = subset.pairs;
  const priceOf = (i: number): number => {
    if (i < 2) return i === 0 ? 1.0002 : 0.9202;
    const coin = sim.coins[Math.floor((i - 2) / 2)];
    const usd = coin?.priceUsd ?? 1;
    return i % 2 === 0 ? usd : usd * EUR_PER_USD;
  };
  // Frames shaped like Kraken's (and the simulator's): channel id, 5 strings, "spread", pair.
  const nowS = Date.now() / 1000;
  const frames = pairs.map((p, i) => {
    const mid = priceOf(i);
    const half = mid * 0.0002;
    const d = p.pairDecimals;
    return Buffer.from(
      `[${100 + i},["${(mid - half).toFixed(d)}","${(mid + half).toFixed(d)}","${nowS.toFixed(6)}","${(1000 / mid).toFixed(p.lotDecimals)}","${(900 / mid).toFixed(p.lotDecimals)}"],"spread","${p.wsname}"]`,
    );
  });
  const scanner = new SpreadScanner(pairs.map((p) => p.wsname));
  const n = frames.length;
  const results: MicroResult[] = [];
  results.push(
    bench('parse: SpreadScanner.scan (one spread frame, ~90 B)', ops, (i) =>
      scanner.scan(frames[i % n] as Buffer),
    ),
  );

  // v2 ticker frames (event_trigger bbo) in the shape the simulator sends and the corpus shows.
  const iso = new Date().toISOString().replace('Z', '000Z');
  const tickerFrames = pairs.map((p, i) => {
    const mid = priceOf(i);
    const d = p.pairDecimals;
    const q = (1000 / mid).toFixed(p.lotDecimals);
    return Buffer.from(
      `{"channel":"ticker","type":"update","data":[{"symbol":"${p.wsname}","bid":${(mid * 0.9998).toFixed(d)},` +
        `"bid_qty":${q},"ask":${(mid * 1.0002).toFixed(d)},"ask_qty":${q},"last":${mid.toFixed(d)},` +
        `"volume":1234.5,"vwap":${mid.toFixed(d)},"low":${(mid * 0.99).toFixed(d)},"high":${(mid * 1.01).toFixed(d)},` +
        `"change":0.5,"change_pct":0.01,"timestamp":"${iso}"}]}`,
    );
  });
  const tickerScanner = new TickerScanner(pairs.map((p) => p.wsname));
  results.push(
    bench('parse: TickerScanner.scan (one v2 ticker frame, ~300 B)', ops, (i) =>
      tickerScanner.scan(tickerFrames[i % n] as Buffer),
    ),
  );
  if (tickerScanner.scan(tickerFrames[0] as Buffer) < 0)
    throw new Error('micro: the v2 ticker frame was rejected');

  const table = new QuoteTable(pairs.length);
  table.feedOnline = true;
  table.setAllOnline(true);
  const meta = buildPairMeta(pairs, subset.localToGlobal);
  const out = scanner.out;
  const nowUs = (): number => (performance.timeOrigin + performance.now()) * 1000;
  const fill = (): void => {
    const t = nowUs();
    for (let i = 0; i < n; i++) {
      scanner.scan(frames[i] as Buffer);
      table.update(
        i,
        out[QUOTE_BID] as number,
        out[QUOTE_ASK] as number,
        out[QUOTE_EXCH_TS] as number,
        out[QUOTE_BID_VOL] as number,
        out[QUOTE_ASK_VOL] as number,
        t,
      );
    }
  };
  fill();
  const bids = Float64Array.from(pairs, (_, k) => priceOf(k) * 0.9998);
  const asks = Float64Array.from(pairs, (_, k) => priceOf(k) * 1.0002);
  results.push(
    bench('store: QuoteTable.update', ops, (i) => {
      const k = i % n;
      return table.update(k, bids[k] as number, asks[k] as number, nowS, 10, 9, table.recvUs[k] as number);
    }),
  );
  fill();
  const params = createEvalParams({
    balanceUsd: 10_000,
    balanceEur: 10_000,
    maxLocalAgeUs: 60e6,
    maxOrderValueUsd: 1000,
    maxOrderValueEur: 1000,
  });
  const opp = new Float64Array(OPPORTUNITY_FIELDS);
  const coins = subset.coinCount;
  const t0 = nowUs();
  results.push(
    bench('evaluate both directions (no opportunity)', ops, (i) => {
      const coin = i % coins;
      return evaluate(table, meta, coin, 2 + 2 * coin, params, t0, opp, 0);
    }),
  );
  // One coin dislocated: its USD ask 2 % under fair, so the USD→EUR direction passes and is sized.
  const dc = 7;
  const ui = 2 + 2 * dc;
  table.update(ui, priceOf(ui) * 0.97, priceOf(ui) * 0.98, nowS, 10, 9, t0);
  results.push(
    bench('evaluate both directions (opportunity found, sized)', ops, () =>
      evaluate(table, meta, dc, ui, params, t0, opp, 0),
    ),
  );
  // The same coin quoted for 1,234,567.891 units on both pairs, caps lifted: its grid integer at the
  // coin's 5 lot decimals (1.2e11) is past the int32 range, which the rounding once boxed
  // (bench/README.md, 2026-12-06, fourth session).
  table.update(ui, priceOf(ui) * 0.97, priceOf(ui) * 0.98, nowS, 1_234_567.891, 1_234_567.891, t0);
  const ei = ui + 1;
  table.update(ei, table.bid[ei] as number, table.ask[ei] as number, nowS, 1_234_567.891, 1_234_567.891, t0);
  const uncapped = createEvalParams({ ...params, balanceUsd: 1e12, maxOrderValueUsd: 1e12 });
  results.push(
    bench('evaluate both directions (opportunity found, 1,234,567.891 units)', ops, () =>
      evaluate(table, meta, dc, ui, uncapped, t0, opp, 0),
    ),
  );
  fill();
  results.push(
    bench('listener step: scan → store → evaluate', ops, (i) => {
      const k = scanner.scan(frames[2 + (i % (n - 2))] as Buffer);
      table.update(
        k,
        out[QUOTE_BID] as number,
        out[QUOTE_ASK] as number,
        out[QUOTE_EXCH_TS] as number,
        out[QUOTE_BID_VOL] as number,
        out[QUOTE_ASK_VOL] as number,
        t0,
      );
      return evaluate(table, meta, coinOfPairIndex(k), k, params, t0, opp, 0);
    }),
  );
  results.push(listenerStep(subset, frames, scanner));
  const sab = new SharedArrayBuffer(OpportunitySlot.byteLength(OPPORTUNITY_FIELDS));
  const slot = new OpportunitySlot(sab, 0, OPPORTUNITY_FIELDS);
  const taken = new Float64Array(OPPORTUNITY_FIELDS);
  results.push(
    bench('slot hand-off: tryPublish + tryTake (same thread, no waiter)', ops, (i) => {
      opp[0] = i;
      slot.tryPublish(opp);
      slot.tryTake(taken);
      return taken[0] as number;
    }),
  );
  results.push(bench('clock: performance.timeOrigin + performance.now()', ops, () => nowUs()));
  return results;
}

/**
 * The listener's real per-update method (Listener.onSpread) with its metrics recorder as the
 * listener worker configures it (ingestion every update; evaluation and loop timings 1 in 16,
 * each timed loop one more clock read): store → evaluate → record. The recorder's sections fill
 * up and then count drops, as they would with no flush; neither path may allocate.
 */
function listenerStep(subset: ListenerPairs, frames: readonly Buffer[], scanner: SpreadScanner): MicroResult {
  const shared = createSharedState({
    listeners: 1,
    opportunityFields: OPPORTUNITY_FIELDS,
    evalCodes: EVAL_CODE_COUNT,
    pairs: Math.max(...subset.localToGlobal) + 1,
  });
  for (const g of subset.localToGlobal) shared.setPairTradable(g, true);
  const nowUs = (): number => (performance.timeOrigin + performance.now()) * 1000;
  const balances = new Float64Array(BALANCE_FIELDS);
  balances[BAL_USD] = 10_000;
  balances[BAL_EUR] = 10_000;
  shared.balances.write(balances, nowUs());
  shared.fees.write(Float64Array.of(0.004, 0.002), nowUs());
  shared.setTradingEnabled(true);
  const recorder = new MetricsRecorder({ source: 0, evaluationSampleEvery: 16, loopSampleEvery: 16 });
  const strategy = { minRoi: 1, maxLocalAgeMs: 60_000, maxExchangeAgeMs: 60_000, maxOrderValue: 1000 };
  const listener = new Listener(0, subset, shared, strategy, recorder, nowUs);
  listener.setFeedOnline(true);
  for (let i = 0; i < subset.pairs.length; i++) listener.setPairOnline(i, true);
  const out = scanner.out;
  const n = frames.length;
  return bench('listener step: Listener.onSpread with its metrics recorder', 1_000_000, (i) => {
    const k = scanner.scan(frames[i % n] as Buffer);
    out[QUOTE_RECV_US] = nowUs();
    listener.onSpread(k, out);
    return k;
  });
}
