/**
 * The trader: takes opportunities from the capacity-1 slot and, in trade mode, runs each to its
 * end (trade-runner.ts) under the risk limits; in evaluation mode it only counts and logs them and
 * never sends an order. Busy is set from the moment an opportunity is taken until the post-trade
 * pause is over, so listeners drop (and count) what arrives meanwhile instead of queueing it.
 */
import {
  DIR_USD_TO_EUR,
  OPP_BUY_PAIR,
  OPP_SELL_PAIR,
  OPP_TRIGGER_RECV_US,
  OPPORTUNITY_FIELDS,
  readOpportunity,
  type Opportunity,
} from '../../core/opportunity.js';
import type { PairInfo } from '../../core/pair.js';
import { isFresh } from '../../core/guards.js';
import { eurPairIndex, usdPairIndex } from '../../core/pair-index.js';
import {
  checkBeforeTrade,
  initialRisk,
  recordTradeEnd,
  recordTradeStart,
  RISK_STOP_CODES,
  RISK_STOP_REASONS,
  tradeEffect,
  type RiskState,
  type RiskStopReason,
} from '../../core/risk-limits.js';
import {
  availableAfterSpend,
  BALANCE_FIELDS,
  FEE_FIELDS,
  FEE_STABLE_TAKER,
  SPENT_EUR,
  SPENT_FIELDS,
  SPENT_USD,
} from '../shared/shared-state.js';
import { SEQ_READ_CONTENDED, SEQ_READ_OK } from '../shared/seqlock.js';
import { holdEventLoop, type OpportunitySlot } from '../shared/slot.js';
import {
  newUserref,
  runTrade,
  type TradeDeps,
  type TradeResult,
  type TradeSettings,
} from './trade-runner.js';
import { newTraderCounters, type TraderCounters, type TraderOptions } from './trader-options.js';
import { GC_ENTRY_DELAY_MS } from './gc-pauses.js';
import { HANDOFF_LINES, handoffStages } from './handoff-lines.js';
import { riskStopAlert, tradeCrashAlert } from '../../notify/alerts.js';

/** The counters of the refusals checked before a trade (Trader.refusal). */
type Refusal = keyof Pick<
  TraderCounters,
  | 'tradingDisabled'
  | 'staleAtTrader'
  | 'privateNotReady'
  | 'journalBacklog'
  | 'pairNotOnline'
  | 'insufficientBalance'
>;

// The trader's contract, where its users look for it.
export type { TraderCounters, TraderOptions };

/** Parked waits wake at least this often to notice shutdown. */
const WAIT_SLICE_MS = 250;
const SPINS_PER_TURN = 20_000;
/** A parked thread (parkThread) serves its event loop at least this often. */
const PARK_SLICE_MS = 1;
/**
 * After a park woke early, how long the trader looks at the slot before parking again (~7 µs per
 * 1,000 on the 2-vCPU VM, so ~0.2 ms): a listener wakes the trader as it finds an opportunity, before
 * it stamps and publishes it (Listener.onSpread), and its copy into the slot follows within this.
 */
const WRITE_SPINS = 30_000;
/**
 * How often the trade path is rehearsed while no opportunity comes. Measured with the bench on the
 * 2-vCPU VM: rehearsing every millisecond cut take → intent from ~90 to ~45 µs and wire-to-wire p50
 * by 100–200 µs, for ~1 % of a core; code idle for 20 ms ran 3–6× slower than code run every ms.
 */
const REHEARSAL_INTERVAL_MS = 1;

/** The kinds of log line kept to one a second at info. */
type LoggedKind = 'opportunity' | 'stale' | 'slowHandoff';

export class Trader {
  readonly counters: TraderCounters = newTraderCounters();
  private readonly buf = new Float64Array(OPPORTUNITY_FIELDS);
  private readonly feeBuf = new Float64Array(FEE_FIELDS);
  /** The next buy's userref, journaled as reserved (trade mode); null before start and after stop. */
  private reserved: number | null = null;
  private readonly balanceBuf = new Float64Array(BALANCE_FIELDS);
  private readonly spentBuf = new Float64Array(SPENT_FIELDS);
  private risk: RiskState;
  private stopped = false;
  /** When each kind of log line last went out at info (see infoOncePerSecond). */
  private readonly lastInfoLogMs: Record<LoggedKind, number> = { opportunity: 0, stale: 0, slowHandoff: 0 };
  private lastRehearsalMs = 0;
  /** Hand-off lines waiting for the GC report; written at once when the trader stops. */
  private readonly pendingLines = new Set<() => void>();
  /** When the thread last came out of a park (epoch µs; parking modes only, else 0). */
  private unparkedUs = 0;
  private rehearsalFailureLogged = false;
  private readonly rehearsalBuf = new Float64Array(OPPORTUNITY_FIELDS);
  /** Settles (never rejects) when the opportunity being handled is done with, trade and pause. */
  private inFlight: Promise<void> | null = null;

  constructor(private readonly o: TraderOptions) {
    this.risk = o.initialRisk?.state ?? initialRisk(Date.now());
    const held = o.initialRisk?.stop ?? null;
    if (held !== null && o.mode === 'trade') {
      // Journaled before the restart; it holds until the operator clears it (--clear-risk-stop).
      o.shared.riskStop(RISK_STOP_CODES[held.reason]);
      o.log.error('risk stop from the journal still holds: trading stays stopped (evaluation continues)', {
        reason: held.reason,
        since: new Date(held.sinceMs).toISOString(),
      });
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** Runs until stop() or shutdown; resolves after the trade in flight (if any) has finished. */
  async run(): Promise<void> {
    const release = holdEventLoop();
    this.reserveUserref();
    const slot = this.o.shared.slot;
    // Listeners publish only from here on: before, trade mode's preparation (the warm-up, the
    // recovery, the private socket: up to seconds) would leave what they publish to go stale.
    this.o.shared.setTraderTaking(true);
    const rehearsals =
      !this.o.spin && !this.o.parkThread && this.o.warmer !== null && this.o.mode === 'trade'
        ? setInterval(() => this.rehearse(), REHEARSAL_INTERVAL_MS)
        : null;
    try {
      while (!this.stopped && !this.o.shared.isShutdownRequested()) {
        // One opportunity at a time: the listener in this thread (takeNow) may have started one.
        if (this.inFlight !== null) {
          await this.inFlight;
          continue;
        }
        if (await this.nextTake(slot)) await this.track(this.handle());
      }
    } finally {
      this.o.shared.setTraderTaking(false);
      if (this.inFlight !== null) await this.inFlight;
      if (rehearsals !== null) clearInterval(rehearsals);
      // A clean stop frees the reservation: only a crash leaves one for the recovery to check.
      if (this.reserved !== null) this.o.deps?.journal.append('release', '', { userref: this.reserved });
      this.reserved = null;
      // A stop within GC_ENTRY_DELAY_MS of a hand-off line must not lose it: written now, with
      // what the GC report holds so far.
      for (const write of [...this.pendingLines]) write();
      release();
    }
  }

  /** One turn of waiting for the slot: true when an opportunity was taken into `buf`. */
  private async nextTake(slot: OpportunitySlot): Promise<boolean> {
    if (this.o.spin) {
      if (slot.spinTake(this.buf, SPINS_PER_TURN)) return true;
      await this.idleTurn();
      return false;
    }
    if (slot.tryTake(this.buf)) return true;
    if (this.o.parkThread) {
      // 'full' also when a publisher had just begun writing (the slot's state moved): the copy of a
      // few doubles is done within the bounded spin, so the opportunity does not wait a loop turn.
      const woke = slot.waitForPublishSync(PARK_SLICE_MS);
      this.unparkedUs = this.o.nowUs();
      if (woke === 'full' && this.takeAfterWake(slot)) return true;
      // Woken, and no publish came within the spin and one more park: an event-loop turn, but no
      // rehearsal for a publish that may still be on its way to wait behind.
      await this.idleTurn(woke !== 'full');
      return false;
    }
    await slot.waitForPublish(WAIT_SLICE_MS);
    this.unparkedUs = this.o.nowUs();
    return this.inFlight === null && slot.tryTake(this.buf);
  }

  /**
   * After a park woke early: a listener wakes the trader as it finds an opportunity, before it stamps
   * and publishes it, so the publish follows within the bounded spin. When its listener is held
   * longer (432 µs in one realistic run), the trader parks once more, to be woken by the publish's
   * own notify, rather than leave for an event-loop turn: in that run the turn took 3.4 ms and the
   * opportunity went stale (bench/README.md). The event loop then waits at most one more park
   * slice and spin (~1.2 ms) on the rare wake that no publish follows.
   */
  private takeAfterWake(slot: OpportunitySlot): boolean {
    if (slot.spinTake(this.buf, WRITE_SPINS)) return true;
    const woke = slot.waitForPublishSync(PARK_SLICE_MS);
    // Out of this park from now, whatever woke it (a hand-off line reads it).
    this.unparkedUs = this.o.nowUs();
    return woke === 'full' && slot.spinTake(this.buf, WRITE_SPINS);
  }

  /**
   * Between spin turns or parks: a rehearsal when due (and `mayRehearse`), a run-queue sample when
   * due, then one event-loop turn (socket, timers).
   */
  private async idleTurn(mayRehearse = true): Promise<void> {
    if (mayRehearse && performance.now() - this.lastRehearsalMs >= REHEARSAL_INTERVAL_MS) this.rehearse();
    this.o.runQueueWait?.sampleIfDue(this.o.nowUs());
    await new Promise<void>((r) => setImmediate(r));
  }

  /**
   * For the listener that runs in this thread (TRADER_HOSTS_LISTENER): takes the opportunity it just
   * put in the slot and handles it now, in the listener's own call, up to the buy's send. Nothing
   * when an opportunity is already being handled (run() takes the next one after it) or after stop.
   */
  takeNow(): void {
    if (this.inFlight !== null || this.stopped) return;
    if (!this.o.shared.slot.tryTake(this.buf)) return;
    this.unparkedUs = 0; // taken in the listener's own call: the thread was never parked for it
    // A failure outside the trade itself is a bug: trading stops until a human looks.
    this.track(this.handle()).catch((err: unknown) => this.stopAfterCrash(err));
  }

  /** Marks `handling` as the one in flight until it settles; returns it unchanged. */
  private track(handling: Promise<void>): Promise<void> {
    const over = (): void => {
      if (this.inFlight === settled) this.inFlight = null;
    };
    const settled: Promise<void> = handling.then(over, over);
    this.inFlight = settled;
    return handling;
  }

  /**
   * Draws the next buy's userref and journals it durably, off the trading path: the buy is sent
   * before its intent is written, and if the process dies in between, the restart recovery finds
   * the order at Kraken by this userref.
   */
  private reserveUserref(): void {
    const deps = this.o.deps;
    if (this.o.mode !== 'trade' || deps === null) return;
    this.reserved = newUserref();
    deps.journal.append('reserve', '', { userref: this.reserved });
  }

  /**
   * Runs the pre-send checks on a scratch opportunity and one rehearsed buy (TradePathWarmer.sendBuy:
   * through the real order entry to its loopback warmer once there is one, else in memory; nothing
   * sent to the venue or written to the journal). Never while a real trade is handled; a failure is
   * logged once and never stops the trader.
   */
  private rehearse(): void {
    const warmer = this.o.warmer;
    // The busy flag the listeners read is also ours: no rehearsal while a real trade is handled.
    const inTrade = this.o.shared.isTraderBusy();
    if (warmer === null || this.o.mode !== 'trade' || inTrade) return;
    this.lastRehearsalMs = performance.now();
    // A scratch opportunity that passes the checks as far as the account allows, so every check
    // runs (the first coin's USD and EUR pairs, fresh now, volume 0): nothing is counted or acted on.
    const buf = this.rehearsalBuf;
    buf[OPP_BUY_PAIR] = usdPairIndex(0);
    buf[OPP_SELL_PAIR] = eurPairIndex(0);
    buf[OPP_TRIGGER_RECV_US] = this.o.nowUs();
    this.refusal(readOpportunity(buf));
    checkBeforeTrade(this.risk, this.o.risk, Date.now());
    try {
      // The real buy's own entry to its send path (runTrade → TradeDeps.sendBuy), with settings made
      // as a real trade's: the same code, kept optimised (trade-warmup.ts).
      warmer.sendBuy(null, null, this.tradeSettings(0, true), null);
    } catch (err) {
      if (!this.rehearsalFailureLogged) {
        this.rehearsalFailureLogged = true;
        this.o.log.warn('trade path rehearsal failed (trading unaffected)', {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }

  private async handle(): Promise<void> {
    const takenUs = this.o.nowUs();
    const shared = this.o.shared;
    this.counters.taken++;
    const opp = readOpportunity(this.buf);
    if (this.o.mode === 'evaluate') {
      this.counters.evaluated++;
      this.o.recorder?.tradeMessageReceive(takenUs, takenUs - opp.evalDoneUs);
      this.logOpportunity(opp);
      shared.setTraderBusy(false); // set by the take
      return;
    }
    // Busy since the take (OpportunitySlot sets the flag before it empties); cleared below.
    try {
      const deps = this.clearToSend(opp, takenUs);
      if (deps === null) return;
      const buy = this.o.pairs[opp.buyPair];
      const sell = this.o.pairs[opp.sellPair];
      if (buy === undefined || sell === undefined) {
        this.o.log.error('opportunity names an unknown pair', {
          buyPair: opp.buyPair,
          sellPair: opp.sellPair,
        });
        return;
      }
      this.counters.trades++;
      const settings = this.tradeSettings(takenUs, false);
      let result: TradeResult;
      try {
        result = await runTrade(opp, buy, sell, settings, deps);
        // The reservation is spent once an order went out with it.
        if (result.status !== 'stale') this.reserveUserref();
      } catch (err) {
        this.stopAfterCrash(err);
        return;
      }
      this.recordSpend(result, opp);
      this.afterTrade(result, opp, buy, sell, deps);
      // After the trade's orders, never before them: a hand-off that took half the freshness budget
      // was nearly a stale drop, and says where its time went the same way.
      if (takenUs - opp.evalDoneUs > this.o.maxLocalAgeMs * 500) this.logHandoff('slowHandoff', opp, takenUs);
      if (this.o.postTradePauseMs > 0) await deps.sleep(this.o.postTradePauseMs);
    } finally {
      shared.setTraderBusy(false);
      // Recorded after the trade, not between taking the opportunity and sending its order.
      this.o.recorder?.tradeMessageReceive(takenUs, takenUs - opp.evalDoneUs);
    }
  }

  /** Once a buy is on the socket: the risk limits count the trade (and the crash drill fires). */
  private readonly onBuySent = (): void => {
    if (this.o.crashAfterSend === true) process.kill(process.pid, 'SIGKILL'); // the crash drill
    this.risk = recordTradeStart(this.risk, Date.now());
  };

  /**
   * The checks between taking an opportunity and sending its buy: trading on, still fresh, the
   * private socket ready, the journal writing, both pairs online, the account able to pay, the risk
   * limits. Returns the trade's dependencies when all pass; else counts the refusal and returns null.
   */
  private clearToSend(opp: Opportunity, takenUs: number): TradeDeps | null {
    const deps = this.o.deps;
    const refusal = this.refusal(opp);
    if (refusal !== null || deps === null) {
      this.counters[refusal ?? 'privateNotReady']++;
      if (refusal === 'staleAtTrader') this.logHandoff('stale', opp, takenUs);
      return null;
    }
    const refused = checkBeforeTrade(this.risk, this.o.risk, Date.now());
    if (refused !== null) {
      this.counters.riskRefused++;
      this.riskStop(refused, deps);
      return null;
    }
    return deps;
  }

  /**
   * Why `opp` may not be traded now (the counter that says so), or null: clearToSend's checks
   * without their effects, so the rehearsals run this very code every millisecond. Measured: a real
   * trade's checks took 60–350 µs when only real trades (seconds apart) ran them.
   */
  private refusal(opp: Opportunity): Refusal | null {
    const shared = this.o.shared;
    if (!shared.isTradingEnabled()) return 'tradingDisabled';
    if (!isFresh(opp.triggerRecvUs, this.o.nowUs(), this.o.maxLocalAgeMs * 1000)) return 'staleAtTrader';
    const deps = this.o.deps;
    if (deps === null || !deps.orderEntry.isReady()) return 'privateNotReady';
    if ((this.o.journalBacklog?.() ?? 0) > 0) return 'journalBacklog';
    if (!shared.isPairTradable(opp.buyPair) || !shared.isPairTradable(opp.sellPair)) return 'pairNotOnline';
    if (!this.canPay(opp)) return 'insufficientBalance';
    return null;
  }

  /** A journal write failure or a bug: nothing more may be traded until a human looks. */
  private stopAfterCrash(err: unknown): void {
    this.o.log.error('trade failed unexpectedly; trading stopped', {
      error: err instanceof Error ? err.stack : String(err),
    });
    this.o.alert(tradeCrashAlert(String(err)));
    this.o.shared.riskStop(99);
  }

  /** A trade's settings, or a rehearsal's (the same shape: both go through one send path). */
  private tradeSettings(takenUs: number, rehearsal: boolean): TradeSettings {
    const ok = this.o.shared.fees.read(this.feeBuf) === SEQ_READ_OK;
    return {
      fillTimeoutMs: this.o.fillTimeoutMs,
      maxLocalAgeUs: this.o.maxLocalAgeMs * 1000,
      sellRetries: this.o.sellRetries,
      stableFee: ok ? (this.feeBuf[FEE_STABLE_TAKER] as number) : 0.002,
      orderDeadlineMs: this.o.orderDeadlineMs,
      takenUs,
      buyUserref: this.reserved ?? undefined,
      onBuySent: rehearsal ? undefined : this.onBuySent,
      rehearsal,
    };
  }

  /**
   * Never send a buy the account cannot pay for: the fetched balance minus what trades spent since
   * that fetch began must cover the buy at its limit price with the fee (the listener sized it the
   * same way; this re-checks against the spend of the trade that just ended).
   */
  private canPay(opp: Opportunity): boolean {
    const shared = this.o.shared;
    if (shared.balances.read(this.balanceBuf) !== SEQ_READ_OK) return false;
    if (shared.spent.read(this.spentBuf) === SEQ_READ_CONTENDED) return false;
    const available = availableAfterSpend(
      this.balanceBuf,
      this.spentBuf,
      opp.direction === DIR_USD_TO_EUR ? 'USD' : 'EUR',
    );
    return opp.volume * opp.buyPrice * (1 + opp.fee) <= available;
  }

  /** Adds what the trade's buy cost (fees included) to the shared cumulative spend. */
  private recordSpend(r: TradeResult, opp: Opportunity): void {
    const spent = r.state.buy.cost + r.state.buy.fee;
    if (!(spent > 0)) return;
    const shared = this.o.shared;
    if (shared.spent.read(this.spentBuf) !== SEQ_READ_OK) this.spentBuf.fill(0);
    const i = opp.direction === DIR_USD_TO_EUR ? SPENT_USD : SPENT_EUR;
    this.spentBuf[i] = (this.spentBuf[i] as number) + spent;
    shared.spent.write(this.spentBuf, this.o.nowUs());
  }

  private afterTrade(r: TradeResult, opp: Opportunity, buy: PairInfo, sell: PairInfo, deps: TradeDeps): void {
    const pnlUsd = r.pnl?.pnlUsd ?? 0;
    const effect = tradeEffect(r.status);
    const failed = effect === 'failure';
    const sold = r.state.sellDone.volume + r.state.sellCurrent.volume;
    const stranded =
      r.status === 'stranded' || r.status === 'unknown'
        ? Math.max(0, r.state.buy.volume - r.state.buyFeeInBase - sold - r.state.dust)
        : 0;
    this.o.onOutcome({
      tradeId: r.tradeId,
      status: r.status === 'stale' ? 'not-filled' : r.status,
      buyPair: buy.wsname,
      sellPair: sell.wsname,
      boughtVolume: r.state.buy.volume,
      soldVolume: sold,
      pnlUsd,
      pnlEur: r.pnl?.pnlEur ?? 0,
      strandedVolume: stranded,
      strandedAsset: buy.base,
      strandedValueUsd: r.strandedValueUsd,
      dustVolume: r.state.dust,
      reason: r.reason,
      decisionToSendUs: r.decisionToSendUs,
    });
    const level = failed ? 'warn' : 'info';
    this.o.log[level]('trade finished', {
      tradeId: r.tradeId,
      status: r.status,
      buy: buy.wsname,
      sell: sell.wsname,
      roi: opp.roi,
      bought: r.state.buy.volume,
      sold,
      pnlUsd,
      reason: r.reason,
      decisionToSendUs: r.decisionToSendUs,
    });
    // The alert for the trade itself is sent by the main thread from the outcome (notify/alerts.ts).
    const end = recordTradeEnd(this.risk, this.o.risk, Date.now(), pnlUsd, effect);
    this.risk = end.state;
    if (end.stop !== null) this.riskStop(end.stop, deps);
  }

  /**
   * A limit is reached: stop trading, journal it (so it holds across restarts), log and alert — also
   * while trading is off for another reason (an operator stop), which must not hide the limit.
   */
  private riskStop(reason: RiskStopReason, deps: TradeDeps): void {
    const current = this.o.shared.riskStopCode();
    if ((RISK_STOP_REASONS as readonly RiskStopReason[]).some((r) => RISK_STOP_CODES[r] === current)) return;
    this.o.shared.riskStop(RISK_STOP_CODES[reason]);
    deps.journal.append('risk-stop', '', { reason });
    this.o.log.error('risk limit reached: trading stopped (evaluation continues)', { reason });
    this.o.alert(riskStopAlert(reason));
  }

  /**
   * Where the time of an opportunity went when it was dropped stale, or traded after a hand-off that
   * took more than half the freshness budget (at most one line of each a second at info, all at
   * debug): its stages (handoffStages) tell a slow evaluation from a slow hand-off, and the
   * publishing listener's part of the hand-off from this thread's; this thread's GC pauses in the
   * hand-off tell a collection, and its run-queue wait around it a thread runnable but kept off its
   * CPU. The line comes after any order (a stale drop sends none), so it can wait for the pauses'
   * report (GC_ENTRY_DELAY_MS); a stop writes it at once (run()).
   */
  private logHandoff(kind: 'stale' | 'slowHandoff', opp: Opportunity, takenUs: number): void {
    const level = this.infoOncePerSecond(kind);
    const fields = handoffStages(opp, takenUs, this.unparkedUs, this.o.pairs, this.o.maxLocalAgeMs);
    const msg = HANDOFF_LINES[kind];
    const gc = this.o.gcPauses;
    const runQueue = this.o.runQueueWait;
    if (gc === undefined && runQueue === undefined) {
      this.o.log[level](msg, fields);
      return;
    }
    const from = opp.evalDoneUs;
    const write = (): void => {
      this.pendingLines.delete(write);
      clearTimeout(timer);
      this.o.log[level](msg, {
        ...fields,
        ...gc?.overlap(from, takenUs),
        ...runQueue?.waitedAround(from, this.o.nowUs()),
      });
    };
    const timer = setTimeout(write, GC_ENTRY_DELAY_MS);
    this.pendingLines.add(write);
  }

  /** 'info' for the first line of a kind in a second, 'debug' for the rest: a burst cannot flood the log. */
  private infoOncePerSecond(kind: LoggedKind): 'info' | 'debug' {
    const now = Date.now();
    if (now - this.lastInfoLogMs[kind] < 1000) return 'debug';
    this.lastInfoLogMs[kind] = now;
    return 'info';
  }

  private logOpportunity(opp: Opportunity): void {
    // Evaluation mode can see many; log at most one a second at info (all at debug).
    const level = this.infoOncePerSecond('opportunity');
    const buy = this.o.pairs[opp.buyPair];
    const sell = this.o.pairs[opp.sellPair];
    this.o.log[level]('opportunity (evaluation mode: no order sent)', {
      buy: buy?.wsname,
      sell: sell?.wsname,
      roi: opp.roi,
      volume: opp.volume,
      buyPrice: opp.buyPrice,
      sellPrice: opp.sellPrice,
      ageUs: this.o.nowUs() - opp.triggerRecvUs,
    });
  }
}
