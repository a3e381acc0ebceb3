/**
 * Small fakes for the WS server tests: pairs and a market with hand-set books (v1 and v2 tests), and
 * a venue (v1 tests) that accepts/rejects orders and emits order/trade events the way the real venue
 * is specified to (pending → open → fills → closed/canceled).
 */
import type {
  BookChange,
  BookLevel,
  OrderRequest,
  SimMarket,
  SimOrder,
  SimPair,
  SimTrade,
  SimVenue,
  SystemStatus,
  VenueEvent,
  VenueResult,
  Side,
} from '../../../../src/sim/contracts.js';

/** A test pair: the fields a test cares about; the rest derived (`XBT/USD` → baseId `XXBT`, quoteId `ZUSD`). */
export function simPair(
  p: Pick<SimPair, 'id' | 'wsname' | 'symbol' | 'pairDecimals' | 'lotDecimals' | 'ordermin'> &
    Partial<SimPair>,
): SimPair {
  const [base = '', quote = ''] = p.wsname.split('/');
  return {
    altname: p.id,
    base,
    quote,
    costDecimals: 5,
    costmin: 0,
    tickSize: 10 ** -p.pairDecimals,
    status: 'online',
    takerFees: [[0, 0.4]],
    makerFees: [[0, 0.25]],
    baseId: `X${base}`,
    quoteId: `Z${quote}`,
    ...p,
  };
}

const fakePair = (
  id: string,
  altname: string,
  wsname: string,
  symbol: string,
  pairDecimals: number,
  lotDecimals: number,
  ordermin: number,
): SimPair => simPair({ id, altname, wsname, symbol, pairDecimals, lotDecimals, ordermin });

export const FAKE_PAIRS: SimPair[] = [
  fakePair('XXBTZUSD', 'XBTUSD', 'XBT/USD', 'BTC/USD', 1, 8, 0.0001),
  fakePair('XETHZEUR', 'ETHEUR', 'ETH/EUR', 'ETH/EUR', 2, 8, 0.002),
  fakePair('XDGUSD', 'XDGUSD', 'XDG/USD', 'DOGE/USD', 7, 8, 50),
];

/** Rounding of quantities left after a take: the 8-decimal lot grid, without float residue. */
const QTY_GRID = 1e8;

/** A market with hand-set books: `set` changes levels silently, `apply` sets them and emits one change. */
export class FakeMarket implements SimMarket {
  private readonly books: Array<{ bid: BookLevel[]; ask: BookLevel[] }>;
  private readonly listeners = new Set<(c: BookChange) => void>();
  ts = 1_700_000_000.123456;

  constructor(
    readonly pairs: readonly SimPair[] = FAKE_PAIRS,
    /** How far `ts` moves per level set, in seconds. */
    private readonly tsStepSec = 0.000001,
  ) {
    this.books = pairs.map(() => ({ bid: [], ask: [] }));
  }

  pairIndex(name: string): number {
    return this.pairs.findIndex(
      (p) => p.wsname === name || p.symbol === name || p.id === name || p.altname === name,
    );
  }
  levels(pairIndex: number, side: Side): readonly BookLevel[] {
    return this.books[pairIndex]?.[side] ?? [];
  }
  /** Sets (qty>0) or removes (qty 0) a level without telling anyone; `emit` publishes a change. */
  set(pairIndex: number, side: Side, price: number, qty: number): BookLevel {
    const b = this.books[pairIndex];
    if (b === undefined) throw new Error('bad pair');
    this.ts += this.tsStepSec;
    const lv = b[side].filter((l) => l.price !== price);
    const level: BookLevel = { price, qty, ts: this.ts };
    if (qty > 0) lv.push(level);
    lv.sort((x, y) => (side === 'bid' ? y.price - x.price : x.price - y.price));
    b[side] = lv;
    return level;
  }
  /** Applies levels and emits one BookChange. */
  apply(
    pairIndex: number,
    bids: Array<[number, number]>,
    asks: Array<[number, number]>,
    dislocationId?: number,
  ): void {
    const change: BookChange = {
      pairIndex,
      bids: bids.map(([p, q]) => this.set(pairIndex, 'bid', p, q)),
      asks: asks.map(([p, q]) => this.set(pairIndex, 'ask', p, q)),
      ts: this.ts,
    };
    if (dislocationId !== undefined) change.dislocationId = dislocationId;
    for (const l of this.listeners) l(change);
  }
  take(pairIndex: number, side: Side, qty: number, limit: number): Array<{ price: number; qty: number }> {
    const fills: Array<{ price: number; qty: number }> = [];
    let left = qty;
    for (const l of [...this.levels(pairIndex, side)]) {
      if (left <= 0) break;
      if (side === 'ask' ? l.price > limit : l.price < limit) break;
      const q = Math.min(left, l.qty);
      fills.push({ price: l.price, qty: q });
      left = Math.round((left - q) * QTY_GRID) / QTY_GRID;
      this.set(pairIndex, side, l.price, Math.round((l.qty - q) * QTY_GRID) / QTY_GRID);
    }
    return fills;
  }
  onChange(listener: (change: BookChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  start(): void {}
  stop(): void {}
}

/** A venue with one account per api key, immediate matching of limit IOC/GTC orders against the fake market. */
export class FakeVenue implements SimVenue {
  private status: SystemStatus = 'online';
  private readonly listeners = new Set<(e: VenueEvent) => void>();
  private readonly tokens = new Map<string, string>();
  private readonly orders = new Map<string, SimOrder & { apiKey: string }>();
  private readonly tradeLog: Array<SimTrade & { apiKey: string }> = [];
  private n = 0;
  addOrderCalls = 0;

  constructor(readonly market: FakeMarket) {}

  systemStatus(): SystemStatus {
    return this.status;
  }
  setSystemStatus(s: SystemStatus): void {
    this.status = s;
  }
  private emit(e: VenueEvent): void {
    for (const l of this.listeners) l(e);
  }
  private id(prefix: string): string {
    this.n++;
    const s = String(this.n).padStart(5, '0');
    return `${prefix}AAAA${s[0]}-${s}-BBBBBB`;
  }

  addOrder(apiKey: string, req: OrderRequest): VenueResult<{ txid: string; descr: string }> {
    this.addOrderCalls++;
    const pi = this.market.pairIndex(req.pair);
    const p = this.market.pairs[pi];
    if (p === undefined) return { ok: false, error: 'EQuery:Unknown asset pair' };
    const volume = Number(req.volume);
    if (!(volume >= p.ordermin)) return { ok: false, error: 'EOrder:Order minimum not met' };
    const price = req.price === undefined ? 0 : Number(req.price);
    const descr = `${req.type} ${req.volume} ${p.altname} @ ${req.ordertype} ${req.price ?? ''}`.trim();
    if (req.validate === true) return { ok: true, value: { txid: '', descr } };
    const o: SimOrder & { apiKey: string } = {
      apiKey,
      txid: this.id('O'),
      userref: req.userref ?? 0,
      pairIndex: pi,
      type: req.type,
      ordertype: req.ordertype,
      price,
      volume,
      volExec: 0,
      cost: 0,
      fee: 0,
      avgPrice: 0,
      status: 'pending',
      timeinforce: req.timeinforce ?? 'GTC',
      oflags: req.oflags ?? 'fciq',
      opentm: this.market.ts,
      closetm: 0,
      descr,
    };
    if (req.clOrdId !== undefined) o.clOrdId = req.clOrdId;
    this.orders.set(o.txid, o);
    this.emit({ kind: 'order', apiKey, order: { ...o }, fields: Object.keys(o) as Array<keyof SimOrder> });
    o.status = 'open';
    this.emit({ kind: 'order', apiKey, order: o, fields: ['status'] });
    const side: Side = req.type === 'buy' ? 'ask' : 'bid';
    const limit = req.ordertype === 'market' ? (req.type === 'buy' ? Infinity : 0) : price;
    for (const f of this.market.take(pi, side, volume, limit)) {
      const cost = f.price * f.qty;
      const fee = cost * 0.004;
      const t: SimTrade & { apiKey: string } = {
        apiKey,
        tradeId: this.id('T'),
        ordertxid: o.txid,
        pairIndex: pi,
        time: this.market.ts,
        type: o.type,
        ordertype: o.ordertype,
        price: f.price,
        vol: f.qty,
        cost,
        fee,
        userref: o.userref,
      };
      this.tradeLog.push(t);
      o.volExec += f.qty;
      o.cost += cost;
      o.fee += fee;
      o.avgPrice = o.cost / o.volExec;
      this.emit({ kind: 'trade', apiKey, trade: t });
      this.emit({ kind: 'order', apiKey, order: o, fields: ['volExec', 'cost', 'fee', 'avgPrice'] });
    }
    if (o.volExec >= o.volume - 1e-12) {
      o.status = 'closed';
      o.closetm = this.market.ts;
      this.emit({ kind: 'order', apiKey, order: o, fields: ['status', 'closetm'] });
    } else if (o.timeinforce === 'IOC') {
      o.status = 'canceled';
      o.closetm = this.market.ts;
      o.reason = 'Order would not fill (IOC)';
      this.emit({ kind: 'order', apiKey, order: o, fields: ['status', 'closetm', 'reason'] });
    }
    return { ok: true, value: { txid: o.txid, descr } };
  }

  cancelOrder(apiKey: string, ref: string): VenueResult<{ count: number }> {
    const o = [...this.orders.values()].find(
      (x) =>
        x.apiKey === apiKey &&
        x.status === 'open' &&
        (x.txid === ref || String(x.userref) === ref || x.clOrdId === ref),
    );
    if (o === undefined) return { ok: false, error: 'EOrder:Unknown order' };
    o.status = 'canceled';
    o.closetm = this.market.ts;
    o.reason = 'User requested';
    this.emit({ kind: 'order', apiKey, order: o, fields: ['status', 'closetm', 'reason'] });
    return { ok: true, value: { count: 1 } };
  }
  balances(): ReadonlyMap<string, { balance: number; hold: number }> {
    return new Map();
  }
  openOrders(apiKey: string): readonly SimOrder[] {
    return [...this.orders.values()].filter((o) => o.apiKey === apiKey && o.status === 'open');
  }
  closedOrders(apiKey: string): readonly SimOrder[] {
    return [...this.orders.values()].filter((o) => o.apiKey === apiKey && o.status !== 'open');
  }
  order(apiKey: string, txid: string): SimOrder | undefined {
    const o = this.orders.get(txid);
    return o?.apiKey === apiKey ? o : undefined;
  }
  trades(apiKey: string): readonly SimTrade[] {
    return this.tradeLog.filter((t) => t.apiKey === apiKey);
  }
  feeFor(): { volumeUsd: number; takerPct: number; makerPct: number } {
    return { volumeUsd: 0, takerPct: 0.4, makerPct: 0.25 };
  }
  onEvent(listener: (event: VenueEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  issueToken(apiKey: string): { token: string; expires: number } {
    const token = `tok-${apiKey}-${this.tokens.size}`;
    this.tokens.set(token, apiKey);
    return { token, expires: 900 };
  }
  apiKeyForToken(token: string): string | undefined {
    return this.tokens.get(token);
  }
  expireTokens(): void {
    this.tokens.clear();
  }
}
