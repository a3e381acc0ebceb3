import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.js';
import { privateCall, resultOf } from './rest/helpers.js';

const DEADLINE_MS = 5000;

/** Collects JSON frames; `next(pred)` waits (with a deadline) for the first unseen frame matching. */
class Client {
  readonly frames: unknown[] = [];
  private wake: (() => void) | null = null;
  closed = false;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.frames.push(JSON.parse(String(d)) as unknown);
      this.wake?.();
    });
    ws.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    ws.on('error', () => {
      this.closed = true;
      this.wake?.();
    });
  }
  async find(pred: (f: unknown) => boolean, what: string): Promise<unknown> {
    const end = Date.now() + DEADLINE_MS;
    for (;;) {
      const hit = this.frames.find(pred);
      if (hit !== undefined) return hit;
      if (this.closed) throw new Error(`socket closed while waiting for ${what}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }
}

describe('end to end: REST token, WS v1 private order, venue settlement', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ seed: 21, coins: 3, updatesPerSecond: 20 });
  });
  after(() => sim.stop());

  test('an IOC buy over WS fills against the market; ownTrades and REST balances agree', async (t) => {
    const { token } = resultOf<{ token: string }>(await privateCall(sim, 'GetWebSocketsToken'));
    const ws = new WebSocket(sim.urls.wsPrivate);
    t.after(() => ws.terminate());
    const c = new Client(ws);
    await c.find((f) => (f as { event?: string }).event === 'systemStatus', 'systemStatus');
    ws.send(
      JSON.stringify({ event: 'subscribe', subscription: { name: 'ownTrades', token, snapshot: false } }),
    );
    await c.find((f) => (f as { status?: string }).status === 'subscribed', 'subscribed');

    const i = sim.market.pairIndex('XBT/USD');
    const pair = sim.market.pairs[i];
    assert.ok(pair);
    const ask = sim.market.levels(i, 'ask')[0];
    assert.ok(ask);
    const volume = Math.min(ask.qty, 0.01).toFixed(pair.lotDecimals);
    const before = resultOf<Record<string, string>>(await privateCall(sim, 'Balance'));
    ws.send(
      JSON.stringify({
        event: 'addOrder',
        token,
        reqid: 7,
        pair: 'XBT/USD',
        type: 'buy',
        ordertype: 'limit',
        timeinforce: 'IOC',
        price: ask.price.toFixed(pair.pairDecimals),
        volume,
      }),
    );
    const ack = (await c.find(
      (f) => (f as { event?: string }).event === 'addOrderStatus',
      'addOrderStatus',
    )) as {
      status: string;
      txid?: string;
      reqid?: number;
    };
    assert.equal(ack.status, 'ok', JSON.stringify(ack));
    assert.equal(ack.reqid, 7);
    const own = (await c.find((f) => Array.isArray(f) && f[1] === 'ownTrades', 'ownTrades')) as [
      Array<Record<string, { ordertxid: string; vol: string; cost: string; fee: string }>>,
      string,
      { sequence: number },
    ];
    const fills = own[0].flatMap((o) => Object.values(o));
    assert.ok(fills.length >= 1);
    assert.ok(fills.every((f) => f.ordertxid === ack.txid));
    // The venue is the source of truth: REST balances moved by exactly the trades' amounts.
    const trades = sim.venue.trades(sim.apiKey).filter((x) => x.ordertxid === ack.txid);
    const after = resultOf<Record<string, string>>(await privateCall(sim, 'Balance'));
    const usd = (s: string | undefined) => Math.round(Number(s) * 1e4);
    const spent = trades.reduce((s, x) => s + x.cost + x.fee, 0);
    // REST shows USD with 4 decimals while trade costs carry 5: equal within one display unit.
    assert.ok(Math.abs(usd(before['ZUSD']) - usd(after['ZUSD']) - Math.round(spent * 1e4)) <= 1);
    // Exactly, on the venue's own books.
    const internal = sim.venue.balances(sim.apiKey).get('ZUSD')?.balance ?? 0;
    assert.equal(Math.round((250_000 - internal) * 1e8), Math.round(spent * 1e8));
    assert.equal(after['XXBT'], trades.reduce((s, x) => s + x.vol, 0).toFixed(10));
  });
});
