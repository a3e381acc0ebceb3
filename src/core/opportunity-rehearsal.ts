/**
 * A four-pair scratch market whose one coin is always dislocated, so a listener can run the
 * evaluation's opportunity branch (the payload, the age guards, the sizing) between real
 * opportunities. That branch runs only when an opportunity is found, seconds apart live, while
 * every other update leaves the evaluation at its ROI check; found after seconds, it took 55–63 µs
 * p50 on the 2-vCPU VM, against the whole receipt → evaluated of 9 µs when opportunities came every
 * 20 ms (bench/README.md, "2026-12-06, second session").
 *
 * Pure and allocation-free: typed-array writes and the real evaluateAt on scratch state. The
 * listener's own quote table, parameters and opportunity buffer are never touched.
 */
import { createEvalParams, evaluateAt, type EvalParams } from './arbitrage.js';
import type { EvalCode } from './eval-codes.js';
import { OPPORTUNITY_FIELDS } from './opportunity.js';
import { eurPairIndex, usdPairIndex, USDT_EUR_INDEX, USDT_USD_INDEX } from './pair-index.js';
import type { PairMeta } from './pair-meta.js';
import { QuoteTable } from './quote-table.js';

/** The scratch coin: the listener's first, so its real decimals and minimums size the order. */
const COIN = 0;
/** Pairs in the scratch market: the two USDT legs and the coin's USD and EUR pairs. */
const PAIRS = eurPairIndex(COIN) + 1;

export class OpportunityRehearsal {
  private readonly table = new QuoteTable(PAIRS);
  private readonly params: EvalParams;
  /** Where the rehearsed opportunity is written (the listener stamps it as it would a real one). */
  readonly out = new Float64Array(OPPORTUNITY_FIELDS);

  /** `meta`: the listener's own pair metadata (only its first coin's entries are read). */
  constructor(private readonly meta: PairMeta) {
    // USD→EUR: roi = (95 × 1.0) / (100 × 0.9201) × k ≈ 1.03 k, over the default threshold whatever
    // the user's (its value does not change the code that runs); the balance and the cap size a buy
    // of about one unit. The age limits are the defaults: every leg is stamped at the same instant.
    this.params = createEvalParams({
      balanceUsd: 1_000_000,
      balanceEur: 1_000_000,
      maxOrderValueUsd: 100,
      maxOrderValueEur: 100,
    });
    const t = this.table;
    this.quote(USDT_USD_INDEX, 1, 1.0001);
    this.quote(USDT_EUR_INDEX, 0.92, 0.9201);
    this.quote(usdPairIndex(COIN), 99.99, 100);
    this.quote(eurPairIndex(COIN), 95, 95.01);
    t.setAllOnline(true);
    t.feedOnline = true;
  }

  /** False when the listener's pairs hold no coin: run() then does nothing. */
  get usable(): boolean {
    return this.meta.size >= PAIRS;
  }

  /**
   * The evaluation of the scratch coin's USD pair as if its update arrived at `live.nowUs`, at
   * `live.takerFee` (the listener's own parameters, read, not passed as doubles: a double argument
   * to a call V8 does not inline is boxed). Returns the code: EVAL_OPPORTUNITY unless the coin's own
   * minimums refuse the scratch size; -1 when not usable.
   */
  run(live: EvalParams): EvalCode | -1 {
    if (!this.usable) return -1;
    const nowUs = live.nowUs;
    const t = this.table;
    const exchTs = nowUs / 1e6;
    for (let i = 0; i < PAIRS; i++) {
      t.exchTs[i] = exchTs;
      t.recvUs[i] = nowUs;
    }
    const p = this.params;
    p.nowUs = nowUs;
    p.takerFee = live.takerFee;
    return evaluateAt(t, this.meta, COIN, usdPairIndex(COIN), p, this.out, 0);
  }

  private quote(i: number, bid: number, ask: number): void {
    const t = this.table;
    t.bid[i] = bid;
    t.ask[i] = ask;
    t.bidVol[i] = 1_000;
    t.askVol[i] = 1_000;
    t.valid[i] = 1;
  }
}
