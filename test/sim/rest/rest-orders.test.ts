import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/sim/simulator.js';
import { control, privateCall, publicCall, resultOf, startFakeSim } from './helpers.js';

type Orders = Record<string, Record<string, unknown>>;

describe('REST orders against the fake market', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startFakeSim({ balances: { ZUSD: 250000, ZEUR: 250000, USDT: 50000, XXBT: 1 } });
  });
  after(() => sim.stop());

  const add = (p: Record<string, string>) =>
    privateCall(sim, 'AddOrder', {
      pair: 'XBTUSD',
      type: 'buy',
      ordertype: 'limit',
      timeinforce: 'IOC',
      ...p,
    });

  test('each order error string over REST', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ pair: 'NOPE', price: '1', volume: '1' }, 'EQuery:Unknown asset pair'],
      [
        { price: '50010.05', volume: '0.1' },
        'EOrder:Invalid price:XBTUSD price can only be specified up to 1 decimals.',
      ],
      [{ price: '50010.0', volume: '0.100000001' }, 'EGeneral:Invalid arguments:volume'],
      [{ price: '50010.0' }, 'EGeneral:Invalid arguments:volume'],
      [{ price: '50010.0', volume: '0.1', ordertype: 'stop-loss' }, 'EGeneral:Invalid arguments:ordertype'],
      [{ price: '50010.0', volume: '0.1', type: 'short' }, 'EGeneral:Invalid arguments:type'],
      [{ price: '50010.0', volume: '0.1', userref: 'abc' }, 'EGeneral:Invalid arguments:userref'],
      [{ price: '50010.0', volume: '0.00001' }, 'EOrder:Order minimum not met'],
      [{ price: '1.0', volume: '0.1' }, 'EOrder:Cost minimum not met'],
      [{ price: '50010.0', volume: '10' }, 'EOrder:Insufficient funds'],
      [{ type: 'sell', price: '50000.0', volume: '2' }, 'EOrder:Insufficient funds'],
    ];
    for (const [p, expected] of cases) assert.deepEqual((await add(p)).error, [expected], JSON.stringify(p));
    const bal = resultOf<Record<string, string>>(await privateCall(sim, 'Balance'));
    assert.equal(bal['ZUSD'], '250000.0000', 'no rejected order moved money');
    assert.equal(resultOf<{ count: number }>(await privateCall(sim, 'TradesHistory')).count, 0);
  });

  test('validate=true answers descr without txid', async () => {
    const r = resultOf<Record<string, unknown>>(
      await add({ price: '50010.0', volume: '0.1', validate: 'true' }),
    );
    assert.deepEqual(r, { descr: { order: 'buy 0.10000000 XBTUSD @ limit 50010.0' } });
  });

  test('IOC partial fill then cancel of the rest; market buy walks levels; balances = sum of trades', async () => {
    const before = resultOf<Record<string, string>>(await privateCall(sim, 'Balance'));
    // Ask book: 0.5 @ 50010, 1 @ 50020, 3 @ 50050. IOC at 50020 for 2 → 1.5 filled, 0.5 canceled.
    const ioc = resultOf<{ txid: string[] }>(await add({ price: '50020.0', volume: '2', userref: '5' }));
    const q = resultOf<Orders>(await privateCall(sim, 'QueryOrders', { txid: ioc.txid[0] ?? '' }));
    const o = q[ioc.txid[0] ?? ''];
    assert.equal(o?.['status'], 'canceled');
    assert.equal(o?.['vol_exec'], '1.50000000');
    assert.equal(o?.['reason'], 'Order would not fill (IOC)');
    // Market buy walks the rest of the book: 0.3 at 50050.
    const mkt = resultOf<{ txid: string[] }>(
      await privateCall(sim, 'AddOrder', {
        pair: 'XXBTZUSD',
        type: 'buy',
        ordertype: 'market',
        volume: '0.3',
      }),
    );
    const th = resultOf<{ trades: Orders; count: number }>(await privateCall(sim, 'TradesHistory'));
    assert.equal(th.count, 3);
    const trades = Object.values(th.trades);
    assert.deepEqual(trades.map((t) => [t['price'], t['vol']]).reverse(), [
      ['50010.0', '0.50000000'],
      ['50020.0', '1.00000000'],
      ['50050.0', '0.30000000'],
    ]);
    assert.ok(trades.some((t) => t['ordertxid'] === mkt.txid[0]));
    const after = resultOf<Record<string, string>>(await privateCall(sim, 'Balance'));
    // Exact in integer units of 1e-5 USD (cost_decimals) and 1e-8 XBT.
    const usd = (s: string | undefined) => Math.round(Number(s) * 1e5);
    const spent = trades.reduce((s, t) => s + usd(t['cost'] as string) + usd(t['fee'] as string), 0);
    assert.equal(usd(before['ZUSD']) - usd(after['ZUSD']), spent);
    const xbt = (s: string | undefined) => Math.round(Number(s) * 1e8);
    assert.equal(
      xbt(after['XXBT']) - xbt(before['XXBT']),
      trades.reduce((s, t) => s + xbt(t['vol'] as string), 0),
    );
    // The venue's state agrees with the wire.
    const state = (await control(sim, `state?key=${encodeURIComponent(sim.apiKey)}`)).json as {
      accounts: Record<string, { trades: unknown[]; balances: Record<string, { balance: number }> }>;
    };
    assert.equal(state.accounts[sim.apiKey]?.trades.length, 3);
    assert.equal(state.accounts[sim.apiKey]?.balances['XXBT']?.balance, 2.8);
  });

  test('control: reject next order, maintenance, expire tokens', async () => {
    assert.equal(
      (await control(sim, 'faults', { rejectNextOrder: 'EOrder:Insufficient funds' })).status,
      200,
    );
    assert.deepEqual((await add({ type: 'sell', price: '40000.0', volume: '0.1' })).error, [
      'EOrder:Insufficient funds',
    ]);
    assert.deepEqual(
      (await add({ type: 'sell', price: '40000.0', volume: '0.1', validate: 'true' })).error,
      [],
      'only the next one',
    );

    await control(sim, 'faults', { systemStatus: 'maintenance' });
    assert.equal(resultOf<{ status: string }>(await publicCall(sim, 'SystemStatus')).status, 'maintenance');
    assert.deepEqual((await add({ type: 'sell', price: '40000.0', volume: '0.1' })).error, [
      'EService:Unavailable',
    ]);
    await control(sim, 'faults', { systemStatus: 'online' });
    assert.equal(resultOf<{ status: string }>(await publicCall(sim, 'SystemStatus')).status, 'online');

    const tok = resultOf<{ token: string }>(await privateCall(sim, 'GetWebSocketsToken'));
    assert.equal(sim.venue.apiKeyForToken(tok.token), sim.apiKey);
    await control(sim, 'faults', { expireTokens: true });
    assert.equal(sim.venue.apiKeyForToken(tok.token), undefined);
  });

  test('control: slow REST holds answers while on; bad fault requests change nothing', async () => {
    assert.equal((await control(sim, 'faults', { restDelayMs: 600_000 })).status, 200);
    const ac = new AbortController();
    let settled = false;
    const pending = fetch(`${sim.urls.rest}/0/public/Time`, { signal: ac.signal }).then(
      () => (settled = true),
      () => (settled = true),
    );
    // The control API is not delayed: several round trips complete while Time is still held.
    for (let i = 0; i < 5; i++) assert.equal((await control(sim, 'faults')).status, 200);
    const counters = (await control(sim, 'counters')).json as { counters: Record<string, number> };
    assert.ok((counters.counters['rest.public.Time'] ?? 0) >= 1, 'the request reached the server');
    assert.equal(settled, false, 'the delayed answer has not arrived');
    ac.abort();
    await pending;
    await control(sim, 'faults', { restDelayMs: 0 });
    assert.deepEqual((await publicCall(sim, 'Time')).error, []);

    for (const bad of [
      { restDelayMs: -1 },
      { systemStatus: 'weird' },
      { nope: 1 },
      { rejectNextOrder: 'free text' },
      [1],
    ]) {
      assert.equal((await control(sim, 'faults', bad)).status, 400, JSON.stringify(bad));
    }
    const f = (await control(sim, 'faults')).json as Record<string, unknown>;
    assert.equal(f['restDelayMs'], 0);
    assert.equal(f['systemStatus'], 'online');
    assert.equal(f['rejectNextOrder'], null);
    assert.equal((await fetch(`${sim.urls.rest}/_sim/nothing`)).status, 404);
  });

  test('control: state, counters and timing are JSON', async () => {
    const st = (await control(sim, 'state')).json as {
      systemStatus: string;
      accounts: Record<string, unknown>;
      ws: unknown;
    };
    assert.equal(st.systemStatus, 'online');
    assert.ok(sim.apiKey in st.accounts);
    assert.ok(st.ws !== undefined);
    const c = (await control(sim, 'counters')).json as { venue: { ordersAccepted: number } };
    assert.ok(c.venue.ordersAccepted >= 2);
    const t = (await control(sim, 'timing')).json as { dislocations: unknown[] };
    assert.deepEqual(t.dislocations, []);
  });
});
