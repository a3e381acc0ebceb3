/**
 * One API key's side of the venue: its account, its orders (all, open, archived), its trades, its
 * trading counters per pair and the funds its resting orders hold.
 */
import type { SimOrder, SimPair, SimTrade } from '../contracts.js';
import { Account } from './accounts.js';
import { feeTier } from './fees.js';
import { DecayingCounter } from './rate-counter.js';

/** Per key, orders and trades kept for the history endpoints; the oldest are dropped past this. */
const MAX_HISTORY = 50_000;

export interface CounterLimits {
  threshold: number;
  decayPerSec: number;
}

export class KeyState {
  readonly orders = new Map<string, SimOrder>();
  readonly open = new Map<string, SimOrder>();
  readonly closed: SimOrder[] = [];
  readonly trades: SimTrade[] = [];
  private readonly counters = new Map<number, DecayingCounter>();
  /** txid → held asset and amount. */
  private readonly holds = new Map<string, { assetId: string; amount: number }>();

  constructor(
    readonly account: Account,
    private readonly limits: CounterLimits,
  ) {}

  /** The docs/kraken-protocol.md §5.2 trading counter of this key on a pair, created on first use. */
  counter(pairIndex: number): DecayingCounter {
    let c = this.counters.get(pairIndex);
    if (c === undefined) {
      c = new DecayingCounter(this.limits.threshold, this.limits.decayPerSec);
      this.counters.set(pairIndex, c);
    }
    return c;
  }

  /** The key's taker and maker rates on a pair, from its 30-day volume; maker = taker when the pair has no maker schedule. */
  fees(pair: SimPair): { takerPct: number; makerPct: number } {
    const takerPct = feeTier(pair.takerFees, this.account.volumeUsd).pct;
    const makerPct =
      pair.makerFees.length > 0 ? feeTier(pair.makerFees, this.account.volumeUsd).pct : takerPct;
    return { takerPct, makerPct };
  }

  openOnPair(pairIndex: number): number {
    let n = 0;
    for (const x of this.open.values()) if (x.pairIndex === pairIndex) n++;
    return n;
  }

  /** A new order: known by txid and open. */
  track(order: SimOrder): void {
    this.orders.set(order.txid, order);
    this.open.set(order.txid, order);
  }

  /** An order that is over: out of the open set, into the bounded history. */
  archive(o: SimOrder): void {
    this.open.delete(o.txid);
    this.closed.push(o);
    if (this.closed.length > MAX_HISTORY) {
      const old = this.closed.shift();
      if (old !== undefined) this.orders.delete(old.txid);
    }
  }

  recordTrade(trade: SimTrade): void {
    this.trades.push(trade);
    if (this.trades.length > MAX_HISTORY) this.trades.shift();
  }

  hold(txid: string, h: { assetId: string; amount: number }): void {
    this.account.addHold(h.assetId, h.amount);
    this.holds.set(txid, h);
  }

  releaseHold(txid: string): void {
    const h = this.holds.get(txid);
    if (h === undefined) return;
    this.account.releaseHold(h.assetId, h.amount);
    this.holds.delete(txid);
  }
}
