/**
 * Harness: a node:http server on 127.0.0.1:0 with the v2 servers attached, over the shared fake
 * market (test/sim/ws/shared/fakes.ts: hand-set books, explicit change events) and the REAL venue (createVenue), so orders,
 * fills, fees and error strings are the simulator's own.
 */
import type { Server } from 'node:http';
import type { SimPair } from '../../../../src/sim/contracts.js';
import { createFaults, type SimFaultsControl } from '../../../../src/sim/faults.js';
import { createTimingRegistry, type TimingRegistry } from '../../../../src/sim/timing.js';
import { createVenue, type VenueImpl } from '../../../../src/sim/venue/venue.js';
import { attachWsV2 } from '../../../../src/sim/ws/v2/attach.js';
import type { WsAttachDeps, WsHandle } from '../../../../src/sim/ws/shared/attach-ws.js';
import { FakeMarket, simPair } from '../shared/fakes.js';
import { listenWithWs } from '../shared/loopback-server.js';

const usdPair = (
  id: string,
  wsname: string,
  symbol: string,
  pairDecimals: number,
  lotDecimals: number,
  ordermin: number,
  baseId: string,
): SimPair => simPair({ id, wsname, symbol, pairDecimals, lotDecimals, ordermin, baseId, costmin: 0.5 });

export const PAIRS: readonly SimPair[] = [
  usdPair('XXBTZUSD', 'XBT/USD', 'BTC/USD', 1, 8, 0.0001, 'XXBT'),
  usdPair('XDGUSD', 'XDG/USD', 'DOGE/USD', 7, 8, 50, 'XXDG'),
  usdPair('MATICUSD', 'MATIC/USD', 'MATIC/USD', 4, 8, 5, 'MATIC'),
];
export const BTC = 0;
export const DOGE = 1;
export const MATIC = 2;

/** The shared fake market over the v2 pairs (its clock steps 137 µs per level set). */
export class ScriptedMarket extends FakeMarket {
  constructor() {
    super(PAIRS, 0.000137);
  }
}

export const API_KEY = 'test-key-v2';

export interface Harness {
  server: Server;
  market: ScriptedMarket;
  venue: VenueImpl;
  faults: SimFaultsControl;
  timing: TimingRegistry;
  ws: WsHandle;
  publicUrl: string;
  privateUrl: string;
  token(): string;
  close(): Promise<void>;
}

export async function startHarness(extra: Partial<WsAttachDeps> = {}): Promise<Harness> {
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
  const { server, ws, port, close } = await listenWithWs((s) =>
    attachWsV2(s, { market, venue, faults, timing, heartbeatMs: 100, statusPollMs: 10, ...extra }),
  );
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
    close,
  };
}

export { waitFor } from '../shared/recording-client.js';
