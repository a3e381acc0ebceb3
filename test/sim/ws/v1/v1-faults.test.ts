/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTimingRegistry } from '../../../../src/sim/timing.js';
import {
  TestClient,
  addOrderStatus,
  isChannel,
  isEvent,
  startHarness,
  waitFor,
  type Harness,
} from './harness.js';
import type { WsAttachDeps } from '../../../../src/sim/ws/shared/attach-ws.js';

type T = { after(fn: () => Promise<void>): void };

async function harness(t: T, extra: Partial<WsAttachDeps> = {}): Promise<Harness> {
  const h = await startHarness({ heartbeatMs: 50, statusPollMs: 10, ...extra });
  t.after(() => h.close());
  h.market.set(0, 'bid', 100, 1);
  h.market.set(0, 'ask', 101, 1);
  return h;
}

async function open(t: T, h: Harness, path: 'public' | 'private'): Promise<TestClient> {
  const c = await TestClient.open(h.url(`/ws/v1/${path}`));
  t.after(() => c.close());
  await c.next(isEvent('systemStatus'), 'systemStatus');
  return c;
}

async function spreadClient(t: T, h: Harness): Promise<TestClient> {
  const c = await open(t, h, 'public');
  c.send({ event: 'subscribe', pair: ['XBT/USD'], subscription: { name: 'spread' } });
  await c.next(isChannel('spread'), 'initial spread');
  return c;
}

describe('ws v1 faults and routing', () => {
  test('dropConnections: public only, then all (through faults.onDrop)', async (t) => {
    const h = await harness(t);
    const pub = await open(t, h, 'public');
    const priv = await open(t, h, 'private');
    h.faults.dropConnections('public');
    await pub.until(() => pub.closed, 'public closed');
    assert.equal(priv.closed, false);
    priv.send({ event: 'ping', reqid: 1 });
    await priv.next(isEvent('pong'), 'private still alive');
    h.faults.dropConnections('all');
    await priv.until(() => priv.closed, 'private closed');
    const again = await open(t, h, 'public');
    assert.equal(again.closed, false);
  });

  test('stall: nothing (not even heartbeats) until stallUntilMs, then the book resumes', async (t) => {
    let now = 0;
    const h = await harness(t, { nowMs: () => now });
    const c = await spreadClient(t, h);
    await c.next(isEvent('heartbeat'), 'heartbeat before stall');
    h.faults.stallUntilMs = 1000;
    const from = c.msgs.length;
    h.market.apply(0, [[100.5, 1]], []);
    // A ping round-trip proves the server processed the change before we look.
    c.send({ event: 'ping', reqid: 1 });
    await c.next(isEvent('pong'), 'pong during stall');
    assert.equal(c.msgs.slice(from).filter((m) => isChannel('spread')(m, '')).length, 0);
    assert.ok(h.ws.stats().public.stalledChanges >= 1);
    now = 2000;
    h.market.apply(0, [[100.6, 1]], []);
    const f = await c.next(isChannel('spread'), 'spread after stall');
    assert.equal(f[1][0], '100.6');
    await c.next(isEvent('heartbeat'), 'heartbeat after stall');
  });

  test('garbage frames: that many malformed frames per public connection, consumed once', async (t) => {
    const h = await harness(t);
    const a = await open(t, h, 'public');
    const b = await open(t, h, 'public');
    h.faults.garbageFrames = 3;
    const bad = (c: TestClient): number =>
      c.raw.filter((r) => {
        try {
          const m = JSON.parse(r);
          return !(typeof m === 'object' && m !== null);
        } catch {
          return true;
        }
      }).length + c.msgs.filter((m: any) => Array.isArray(m) && m[0] === null).length;
    await a.until(() => bad(a) === 3, 'garbage on a');
    await b.until(() => bad(b) === 3, 'garbage on b');
    assert.equal(h.faults.garbageFrames, 0);
    a.send({ event: 'ping', reqid: 2 });
    await a.next(isEvent('pong'), 'alive');
  });

  test('system status change is announced on both endpoints', async (t) => {
    const h = await harness(t);
    const pub = await open(t, h, 'public');
    const priv = await open(t, h, 'private');
    h.venue.setSystemStatus('maintenance');
    assert.equal((await pub.next(isEvent('systemStatus'), 'public maintenance')).status, 'maintenance');
    assert.equal((await priv.next(isEvent('systemStatus'), 'private maintenance')).status, 'maintenance');
    h.venue.setSystemStatus('online');
    assert.equal((await pub.next(isEvent('systemStatus'), 'online again')).status, 'online');
  });

  test('rejectNextOrder, delayNextOrderMs and ackDelayMs keep one ack per order, in order', async (t) => {
    const h = await harness(t);
    const c = await open(t, h, 'private');
    const { token } = h.venue.issueToken('k-f');
    c.send({ event: 'subscribe', subscription: { name: 'openOrders', token } });
    await c.next((m) => Array.isArray(m) && m[1] === 'openOrders', 'snapshot');
    h.faults.rejectNextOrder = 'EOrder:Insufficient funds';
    assert.equal(
      (await addOrderStatus(c, token, 1, {}, 'rejected')).errorMessage,
      'EOrder:Insufficient funds',
    );
    assert.equal(h.venue.addOrderCalls, 0);
    assert.equal(h.faults.rejectNextOrder, null);
    h.faults.delayNextOrderMs = 30;
    assert.equal((await addOrderStatus(c, token, 2, {}, 'delayed')).status, 'ok');
    assert.equal(h.faults.delayNextOrderMs, 0);
    h.faults.ackDelayMs = 40;
    c.send({
      event: 'addOrder',
      reqid: 3,
      token,
      pair: 'XBT/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '101',
      volume: '0.5',
      timeinforce: 'IOC',
    });
    await c.until(
      () => c.msgs.some((m: any) => Array.isArray(m) && JSON.stringify(m).includes('"closed"')),
      'closed',
    );
    const ack = c.indexOf(isEvent('addOrderStatus', (x) => x.reqid === 3));
    assert.ok(ack >= 0);
    const after = c.msgs.slice(ack + 1).map((m) => JSON.stringify(m));
    assert.ok(
      after.some((s) => s.includes('"vol_exec"')),
      'fill after the delayed ack',
    );
    assert.ok(
      c.msgs.slice(0, ack).some((m) => JSON.stringify(m).includes('"pending"')),
      'pending before the ack',
    );
    assert.equal(c.msgs.filter((m) => isEvent('addOrderStatus')(m, '')).length, 3);
    const seq = c.msgs
      .filter((m: any) => Array.isArray(m) && m[1] === 'openOrders')
      .map((m: any) => m[2].sequence);
    assert.deepEqual(
      seq,
      seq.map((_: number, i: number) => i + 1),
    );
  });

  test('timing registry: frame written and order arrival are stamped', async (t) => {
    const timing = createTimingRegistry();
    const h = await harness(t, { timing });
    const c = await spreadClient(t, h);
    timing.registerDislocation(5, 0, 'ask', 99, process.hrtime.bigint());
    h.market.apply(0, [], [[99, 1]], 5);
    await c.next(isChannel('spread'), 'dislocation frame');
    const p = await open(t, h, 'private');
    const { token } = h.venue.issueToken('k-t');
    p.send({
      event: 'addOrder',
      reqid: 1,
      token,
      pair: 'XBT/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '99',
      volume: '0.5',
      timeinforce: 'IOC',
    });
    await p.next(isEvent('addOrderStatus'), 'ack');
    const r = timing.records()[0];
    assert.ok(r?.firstFrameWrittenNs !== null && r?.firstFrameWrittenNs !== undefined);
    assert.ok(r.firstOrderArrivedNs !== null);
    assert.ok(r.firstFrameWrittenNs >= r.openedAtNs);
  });

  test('backpressure: frames over the buffer limit are dropped and counted', async (t) => {
    const h = await harness(t, { maxBufferedBytes: -1 });
    const c = await TestClient.open(h.url('/ws/v1/public'));
    t.after(() => c.close());
    c.send({ event: 'ping', reqid: 1 });
    await waitFor(() => h.ws.stats().public.framesDropped >= 2, 'drops counted');
    assert.equal(c.msgs.length, 0);
  });

  test('an oversized request closes only that socket', async (t) => {
    const h = await harness(t);
    const big = await open(t, h, 'public');
    const other = await open(t, h, 'private');
    big.send('x'.repeat(200_000));
    await big.until(() => big.closed, 'oversized socket closed');
    other.send({ event: 'ping', reqid: 3 });
    await other.next(isEvent('pong'), 'other still served');
  });

  test('router: unknown path gets 404; other paths stay free for other attachers', async (t) => {
    const h = await harness(t);
    await assert.rejects(TestClient.open(h.url('/ws/v2/public')), /404/);
    await assert.rejects(TestClient.open(h.url('/nope')), /404/);
    const { upgradeRouterFor } = await import('../../../../src/sim/ws/shared/upgrade-router.js');
    const router = upgradeRouterFor(h.server);
    assert.deepEqual(router.paths().sort(), ['/ws/v1/private', '/ws/v1/public']);
    assert.throws(() => router.route('/ws/v1/public', () => undefined), /WS_ROUTE_TAKEN|already routed/);
    const { WebSocketServer } = await import('ws');
    const other = new WebSocketServer({ noServer: true });
    t.after(
      () =>
        new Promise<void>((r) => {
          // ws 8 reports 'close' only after every tracked client is gone.
          for (const ws of other.clients) ws.terminate();
          other.close(() => r());
        }),
    );
    other.on('connection', (ws) => ws.send('v2 here'));
    router.route('/ws/v2/public', (req, socket, head) =>
      other.handleUpgrade(req, socket, head, (ws) => other.emit('connection', ws, req)),
    );
    const c = await TestClient.open(h.url('/ws/v2/public'));
    t.after(() => c.close());
    await c.until(() => c.raw.includes('v2 here'), 'v2 attacher');
    // Close the foreign socket now: the HTTP server's close waits for upgraded sockets it does not own.
    await c.close();
    router.unroute('/ws/v2/public');
  });
});
