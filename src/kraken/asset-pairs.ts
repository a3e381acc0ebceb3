/**
 * AssetPairs result → PairInfo[] (docs/kraken-protocol.md §4.5, §8;
 * docs.kraken.com/api/docs/rest-api/get-tradable-asset-pairs). Every field is validated; a bad
 * pair is skipped and reported with its reason, never fatal for the others. Dark-pool pairs
 * (`.d`) are skipped. Also picks per-pair fee fractions out of a TradeVolume answer.
 */
import type { PairInfo, PairStatus } from '../core/pair.js';
import { KrakenResponseError } from './errors.js';
import type { TradeVolumeInfo } from './rest-parse.js';
import { WireReader, type WireRecord } from './wire-read.js';

export interface RejectedPair {
  readonly id: string;
  readonly reason: string;
}

export interface AssetPairsParseResult {
  readonly pairs: PairInfo[];
  readonly rejected: RejectedPair[];
  readonly darkPoolSkipped: number;
}

/** v1/REST currency codes that WS v2 spells differently (docs/kraken-protocol.md §8). */
const V2_CODE_RENAMES: Readonly<Record<string, string>> = { XBT: 'BTC', XDG: 'DOGE' };
const KNOWN_STATUSES: ReadonlySet<string> = new Set([
  'online',
  'cancel_only',
  'post_only',
  'limit_only',
  'reduce_only',
  'maintenance',
  'delisted',
]);
const MAX_DECIMALS = 18;
const CODE_RE = /^[A-Za-z0-9.]{1,24}$/;
const DARK_POOL_SUFFIX = '.d';
const MAX_FEE_PERCENT = 100;

/** A WS v1 / REST currency code → its WS v2 spelling (XBT→BTC, XDG→DOGE, others unchanged). */
export function v2AssetCode(code: string): string {
  return V2_CODE_RENAMES[code] ?? code;
}

const V1_CODE_RENAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(V2_CODE_RENAMES).map(([v1, v2]) => [v2, v1]),
);

/** A WS v2 currency code → its v1 / REST wsname spelling (BTC→XBT, DOGE→XDG, others unchanged). */
export function v1AssetCode(code: string): string {
  return V1_CODE_RENAMES[code] ?? code;
}

/** `XBT/USD` → `BTC/USD`. */
export function v2Symbol(wsname: string): string {
  const [base, quote] = wsname.split('/');
  return `${v2AssetCode(base ?? '')}/${v2AssetCode(quote ?? '')}`;
}

function decimals(r: WireReader, o: WireRecord, key: string, path: string): number {
  const v = r.number(o, key, path);
  if (!Number.isInteger(v) || v < 0 || v > MAX_DECIMALS)
    r.fail(`${path}.${key}`, `expected an integer 0..${MAX_DECIMALS}, got ${v}`);
  return v;
}

function schedule(r: WireReader, o: WireRecord, key: string, path: string): Array<readonly [number, number]> {
  const rows = r.array(o[key], `${path}.${key}`);
  let lastVolume = -1;
  return rows.map((row, i) => {
    const p = `${path}.${key}[${i}]`;
    const a = r.array(row, p);
    const volume = a[0];
    const percent = a[1];
    if (a.length !== 2 || typeof volume !== 'number' || typeof percent !== 'number')
      return r.fail(p, 'expected [volume, percent]');
    if (!Number.isFinite(volume) || volume <= lastVolume) r.fail(p, 'volumes must be finite and ascending');
    if (!Number.isFinite(percent) || percent < 0 || percent >= MAX_FEE_PERCENT)
      r.fail(p, `bad fee percent ${percent}`);
    lastVolume = volume;
    return [volume, percent] as const;
  });
}

function parseOne(r: WireReader, id: string, raw: unknown): PairInfo {
  const p = `result.${id}`;
  const o = r.record(raw, p);
  const altname = r.string(o, 'altname', p);
  if (altname.length === 0) r.fail(`${p}.altname`, 'empty');
  const wsname = r.string(o, 'wsname', p);
  const parts = wsname.split('/');
  const base = parts[0] ?? '';
  const quote = parts[1] ?? '';
  if (parts.length !== 2 || !CODE_RE.test(base) || !CODE_RE.test(quote))
    r.fail(`${p}.wsname`, `expected BASE/QUOTE, got ${JSON.stringify(wsname.slice(0, 40))}`);
  const baseId = r.string(o, 'base', p);
  const quoteId = r.string(o, 'quote', p);
  if (!CODE_RE.test(baseId)) r.fail(`${p}.base`, 'bad asset id');
  if (!CODE_RE.test(quoteId)) r.fail(`${p}.quote`, 'bad asset id');
  const pairDecimals = decimals(r, o, 'pair_decimals', p);
  const lotDecimals = decimals(r, o, 'lot_decimals', p);
  const costDecimals = decimals(r, o, 'cost_decimals', p);
  const ordermin = r.decimal(o, 'ordermin', p, true);
  const costmin = r.optDecimal(o, 'costmin', p, true) ?? 0;
  const tickSize = r.optDecimal(o, 'tick_size', p, true) ?? 10 ** -pairDecimals;
  if (!(tickSize > 0)) r.fail(`${p}.tick_size`, 'must be positive');
  const rawStatus = r.optString(o, 'status', p);
  // Older AssetPairs answers had no status; those pairs were tradable.
  const status: PairStatus =
    rawStatus === undefined
      ? 'online'
      : KNOWN_STATUSES.has(rawStatus)
        ? (rawStatus as PairStatus)
        : 'unknown';
  const takerFees = schedule(r, o, 'fees', p);
  if (takerFees.length === 0) r.fail(`${p}.fees`, 'empty fee schedule');
  const makerFees =
    o['fees_maker'] === undefined || o['fees_maker'] === null ? [] : schedule(r, o, 'fees_maker', p);
  return {
    id,
    altname,
    wsname,
    symbol: `${v2AssetCode(base)}/${v2AssetCode(quote)}`,
    base,
    quote,
    baseId,
    quoteId,
    pairDecimals,
    lotDecimals,
    costDecimals,
    ordermin,
    costmin,
    tickSize,
    status,
    takerFees,
    makerFees,
  };
}

/**
 * Parses the AssetPairs `result`. Throws KrakenResponseError only when the result is not an object;
 * each bad pair lands in `rejected` with the field and problem.
 */
export function parseAssetPairs(result: unknown): AssetPairsParseResult {
  const r = new WireReader('AssetPairs');
  const entries = Object.entries(r.record(result, 'result'));
  const pairs: PairInfo[] = [];
  const rejected: RejectedPair[] = [];
  const seenWsnames = new Set<string>();
  let darkPoolSkipped = 0;
  for (const [id, raw] of entries) {
    const altname = typeof raw === 'object' && raw !== null ? (raw as WireRecord)['altname'] : undefined;
    if (
      id.endsWith(DARK_POOL_SUFFIX) ||
      (typeof altname === 'string' && altname.endsWith(DARK_POOL_SUFFIX))
    ) {
      darkPoolSkipped++;
      continue;
    }
    try {
      const pair = parseOne(r, id, raw);
      if (seenWsnames.has(pair.wsname)) {
        rejected.push({ id, reason: `duplicate wsname ${pair.wsname}` });
        continue;
      }
      seenWsnames.add(pair.wsname);
      pairs.push(pair);
    } catch (err) {
      // Only shape errors are expected here; anything else is a bug and must surface.
      if (!(err instanceof KrakenResponseError)) throw err;
      rejected.push({ id, reason: err.message });
    }
  }
  return { pairs, rejected, darkPoolSkipped };
}

export interface FeeFractions {
  /** Taker fee as a fraction of notional (0.0026 = 0.26 %). */
  readonly taker: number;
  /** Maker fee; equals taker for flat-fee pairs, which TradeVolume lists without fees_maker. */
  readonly maker: number;
}

/** Fee fractions for each requested pair id; ids TradeVolume did not return are listed in `missing`. */
export function pickFeeFractions(
  tradeVolume: TradeVolumeInfo,
  pairIds: readonly string[],
): { fees: Map<string, FeeFractions>; missing: string[] } {
  const fees = new Map<string, FeeFractions>();
  const missing: string[] = [];
  for (const id of pairIds) {
    const taker = tradeVolume.fees[id];
    if (taker === undefined) {
      missing.push(id);
      continue;
    }
    fees.set(id, { taker: taker.fee, maker: tradeVolume.feesMaker[id]?.fee ?? taker.fee });
  }
  return { fees, missing };
}
