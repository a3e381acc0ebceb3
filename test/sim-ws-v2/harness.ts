/**
 * Harness: a node:http server on 127.0.0.1:0 with the v2 servers attached, over a small scripted
 * market (hand-set books, explicit change events) and the REAL venue (createVenue), so orders,
 * fills, fees and error strings are the simulator's own.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BookChange, BookLevel, SimMarket, SimPair, Side } from '../../src/sim/contracts.js';
import { createFaults, type SimFaultsControl } from '../../src/sim/faults.js';
import { createTimingRegistry, type TimingRegistry } from '../../src/sim/timing.js';
import { createVenue, type VenueImpl } from '../../src/sim/venue/venue.js';
import { attachWsV2, type WsV2Deps, type WsV2Handle } from '../../src/sim/ws-v2/attach-ws-v2.js';

function pair(
  id: string,
  wsname: string,
  symbol: string,
  pairDecimals: number,
  lotDecimals: number,
  ordermin: number,
  baseId: string,
): SimPair {
  const [base = '', quote = ''] = wsname.split('/');
  return {
    id,
    altname: id,
    wsname,
    symbol,
    base,
    quote,
    pairDecimals,
    lotDecimals,
    costDecimals: 5,
    ordermin,
    costmin: 0.5,
    tickSize: 10 ** -pairDecimals,
    status: 'online',
    takerFees: [[0, 0.4]],
    makerFees: [[0, 0.25]],
    baseId,
    quoteId: 'ZUSD',
  };
}

export const PAIRS: readonly SimPair[] = [
  pair('XXBTZUSD', 'XBT/USD', 'BTC/USD', 1, 8, 0.0001, 'XXBT'),
  pair('XDGUSD', 'XDG/USD', 'DOGE/USD', 7, 8, 50, 'XXDG'),
  pair('MATICUSD', 'MATIC/USD', 'MATIC/USD', 4, 8, 5, 'MATIC'),
];
export const BTC = 0;
export const DOGE = 1;
export const MATIC = 2;

export class ScriptedMarket implements SimMarket {
  readonly pairs = PAIRS;
  private readonly books = PAIRS.map(() => ({ bid: [] as BookLevel[], ask: [] as BookLevel[] }));
  private readonly listeners = new Set<(c: BookChange) => void>();
  ts = 1_700_000_000.123456;

  pairIndex(name: string): number {
    return this.pairs.findIndex((p) => p.wsname === name || p.symbol === name || p.id === name);
  }
  levels(pairIndex: number, side: Side): readonly BookLevel[] {
    return this.books[pairIndex]?.[side] ?? [];
  }
  private set(pairIndex: number, side: Side, price: number, qty: number): BookLevel {
    const b = this.books[pairIndex];
    if (b === undefined) throw new Error('bad pair');
    this.ts += 0.000137;
    const lv = b[side].filter((l) => l.price !== price);
    const level: BookLevel = { price, qty, ts: this.ts };
    if (qty > 0) lv.push(level);
    lv.sort((x, y) => (side === 'bid' ? y.price - x.price : x.price - y.price));
    b[side] = lv;
    return level;
  }
  /** Sets levels (qty 0 removes) and emits one BookChange. */
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
      if (left <= 1e-12) break;
      if (side === 'ask' ? l.price > limit : l.price < limit) break;
      const q = Math.min(left, l.qty);
      fills.push({ price: l.price, qty: q });
      left = Math.round((left - q) * 1e8) / 1e8;
      this.set(pairIndex, side, l.price, Math.round((l.qty - q) * 1e8) / 1e8);
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

export const API_KEY = 'test-key-v2';

export interface Harness {
  server: Server;
  market: ScriptedMarket;
  venue: VenueImpl;
  faults: SimFaultsControl;
  timing: TimingRegistry;
  ws: WsV2Handle;
  publicUrl: string;
  privateUrl: string;
  token(): string;
  close(): Promise<void>;
}

export async function startHarness(extra: Partial<WsV2Deps> = {}): Promise<Harness> {
  const market = new ScriptedMarket();
  // BTC/USD: bids 50000.0 / 49990.0 / 49980.0, asks 50010.0 / 50020.0 / 50050.0.
  market.apply(
    BTC,
    [
      [50000, 1],
      [49990, 2],
      [49980, 5],
    ],
    [
      [50010, 0.5],
      [50020, 1],
      [50050, 3],
    ],
  );
  market.apply(
    DOGE,
    [
      [0.123456, 10000],
      [0.12345, 20000],
    ],
    [
      [0.1235, 10000],
      [0.124, 5000],
    ],
  );
  const faults = createFaults();
  const timing = createTimingRegistry();
  const venue = createVenue({
    market,
    faults,
    timing,
    seed: 7,
    accounts: [{ apiKey: API_KEY, balances: { ZUSD: 100_000, XXBT: 2, XXDG: 100_000 } }],
  });
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const ws = attachWsV2(server, {
    market,
    venue,
    faults,
    timing,
    heartbeatMs: 100,
    statusPollMs: 10,
    ...extra,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    market,
    venue,
    faults,
    timing,
    ws,
    publicUrl: `ws://127.0.0.1:${port}/ws/v2/public`,
    privateUrl: `ws://127.0.0.1:${port}/ws/v2/private`,
    token: () => venue.issueToken(API_KEY).token,
    async close() {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { waitFor } from '../sim-ws/recording-client.js';
