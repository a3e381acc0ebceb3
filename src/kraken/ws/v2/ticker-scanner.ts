/**
 * Zero-allocation scanner for Kraken v2 `ticker` frames (docs/kraken-protocol.md §3.5), subscribed with
 * `event_trigger: "bbo"` so every best-bid/offer change arrives:
 *   {"channel":"ticker","type":"snapshot"|"update","data":[{"symbol":"BTC/USD","bid":…,"bid_qty":…,
 *    "ask":…,"ask_qty":…,…,"timestamp":"2023-09-25T09:04:31.742648Z"}]}
 * It fills the SAME `out` layout as the v1 SpreadScanner (QUOTE_BID … QUOTE_RECV_US), so the
 * listener stores either version's quotes with one code path.
 *
 * - Key order does not matter (top level and inside data[0]); unknown keys are skipped after
 *   validation; duplicate keys are refused. When `data` comes before `channel`, its offset is
 *   remembered and parsed once the channel is known (no allocation either way).
 * - Numbers: JsonNumberReader, bit-identical to parseFloat (property-tested).
 * - Timestamp: RFC3339 → epoch seconds with µs, without Date (rfc3339.ts).
 *   MISSING timestamp (earlier v2 ticker versions had none): accepted, QUOTE_EXCH_TS is set to NaN
 *   here, counted in `missingTimestamps`, and KrakenPublicV2 replaces it with the local receive
 *   time. Why: refusing would blind the whole feed if Kraken drops the field again; the cost is
 *   that the exchange-clock age guard degrades to the local-clock guard for such frames.
 *   A PRESENT but malformed timestamp is a rejection (BAD_TIMESTAMP): garbled input is not trusted.
 * - Objects that are not ticker data (status, heartbeat, acks, pong: `channel` ≠ ticker or a
 *   `method` key) return SCAN_EVENT as soon as that is known, for the caller's slow path.
 * - Malformed input never throws: SCAN_REJECTED, `lastReject` set and counted; `out` keeps the
 *   previous good values (results go to a scratch array first).
 * - `data` must hold exactly one entry (Kraken: "data[0] is the only element"); more is refused
 *   (TOO_MANY_ELEMENTS) rather than silently dropping quotes.
 */
import { MAX_PAIR_NAME_BYTES, PairTable, QUOTED_TRUNCATED } from '../shared/pair-table.js';
import { QuoteScannerBase } from '../shared/quote-scanner-base.js';
import { JsonNumberReader } from './json-number.js';
import {
  ascii,
  bytesEqual,
  COLON,
  COMMA,
  LBRACE,
  LBRACKET,
  QUOTE,
  RBRACE,
  RBRACKET,
  skipValue,
  skipWs,
  stringEnd,
} from './json-skip.js';
import { rfc3339Into } from './rfc3339.js';
import { TICKER_REJECT_NAMES, TickerReject, type TickerRejectCode } from './ticker-reject.js';
import {
  QUOTE_ASK,
  QUOTE_ASK_VOL,
  QUOTE_BID,
  QUOTE_BID_VOL,
  QUOTE_EXCH_TS,
} from '../../../core/quote-layout.js';

/** A bbo ticker frame is ≈300 bytes; status/acks are smaller. Anything far larger is hostile. */
export const DEFAULT_MAX_TICKER_FRAME_BYTES = 8 * 1024;

/** `type` of the last accepted frame. */
export const TICKER_TYPE_NONE = 0;
export const TICKER_TYPE_SNAPSHOT = 1;
export const TICKER_TYPE_UPDATE = 2;
const TICKER_TYPE_INVALID = 3;

const K_CHANNEL = ascii('channel'),
  K_METHOD = ascii('method'),
  K_TYPE = ascii('type'),
  K_DATA = ascii('data'),
  K_SYMBOL = ascii('symbol'),
  K_BID = ascii('bid'),
  K_ASK = ascii('ask'),
  K_BID_QTY = ascii('bid_qty'),
  K_ASK_QTY = ascii('ask_qty'),
  K_TIMESTAMP = ascii('timestamp');
const V_TICKER = ascii('ticker'),
  V_SNAPSHOT = ascii('snapshot'),
  V_UPDATE = ascii('update');

/** Bits of data[0] fields seen (duplicates / missing). Scratch slots 0..4 = bid, ask, ts, bidQty, askQty. */
const F_SYMBOL = 1,
  F_BID = 2,
  F_ASK = 4,
  F_TS = 8,
  F_BID_QTY = 16,
  F_ASK_QTY = 32;
const F_REQUIRED = F_SYMBOL | F_BID | F_ASK | F_BID_QTY | F_ASK_QTY;

/**
 * A member name of data[0] → its F_* bit | (scratch slot + 1) << 8; 0 for a member not read.
 * An integer, so nothing is boxed whether V8 inlines it or not.
 */
function entryKey(buf: Uint8Array, ks: number, ke: number): number {
  const len = ke - ks;
  if (len === 3) {
    if (bytesEqual(buf, ks, ke, K_BID)) return F_BID | (1 << 8);
    if (bytesEqual(buf, ks, ke, K_ASK)) return F_ASK | (2 << 8);
  } else if (len === 7) {
    if (bytesEqual(buf, ks, ke, K_BID_QTY)) return F_BID_QTY | (4 << 8);
    if (bytesEqual(buf, ks, ke, K_ASK_QTY)) return F_ASK_QTY | (5 << 8);
  } else if (len === 6) {
    if (bytesEqual(buf, ks, ke, K_SYMBOL)) return F_SYMBOL;
  } else if (len === 9) {
    if (bytesEqual(buf, ks, ke, K_TIMESTAMP)) return F_TS;
  }
  return 0;
}

/** members()/member(): the frame belongs to the slow path (another channel, a method reply). */
const NOT_TICKER = -0x10000;

export class TickerScanner extends QuoteScannerBase<TickerRejectCode> {
  /** Accepted frames without a `timestamp` (QUOTE_EXCH_TS = NaN; see file comment). */
  missingTimestamps = 0;
  /** Of the last accepted frame. */
  lastType = TICKER_TYPE_NONE;
  private readonly num = new JsonNumberReader(this.digits);
  private entryPair = -1;
  private entrySeen = 0;

  constructor(pairNames: readonly string[] | PairTable, maxFrameBytes = DEFAULT_MAX_TICKER_FRAME_BYTES) {
    super(pairNames, maxFrameBytes, TICKER_REJECT_NAMES);
  }

  /** The frame being scanned: the top-level members seen so far. */
  private frameTicker = false;
  private frameChannelSeen = false;
  private frameType = TICKER_TYPE_NONE;
  private frameDataAt = -1;
  private frameParsed = false;

  /**
   * Pair index (≥ 0) with `out` filled; SCAN_EVENT for a non-ticker object; SCAN_REJECTED otherwise.
   * Each step takes the index it starts at and returns the next one or -reason (NOT_TICKER: the
   * slow path's): integers only, so nothing is boxed whether V8 inlines the steps or not.
   * Split from one 96-line method, measured with `npm run bench -- --quick --only micro` on the idle
   * VM, 8 runs each: whole 949–1069 ns per frame, split 1013–1112 ns — the ranges overlap, the
   * medians differ by ~70 ns (~7%), against a frame-to-order path of ~500 µs. Kept split for the
   * reader; if v2 parse ever matters, this is the first place to measure again.
   */
  scan(buf: Uint8Array): number {
    const n = buf.length;
    let i = skipWs(buf, 0, n);
    if (i >= n) return this.reject(TickerReject.EMPTY);
    if ((buf[i] as number) !== LBRACE) return this.reject(TickerReject.NOT_OBJECT);
    if (n > this.maxFrameBytes) return this.reject(TickerReject.OVERSIZED);
    this.frameTicker = false;
    this.frameChannelSeen = false;
    this.frameType = TICKER_TYPE_NONE;
    this.frameDataAt = -1;
    this.frameParsed = false;
    i = this.members(buf, skipWs(buf, i + 1, n), n);
    if (i === NOT_TICKER) return this.event();
    if (i < 0) return this.reject(-i as TickerRejectCode);
    if (skipWs(buf, i, n) < n) return this.reject(TickerReject.TRAILING_DATA);
    if (!this.frameTicker) return this.event(); // no channel: an ack or something new; the slow path decides
    if (this.frameType === TICKER_TYPE_INVALID) return this.reject(TickerReject.BAD_FRAME_TYPE);
    if (!this.frameParsed) return this.reject(TickerReject.MISSING_FIELD);
    return this.commit();
  }

  /** Where memberKey found the key's closing quote. */
  private keyEnd = 0;

  /** At a member's `"key" :` (i at the key's quote): the value's index or -reason; the key ends at keyEnd. */
  private memberKey(buf: Uint8Array, i: number, n: number): number {
    if (i >= n) return -TickerReject.TRUNCATED;
    if ((buf[i] as number) !== QUOTE) return -TickerReject.BAD_SYNTAX;
    const ke = stringEnd(buf, i + 1, n);
    if (ke < 0) return ke;
    this.keyEnd = ke;
    i = skipWs(buf, ke + 1, n);
    if (i >= n) return -TickerReject.TRUNCATED;
    if ((buf[i] as number) !== COLON) return -TickerReject.BAD_SYNTAX;
    i = skipWs(buf, i + 1, n);
    return i >= n ? -TickerReject.TRUNCATED : i;
  }

  /** The top-level object's members (after its `{`); index after its `}`, -reason or NOT_TICKER. */
  private members(buf: Uint8Array, i: number, n: number): number {
    if (i < n && (buf[i] as number) === RBRACE) return i + 1;
    for (;;) {
      const ks = i + 1;
      i = this.memberKey(buf, i, n);
      if (i < 0) return i;
      const ke = this.keyEnd;
      i = this.member(buf, ks, ke, i, n);
      if (i < 0) return i;
      i = skipWs(buf, i, n);
      if (i >= n) return -TickerReject.TRUNCATED;
      const c = buf[i] as number;
      i++;
      if (c === RBRACE) return i;
      if (c !== COMMA) return -TickerReject.BAD_SYNTAX;
      i = skipWs(buf, i, n);
    }
  }

  /** One member, key buf[ks, ke), its value at i: index after the value, -reason or NOT_TICKER. */
  private member(buf: Uint8Array, ks: number, ke: number, i: number, n: number): number {
    if (bytesEqual(buf, ks, ke, K_CHANNEL)) return this.channel(buf, i, n);
    if (bytesEqual(buf, ks, ke, K_METHOD)) return NOT_TICKER;
    if (bytesEqual(buf, ks, ke, K_DATA)) {
      if (this.frameDataAt >= 0) return -TickerReject.DUPLICATE_KEY;
      this.frameDataAt = i;
      if (!this.frameTicker) return skipValue(buf, i, n, 0);
      this.frameParsed = true;
      return this.parseData(buf, i, n);
    }
    if (bytesEqual(buf, ks, ke, K_TYPE)) {
      if (this.frameType !== TICKER_TYPE_NONE) return -TickerReject.DUPLICATE_KEY;
      if ((buf[i] as number) !== QUOTE) return -TickerReject.WRONG_TYPE;
      const ve = stringEnd(buf, i + 1, n);
      if (ve < 0) return ve;
      if (bytesEqual(buf, i + 1, ve, V_SNAPSHOT)) this.frameType = TICKER_TYPE_SNAPSHOT;
      else if (bytesEqual(buf, i + 1, ve, V_UPDATE)) this.frameType = TICKER_TYPE_UPDATE;
      else this.frameType = TICKER_TYPE_INVALID;
      return ve + 1;
    }
    return skipValue(buf, i, n, 0);
  }

  /** `"channel": "ticker"` (anything else is the slow path's); parses data if it came first. */
  private channel(buf: Uint8Array, i: number, n: number): number {
    if (this.frameChannelSeen) return -TickerReject.DUPLICATE_KEY;
    this.frameChannelSeen = true;
    if ((buf[i] as number) !== QUOTE) return -TickerReject.WRONG_TYPE;
    const ve = stringEnd(buf, i + 1, n);
    if (ve < 0) return ve;
    if (!bytesEqual(buf, i + 1, ve, V_TICKER)) return NOT_TICKER;
    this.frameTicker = true;
    if (this.frameDataAt >= 0) {
      // data came first: parse it now that we know what it is.
      const r = this.parseData(buf, this.frameDataAt, n);
      if (r < 0) return r;
      this.frameParsed = true;
    }
    return ve + 1;
  }

  /** The frame is good: scratch → `out`, the entry's pair and the frame's type → the last accepted. */
  private commit(): number {
    const out = this.out,
      s = this.scratch;
    out[QUOTE_BID] = s[0] as number;
    out[QUOTE_ASK] = s[1] as number;
    out[QUOTE_BID_VOL] = s[3] as number;
    out[QUOTE_ASK_VOL] = s[4] as number;
    if ((this.entrySeen & F_TS) !== 0) {
      out[QUOTE_EXCH_TS] = s[2] as number;
    } else {
      out[QUOTE_EXCH_TS] = NaN;
      this.missingTimestamps++;
    }
    this.pairIndex = this.entryPair;
    this.lastType = this.frameType;
    this.accepted++;
    return this.entryPair;
  }

  /** `[ {entry} ]` at buf[i] → scratch; index after `]` or -reason. */
  private parseData(buf: Uint8Array, i: number, n: number): number {
    if ((buf[i] as number) !== LBRACKET) return -TickerReject.WRONG_TYPE;
    i = skipWs(buf, i + 1, n);
    if (i >= n) return -TickerReject.TRUNCATED;
    let c = buf[i] as number;
    if (c === RBRACKET) return -TickerReject.TOO_FEW_ELEMENTS;
    if (c !== LBRACE) return -TickerReject.WRONG_TYPE;
    i = this.parseEntry(buf, i + 1, n);
    if (i < 0) return i;
    i = skipWs(buf, i, n);
    if (i >= n) return -TickerReject.TRUNCATED;
    c = buf[i] as number;
    if (c === COMMA) return -TickerReject.TOO_MANY_ELEMENTS;
    if (c !== RBRACKET) return -TickerReject.BAD_SYNTAX;
    return i + 1;
  }

  /** Members of data[0] (after its `{`) → scratch, entryPair, entrySeen; index after `}` or -reason. */
  // Stays whole (over 60 lines): called once per frame from scan(), the same hot path and measurement.
  private parseEntry(buf: Uint8Array, i: number, n: number): number {
    let seen = 0;
    this.entryPair = -1;
    i = skipWs(buf, i, n);
    if (i < n && (buf[i] as number) === RBRACE) return -TickerReject.MISSING_FIELD;
    for (;;) {
      const ks = i + 1;
      i = this.memberKey(buf, i, n);
      if (i < 0) return i;
      const ke = this.keyEnd;
      const key = entryKey(buf, ks, ke);
      const bit = key & 0xff;
      const slot = (key >> 8) - 1;
      if (bit !== 0 && (seen & bit) !== 0) return -TickerReject.DUPLICATE_KEY;
      seen |= bit;
      if (slot >= 0) {
        i = this.number(buf, i, n, slot);
      } else if (bit === F_SYMBOL) {
        i = this.symbol(buf, i, n);
      } else if (bit === F_TS) {
        if ((buf[i] as number) !== QUOTE) return -TickerReject.BAD_TIMESTAMP;
        const ve = stringEnd(buf, i + 1, n);
        if (ve < 0) return ve;
        if (!rfc3339Into(buf, i + 1, ve, this.scratch, 2)) return -TickerReject.BAD_TIMESTAMP;
        i = ve + 1;
      } else {
        i = skipValue(buf, i, n, 1);
      }
      if (i < 0) return i;
      i = skipWs(buf, i, n);
      if (i >= n) return -TickerReject.TRUNCATED;
      const c = buf[i] as number;
      i++;
      if (c === RBRACE) break;
      if (c !== COMMA) return -TickerReject.BAD_SYNTAX;
      i = skipWs(buf, i, n);
    }
    if ((seen & F_REQUIRED) !== F_REQUIRED) return -TickerReject.MISSING_FIELD;
    this.entrySeen = seen;
    return i;
  }

  /** A non-negative finite JSON number → scratch[slot]. */
  private number(buf: Uint8Array, i: number, n: number, slot: number): number {
    const c = buf[i] as number;
    if (c === QUOTE || c === LBRACE || c === LBRACKET || c === 0x74 || c === 0x66 || c === 0x6e)
      return -TickerReject.WRONG_TYPE; // string / object / array / true / false / null
    const r = this.num.read(buf, i, n);
    if (r < 0) return r;
    const res = this.num.result;
    const v = res[0] as number;
    if ((res[1] as number) === 1) return -TickerReject.NEGATIVE;
    if (!(v < Infinity)) return -TickerReject.NAN_INFINITY;
    this.scratch[slot] = v;
    return r;
  }

  /** `"SYMBOL"` → entryPair via the pair table (found by its bytes, no string made). */
  private symbol(buf: Uint8Array, i: number, n: number): number {
    if ((buf[i] as number) !== QUOTE) return -TickerReject.WRONG_TYPE;
    const pair = this.pairs.lookupQuoted(buf, i + 1, n);
    if (pair < 0) return pair === QUOTED_TRUNCATED ? -TickerReject.TRUNCATED : -TickerReject.UNKNOWN_PAIR;
    this.entryPair = pair;
    return this.pairs.quotedEnd + 1;
  }

  /**
   * Best effort, for a rejected frame: the subscribed pair named by its `"symbol":"…"`, or -1,
   * so the caller can distrust that quote (docs/design-decisions.md §3). Allocates nothing.
   */
  pairOfRejected(buf: Uint8Array): number {
    const n = buf.length;
    const key = K_SYMBOL;
    for (let i = 0; i + key.length + 2 < n; i++) {
      if ((buf[i] as number) !== QUOTE || !bytesEqual(buf, i + 1, i + 1 + key.length, key)) continue;
      let j = i + 1 + key.length;
      if ((buf[j] as number) !== QUOTE) continue;
      j = skipWs(buf, j + 1, n);
      if (j >= n || (buf[j] as number) !== COLON) continue;
      j = skipWs(buf, j + 1, n);
      if (j >= n || (buf[j] as number) !== QUOTE) return -1;
      const s = j + 1;
      let e = s;
      while (e < n && e - s <= MAX_PAIR_NAME_BYTES && (buf[e] as number) !== QUOTE) {
        if ((buf[e] as number) === 0x5c) return -1;
        e++;
      }
      if (e >= n || (buf[e] as number) !== QUOTE) return -1;
      return this.pairs.lookup(buf, s, e);
    }
    return -1;
  }
}
