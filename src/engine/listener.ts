/**
 * One listener: its feed's spread updates → quote table → evaluation of both directions → the
 * capacity-1 slot. Everything per update is typed-array work with no allocation (see
 * docs/node-latency.md §2–3); balances and fees are re-read from their seqlocks only when the fetcher
 * has written new ones (one Atomics.load per update to notice).
 */
import { QuoteTable, UPDATE_ACCEPTED, UPDATE_FUTURE, UPDATE_STALE } from '../core/quote-table.js';
import { buildPairMeta, type PairMeta } from '../core/pair-meta.js';
import { createEvalParams, evaluateAt, type EvalParams } from '../core/arbitrage.js';
import { DROP_STALE_LOCAL, EVAL_OPPORTUNITY } from '../core/eval-codes.js';
import { isFresh } from '../core/guards.js';
import {
  DIR_EUR_TO_USD,
  OPP_BUY_PAIR,
  OPP_DIRECTION,
  OPP_PUBLISHED_US,
  OPP_SELL_PAIR,
  OPPORTUNITY_FIELDS,
  stampOpportunity,
} from '../core/opportunity.js';
import { coinOfPairIndex } from '../core/pair-index.js';
import { OpportunityRehearsal } from '../core/opportunity-rehearsal.js';
import type { ListenerPairs } from '../core/pair-universe.js';
import {
  availableAfterSpend,
  BALANCE_FIELDS,
  FEE_COIN_TAKER,
  FEE_FIELDS,
  SPENT_FIELDS,
  type SharedState,
} from './shared/shared-state.js';
import { SEQ_READ_CONTENDED, SEQ_READ_OK } from './shared/seqlock.js';
import { PUBLISHED, REFUSED_TAKER_BUSY, type PublishResult } from './shared/slot.js';
import {
  CTR_DROP_BALANCE_UNAVAILABLE,
  CTR_DROP_PAIR_NOT_ONLINE,
  CTR_FUTURE_TIMESTAMP,
  CTR_DROP_SLOT_FULL,
  CTR_DROP_TRADER_BUSY,
  CTR_DROP_TRADING_DISABLED,
  CTR_MALFORMED,
  CTR_OPP_EUR_TO_USD,
  CTR_OPP_USD_TO_EUR,
  CTR_OUT_OF_ORDER,
  CTR_PUBLISHED,
  CTR_UPDATES,
} from './shared/shared-counters.js';
import type { MetricsRecorder } from '../metrics/recorder.js';
import { QUOTE_EXCH_TS, QUOTE_RECV_US } from '../core/quote-layout.js';

export interface ListenerStrategy {
  minRoi: number;
  maxLocalAgeMs: number;
  maxExchangeAgeMs: number;
  /** Largest buy in its quote currency (USD or EUR). */
  maxOrderValue: number;
}

/** Balances older than this are not trusted for sizing (the fetcher writes every 2 s). */
export const MAX_BALANCE_AGE_US = 30_000_000;

/**
 * How often the opportunity branch is rehearsed while updates come (OpportunityRehearsal): as
 * often as the trader rehearses its side (Trader, REHEARSAL_INTERVAL_MS). Each costs about one
 * evaluation that finds an opportunity, warm: 4 µs p50 in the realistic runs of bench/README.md.
 */
const REHEARSAL_INTERVAL_US = 1_000;

/** The counter column of a publish the slot refused, or -1 when it was published. */
function publishDrop(result: PublishResult): number {
  if (result === PUBLISHED) return -1;
  return result === REFUSED_TAKER_BUSY ? CTR_DROP_TRADER_BUSY : CTR_DROP_SLOT_FULL;
}

/** Counter rows are per-listener Float64Arrays in shared memory; only this listener writes its row. */
function bump(row: Float64Array, column: number): void {
  row[column] = (row[column] as number) + 1;
}

export class Listener {
  readonly table: QuoteTable;
  readonly meta: PairMeta;
  private readonly params: EvalParams;
  private readonly scratch = new Float64Array(OPPORTUNITY_FIELDS);
  /** [end (epoch µs), duration µs] of the evaluation or the loop being recorded (MetricsRecorder). */
  private readonly timing = new Float64Array(2);
  private readonly balances = new Float64Array(BALANCE_FIELDS);
  private readonly spent = new Float64Array(SPENT_FIELDS);
  private spentWrites = -1;
  private readonly fees = new Float64Array(FEE_FIELDS);
  private readonly row: Float64Array;
  private readonly evalColumn0: number;
  private balanceWrites = -1;
  private feeWrites = -1;
  private balancesOk = false;
  private seq = 0;
  private readonly rehearsal: OpportunityRehearsal;
  /** Epoch µs after which the next update that finds no opportunity runs the rehearsal. */
  private nextRehearsalUs = 0;
  /** Rehearsals run (tests read it). */
  rehearsals = 0;
  /**
   * Called once an opportunity is in the slot, when this listener runs in the trader's own thread
   * (TRADER_HOSTS_LISTENER): the trader takes it at once, with no thread to wake. Null otherwise.
   */
  onPublished: (() => void) | null = null;

  constructor(
    readonly index: number,
    readonly pairs: ListenerPairs,
    private readonly shared: SharedState,
    strategy: ListenerStrategy,
    private readonly recorder: MetricsRecorder | null,
    private readonly nowUs: () => number,
  ) {
    this.table = new QuoteTable(pairs.pairs.length);
    this.meta = buildPairMeta(pairs.pairs, pairs.localToGlobal);
    this.params = createEvalParams({
      minRoi: strategy.minRoi,
      maxLocalAgeUs: strategy.maxLocalAgeMs * 1000,
      maxExchangeAgeMs: strategy.maxExchangeAgeMs,
      maxOrderValueUsd: strategy.maxOrderValue,
      maxOrderValueEur: strategy.maxOrderValue,
    });
    this.rehearsal = new OpportunityRehearsal(this.meta);
    this.row = shared.counters.row(index);
    this.evalColumn0 = shared.counters.evalCodeColumn(0);
  }

  /** Hot path: one parsed spread update for local pair `i` (`out` laid out by the spread scanner). */
  onSpread(i: number, out: Float64Array): void {
    const row = this.row;
    // updateFrom/evaluateAt take the doubles through typed arrays and params: passing doubles as
    // arguments to non-inlined calls boxes them (measured: allocation-free only this way).
    const code = this.table.updateFrom(i, out, 0);
    if (code !== UPDATE_ACCEPTED) {
      if (code === UPDATE_STALE) bump(row, CTR_OUT_OF_ORDER);
      else if (code === UPDATE_FUTURE) bump(row, CTR_FUTURE_TIMESTAMP);
      else bump(row, CTR_MALFORMED);
      return;
    }
    bump(row, CTR_UPDATES);
    const recvUs = out[QUOTE_RECV_US] as number;
    this.shared.setLastFrameUs(this.index, recvUs);
    const rec = this.recorder;
    if (rec !== null) rec.ingestion(this.meta.globalIndex[i] as number, out[QUOTE_EXCH_TS] as number, recvUs);
    // USDT/USD and USDT/EUR are stored but never trigger an evaluation (they are in every coin's ROI).
    if (i < 2) return;
    // The balances' age is judged at the frame's receive time, microseconds ago, not by a clock read
    // of its own (in Node 20 a read can box its double: an allocation); the evaluation's own timing
    // (arbitrage_evaluation_speed) starts after the refresh, as before.
    const params = this.params;
    params.nowUs = recvUs;
    this.refreshAccount();
    const t0 = this.nowUs();
    params.nowUs = t0;
    let r = evaluateAt(this.table, this.meta, coinOfPairIndex(i), i, params, this.scratch, 0);
    const t1 = this.nowUs();
    // Fresh when the evaluation began, but this thread can be held in it (preempted on a busy CPU:
    // 1.7 and 2.6 ms in two realistic runs, bench/README.md). Already stale when found, it is dropped
    // here, never handed to a trader that would wake, turn busy and then drop it.
    if (r === EVAL_OPPORTUNITY && !isFresh(recvUs, t1, params.maxLocalAgeUs)) r = DROP_STALE_LOCAL;
    if (rec !== null) {
      const timing = this.timing;
      timing[0] = t1;
      timing[1] = t1 - t0;
      rec.evaluationFrom(timing, 0);
      // `listener_loop_speed`: receive stamp (taken before the parse) → evaluated, for one update in
      // `loopSampleEvery`. It reuses the evaluation's clock read: a clock read here allocates.
      if (rec.loopDue()) {
        timing[1] = t1 - recvUs;
        rec.loopSampleFrom(timing, 0);
      }
    }
    bump(row, this.evalColumn0 + r);
    if (r !== EVAL_OPPORTUNITY) {
      if (t1 >= this.nextRehearsalUs) this.rehearse();
      return;
    }
    const shared = this.shared;
    const s = this.scratch;
    const refused = this.refusedColumn(s);
    // A parked trader woken now wakes up while this call stamps and publishes, not after it
    // (measured: bench/README.md). Never for an opportunity refused here, so a stop or a busy
    // trader costs it nothing.
    if (refused < 0 && shared.wakeTraderAhead()) shared.slot.wakeTaker();
    bump(row, s[OPP_DIRECTION] === DIR_EUR_TO_USD ? CTR_OPP_EUR_TO_USD : CTR_OPP_USD_TO_EUR);
    stampOpportunity(s, 0, ++this.seq, t1, this.index);
    let drop = refused;
    if (refused < 0) {
      // The publish's own stamp, after the wake: a slow hand-off then says whether this thread or the
      // trader held it (Trader.logHandoff). One clock read per opportunity, none per update.
      const tp = this.nowUs();
      s[OPP_PUBLISHED_US] = tp;
      drop = publishDrop(shared.slot.tryPublish(s));
    } else s[OPP_PUBLISHED_US] = 0;
    if (drop < 0) {
      bump(row, CTR_PUBLISHED);
      this.onPublished?.();
    } else bump(row, drop);
    // The seed writes every roi > 1 to metrics before the guardrails, so dropped ones too; the copy
    // comes after the hand-off, so the trader does not wait for it.
    if (rec !== null) rec.opportunity(s, 0);
  }

  /**
   * The opportunity branch on a scratch market (OpportunityRehearsal), then this class's refusal
   * checks and stamp on its result, as for a real opportunity: nothing is counted, woken or
   * published, and the real quotes and opportunity buffer are untouched.
   */
  private rehearse(): void {
    const params = this.params;
    this.nextRehearsalUs = params.nowUs + REHEARSAL_INTERVAL_US;
    this.rehearsals++;
    const r = this.rehearsal;
    if (r.run(params) !== EVAL_OPPORTUNITY) return;
    this.refusedColumn(r.out);
    stampOpportunity(r.out, 0, this.seq, params.nowUs, this.index);
  }

  /**
   * Why the opportunity in `s` may not be traded now (the counter column of the reason), or -1 when
   * it may be put in the slot. A full slot is found by the publish itself.
   */
  private refusedColumn(s: Float64Array): number {
    if (!this.balancesOk) return CTR_DROP_BALANCE_UNAVAILABLE;
    const shared = this.shared;
    if (!shared.isTradingEnabled()) return CTR_DROP_TRADING_DISABLED;
    if (
      !shared.isPairTradable(s[OPP_BUY_PAIR] as number) ||
      !shared.isPairTradable(s[OPP_SELL_PAIR] as number)
    )
      return CTR_DROP_PAIR_NOT_ONLINE;
    if (shared.isTraderBusy() || !shared.isTraderTaking()) return CTR_DROP_TRADER_BUSY;
    return -1;
  }

  /**
   * Re-reads balances, the trader's spend and fees only when their writer has written since the
   * last read. Sizing uses the fetched balance minus what trades spent since that fetch began.
   */
  private refreshAccount(): void {
    const shared = this.shared;
    const bw = shared.balances.writes();
    const sw = shared.spent.writes();
    if (bw !== this.balanceWrites || sw !== this.spentWrites) {
      const spentOk = sw === this.spentWrites || shared.spent.read(this.spent) !== SEQ_READ_CONTENDED;
      if (spentOk && shared.balances.read(this.balances) === SEQ_READ_OK) {
        this.balanceWrites = bw;
        this.spentWrites = sw;
        this.params.balanceUsd = availableAfterSpend(this.balances, this.spent, 'USD');
        this.params.balanceEur = availableAfterSpend(this.balances, this.spent, 'EUR');
      }
    }
    const fw = shared.fees.writes();
    if (fw !== this.feeWrites && shared.fees.read(this.fees) === SEQ_READ_OK) {
      this.feeWrites = fw;
      this.params.takerFee = this.fees[FEE_COIN_TAKER] as number;
    }
    this.balancesOk =
      this.balanceWrites >= 0 &&
      this.feeWrites >= 0 &&
      this.params.nowUs - shared.balances.updatedAtUs <= MAX_BALANCE_AGE_US;
  }

  setFeedOnline(online: boolean): void {
    this.table.feedOnline = online;
  }

  setPairOnline(i: number, online: boolean): void {
    this.table.setOnline(i, online);
  }
}
