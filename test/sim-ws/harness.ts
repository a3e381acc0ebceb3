/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
/**
 * Test harness: a node:http server on 127.0.0.1:0 with the v1 servers attached over the fakes, and
 * a recording WebSocket client that waits on conditions with a deadline (no sleeps).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { attachWsV1, type WsV1Deps, type WsV1Handle } from '../../src/sim/ws/attach-ws-v1.js';
import { createFaults, type SimFaultsControl } from '../../src/sim/faults.js';
import { FakeMarket, FakeVenue } from './fakes.js';

export const WAIT_MS = 4000;

export interface Harness {
  server: Server;
  market: FakeMarket;
  venue: FakeVenue;
  faults: SimFaultsControl;
  ws: WsV1Handle;
  url(path: string): string;
  close(): Promise<void>;
}

export async function startHarness(extra: Partial<WsV1Deps> = {}): Promise<Harness> {
  const market = new FakeMarket();
  const venue = new FakeVenue(market);
  const faults = createFaults();
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const ws = attachWsV1(server, { market, venue, faults, ...extra });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    market,
    venue,
    faults,
    ws,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    async close() {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Pred = (m: unknown, raw: string) => boolean;

export class TestClient {
  readonly raw: string[] = [];
  readonly msgs: unknown[] = [];
  private cursor = 0;
  private waiter: (() => void) | null = null;
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const s = data.toString();
      this.raw.push(s);
      let m: unknown;
      try {
        m = JSON.parse(s);
      } catch {
        m = { unparsable: s };
      }
      this.msgs.push(m);
      this.waiter?.();
    });
    ws.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static open(url: string): Promise<TestClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const c = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** Resolves when `cond()` holds; rejects after the deadline. */
  until(cond: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`timed out waiting for ${what}; got:\n${this.raw.slice(-15).join('\n')}`));
      }, ms);
      this.waiter = () => {
        if (cond()) {
          clearTimeout(timer);
          this.waiter = null;
          resolve();
        }
      };
    });
  }

  /** The next message (after the last one returned by `next`) matching `pred`. */
  async next(pred: Pred, what: string, ms = WAIT_MS): Promise<any> {
    let found = -1;
    const scan = (): boolean => {
      for (let i = this.cursor; i < this.msgs.length; i++) {
        if (pred(this.msgs[i], this.raw[i] as string)) {
          found = i;
          return true;
        }
      }
      return false;
    };
    await this.until(scan, what, ms);
    this.cursor = found + 1;
    return this.msgs[found];
  }

  /** Index of the first message matching `pred` (or -1). */
  indexOf(pred: Pred): number {
    return this.msgs.findIndex((m, i) => pred(m, this.raw[i] as string));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.terminate();
    await done;
  }
}

export const isEvent =
  (event: string, extra: (m: any) => boolean = () => true): Pred =>
  (m) =>
    typeof m === 'object' && m !== null && !Array.isArray(m) && (m as any).event === event && extra(m);

export const isChannel =
  (name: string, pair?: string): Pred =>
  (m) =>
    Array.isArray(m) && m[m.length - 2] === name && (pair === undefined || m[m.length - 1] === pair);

/** Polls a server-side condition every few ms until it holds or the deadline passes. */
export async function waitFor(cond: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const POLL_MS = 5;
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
