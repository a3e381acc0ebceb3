/**
 * Warms the trade path before the first real opportunity: runs whole trades against an in-memory
 * order entry and journal so V8 has compiled runTrade, the state machine, formatting and journaling
 * before money depends on them (measured on the demo: the first real trade's decision-to-send was
 * ~10 ms cold against ~1 ms for the next ones), and rehearses the path up to the order's frame
 * between opportunities. Nothing here touches a socket or a file.
 */
import {
  OPPORTUNITY_FIELDS,
  readOpportunity,
  writeOpportunity,
  type Opportunity,
} from '../../core/opportunity.js';
import type { PairInfo } from '../../core/pair.js';
import type { JournalRecord } from '../../journal/journal-record.js';
import type { JournalWriter } from '../../journal/journal-writer.js';
import type { Logger } from '../../log/logger.js';
import type { OrderAck, OrderEntry, OrderRequest } from './order-entry.js';
import { OrderTracker } from './order-tracker.js';
import { rehearseBuy, runTrade, type TradeDeps, type TradeSettings } from './trade-runner.js';

/** Whole trades run at start-up before the first real opportunity. */
const WARMUP_TRADES = 200;

/** What the loopback order entry answers a buy with: fills (start-up warm-up) or a refusal (rehearsal). */
type LoopbackAnswer = 'fill' | 'refuse';

/** A rehearsal's buy is refused, and nobody waits for the answer: one settled answer serves them all. */
const REHEARSAL_REFUSED: Promise<OrderAck> = Promise.resolve({
  status: 'error',
  errorMessage: 'EWarmup:rehearsal only',
});

class LoopbackOrderEntry implements OrderEntry {
  private n = 0;
  answer: LoopbackAnswer = 'fill';
  constructor(
    private readonly tracker: OrderTracker,
    /** The real order entry's frame builder: run, never sent. */
    private readonly buildFrame: ((order: OrderRequest) => void) | undefined,
  ) {}
  isReady(): boolean {
    return true;
  }
  start(): void {}
  close(): void {}
  addOrder(order: OrderRequest): Promise<OrderAck> {
    this.buildFrame?.(order);
    if (this.answer === 'refuse') return REHEARSAL_REFUSED;
    const txid = `WARMUP-${++this.n}`;
    const volume = Number(order.volume);
    const price = order.price !== undefined ? Number(order.price) : 1;
    // Fill and close on the next microtask, as a real ack would come later than the send.
    queueMicrotask(() => {
      this.tracker.addFill(txid, {
        tradeId: `${txid}-T`,
        volume,
        price,
        cost: volume * price,
        fee: volume * price * 0.004,
      });
      this.tracker.updateOrder(txid, {
        status: 'closed',
        volExec: volume,
        cost: volume * price,
        fee: volume * price * 0.004,
      });
    });
    return Promise.resolve({ status: 'ok', txid });
  }
}

const silent: Logger = { level: 'error', debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs the real trade path against an in-memory order entry, tracker and journal: whole trades at
 * start-up (warmUp: runTrade), and between opportunities a rehearsal (rehearse: rehearseBuy, the
 * trade up to its buy's send, the frame built by the real order entry's builder and never sent),
 * so the code from the decision to the socket write stays compiled and in the CPU's caches.
 * Measured on the 2-vCPU VM: code that last ran 20 ms ago takes 3–6× as long as the same code run
 * every millisecond (bench/README.md).
 *
 * Known limit, measured (bench/README.md, "2026-12-06, fourth session"): V8 optimises the rehearsed
 * functions (sendBuy, orderRequest, sendOrder, the entry's toParams…) only inlined into the
 * rehearsal's own root, so a real trade, entering them from Trader.handle and runTrade, runs them
 * unoptimised. A throwaway that had them optimised on their own made the real buy 0–35 µs faster in
 * four interleaved pairs, against 64–119 µs for no inlining at all: most of the gap is elsewhere,
 * and where is still open.
 */
export class TradePathWarmer {
  private readonly tracker = new OrderTracker();
  private readonly orderEntry: LoopbackOrderEntry;
  /**
   * The one trade every run makes, built once: a run changes only the opportunity's sequence and
   * receive time, so a rehearsal allocates only what the real trade path allocates
   * (readOpportunity runs in the trader's own rehearsal step).
   */
  private readonly trade: WarmupTrade | null;
  private readonly journal: Pick<JournalWriter, 'append'>;
  private readonly settings: TradeSettings = {
    fillTimeoutMs: 1000,
    maxLocalAgeUs: 1e9,
    sellRetries: 1,
    stableFee: 0.002,
    orderDeadlineMs: 3000,
  };
  private readonly deps: TradeDeps;

  constructor(
    pairs: readonly PairInfo[],
    private readonly nowUs: () => number,
    buildFrame?: (order: OrderRequest) => void,
  ) {
    this.orderEntry = new LoopbackOrderEntry(this.tracker, buildFrame);
    this.trade = warmupTrade(pairs);
    let recordSeq = 0;
    this.journal = {
      append: (kind, tradeId, fields = {}): JournalRecord => {
        // Serialise as the real writer does, so JSON.stringify of these shapes is warm too. Only the
        // start-up trades get here: a rehearsal ends at the buy's send, before any record.
        JSON.stringify({ ts: nowUs(), seq: ++recordSeq, kind, tradeId, ...fields });
        return { ts: 0, seq: recordSeq, kind, tradeId };
      },
    };
    this.deps = {
      orderEntry: this.orderEntry,
      tracker: this.tracker,
      orderLookup: null,
      journal: this.journal,
      log: silent,
      alert: () => undefined,
      nowUs,
      sleep: () => Promise.resolve(),
    };
  }

  /** Whole trades (buy filled, sold); returns how many ended sold. */
  async warmUp(trades = WARMUP_TRADES): Promise<number> {
    this.orderEntry.answer = 'fill';
    let done = 0;
    for (let i = 0; i < trades; i++) if ((await this.run()) === 'sold') done++;
    return done;
  }

  /**
   * One trade up to its buy's frame, which the real builder builds and nothing sends (the loopback
   * entry refuses it; nobody waits for that answer). Throws what the trade path throws.
   */
  rehearse(): void {
    this.orderEntry.answer = 'refuse';
    const w = this.next();
    if (w !== null) rehearseBuy(w.opp, w.buy, this.settings, this.deps);
  }

  private async run(): Promise<string> {
    const w = this.next();
    if (w === null) return 'no-pairs';
    return (await runTrade(w.opp, w.buy, w.sell, this.settings, this.deps)).status;
  }

  /** The warm-up trade, its opportunity fresh now (null without the pairs it needs). */
  private next(): WarmupTrade | null {
    const w = this.trade;
    if (w === null) return null;
    w.opp.seq++;
    w.opp.triggerRecvUs = this.nowUs();
    return w;
  }
}

interface WarmupTrade {
  readonly opp: Opportunity;
  readonly buy: PairInfo;
  readonly sell: PairInfo;
}

/**
 * The warm-up's trade: buy the third pair at 100, sell the fourth at 101; null without them. The
 * opportunity is read from a payload as the trader reads real ones, so it has their very shape.
 */
function warmupTrade(pairs: readonly PairInfo[]): WarmupTrade | null {
  const buy = pairs[2];
  const sell = pairs[3];
  if (buy === undefined || sell === undefined) return null;
  const buf = new Float64Array(OPPORTUNITY_FIELDS);
  writeOpportunity(buf, 0, {
    ...readOpportunity(buf),
    buyPair: 2,
    sellPair: 3,
    buyPrice: 100,
    sellPrice: 101,
    volume: Math.max(buy.ordermin, sell.ordermin) * 2,
    roi: 1.01,
    fee: 0.004,
    usdtUsd: { bid: 1, ask: 1.0001, bidVol: 1, askVol: 1 },
    usdtEur: { bid: 0.92, ask: 0.9201, bidVol: 1, askVol: 1 },
  });
  return { opp: readOpportunity(buf), buy, sell };
}
