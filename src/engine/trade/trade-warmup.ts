/**
 * Warms the trade path before the first real opportunity: runs whole trades against an in-memory
 * order entry and journal so V8 has compiled runTrade, the state machine, formatting and journaling
 * before money depends on them (measured on the demo: the first real trade's decision-to-send was
 * ~10 ms cold against ~1 ms for the next ones), and rehearses the path up to the order's frame
 * between opportunities. Nothing here touches a socket or a file.
 */
import { OPPORTUNITY_FIELDS, readOpportunity, type Opportunity } from '../../core/opportunity.js';
import type { PairInfo } from '../../core/pair.js';
import type { JournalRecord } from '../../journal/journal-record.js';
import type { JournalWriter } from '../../journal/journal-writer.js';
import type { Logger } from '../../log/logger.js';
import type { OrderAck, OrderEntry, OrderRequest } from './order-entry.js';
import { OrderTracker } from './order-tracker.js';
import { runTrade, type TradeDeps, type TradeSettings } from './trade-runner.js';

/** Whole trades run at start-up before the first real opportunity. */
const WARMUP_TRADES = 200;

/** What the loopback order entry answers a buy with: fills (start-up warm-up) or a refusal (rehearsal). */
type LoopbackAnswer = 'fill' | 'refuse';

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
    if (this.answer === 'refuse')
      return Promise.resolve({ status: 'error', errorMessage: REHEARSAL_REFUSAL });
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

const REHEARSAL_REFUSAL = 'EWarmup:rehearsal only';

const silent: Logger = { level: 'error', debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs the real runTrade against an in-memory order entry, tracker and journal: whole trades at
 * start-up (warmUp), and between opportunities a rehearsal (rehearse): a trade whose buy frame is
 * built by the real order entry's builder and then refused, so the code from the decision to the
 * socket write stays compiled and in the CPU's caches. Measured on the 2-vCPU VM: code that last
 * ran 20 ms ago takes 3–6× as long as the same code run every millisecond (bench/README.md).
 */
export class TradePathWarmer {
  private readonly tracker = new OrderTracker();
  private readonly orderEntry: LoopbackOrderEntry;
  /**
   * The one opportunity every run trades, built once: a run changes only its sequence and receive
   * time, so a rehearsal allocates only what the real trade path allocates (readOpportunity runs in
   * the trader's own rehearsal step).
   */
  private readonly opp: Opportunity | null;
  private readonly journal: Pick<JournalWriter, 'append'>;
  /** Serialise journal records as the real writer does (start-up trades only, see journal). */
  private serialise = true;
  private readonly settings: TradeSettings = {
    fillTimeoutMs: 1000,
    maxLocalAgeUs: 1e9,
    sellRetries: 1,
    stableFee: 0.002,
    orderDeadlineMs: 3000,
  };
  private readonly deps: TradeDeps;

  constructor(
    private readonly pairs: readonly PairInfo[],
    private readonly nowUs: () => number,
    buildFrame?: (order: OrderRequest) => void,
  ) {
    this.orderEntry = new LoopbackOrderEntry(this.tracker, buildFrame);
    this.opp = warmupOpportunity(pairs);
    let recordSeq = 0;
    this.journal = {
      append: (kind, tradeId, fields = {}): JournalRecord => {
        // The start-up trades serialise as the real writer does, so JSON.stringify of these shapes
        // is warm for the first real trade. Rehearsals do not: every record they make is written
        // after the buy is on the socket, and stringifying them a thousand times a second was a
        // third of the trader's idle garbage (bench/README.md, "The rehearsal's garbage").
        if (this.serialise) JSON.stringify({ ts: nowUs(), seq: ++recordSeq, kind, tradeId, ...fields });
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
    this.serialise = true;
    let done = 0;
    for (let i = 0; i < trades; i++) if ((await this.run()) === 'sold') done++;
    return done;
  }

  /** One trade up to its buy's frame, which is built and refused. Resolves when it has ended. */
  async rehearse(): Promise<void> {
    this.orderEntry.answer = 'refuse';
    this.serialise = false;
    await this.run();
  }

  private async run(): Promise<string> {
    const buy = this.pairs[2];
    const sell = this.pairs[3];
    const opp = this.opp;
    if (buy === undefined || sell === undefined || opp === null) return 'no-pairs';
    opp.seq++;
    opp.triggerRecvUs = this.nowUs();
    const r = await runTrade(opp, buy, sell, this.settings, this.deps);
    return r.status;
  }
}

/** The warm-up's opportunity: buy the third pair at 100, sell the fourth at 101; null without them. */
function warmupOpportunity(pairs: readonly PairInfo[]): Opportunity | null {
  const buy = pairs[2];
  const sell = pairs[3];
  if (buy === undefined || sell === undefined) return null;
  return {
    ...readOpportunity(new Float64Array(OPPORTUNITY_FIELDS)),
    buyPair: 2,
    sellPair: 3,
    buyPrice: 100,
    sellPrice: 101,
    volume: Math.max(buy.ordermin, sell.ordermin) * 2,
    roi: 1.01,
    fee: 0.004,
    usdtUsd: { bid: 1, ask: 1.0001, bidVol: 1, askVol: 1 },
    usdtEur: { bid: 0.92, ask: 0.9201, bidVol: 1, askVol: 1 },
  };
}
