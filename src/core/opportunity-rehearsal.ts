/**
 * A four-pair scratch market whose one coin is always dislocated, so a listener can run the
 * evaluation's opportunity branch (the payload, the age guards, the sizing) between real
 * opportunities. That branch runs only when an opportunity is found, seconds apart live, while
 * every other update leaves the evaluation at its ROI check; found after seconds, it took 55–63 µs
 * p50 on the 2-vCPU VM, against the whole receipt → evaluated of 9 µs when opportunities came every
 * 20 ms (bench/README.md, "2026-12-06, second session").
 *
 * Each run takes the next of a few scenarios (SCENARIOS). A branch the rehearsal never takes, or a
 * kind of number it never produces, is compiled by V8 as "never happens", and the first real
 * opportunity that needs it throws the optimised code away (a deoptimisation) in the middle of its
 * evaluation. With one USD→EUR scenario on the first coin's own decimals, `--trace-deopt` showed
 * real opportunities deoptimising `writeAndGuard`, `sizeOrder` and `floorToDecimals` (bench/README.md,
 * "2026-12-06, fourth session"). So the scenarios cover both directions, each limit, each kind of
 * updated pair, grid integers past 2^31, a volume the sizing refuses, and quotes and volumes on which
 * the grid rounding's corrections run; and the scratch coin has decimals of its own (SCRATCH_*), on
 * which those values are known to do so, whatever the listener's first coin is.
 *
 * Pure and allocation-free: typed-array writes and the real evaluateAt on scratch state. The
 * listener's own quote table, parameters and opportunity buffer are never touched.
 */
import { createEvalParams, evaluateAt, type EvalParams } from './arbitrage.js';
import type { EvalCode } from './eval-codes.js';
import { DIR_EUR_TO_USD, DIR_USD_TO_EUR, OPPORTUNITY_FIELDS } from './opportunity.js';
import { eurPairIndex, usdPairIndex, USDT_EUR_INDEX, USDT_USD_INDEX } from './pair-index.js';
import type { PairMeta } from './pair-meta.js';
import { QuoteTable } from './quote-table.js';

/** The scratch coin: in the listener's own pair indices, its first. */
const COIN = 0;
/** Pairs in the scratch market: the two USDT legs and the coin's USD and EUR pairs. */
const PAIRS = eurPairIndex(COIN) + 1;
/** The scratch coin's price decimals: 128.02 and 128.14 sit where the grid rounding corrects. */
export const SCRATCH_PAIR_DECIMALS = 2;
/** The scratch coin's lot decimals: 3e-8 sits where the grid rounding corrects. */
export const SCRATCH_LOT_DECIMALS = 8;

/**
 * One rehearsed opportunity: the coin's quotes (its USD and EUR pairs' bid and ask; USDT/USD is
 * 1/1.0001 and USDT/EUR 0.92/0.9201), the pair whose update is evaluated, every coin pair's quoted
 * volumes, and the balance and order-value cap of the buy's currency.
 */
export interface RehearsalScenario {
  readonly direction: number;
  readonly usdBid: number;
  readonly usdAsk: number;
  readonly eurBid: number;
  readonly eurAsk: number;
  /** The pair whose update the evaluation runs for: the coin's USD or EUR pair, or USDT/USD. */
  readonly trigger: 'usd' | 'eur' | 'usdt';
  readonly askVolume: number;
  readonly bidVolume: number;
  readonly balance: number;
  readonly maxOrderValue: number;
}

const PLENTY = 1e9;
type Quotes = Pick<RehearsalScenario, 'direction' | 'usdBid' | 'usdAsk' | 'eurBid' | 'eurAsk'>;
type Sizing = Omit<RehearsalScenario, keyof Quotes>;
/** Buy in USD at 100, sell in EUR at 95 (≈ 103.3 USD): ROI ≈ 1.03. */
const TO_EUR: Quotes = { direction: DIR_USD_TO_EUR, usdBid: 99.99, usdAsk: 100, eurBid: 95, eurAsk: 95.01 };
/** Buy in EUR at 95.01 (≈ 103.3 USD), sell in USD at 110: ROI ≈ 1.06. */
const TO_USD: Quotes = { direction: DIR_EUR_TO_USD, usdBid: 110, usdAsk: 110.01, eurBid: 95, eurAsk: 95.01 };
/** At 2 decimals, 128.02 × 100 is just over 12802 and 128.14 × 100 just under 12814. */
const AT_GRID_EDGES: Quotes = {
  direction: DIR_USD_TO_EUR,
  usdBid: 128,
  usdAsk: 128.02,
  eurBid: 128.14,
  eurAsk: 128.15,
};

/** TO_EUR a million times dearer: grid integers past the int32 range at 2 decimals (1e10). */
const TO_EUR_DEAR: Quotes = {
  direction: DIR_USD_TO_EUR,
  usdBid: 99_990_000,
  usdAsk: 100_000_000,
  eurBid: 95_000_000,
  eurAsk: 95_010_000,
};

/** One literal shape for every scenario, so `run` reads them through one hidden class. */
function scenario(q: Quotes, s: Sizing): RehearsalScenario {
  return {
    direction: q.direction,
    usdBid: q.usdBid,
    usdAsk: q.usdAsk,
    eurBid: q.eurBid,
    eurAsk: q.eurAsk,
    trigger: s.trigger,
    askVolume: s.askVolume,
    bidVolume: s.bidVolume,
    balance: s.balance,
    maxOrderValue: s.maxOrderValue,
  };
}

/**
 * Both directions; each limit binding (the order-value cap, the buy's ask volume, the sell's bid
 * volume, the balance); the coin's USD pair, its EUR pair and USDT/USD as the updated pair; a lot
 * count past 2^31 (12,345.67890120 at 8 decimals) and volumes under one unit; prices whose grid
 * integers are past it too (TO_EUR_DEAR); a volume under one lot, which the sizing refuses (the one
 * scenario that ends in a drop, DROP_ZERO_VOLUME); and, last, an ask whose rounding up is corrected
 * down, a bid whose rounding down is corrected up (AT_GRID_EDGES) and a volume whose rounding down is
 * corrected up (3e-8 × 10^8 is just under 3).
 */
export const SCENARIOS: readonly RehearsalScenario[] = [
  scenario(TO_EUR, { trigger: 'usd', askVolume: 1_000, bidVolume: 1_000, balance: 1e6, maxOrderValue: 100 }),
  scenario(TO_USD, { trigger: 'eur', askVolume: 1_000, bidVolume: 1_000, balance: 1e6, maxOrderValue: 100 }),
  scenario(TO_EUR, {
    trigger: 'eur',
    askVolume: 1e6,
    bidVolume: 12_345.6789012,
    balance: PLENTY,
    maxOrderValue: PLENTY,
  }),
  scenario(TO_USD, {
    trigger: 'usd',
    askVolume: 0.2903,
    bidVolume: 1e6,
    balance: PLENTY,
    maxOrderValue: PLENTY,
  }),
  scenario(TO_EUR, {
    trigger: 'usdt',
    askVolume: 1e6,
    bidVolume: 1e6,
    balance: 1_234.5678,
    maxOrderValue: PLENTY,
  }),
  scenario(TO_USD, {
    trigger: 'usdt',
    askVolume: 1e6,
    bidVolume: 1e6,
    balance: 987.654321,
    maxOrderValue: PLENTY,
  }),
  scenario(TO_EUR_DEAR, {
    trigger: 'eur',
    askVolume: 1e6,
    bidVolume: 1e6,
    balance: PLENTY,
    maxOrderValue: PLENTY,
  }),
  // Offered 4e-9 units: under one lot, so the volume rounds to zero and the sizing refuses it.
  scenario(TO_USD, {
    trigger: 'eur',
    askVolume: 4e-9,
    bidVolume: 1e6,
    balance: PLENTY,
    maxOrderValue: PLENTY,
  }),
  scenario(AT_GRID_EDGES, {
    trigger: 'usd',
    askVolume: 1e6,
    bidVolume: 3e-8,
    balance: PLENTY,
    maxOrderValue: PLENTY,
  }),
];

export class OpportunityRehearsal {
  private readonly table = new QuoteTable(PAIRS);
  private readonly params: EvalParams;
  /** The scratch market's constraints: the listener's global pair indices, decimals of its own. */
  private readonly meta: PairMeta;
  /** Where the rehearsed opportunity is written (the listener stamps it as it would a real one). */
  readonly out = new Float64Array(OPPORTUNITY_FIELDS);
  /** Which scenario the next run takes. */
  private next = 0;

  /**
   * `live`: the listener's own pair metadata. Only its first four entries' global indices are read,
   * so the rehearsed opportunity names the listener's first coin's pairs, whose tradable flags the
   * listener's refusal checks then read as for a real one.
   */
  constructor(live: PairMeta) {
    this.meta = scratchMeta(live);
    // Doubles from the start, so the scenarios' values never change these fields' representation.
    this.params = createEvalParams({
      balanceUsd: 0.5,
      balanceEur: 0.5,
      maxOrderValueUsd: 0.5,
      maxOrderValueEur: 0.5,
    });
    const t = this.table;
    this.quote(USDT_USD_INDEX, 1, 1.0001);
    this.quote(USDT_EUR_INDEX, 0.92, 0.9201);
    // The coin's quotes and volumes are each scenario's (run).
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
   * The next scenario's evaluation, as if its pair's update arrived at `live.nowUs`, at
   * `live.takerFee` (the listener's own parameters, read, not passed as doubles: a double argument
   * to a call V8 does not inline is boxed). Returns the evaluation's code (EVAL_OPPORTUNITY, or
   * DROP_ZERO_VOLUME for the scenario offered less than a lot), or -1 when not usable.
   */
  run(live: EvalParams): EvalCode | -1 {
    if (!this.usable) return -1;
    const sc = SCENARIOS[this.next] as RehearsalScenario;
    this.next = this.next + 1 === SCENARIOS.length ? 0 : this.next + 1;
    const nowUs = live.nowUs;
    const t = this.table;
    const usdI = usdPairIndex(COIN);
    const eurI = eurPairIndex(COIN);
    t.bid[usdI] = sc.usdBid;
    t.ask[usdI] = sc.usdAsk;
    t.bid[eurI] = sc.eurBid;
    t.ask[eurI] = sc.eurAsk;
    t.askVol[usdI] = t.askVol[eurI] = sc.askVolume;
    t.bidVol[usdI] = t.bidVol[eurI] = sc.bidVolume;
    const exchTs = nowUs / 1e6;
    for (let i = 0; i < PAIRS; i++) {
      t.exchTs[i] = exchTs;
      t.recvUs[i] = nowUs;
    }
    const p = this.params;
    p.nowUs = nowUs;
    p.takerFee = live.takerFee;
    p.balanceUsd = sc.balance;
    p.balanceEur = sc.balance;
    p.maxOrderValueUsd = sc.maxOrderValue;
    p.maxOrderValueEur = sc.maxOrderValue;
    const trigger = sc.trigger === 'usd' ? usdI : sc.trigger === 'eur' ? eurI : USDT_USD_INDEX;
    return evaluateAt(t, this.meta, COIN, trigger, p, this.out, 0);
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

/**
 * The scratch market's PairMeta: the listener's first four global indices (none when it has fewer
 * pairs), the SCRATCH_* decimals and no minimums. Keys in buildPairMeta's order, so V8 gives it
 * the same hidden class as the listener's own.
 */
function scratchMeta(live: PairMeta): PairMeta {
  const size = live.size >= PAIRS ? PAIRS : 0;
  const meta: PairMeta = {
    size,
    pairDecimals: new Int32Array(size).fill(SCRATCH_PAIR_DECIMALS),
    lotDecimals: new Int32Array(size).fill(SCRATCH_LOT_DECIMALS),
    ordermin: new Float64Array(size),
    costmin: new Float64Array(size),
    globalIndex: live.globalIndex.slice(0, size),
  };
  return meta;
}
