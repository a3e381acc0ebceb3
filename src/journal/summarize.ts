/**
 * Pure PnL summary of journal records: cash flows per currency from the fills themselves (never
 * from what the trader expected), per route (buy pair → sell pair) and in total.
 *
 * A buy fill on X/USD costs USD (price × volume + fee) and yields X; a sell fill on X/EUR yields
 * EUR (price × volume − fee) and costs X. So one USD→EUR trade shows as −USD and +EUR: the
 * "PnL in USD and EUR" is that pair of net flows, and whatever X was bought but not sold is
 * stranded inventory, reported per asset. Fees are taken in the quote currency (Kraken's default).
 */
import type { JournalRecord } from './journal-record.js';

export interface FlowTotals {
  /** Net cash flow by currency code (USD, EUR, …): fills' proceeds minus costs, fees included. */
  readonly pnl: Readonly<Record<string, number>>;
  /** Fees paid by currency code. */
  readonly fees: Readonly<Record<string, number>>;
  /** Bought minus sold, by base asset; only non-zero entries. */
  readonly stranded: Readonly<Record<string, number>>;
  readonly trades: number;
  readonly buyFills: number;
  readonly sellFills: number;
  readonly rejects: number;
  readonly sellFailures: number;
  /** Trades with an `unknown` record not followed by `reconciled`. */
  readonly unresolvedUnknown: number;
}

export interface RouteSummary extends FlowTotals {
  /** `buyPair>sellPair`, e.g. `XBT/USD>XBT/EUR`; `?` when the intent is missing. */
  readonly route: string;
}

export interface JournalSummary extends FlowTotals {
  readonly pnlUsd: number;
  readonly pnlEur: number;
  /**
   * Net change of each asset's balance from every fill journaled, fees included, keyed by Kraken's
   * asset id as the venue reports balances (`ZUSD`, `XXBT`, `SOL`); by currency code when the
   * trade's intent predates asset ids. What a tool holds against the venue's balances.
   */
  readonly balanceChange: Readonly<Record<string, number>>;
  /** Trades by their outcome (the last outcome record of each trade: a later one settles an `unknown`). */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly routes: readonly RouteSummary[];
  readonly riskStops: number;
  /** Fill records lacking a usable pair/price/volume (counted, not summed). */
  readonly invalidFills: number;
  /** Same fillId seen again (counted once). */
  readonly duplicateFills: number;
  readonly firstTs: number | undefined;
  readonly lastTs: number | undefined;
}

/** Amounts smaller than this are rounding noise, not stranded inventory. */
const STRANDED_EPSILON = 1e-12;

interface Acc {
  pnl: Record<string, number>;
  fees: Record<string, number>;
  inventory: Record<string, number>;
  trades: Set<string>;
  buyFills: number;
  sellFills: number;
  rejects: number;
  sellFailures: number;
  unknown: Set<string>;
}

const newAcc = (): Acc => ({
  pnl: {},
  fees: {},
  inventory: {},
  trades: new Set(),
  buyFills: 0,
  sellFills: 0,
  rejects: 0,
  sellFailures: 0,
  unknown: new Set(),
});

const add = (m: Record<string, number>, k: string, v: number): void => {
  m[k] = (m[k] ?? 0) + v;
};
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

interface Fill {
  base: string;
  quote: string;
  volume: number;
  cost: number;
  fee: number;
}

/** Pair `X/Q` gives base and quote when the record does not name them. */
function parseFill(r: JournalRecord): Fill | undefined {
  const [pb, pq] = (str(r.pair) ?? '').split('/');
  const base = str(r.base) ?? pb;
  const quote = str(r.quote) ?? pq;
  const price = num(r.price);
  const volume = num(r.volume);
  if (
    base === undefined ||
    base === '' ||
    quote === undefined ||
    quote === '' ||
    price === undefined ||
    volume === undefined ||
    volume < 0
  )
    return undefined;
  const cost = num(r.cost) ?? price * volume;
  return { base, quote, volume, cost, fee: num(r.fee) ?? 0 };
}

function finish(a: Acc): FlowTotals {
  const stranded: Record<string, number> = {};
  for (const [k, v] of Object.entries(a.inventory)) if (Math.abs(v) > STRANDED_EPSILON) stranded[k] = v;
  return {
    pnl: a.pnl,
    fees: a.fees,
    stranded,
    trades: a.trades.size,
    buyFills: a.buyFills,
    sellFills: a.sellFills,
    rejects: a.rejects,
    sellFailures: a.sellFailures,
    unresolvedUnknown: a.unknown.size,
  };
}

/** Kraken asset ids of a trade's legs, from its intent (absent in journals that predate them). */
interface TradeAssets {
  base: string | undefined;
  buyQuote: string | undefined;
  sellQuote: string | undefined;
}

/** What the intents (and the last outcome) say of each trade, read before the records are summed. */
interface TradeIndex {
  routeOf: Map<string, string>;
  assetsOf: Map<string, TradeAssets>;
  lastOutcome: Map<string, string>;
}

/** The running sums of one summary. */
interface Tally {
  readonly total: Acc;
  readonly perRoute: Map<string, Acc>;
  readonly balanceChange: Record<string, number>;
  readonly seenFills: Set<string>;
  riskStops: number;
  invalidFills: number;
  duplicateFills: number;
  firstTs: number | undefined;
  lastTs: number | undefined;
}

export function summarize(records: readonly JournalRecord[]): JournalSummary {
  const index = indexTrades(records);
  const y: Tally = {
    total: newAcc(),
    perRoute: new Map(),
    balanceChange: {},
    seenFills: new Set(),
    riskStops: 0,
    invalidFills: 0,
    duplicateFills: 0,
    firstTs: undefined,
    lastTs: undefined,
  };
  const ordered = [...records].sort((x, y) => x.seq - y.seq);
  for (const r of ordered) tallyRecord(y, index, r);
  const t = finish(y.total);
  return {
    ...t,
    pnlUsd: t.pnl.USD ?? 0,
    pnlEur: t.pnl.EUR ?? 0,
    routes: [...y.perRoute.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, a]) => ({ route, ...finish(a) })),
    riskStops: y.riskStops,
    invalidFills: y.invalidFills,
    duplicateFills: y.duplicateFills,
    firstTs: y.firstTs,
    lastTs: y.lastTs,
    balanceChange: y.balanceChange,
    outcomes: countValues(index.lastOutcome),
  };
}

function indexTrades(records: readonly JournalRecord[]): TradeIndex {
  const index: TradeIndex = { routeOf: new Map(), assetsOf: new Map(), lastOutcome: new Map() };
  for (const r of records) {
    if (r.kind === 'outcome' && r.tradeId !== '') index.lastOutcome.set(r.tradeId, str(r.status) ?? '?');
    if (r.kind !== 'intent') continue;
    index.routeOf.set(r.tradeId, `${str(r.buyPair) ?? '?'}>${str(r.sellPair) ?? '?'}`);
    index.assetsOf.set(r.tradeId, {
      base: str(r.baseAsset),
      buyQuote: str(r.buyQuoteAsset),
      sellQuote: str(r.sellQuoteAsset),
    });
  }
  return index;
}

/** Adds one record (in journal order) to the total and to its route's sums. */
function tallyRecord(y: Tally, index: TradeIndex, r: JournalRecord): void {
  y.firstTs = y.firstTs === undefined ? r.ts : Math.min(y.firstTs, r.ts);
  y.lastTs = y.lastTs === undefined ? r.ts : Math.max(y.lastTs, r.ts);
  if (r.kind === 'risk-stop') {
    y.riskStops++;
    return;
  }
  if (r.tradeId === '') return;
  const route = index.routeOf.get(r.tradeId) ?? '?';
  let ra = y.perRoute.get(route);
  if (ra === undefined) y.perRoute.set(route, (ra = newAcc()));
  for (const a of [y.total, ra]) {
    a.trades.add(r.tradeId);
    if (r.kind === 'reject') a.rejects++;
    else if (r.kind === 'sell-failed') a.sellFailures++;
    else if (r.kind === 'unknown') a.unknown.add(r.tradeId);
    else if (r.kind === 'reconciled') a.unknown.delete(r.tradeId);
  }
  if (r.kind !== 'fill' && r.kind !== 'sell-fill') return;
  const fillId = str(r.fillId);
  if (fillId !== undefined) {
    const key = `${r.kind}:${fillId}`;
    if (y.seenFills.has(key)) {
      y.duplicateFills++;
      return;
    }
    y.seenFills.add(key);
  }
  const f = parseFill(r);
  if (f === undefined) {
    y.invalidFills++;
    return;
  }
  tallyFill(y, index, r, f, ra);
}

/** A fill's cash flows: the balance change by Kraken's asset ids, and PnL, inventory and fees by currency. */
function tallyFill(y: Tally, index: TradeIndex, r: JournalRecord, f: Fill, ra: Acc): void {
  const buy = r.kind === 'fill';
  const ids = index.assetsOf.get(r.tradeId);
  const baseId = ids?.base ?? f.base;
  const quoteId = (buy ? ids?.buyQuote : ids?.sellQuote) ?? f.quote;
  add(y.balanceChange, baseId, buy ? f.volume : -f.volume);
  add(y.balanceChange, quoteId, buy ? -f.cost : f.cost);
  const fees = feesOf(r, f);
  for (const x of fees)
    add(y.balanceChange, x.asset === f.base ? baseId : x.asset === f.quote ? quoteId : x.asset, -x.qty);
  for (const a of [y.total, ra]) {
    if (buy) a.buyFills++;
    else a.sellFills++;
    add(a.pnl, f.quote, buy ? -f.cost : f.cost);
    add(a.inventory, f.base, buy ? f.volume : -f.volume);
    for (const x of fees) {
      add(a.fees, x.asset, x.qty);
      // A fee in the coin leaves the inventory; in money, the cash flows.
      add(x.asset === f.base ? a.inventory : a.pnl, x.asset, -x.qty);
    }
  }
}

function countValues(m: ReadonlyMap<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of m.values()) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/**
 * A fill's fees by asset (currency codes): the `fees` list the trader journals with Kraken's assets,
 * else (older records, REST totals) the `fee` number in the quote currency.
 */
function feesOf(r: JournalRecord, f: Fill): Array<{ asset: string; qty: number }> {
  if (Array.isArray(r.fees)) {
    const out: Array<{ asset: string; qty: number }> = [];
    for (const x of r.fees as unknown[]) {
      const o = x as { asset?: unknown; qty?: unknown };
      if (typeof o.asset === 'string' && typeof o.qty === 'number' && Number.isFinite(o.qty))
        out.push({ asset: o.asset, qty: o.qty });
    }
    return out;
  }
  return [{ asset: f.quote, qty: f.fee }];
}
