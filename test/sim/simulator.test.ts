import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import { upgradeRouterFor } from '../../src/sim/ws/shared/upgrade-router.js';
import { startSimulator, type RunningSimulator, type WsAttacher } from '../../src/sim/simulator.js';
import { control, privateCall, publicCall, resultOf } from './rest/helpers.js';

/** Waits for `cond` with a deadline (no sleeps in tests). */
async function until(cond: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('startSimulator with the real market and WS servers', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ seed: 11, coins: 3, updatesPerSecond: 50 });
  });
  after(() => sim.stop());

  test('urls, credentials and one port for REST, control and WS', async () => {
    assert.match(sim.urls.rest, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(sim.urls.wsPublic, `ws://127.0.0.1:${sim.port}/ws/v1/public`);
    assert.equal(sim.urls.wsPrivate, `ws://127.0.0.1:${sim.port}/ws/v1/private`);
    assert.equal(Buffer.from(sim.apiSecret, 'base64').length, 64);
    const pairs = resultOf<Record<string, unknown>>(await publicCall(sim, 'AssetPairs'));
    assert.equal(Object.keys(pairs).length, sim.market.pairs.length);
    assert.deepEqual((await privateCall(sim, 'Balance')).error, []);
  });

  test('drop-connections fault closes WS connections', async () => {
    const ws = new WebSocket(sim.urls.wsPublic);
    let closed = false;
    let first: string | undefined;
    ws.on('message', (d) => (first ??= String(d)));
    ws.on('close', () => (closed = true));
    ws.on('error', () => (closed = true));
    await until(() => first !== undefined || closed, 'systemStatus');
    assert.match(first ?? '', /"event":"systemStatus"/);
    assert.equal((await control(sim, 'faults', { dropConnections: 'all' })).status, 200);
    await until(() => closed, 'the connection to be dropped');
    ws.terminate();
  });

  test('an order that could take a dislocation has its arrival stamped', async () => {
    const r = (await control(sim, 'dislocate', { leg: 'buy' })).json as {
      dislocation: { id: number; pairIndex: number; side: string; price: number } | null;
    };
    assert.ok(r.dislocation, 'a dislocation opened');
    const d = r.dislocation;
    const pair = sim.market.pairs[d.pairIndex];
    assert.ok(pair);
    assert.equal(d.side, 'ask');
    const add = await privateCall(sim, 'AddOrder', {
      pair: pair.altname,
      type: 'buy',
      ordertype: 'limit',
      timeinforce: 'IOC',
      price: d.price.toFixed(pair.pairDecimals),
      volume: pair.ordermin.toFixed(pair.lotDecimals),
    });
    // Funds or minimums may refuse it; the arrival counts either way.
    void add;
    const t = (await control(sim, 'timing')).json as {
      dislocations: Array<{ id: number; openedAtNs: string; firstOrderArrivedNs: string | null }>;
    };
    const rec = t.dislocations.find((x) => x.id === d.id);
    assert.ok(rec, 'registered from the market');
    assert.ok(rec.firstOrderArrivedNs !== null);
    assert.ok(BigInt(rec.firstOrderArrivedNs) > BigInt(rec.openedAtNs));
  });

  test('extra WS servers plug in through wsAttachers and are closed by stop()', async () => {
    let closed = 0;
    const attach: WsAttacher = (server, deps) => {
      assert.equal(deps.venue.systemStatus(), 'online');
      const wss = new WebSocketServer({ noServer: true });
      upgradeRouterFor(server).route('/ws/extra/public', (req, socket, head) =>
        wss.handleUpgrade(req, socket, head, (c) => c.send('{"channel":"status"}')),
      );
      return {
        close: async () => {
          closed++;
          for (const c of wss.clients) c.terminate();
          await new Promise<void>((r) => wss.close(() => r()));
        },
        stats: () => ({ extra: true }),
      };
    };
    const s2 = await startSimulator({ seed: 3, coins: 2, updatesPerSecond: 10, wsAttachers: [attach] });
    try {
      const c = new WebSocket(`ws://127.0.0.1:${s2.port}/ws/extra/public`);
      let msg: string | undefined;
      let failed = false;
      c.on('message', (d) => (msg = String(d)));
      c.on('error', () => (failed = true));
      await until(() => msg !== undefined || failed, 'the extra route to answer');
      assert.equal(msg, '{"channel":"status"}');
      c.terminate();
      const st = (await control(s2, 'state')).json as { ws: { extra: unknown[] } };
      assert.deepEqual(st.ws.extra, [{ extra: true }]);
    } finally {
      await s2.stop();
    }
    assert.equal(closed, 1);
  });

  test('stop() is idempotent and closes the port', async () => {
    const s2 = await startSimulator({ seed: 2, coins: 2, updatesPerSecond: 10 });
    const url = s2.urls.rest;
    await Promise.all([s2.stop(), s2.stop()]);
    await assert.rejects(fetch(`${url}/0/public/Time`));
  });
});
