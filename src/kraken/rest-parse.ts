/**
 * Pure parsers: Kraken REST results (market data and account) → domain values with numbers.
 * Wire shapes: rest-types.ts and docs/kraken-protocol.md §4.5–4.6. Fees become fractions (0.26 % → 0.0026).
 */
import { WireReader, type WireRecord } from './wire-read.js';

export interface ServerTime {
  readonly unixtime: number;
  readonly rfc1123: string;
}

export type SystemStatusValue = 'online' | 'maintenance' | 'cancel_only' | 'post_only';

export interface SystemStatusInfo {
  readonly status: SystemStatusValue;
  readonly timestamp: string;
}

export interface TickerInfo {
  readonly ask: number;
  readonly askLotVolume: number;
  readonly bid: number;
  readonly bidLotVolume: number;
  readonly last: number;
  readonly lastVolume: number;
  readonly volume24h: number;
  readonly vwap24h: number;
  readonly trades24h: number;
  readonly low24h: number;
  readonly high24h: number;
  readonly open: number;
}

export interface BalanceExEntry {
  readonly balance: number;
  readonly holdTrade: number;
  readonly credit: number;
  readonly creditUsed: number;
  /** balance + credit − credit_used − hold_trade (docs/kraken-protocol.md §4.6). */
  readonly available: number;
}

/** One pair's fee from TradeVolume, as fractions of notional (Kraken sends percent). */
export interface FeeTier {
  readonly fee: number;
  readonly minFee: number | undefined;
  readonly maxFee: number | undefined;
  readonly nextFee: number | null;
  readonly nextVolume: number | null;
  readonly tierVolume: number | null;
}

export interface TradeVolumeInfo {
  readonly currency: string;
  /** 30-day volume in `currency` (USD). */
  readonly volume: number;
  /** Taker fees keyed by pair id. */
  readonly fees: Readonly<Record<string, FeeTier>>;
  /** Maker fees keyed by pair id (only maker/taker pairs). */
  readonly feesMaker: Readonly<Record<string, FeeTier>>;
}

export interface WebSocketsToken {
  readonly token: string;
  /** Seconds the token stays valid for establishing a connection. */
  readonly expiresSec: number;
}

const PERCENT = 100;
const SYSTEM_STATUSES: ReadonlySet<string> = new Set(['online', 'maintenance', 'cancel_only', 'post_only']);

export function parseTime(result: unknown): ServerTime {
  const r = new WireReader('Time');
  const o = r.record(result, 'result');
  return { unixtime: r.number(o, 'unixtime', 'result'), rfc1123: r.string(o, 'rfc1123', 'result') };
}

export function parseSystemStatus(result: unknown): SystemStatusInfo {
  const r = new WireReader('SystemStatus');
  const o = r.record(result, 'result');
  const status = r.string(o, 'status', 'result');
  if (!SYSTEM_STATUSES.has(status)) r.fail('result.status', `unknown status ${JSON.stringify(status)}`);
  return { status: status as SystemStatusValue, timestamp: r.optString(o, 'timestamp', 'result') ?? '' };
}

function tuple(r: WireReader, o: WireRecord, key: string, path: string, min: number): unknown[] {
  const a = r.array(o[key], `${path}.${key}`);
  if (a.length < min) r.fail(`${path}.${key}`, `expected at least ${min} elements, got ${a.length}`);
  return a;
}

/** Ticker result keyed by pair id → numbers. Any bad pair entry fails the whole answer (it is one snapshot). */
export function parseTicker(result: unknown): Record<string, TickerInfo> {
  const r = new WireReader('Ticker');
  const out: Record<string, TickerInfo> = {};
  for (const [pair, raw] of Object.entries(r.record(result, 'result'))) {
    const p = `result.${pair}`;
    const o = r.record(raw, p);
    const a = tuple(r, o, 'a', p, 3);
    const b = tuple(r, o, 'b', p, 3);
    const c = tuple(r, o, 'c', p, 2);
    const v = tuple(r, o, 'v', p, 2);
    const vw = tuple(r, o, 'p', p, 2);
    const t = tuple(r, o, 't', p, 2);
    const l = tuple(r, o, 'l', p, 2);
    const h = tuple(r, o, 'h', p, 2);
    out[pair] = {
      ask: r.decimalValue(a[0], `${p}.a[0]`, true),
      askLotVolume: r.decimalValue(a[2], `${p}.a[2]`, true),
      bid: r.decimalValue(b[0], `${p}.b[0]`, true),
      bidLotVolume: r.decimalValue(b[2], `${p}.b[2]`, true),
      last: r.decimalValue(c[0], `${p}.c[0]`, true),
      lastVolume: r.decimalValue(c[1], `${p}.c[1]`, true),
      volume24h: r.decimalValue(v[1], `${p}.v[1]`, true),
      vwap24h: r.decimalValue(vw[1], `${p}.p[1]`, true),
      trades24h: r.decimalValue(t[1], `${p}.t[1]`, true),
      low24h: r.decimalValue(l[1], `${p}.l[1]`, true),
      high24h: r.decimalValue(h[1], `${p}.h[1]`, true),
      open: r.decimal(o, 'o', p, true),
    };
  }
  return out;
}

/** Balance: asset id (e.g. `ZUSD`, `XXBT`, `USDT.F`) → amount. */
export function parseBalance(result: unknown): Record<string, number> {
  const r = new WireReader('Balance');
  const out: Record<string, number> = {};
  for (const [asset, v] of Object.entries(r.record(result, 'result'))) {
    out[asset] = r.decimalValue(v, `result.${asset}`);
  }
  return out;
}

export function parseBalanceEx(result: unknown): Record<string, BalanceExEntry> {
  const r = new WireReader('BalanceEx');
  const out: Record<string, BalanceExEntry> = {};
  for (const [asset, raw] of Object.entries(r.record(result, 'result'))) {
    const p = `result.${asset}`;
    const o = r.record(raw, p);
    const balance = r.decimal(o, 'balance', p);
    const holdTrade = r.optDecimal(o, 'hold_trade', p, true) ?? 0;
    const credit = r.optDecimal(o, 'credit', p, true) ?? 0;
    const creditUsed = r.optDecimal(o, 'credit_used', p, true) ?? 0;
    out[asset] = {
      balance,
      holdTrade,
      credit,
      creditUsed,
      available: balance + credit - creditUsed - holdTrade,
    };
  }
  return out;
}

function nullablePercent(r: WireReader, o: WireRecord, keys: readonly string[], path: string): number | null {
  for (const key of keys) {
    if (o[key] !== undefined) {
      const v = r.optDecimal(o, key, path, true);
      return v === undefined ? null : v;
    }
  }
  return null;
}

function parseFeeTier(r: WireReader, raw: unknown, path: string): FeeTier {
  const o = r.record(raw, path);
  const pct = (keys: readonly string[]): number | null => {
    const v = nullablePercent(r, o, keys, path);
    return v === null ? null : v / PERCENT;
  };
  const fee = r.decimal(o, 'fee', path, true) / PERCENT;
  return {
    fee,
    minFee: pct(['minfee', 'min_fee']) ?? undefined,
    maxFee: pct(['maxfee', 'max_fee']) ?? undefined,
    nextFee: pct(['nextfee', 'next_fee']),
    nextVolume: nullablePercent(r, o, ['nextvolume', 'next_volume'], path),
    tierVolume: nullablePercent(r, o, ['tiervolume', 'tier_volume'], path),
  };
}

export function parseTradeVolume(result: unknown): TradeVolumeInfo {
  const r = new WireReader('TradeVolume');
  const o = r.record(result, 'result');
  const section = (key: string): Record<string, FeeTier> => {
    const out: Record<string, FeeTier> = {};
    if (o[key] === undefined || o[key] === null) return out;
    for (const [pair, raw] of Object.entries(r.record(o[key], `result.${key}`))) {
      out[pair] = parseFeeTier(r, raw, `result.${key}.${pair}`);
    }
    return out;
  };
  return {
    currency: r.string(o, 'currency', 'result'),
    volume: r.decimal(o, 'volume', 'result', true),
    fees: section('fees'),
    feesMaker: section('fees_maker'),
  };
}

export function parseWebSocketsToken(result: unknown): WebSocketsToken {
  const r = new WireReader('GetWebSocketsToken');
  const o = r.record(result, 'result');
  const token = r.string(o, 'token', 'result');
  if (token.length === 0) r.fail('result.token', 'empty token');
  return { token, expiresSec: r.number(o, 'expires', 'result') };
}
