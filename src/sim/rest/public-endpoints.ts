/**
 * Public REST methods (docs/kraken-protocol.md §4.5): Time, SystemStatus, Assets, AssetPairs, Ticker, Depth.
 * Results are keyed by REST pair id whatever name the client asked with, as Kraken does.
 */
import type { SimMarket, SimPair, SystemStatus } from '../contracts.js';
import { assetDecimals } from '../venue/accounts.js';
import { fixed } from '../venue/decimal.js';
import type { Params } from './body.js';
import { plain, rfc1123 } from './wire.js';

export type Answer = { result: unknown } | { error: string };

export interface PublicContext {
  market: SimMarket;
  systemStatus(): SystemStatus;
  nowMs(): number;
}

const DEPTH_DEFAULT = 100;
const DEPTH_MAX = 500;
const INFO_KINDS = new Set(['info', 'leverage', 'fees', 'margin']);

/** Pair indices named by a comma list of ids / altnames / wsnames; undefined if any is unknown. */
export function pairsNamed(market: SimMarket, list: string | undefined): number[] | undefined {
  if (list === undefined || list.trim() === '') return market.pairs.map((_, i) => i);
  const out: number[] = [];
  for (const name of list.split(',')) {
    const i = market.pairIndex(name.trim());
    if (i < 0) return undefined;
    out.push(i);
  }
  return out;
}

function pairEntry(p: SimPair, info: string): Record<string, unknown> {
  // Flat-fee (stablecoin/FX) pairs carry an empty maker schedule in PairInfo; on the wire Kraken
  // sends the same schedule twice (docs/kraken-protocol.md §6).
  const fees = {
    fees: p.takerFees,
    fees_maker: p.makerFees.length > 0 ? p.makerFees : p.takerFees,
    fee_volume_currency: 'ZUSD',
  };
  if (info === 'fees') return fees;
  if (info === 'leverage') return { leverage_buy: [], leverage_sell: [] };
  if (info === 'margin') return { margin_call: 80, margin_stop: 40 };
  return {
    altname: p.altname,
    wsname: p.wsname,
    aclass_base: 'currency',
    base: p.baseId,
    aclass_quote: 'currency',
    quote: p.quoteId,
    lot: 'unit',
    cost_decimals: p.costDecimals,
    pair_decimals: p.pairDecimals,
    lot_decimals: p.lotDecimals,
    lot_multiplier: 1,
    leverage_buy: [],
    leverage_sell: [],
    ...fees,
    margin_call: 80,
    margin_stop: 40,
    ordermin: plain(p.ordermin),
    costmin: plain(p.costmin),
    tick_size: plain(p.tickSize),
    status: p.status,
    // Margin position limits every live answer carries; the simulator has no margin (values are
    // those of a live XBT/USD answer, test/corpus/kraken-async-rs-rest.json).
    long_position_limit: 300,
    short_position_limit: 240,
  };
}

function assets(market: SimMarket): Map<string, string> {
  const out = new Map<string, string>(); // id → altname
  for (const p of market.pairs) {
    out.set(p.baseId, p.base);
    out.set(p.quoteId, p.quote);
  }
  return out;
}

type PublicHandler = (ctx: PublicContext, q: Params) => Answer;

function time(ctx: PublicContext): Answer {
  const now = ctx.nowMs();
  return { result: { unixtime: Math.floor(now / 1000), rfc1123: rfc1123(new Date(now)) } };
}

function systemStatus(ctx: PublicContext): Answer {
  return {
    result: {
      status: ctx.systemStatus(),
      timestamp: new Date(ctx.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  };
}

/** Every asset of the pairs, or those named in `asset` by id or altname. */
function assetsMethod(ctx: PublicContext, q: Params): Answer {
  const all = assets(ctx.market);
  let ids = [...all.keys()];
  if (q['asset'] !== undefined && q['asset'] !== '') {
    ids = [];
    for (const name of q['asset'].split(',')) {
      const id = all.has(name) ? name : [...all].find(([, alt]) => alt === name)?.[0];
      if (id === undefined) return { error: 'EQuery:Unknown asset' };
      ids.push(id);
    }
  }
  const result: Record<string, unknown> = {};
  for (const id of ids) {
    const d = assetDecimals(id);
    result[id] = {
      aclass: 'currency',
      altname: all.get(id),
      decimals: d,
      display_decimals: Math.min(d, 5),
      status: 'enabled',
    };
  }
  return { result };
}

function assetPairs(ctx: PublicContext, q: Params): Answer {
  const { market } = ctx;
  const info = q['info'] ?? 'info';
  if (!INFO_KINDS.has(info)) return { error: 'EGeneral:Invalid arguments:info' };
  const idx = pairsNamed(market, q['pair']);
  if (idx === undefined) return { error: 'EQuery:Unknown asset pair' };
  const result: Record<string, unknown> = {};
  for (const i of idx) {
    const p = market.pairs[i];
    if (p !== undefined) result[p.id] = pairEntry(p, info);
  }
  return { result };
}

function tickerMethod(ctx: PublicContext, q: Params): Answer {
  const { market } = ctx;
  const idx = pairsNamed(market, q['pair']);
  if (idx === undefined) return { error: 'EQuery:Unknown asset pair' };
  const result: Record<string, unknown> = {};
  for (const i of idx) {
    const p = market.pairs[i];
    if (p !== undefined) result[p.id] = ticker(market, i, p);
  }
  return { result };
}

/** One pair's book, `count` levels a side (default DEPTH_DEFAULT, at most DEPTH_MAX). */
function depth(ctx: PublicContext, q: Params): Answer {
  const { market } = ctx;
  const name = q['pair'];
  if (name === undefined || name === '' || name.includes(','))
    return { error: 'EGeneral:Invalid arguments:pair' };
  const i = market.pairIndex(name);
  const p = market.pairs[i];
  if (p === undefined) return { error: 'EQuery:Unknown asset pair' };
  let count = DEPTH_DEFAULT;
  if (q['count'] !== undefined) {
    count = Number(q['count']);
    if (!Number.isInteger(count) || count < 1 || count > DEPTH_MAX)
      return { error: 'EGeneral:Invalid arguments:count' };
  }
  const side = (s: 'bid' | 'ask') =>
    market
      .levels(i, s)
      .slice(0, count)
      .map((l) => [fixed(l.price, p.pairDecimals), fixed(l.qty, p.lotDecimals), Math.floor(l.ts)]);
  return { result: { [p.id]: { asks: side('ask'), bids: side('bid') } } };
}

const PUBLIC_HANDLERS: ReadonlyMap<string, PublicHandler> = new Map<string, PublicHandler>([
  ['Time', time],
  ['SystemStatus', systemStatus],
  ['Assets', assetsMethod],
  ['AssetPairs', assetPairs],
  ['Ticker', tickerMethod],
  ['Depth', depth],
]);

export const PUBLIC_METHODS: ReadonlySet<string> = new Set(PUBLIC_HANDLERS.keys());

export function publicMethod(ctx: PublicContext, method: string, q: Params): Answer {
  const handler = PUBLIC_HANDLERS.get(method);
  return handler === undefined ? { error: 'EGeneral:Unknown method' } : handler(ctx, q);
}

/**
 * The simulated market has no trade tape, so the 24 h statistics are derived from the current book
 * (last = mid, volume 0). Documented simplification; the bot reads only a/b from REST.
 */
function ticker(market: SimMarket, i: number, p: SimPair): Record<string, unknown> {
  const a = market.levels(i, 'ask')[0];
  const b = market.levels(i, 'bid')[0];
  const px = (x: number): string => fixed(x, p.pairDecimals);
  const ask = a?.price ?? 0;
  const bid = b?.price ?? 0;
  const mid = ask > 0 && bid > 0 ? (ask + bid) / 2 : ask || bid;
  const zeroVol = fixed(0, p.lotDecimals);
  return {
    a: [px(ask), String(Math.floor(a?.qty ?? 0)), fixed(a?.qty ?? 0, 3)],
    b: [px(bid), String(Math.floor(b?.qty ?? 0)), fixed(b?.qty ?? 0, 3)],
    c: [px(mid), zeroVol],
    v: [zeroVol, zeroVol],
    p: [px(mid), px(mid)],
    t: [0, 0],
    l: [px(bid), px(bid)],
    h: [px(ask), px(ask)],
    o: px(mid),
  };
}
