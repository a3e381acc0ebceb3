/**
 * What the trader is given (TraderOptions) and what it counts (TraderCounters): the trader's
 * contract with the thread that starts it (threads/trader-worker.ts) and the run summary.
 */
import type { TradePathWarmer } from './trade-warmup.js';
import type { PairInfo } from '../../core/pair.js';
import type { RiskLimits } from '../../core/risk-limits.js';
import type { TradeOutcome } from '../../core/trade-outcome.js';
import type { JournalRisk } from '../../journal/risk-from-journal.js';
import type { Logger } from '../../log/logger.js';
import type { MetricsRecorder } from '../../metrics/recorder.js';
import type { SharedState } from '../shared/shared-state.js';
import type { AlertEvent } from '../threads/messages.js';
import type { TradeDeps } from './trade-runner.js';
import type { GcPauseRing } from './gc-pauses.js';
import type { RunQueueWaitSampler } from '../threads/run-queue-wait.js';

export interface TraderOptions {
  mode: 'evaluate' | 'trade';
  shared: SharedState;
  /** Every pair by GLOBAL index. */
  pairs: readonly PairInfo[];
  deps: TradeDeps | null;
  log: Logger;
  alert: (a: AlertEvent) => void;
  onOutcome: (o: TradeOutcome) => void;
  fillTimeoutMs: number;
  postTradePauseMs: number;
  maxLocalAgeMs: number;
  sellRetries: number;
  /** Kraken's `deadline` on each order, ms after its send. */
  orderDeadlineMs: number;
  risk: RiskLimits;
  /** The risk state the journal tells (restarts keep the limits); default: a fresh state. */
  initialRisk?: JournalRisk;
  /**
   * The crash drill (tests only): the process kills itself right after the first buy is sent,
   * before its intent is journaled.
   */
  crashAfterSend?: boolean;
  /** Records the journal could not write yet (disk full...): no new trade while any wait. */
  journalBacklog?: () => number;
  /** Busy-poll the slot (a dedicated core) instead of parking. */
  spin: boolean;
  /**
   * Park the thread itself (Atomics.wait, a futex) for at most a millisecond at a time between
   * event-loop turns, instead of Atomics.waitAsync. Only for a trader thread whose sockets may wait
   * that long while it is idle: never when a listener runs in the thread. Trade mode only.
   */
  parkThread: boolean;
  nowUs: () => number;
  /** Rehearses the buy's send path between opportunities (trade mode); null: never. */
  warmer: Pick<TradePathWarmer, 'sendBuy'> | null;
  /**
   * This thread's recent GC pauses (gc-pauses.ts): a stale drop's log line says how much of its
   * hand-off they covered. Absent: the line goes out at once, without it.
   */
  gcPauses?: Pick<GcPauseRing, 'overlap'>;
  /**
   * This thread's run-queue wait (run-queue-wait.ts), sampled in idle turns: a hand-off's log line
   * says how long the thread was runnable but kept off its CPU around it. Absent: not said.
   */
  runQueueWait?: Pick<RunQueueWaitSampler, 'sampleIfDue' | 'waitedAround'>;
  /** Records the listener → trader hand-off of every opportunity taken (`trade_message_receive_speed`). */
  recorder: Pick<MetricsRecorder, 'tradeMessageReceive'> | null;
}

/** Drops the trader itself decides (the listeners count theirs in shared memory). */
export interface TraderCounters {
  taken: number;
  evaluated: number;
  staleAtTrader: number;
  tradingDisabled: number;
  privateNotReady: number;
  riskRefused: number;
  /** Refused before the send: a leg's pair no longer online, the account unable to pay, the journal failing. */
  pairNotOnline: number;
  insufficientBalance: number;
  journalBacklog: number;
  trades: number;
}

export function newTraderCounters(): TraderCounters {
  return {
    taken: 0,
    evaluated: 0,
    staleAtTrader: 0,
    tradingDisabled: 0,
    privateNotReady: 0,
    riskRefused: 0,
    pairNotOnline: 0,
    insufficientBalance: 0,
    journalBacklog: 0,
    trades: 0,
  };
}

/**
 * Whether listeners should wake the trader ahead of their publish (SharedState.wakeTraderAhead):
 * only a trader pinned to a CPU of its own that waits on the slot. Woken onto a listener's CPU it
 * would watch the slot there while the listener waits to fill it; busy-polling (`--spin`) it waits
 * on nothing, and the notify would only cost the listener before its publish (45 µs p50 measured
 * there in a realistic run on the 2-vCPU VM, bench/README.md "2026-12-06, second session").
 */
export function wakeTraderAheadFor(pinnedToOwnCpu: boolean, spin: boolean): boolean {
  return pinnedToOwnCpu && !spin;
}
