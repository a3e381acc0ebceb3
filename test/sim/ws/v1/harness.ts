/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
/**
 * Test harness: a node:http server on 127.0.0.1:0 with the v1 servers attached over the fakes, the
 * recording client (recording-client.ts) and predicates for v1 frames.
 */
import type { Server } from 'node:http';
import { attachWsV1 } from '../../../../src/sim/ws/v1/attach.js';
import type { WsAttachDeps, WsHandle } from '../../../../src/sim/ws/shared/attach-ws.js';
import { createFaults, type SimFaultsControl } from '../../../../src/sim/faults.js';
import { FakeMarket, FakeVenue } from '../shared/fakes.js';
import { listenWithWs } from '../shared/loopback-server.js';
import type { Pred, RecordingClient } from '../shared/recording-client.js';

/** The recording client (shared with the v2 tests) under its v1 name. */
export { RecordingClient as TestClient, WAIT_MS, waitFor, type Pred } from '../shared/recording-client.js';

export interface Harness {
  server: Server;
  market: FakeMarket;
  venue: FakeVenue;
  faults: SimFaultsControl;
  ws: WsHandle;
  url(path: string): string;
  close(): Promise<void>;
}

export async function startHarness(extra: Partial<WsAttachDeps> = {}): Promise<Harness> {
  const market = new FakeMarket();
  const venue = new FakeVenue(market);
  const faults = createFaults();
  const { server, ws, port, close } = await listenWithWs((s) =>
    attachWsV1(s, { market, venue, faults, ...extra }),
  );
  return { server, market, venue, faults, ws, url: (path) => `ws://127.0.0.1:${port}${path}`, close };
}

export const isEvent =
  (event: string, extra: (m: any) => boolean = () => true): Pred =>
  (m) =>
    typeof m === 'object' && m !== null && !Array.isArray(m) && (m as any).event === event && extra(m);

export const isChannel =
  (name: string, pair?: string): Pred =>
  (m) =>
    Array.isArray(m) && m[m.length - 2] === name && (pair === undefined || m[m.length - 1] === pair);

/** A limit buy of 0.1 XBT/USD at 90 unless `fields` says otherwise. */
const DEFAULT_ORDER = { pair: 'XBT/USD', type: 'buy', ordertype: 'limit', price: '90', volume: '0.1' };

/** Sends an addOrder (DEFAULT_ORDER with `fields` over it) and waits for its addOrderStatus. */
export async function addOrderStatus(
  c: RecordingClient,
  token: string,
  reqid: number,
  fields: Record<string, unknown>,
  what: string,
): Promise<any> {
  c.send({ event: 'addOrder', reqid, token, ...DEFAULT_ORDER, ...fields });
  return c.next(
    isEvent('addOrderStatus', (x) => x.reqid === reqid),
    what,
  );
}
