/**
 * Does the listener's rehearsal (src/core/opportunity-rehearsal.ts) leave V8 anything to throw
 * away when real opportunities come? Runs the rehearsal as a listener does, then evaluates 840
 * real-like opportunities (every combination of 7 lot decimals, 6 price decimals, 5 price
 * magnitudes and 4 quoted volumes, both coin pairs as the updated one) with rehearsals between
 * them, in a child under `--trace-deopt`, and counts the deoptimisations after the warm-up by
 * function and reason. Before the rehearsal's scenarios (2026-12-06): 5; after: 0.
 *
 *   node dist/bench/rehearsal-deopts.js
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEvalParams, evaluateAt } from '../src/core/arbitrage.js';
import { OPPORTUNITY_FIELDS } from '../src/core/opportunity.js';
import { OpportunityRehearsal } from '../src/core/opportunity-rehearsal.js';
import type { PairMeta } from '../src/core/pair-meta.js';
import { QuoteTable } from '../src/core/quote-table.js';

const WARM_UP_RUNS = 300_000;
const REHEARSALS_BETWEEN = 50;
const MARK = '--- real opportunities';

/** Four pairs (USDT/USD, USDT/EUR, the coin's USD and EUR pairs) with the coin's decimals. */
function metaOf(lotDecimals: number, pairDecimals: number): PairMeta {
  return {
    size: 4,
    pairDecimals: Int32Array.of(4, 4, pairDecimals, pairDecimals),
    lotDecimals: Int32Array.of(2, 2, lotDecimals, lotDecimals),
    ordermin: new Float64Array(4),
    costmin: new Float64Array(4),
    globalIndex: Int32Array.of(0, 1, 2, 3),
  };
}

function child(): void {
  const live = createEvalParams({ nowUs: 1.7e15, takerFee: 0.0026 });
  const rehearsal = new OpportunityRehearsal(metaOf(8, 5));
  for (let i = 0; i < WARM_UP_RUNS; i++) rehearsal.run(live);
  console.log(MARK);
  const out = new Float64Array(OPPORTUNITY_FIELDS);
  let n = 0;
  for (const lot of [0, 1, 2, 4, 5, 8, 10])
    for (const dec of [1, 2, 3, 5, 6, 8])
      for (const price of [0.00001234, 0.5432, 3.21, 123.45, 45678.9])
        for (const volume of [0.123, 5, 987.65, 123456.7]) {
          const t = new QuoteTable(4);
          const quote = (i: number, bid: number, ask: number, vol: number): void => {
            t.bid[i] = bid;
            t.ask[i] = ask;
            t.bidVol[i] = vol;
            t.askVol[i] = vol;
            t.valid[i] = 1;
            t.exchTs[i] = 1.7e9;
            t.recvUs[i] = 1.7e15;
          };
          quote(0, 1, 1.0001, 1e6);
          quote(1, 0.92, 0.9201, 1e6);
          // The coin 3 % cheaper in EUR: a USD→EUR opportunity, sized by volume, cap or balance.
          quote(2, price * 0.999, price, volume);
          quote(3, price * 0.97, price * 0.971, volume * 1.3);
          t.setAllOnline(true);
          t.feedOnline = true;
          const params = createEvalParams({
            nowUs: 1.7e15,
            takerFee: 0.0026,
            balanceUsd: 54_321.123,
            balanceEur: 54_321.123,
            maxOrderValueUsd: 5_000.5,
            maxOrderValueEur: 5_000.5,
          });
          evaluateAt(t, metaOf(lot, dec), 0, 2 + (n++ & 1), params, out, 0);
          for (let i = 0; i < REHEARSALS_BETWEEN; i++) rehearsal.run(live);
        }
  console.log(`--- ${n} evaluations`);
}

function main(): void {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--trace-deopt', self, '--child'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  const after = r.stdout.slice(r.stdout.indexOf(MARK));
  const counts = new Map<string, number>();
  for (const m of after.matchAll(/\[bailout \(kind: [^,]+, reason: ([^)]*)\).*?<JSFunction (\S*)/g)) {
    const key = `${m[2]} (${m[1]})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${after.match(/--- (\d+) evaluations/)?.[1] ?? '?'} real-like evaluations: ${total} deoptimisations`,
  );
  for (const [k, v] of counts) console.log(`  ${v} × ${k}`);
}

if (process.argv.includes('--child')) child();
else main();
