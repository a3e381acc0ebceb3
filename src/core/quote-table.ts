import {
  QUOTE_ASK,
  QUOTE_ASK_VOL,
  QUOTE_BID,
  QUOTE_BID_VOL,
  QUOTE_EXCH_TS,
  QUOTE_RECV_US,
} from './quote-layout.js';
/**
 * Top-of-book per pair (one row per LOCAL pair index), over typed arrays so a listener stores an
 * update with plain indexed writes: no objects, no allocation per message.
 *
 * Two clocks per row: Kraken's timestamp (epoch seconds with µs, as sent) and the local receive
 * time (epoch µs, taken by the caller). A row is usable when the feed is online, the pair is online
 * (subscriptionStatus / pair status) and its last quote was good. A hostile quote (NaN, ±Infinity,
 * ≤ 0, bid ≥ ask) is counted and marks the row unusable until a good update arrives; the stored
 * prices are left as they were, but no evaluation may use them while the flag is down.
 *
 * Volumes: the spread channel sometimes carries only bid, ask, ts. Callers pass NaN for a missing
 * volume; it is stored as 0, so the quote still prices the pair (USDT legs, valuation) but sizing
 * on it yields zero volume and the opportunity is dropped. We never assume depth we were not shown.
 */

export const UPDATE_ACCEPTED = 0;
/** Kraken timestamp older than the stored one: ignored, not counted as bad data. */
export const UPDATE_STALE = 1;
/** NaN/Infinity/≤ 0 price, crossed or locked (bid ≥ ask), bad timestamp or negative volume. */
export const UPDATE_INVALID = 2;
/** Pair index outside the table. */
export const UPDATE_BAD_INDEX = 3;
/** Kraken timestamp too far ahead of the receive time (MAX_EXCHANGE_AHEAD_US): refused, quote kept. */
export const UPDATE_FUTURE = 4;
export type UpdateCode =
  | typeof UPDATE_ACCEPTED
  | typeof UPDATE_STALE
  | typeof UPDATE_INVALID
  | typeof UPDATE_BAD_INDEX
  | typeof UPDATE_FUTURE;

/**
 * How far Kraken's timestamp may be ahead of our receive time (epoch µs) before the update is
 * refused: one future-dated quote would otherwise freeze the pair (every later, real update would
 * look older) and pass the leg-sync guard. A second is far beyond clock skew under NTP.
 */
export const MAX_EXCHANGE_AHEAD_US = 1_000_000;

export class QuoteTable {
  readonly size: number;
  readonly bid: Float64Array;
  readonly ask: Float64Array;
  readonly bidVol: Float64Array;
  readonly askVol: Float64Array;
  /** Kraken timestamp, epoch seconds (µs precision); 0 = never updated. */
  readonly exchTs: Float64Array;
  /** Local receive time, epoch µs; 0 = never updated. */
  readonly recvUs: Float64Array;
  /** 1 when the pair is online per subscriptionStatus / pair status. Starts 0. */
  readonly online: Uint8Array;
  /** 1 when the last quote was good. Starts 0 (no quote yet). */
  readonly valid: Uint8Array;
  /** systemStatus online (v1) / status channel (v2). Starts false. */
  feedOnline = false;

  acceptedCount = 0;
  staleCount = 0;
  futureCount = 0;
  invalidCount = 0;
  badIndexCount = 0;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0)
      throw new RangeError(`E_QUOTE_TABLE_SIZE: bad size ${String(size)}`);
    this.size = size;
    this.bid = new Float64Array(size);
    this.ask = new Float64Array(size);
    this.bidVol = new Float64Array(size);
    this.askVol = new Float64Array(size);
    this.exchTs = new Float64Array(size);
    this.recvUs = new Float64Array(size);
    this.online = new Uint8Array(size);
    this.valid = new Uint8Array(size);
  }

  /**
   * Store one spread update. Pass NaN for volumes the message did not carry (see file comment).
   * An update with the same Kraken timestamp as the stored one is accepted (several updates may
   * share a µs; apply them in arrival order).
   */
  update(
    i: number,
    bid: number,
    ask: number,
    exchTs: number,
    bidVol: number,
    askVol: number,
    recvUs: number,
  ): UpdateCode {
    if (!(i >= 0 && i < this.size) || (i | 0) !== i) {
      this.badIndexCount++;
      return UPDATE_BAD_INDEX;
    }
    // Written as positive checks so NaN fails every one of them.
    const pricesOk = bid > 0 && ask > 0 && bid < ask && ask < Infinity;
    const tsOk = exchTs > 0 && exchTs < Infinity && recvUs > 0 && recvUs < Infinity;
    // A missing volume is NaN (allowed → 0); a present one must be finite and ≥ 0.
    const volsOk =
      (bidVol !== bidVol || (bidVol >= 0 && bidVol < Infinity)) &&
      (askVol !== askVol || (askVol >= 0 && askVol < Infinity));
    if (!pricesOk || !tsOk || !volsOk) {
      this.valid[i] = 0;
      this.invalidCount++;
      return UPDATE_INVALID;
    }
    if (exchTs * 1e6 > recvUs + MAX_EXCHANGE_AHEAD_US) {
      this.futureCount++;
      return UPDATE_FUTURE;
    }
    if (exchTs < (this.exchTs[i] as number)) {
      this.staleCount++;
      return UPDATE_STALE;
    }
    this.bid[i] = bid;
    this.ask[i] = ask;
    this.bidVol[i] = bidVol === bidVol ? bidVol : 0;
    this.askVol[i] = askVol === askVol ? askVol : 0;
    this.exchTs[i] = exchTs;
    this.recvUs[i] = recvUs;
    this.valid[i] = 1;
    this.acceptedCount++;
    return UPDATE_ACCEPTED;
  }

  /**
   * update() with the six values read from `src[off + IN_*]`. Prefer this on the per-message path:
   * doubles passed as arguments to a call V8 does not inline are boxed (one HeapNumber each).
   */
  updateFrom(i: number, src: Float64Array, off: number): UpdateCode {
    return this.update(
      i,
      src[off + QUOTE_BID] as number,
      src[off + QUOTE_ASK] as number,
      src[off + QUOTE_EXCH_TS] as number,
      src[off + QUOTE_BID_VOL] as number,
      src[off + QUOTE_ASK_VOL] as number,
      src[off + QUOTE_RECV_US] as number,
    );
  }

  /** Pair online flag from subscriptionStatus (`subscribed` → true; `unsubscribed`/`error` → false). */
  setOnline(i: number, on: boolean): void {
    if (i >= 0 && i < this.size) this.online[i] = on ? 1 : 0;
  }

  setAllOnline(on: boolean): void {
    this.online.fill(on ? 1 : 0);
  }

  /** Pairs not yet ready to evaluate: offline, or never quoted (all of them while the feed is offline). */
  notReadyCount(): number {
    if (!this.feedOnline) return this.size;
    let n = 0;
    for (let i = 0; i < this.size; i++) if (this.online[i] !== 1 || this.exchTs[i] === 0) n++;
    return n;
  }

  /** Usable for evaluation: feed online, pair online, last quote good. */
  isUsable(i: number): boolean {
    return this.feedOnline && this.online[i] === 1 && this.valid[i] === 1;
  }

  /**
   * After a disconnect: every row unusable and timestamps cleared, so the first post-reconnect
   * update is accepted even if Kraken's clock stepped back, and no pre-disconnect quote is traded.
   */
  invalidateAll(): void {
    this.valid.fill(0);
    this.online.fill(0);
    this.exchTs.fill(0);
    this.recvUs.fill(0);
    this.feedOnline = false;
  }
}
