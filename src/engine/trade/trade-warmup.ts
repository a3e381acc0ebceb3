/**
 * Warms the trade path before the first real opportunity: runs whole trades against an in-memory
 * order entry and journal so V8 has compiled runTrade, the state machine, formatting and journaling
 * before money depends on them (measured on the demo: the first real trade's decision-to-send was
 * ~10 ms cold against ~1 ms for the next ones), and rehearses the buy's send path between
 * opportunities: through the real order entry, marked as a rehearsal, once it exists (it writes
 * the frame to its loopback warmer, never to the venue); through the in-memory one before.
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
import type { SentOrder } from './order-leg.js';
import { runTrade, sendBuy, type TradeDeps, type TradeSettings } from './trade-runner.js';

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
  constructor(private readonly tracker: OrderTracker) {}
  isReady(): boolean {
    return true;
  }
  start(): void {}
  close(): void {}
  addOrder(order: OrderRequest): Promise<OrderAck> {
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
 * start-up (warmUp: runTrade). Between opportunities it rehearses the buy's send path (sendBuy with
 * no opportunity), every millisecond, so the code from the decision to the socket write stays
 * compiled and in the CPU's caches. Measured on the 2-vCPU VM: code that last ran 20 ms ago takes
 * 3–6× as long as the same code run every millisecond (bench/README.md).
 *
 * sendBuy is the one entry for the real buy too (TradeDeps.sendBuy), and once the trader has a
 * real order entry that rehearses orders (useRealPath), the rehearsal goes through that entry, its
 * client and the order socket's send code, down to a socket write on its loopback warmer. Why:
 * V8 optimised the rehearsed functions only inlined into the rehearsal's own root, so a real buy,
 * entering them elsewhere, ran them unoptimised, and the real-only functions (the entry's addOrder,
 * the client's, the socket's send) never ran often enough to be optimised at all. Measured in
 * interleaved realistic runs: taken → order sent 71–115 µs less (bench/README.md, fifth session).
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
  /** The real trade's dependencies, once its order entry rehearses orders (useRealPath). */
  private real: TradeDeps | null = null;

  constructor(
    pairs: readonly PairInfo[],
    private readonly nowUs: () => number,
  ) {
    this.orderEntry = new LoopbackOrderEntry(this.tracker);
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
   * From now on, rehearse through the real trade's dependencies, when their order entry honours
   * OrderRequest.rehearsal (an entry that does not is never given a rehearsal).
   */
  useRealPath(real: TradeDeps): void {
    this.real = real.orderEntry.rehearsesOrders === true ? real : null;
  }

  /**
   * The buy's send path, one entry for the real buy and its rehearsal, so that both run the code
   * the rehearsals keep optimised. With `opp`: the real buy (runTrade's, through TradeDeps.sendBuy),
   * with its own settings and dependencies. Without: a rehearsal, whose settings `s` must say so
   * (TradeSettings.rehearsal): the warm-up trade's buy, through the real order entry (useRealPath)
   * or else the in-memory one, which refuses it (nobody waits for that answer). Throws what the
   * trade path throws.
   */
  sendBuy(
    opp: Opportunity | null,
    buy: PairInfo | null,
    s: TradeSettings,
    d: TradeDeps | null,
  ): SentOrder | null {
    if (opp !== null && buy !== null && d !== null) return sendBuy(opp, buy, s, d);
    if (s.rehearsal !== true) throw new Error('a rehearsal needs rehearsal settings');
    const w = this.next();
    if (w === null) return null;
    const real = this.real;
    if (real !== null) return sendBuy(w.opp, w.buy, s, real);
    this.orderEntry.answer = 'refuse';
    sendBuy(w.opp, w.buy, this.settings, this.deps);
    return null;
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
