/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, startHarness, type Harness } from './harness.js';
import { RFC3339_US, V2Client, isAck, isChannel } from './v2-client.js';

const isExec = (execType?: string) => (m: any) =>
  m?.channel === 'executions' &&
  m.type === 'update' &&
  (execType === undefined || m.data[0]?.exec_type === execType);

describe('WS v2 private', () => {
  let h: Harness;
  let clients: V2Client[] = [];
  const open = async (url = h.privateUrl): Promise<V2Client> => {
    const c = await V2Client.open(url);
    clients.push(c);
    return c;
  };
  /** A connection subscribed to executions (default snapshot), snapshot consumed. */
  const subscribed = async (
    params: Record<string, unknown> = {},
  ): Promise<{ c: V2Client; token: string; snap: any }> => {
    const c = await open();
    const token = h.token();
    c.send({ method: 'subscribe', params: { channel: 'executions', token, ...params }, req_id: 1 });
    const ack = await c.next(isAck('subscribe'), 'executions ack');
    assert.equal(ack.success, true, JSON.stringify(ack));
    const snap =
      params['snap_orders'] === false && params['snap_trades'] !== true
        ? null
        : await c.next(isChannel('executions', 'snapshot'), 'snapshot');
    return { c, token, snap };
  };
  beforeEach(async () => {
    h = await startHarness();
    clients = [];
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await h.close();
  });

  test('status on connect, ping without a token', async () => {
    const c = await open();
    const st = await c.next(isChannel('status', 'update'), 'status');
    assert.equal(st.data[0].system, 'online');
    c.send({ method: 'ping', req_id: 5 });
    const pong = await c.next(isAck('pong'), 'pong');
    assert.equal(pong.req_id, 5);
    assert.match(pong.time_out, RFC3339_US);
  });

  test('token errors: missing, unknown, expired; a live subscription keeps its token', async () => {
    const c = await open();
    c.send({ method: 'subscribe', params: { channel: 'executions' }, req_id: 1 });
    assert.equal((await c.next(isAck('subscribe'), 'no token')).error, 'EGeneral:Invalid arguments:token');
    c.send({ method: 'subscribe', params: { channel: 'executions', token: 'bogus' }, req_id: 2 });
    assert.equal((await c.next(isAck('subscribe'), 'bad token')).error, 'ESession:Invalid session');
    c.send({
      method: 'add_order',
      params: { order_type: 'limit', side: 'buy', order_qty: 0.01, limit_price: 40000, symbol: 'BTC/USD' },
      req_id: 3,
    });
    const noTok = await c.next(isAck('add_order'), 'add_order without token');
    assert.deepEqual(
      [noTok.success, noTok.error, noTok.req_id],
      [false, 'EGeneral:Invalid arguments:token', 3],
    );

    const { c: live, token } = await subscribed();
    const spare = h.token();
    h.venue.expireTokens();
    const order = {
      order_type: 'limit',
      side: 'buy',
      order_qty: 0.01,
      limit_price: 40000,
      symbol: 'BTC/USD',
    };
    c.send({ method: 'add_order', params: { ...order, token: spare }, req_id: 4 });
    assert.equal((await c.next(isAck('add_order'), 'expired token')).error, 'ESession:Invalid session');
    live.send({ method: 'add_order', params: { ...order, token }, req_id: 5 });
    assert.equal((await live.next(isAck('add_order'), 'pinned token')).success, true);
  });

  test('add_order IOC that walks two levels: pending_new, new, ack, trade, trade, filled; sequence +1', async () => {
    const { c, snap } = await subscribed();
    assert.equal(snap.sequence, 1);
    assert.deepEqual(snap.data, []);
    const ackSub = c.first(isAck('subscribe'));
    assert.equal(ackSub.result.channel, 'executions');
    assert.equal(ackSub.result.maxratecount, h.venue.tradingLimits.threshold);
    c.send({
      method: 'add_order',
      params: {
        order_type: 'limit',
        side: 'buy',
        order_qty: 0.7,
        limit_price: 50020,
        time_in_force: 'ioc',
        order_userref: 42,
        symbol: 'BTC/USD',
        token: h.token(),
      },
      req_id: 77,
    });
    const filled = await c.next(isExec('filled'), 'filled');
    const execs = c.all((m) => m?.channel === 'executions' && m.type === 'update');
    assert.deepEqual(
      execs.map((m) => m.data[0].exec_type),
      ['pending_new', 'new', 'trade', 'trade', 'filled'],
    );
    assert.deepEqual(
      execs.map((m) => m.sequence),
      [2, 3, 4, 5, 6],
    );
    const ack = c.first(isAck('add_order'));
    assert.equal(ack.success, true);
    assert.equal(ack.req_id, 77);
    const orderId = ack.result.order_id;
    assert.deepEqual(ack.result, { order_id: orderId, order_userref: 42 });
    const iAck = c.msgs.indexOf(ack);
    assert.ok(
      c.msgs.indexOf(execs[1]) < iAck && iAck < c.msgs.indexOf(execs[2]),
      'ack between new and the first trade',
    );

    const [pending, neu, t1, t2] = execs.map((m) => m.data[0]);
    assert.equal(pending.order_id, orderId);
    assert.equal(pending.order_status, 'pending_new');
    assert.deepEqual(
      [
        pending.symbol,
        pending.side,
        pending.order_type,
        pending.order_qty,
        pending.limit_price,
        pending.time_in_force,
      ],
      ['BTC/USD', 'buy', 'limit', 0.7, 50020, 'IOC'],
    );
    assert.equal(pending.order_userref, 42);
    assert.match(pending.timestamp, RFC3339_US);
    assert.deepEqual([neu.order_id, neu.order_status], [orderId, 'new']);
    assert.deepEqual(
      [t1.last_qty, t1.last_price, t1.liquidity_ind, t1.cost, t1.cum_qty, t1.cum_cost, t1.order_status],
      [0.5, 50010, 't', 25005, 0.5, 25005, 'partially_filled'],
    );
    assert.deepEqual(t1.fees, [{ asset: 'USD', qty: 100.02 }]);
    assert.equal(typeof t1.exec_id, 'string');
    assert.equal(typeof t1.trade_id, 'number');
    assert.deepEqual(
      [t2.last_qty, t2.last_price, t2.cum_qty, t2.cum_cost, t2.order_status],
      [0.2, 50020, 0.7, 35009, 'filled'],
    );
    assert.notEqual(t1.exec_id, t2.exec_id);
    assert.equal(t2.avg_price, 50012.9);
    assert.deepEqual([filled.data[0].order_status, filled.data[0].cum_qty], ['filled', 0.7]);
  });

  test('add_order errors use the venue strings; v1 names and wrong types are refused', async () => {
    const c = await open();
    const token = h.token();
    const base = {
      order_type: 'limit',
      side: 'buy',
      order_qty: 0.01,
      limit_price: 40000,
      symbol: 'BTC/USD',
      token,
    };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ order_qty: 10, limit_price: 50010 }, 'EOrder:Insufficient funds'],
      [{ symbol: 'XBT/USD' }, 'EQuery:Unknown asset pair'],
      [{ order_qty: '0.01' }, 'EGeneral:Invalid arguments:order_qty'],
      [
        { limit_price: 40000.05 },
        'EOrder:Invalid price:BTC/USD price can only be specified up to 1 decimals.',
      ],
      [{ time_in_force: 'GTC' }, 'EGeneral:Invalid arguments:time_in_force'],
      [{ order_type: 'stop-loss' }, 'EGeneral:Invalid arguments:order_type'],
      [{ order_qty: 0.00001 }, 'EOrder:Order minimum not met'],
      [{ order_userref: 1, cl_ord_id: 'x' }, 'EGeneral:Invalid arguments:cl_ord_id'],
    ];
    let id = 100;
    for (const [change, error] of cases) {
      c.send({ method: 'add_order', params: { ...base, ...change }, req_id: ++id });
      const ack = await c.next(isAck('add_order'), error);
      assert.deepEqual([ack.success, ack.error, ack.req_id], [false, error, id], JSON.stringify(change));
      assert.match(ack.time_in, RFC3339_US);
    }
    assert.equal(h.venue.openOrders(API_KEY).length, 0);
    c.send({ method: 'add_order', params: { ...base, validate: true }, req_id: 1 });
    const v = await c.next(isAck('add_order'), 'validate');
    assert.equal(v.success, true);
    assert.equal(v.result.order_id, undefined, 'validate places nothing');
    assert.equal(h.venue.openOrders(API_KEY).length, 0);
  });

  test('cancel_order: one ack per order, canceled report first; unknown order', async () => {
    const { c, token } = await subscribed();
    const place = async (extra: Record<string, unknown>, reqId: number): Promise<string> => {
      c.send({
        method: 'add_order',
        params: {
          order_type: 'limit',
          side: 'buy',
          order_qty: 0.01,
          limit_price: 40000,
          symbol: 'BTC/USD',
          token,
          ...extra,
        },
        req_id: reqId,
      });
      const ack = await c.next(
        isAck('add_order', (m) => m.req_id === reqId),
        `ack ${reqId}`,
      );
      assert.equal(ack.success, true, JSON.stringify(ack));
      return ack.result.order_id as string;
    };
    const a = await place({ cl_ord_id: 'my-order-1' }, 1);
    const b = await place({ order_userref: 9 }, 2);
    const d = await place({ order_userref: 9 }, 3);
    c.send({ method: 'cancel_order', params: { cl_ord_id: ['my-order-1'], token }, req_id: 10 });
    const ackA = await c.next(isAck('cancel_order'), 'cancel ack');
    assert.deepEqual(ackA.result, { order_id: a, cl_ord_id: 'my-order-1' });
    const canceled = c.all(isExec('canceled'));
    assert.equal(canceled.length, 1);
    assert.deepEqual([canceled[0].data[0].order_id, canceled[0].data[0].reason], [a, 'User requested']);
    assert.ok(c.msgs.indexOf(canceled[0]) < c.msgs.indexOf(ackA), 'canceled report before the ack');
    c.send({ method: 'cancel_order', params: { order_userref: [9], token }, req_id: 11 });
    const r1 = await c.next(isAck('cancel_order'), 'userref ack 1');
    const r2 = await c.next(isAck('cancel_order'), 'userref ack 2');
    assert.deepEqual(new Set([r1.result.order_id, r2.result.order_id]), new Set([b, d]));
    c.send({ method: 'cancel_order', params: { order_id: ['OXXXXX-XXXXX-XXXXXX'], token }, req_id: 12 });
    const unknown = await c.next(isAck('cancel_order'), 'unknown');
    assert.deepEqual([unknown.success, unknown.error, unknown.req_id], [false, 'EOrder:Unknown order', 12]);
    c.send({ method: 'cancel_order', params: { order_id: 'not-an-array', token }, req_id: 13 });
    assert.equal(
      (await c.next(isAck('cancel_order'), 'bad shape')).error,
      'EGeneral:Invalid arguments:order_id',
    );
    assert.equal(h.venue.openOrders(API_KEY).length, 0);
  });

  test('batch_add: results in request order; one invalid order rejects the whole batch', async () => {
    const { c, token } = await subscribed();
    const o1 = { order_type: 'limit', side: 'buy', order_qty: 0.01, limit_price: 40000, order_userref: 1 };
    const o2 = { order_type: 'limit', side: 'sell', order_qty: 0.02, limit_price: 60000.5, order_userref: 2 };
    c.send({ method: 'batch_add', params: { symbol: 'BTC/USD', token, orders: [o1, o2] }, req_id: 20 });
    const ok = await c.next(isAck('batch_add'), 'batch ack');
    assert.equal(ok.success, true, JSON.stringify(ok));
    assert.deepEqual(
      ok.result.map((r: any) => r.order_userref),
      [1, 2],
    );
    const open = h.venue.openOrders(API_KEY);
    assert.deepEqual(
      ok.result.map((r: any) => r.order_id),
      [open[0]?.txid, open[1]?.txid],
    );
    await c.until(() => c.all(isExec('new')).length === 2, 'two new reports');

    const bad = { ...o2, limit_price: 60000.55 };
    c.send({ method: 'batch_add', params: { symbol: 'BTC/USD', token, orders: [o1, bad] }, req_id: 21 });
    const rej = await c.next(isAck('batch_add'), 'whole-batch reject');
    assert.deepEqual(
      [rej.success, rej.error, rej.req_id],
      [false, 'EOrder:Invalid price:BTC/USD price can only be specified up to 1 decimals.', 21],
    );
    c.send({ method: 'batch_add', params: { symbol: 'BTC/USD', token, orders: [o1] }, req_id: 22 });
    assert.equal((await c.next(isAck('batch_add'), 'one order')).error, 'EGeneral:Invalid arguments:orders');
    c.send({ method: 'batch_add', params: { symbol: 'XBT/USD', token, orders: [o1, o2] }, req_id: 23 });
    assert.equal((await c.next(isAck('batch_add'), 'v1 symbol')).error, 'EQuery:Unknown asset pair');
    assert.equal(h.venue.openOrders(API_KEY).length, 2, 'nothing placed by rejected batches');
  });

  test('executions snapshot: open orders and (snap_trades) fills; order_status:false drops pending_new', async () => {
    const first = await subscribed();
    const token = first.token;
    first.c.send({
      method: 'add_order',
      params: {
        order_type: 'limit',
        side: 'buy',
        order_qty: 0.01,
        limit_price: 40000,
        symbol: 'BTC/USD',
        token,
      },
      req_id: 1,
    });
    first.c.send({
      method: 'add_order',
      params: { order_type: 'market', side: 'buy', order_qty: 0.1, symbol: 'BTC/USD', token },
      req_id: 2,
    });
    await first.c.next(isExec('filled'), 'market order filled');
    const second = await subscribed({ snap_trades: true, order_status: false });
    const kinds = second.snap.data.map((e: any) => e.exec_type).sort();
    assert.deepEqual(kinds, ['new', 'trade']);
    assert.equal(second.snap.sequence, 1);
    second.c.send({
      method: 'add_order',
      params: {
        order_type: 'limit',
        side: 'buy',
        order_qty: 0.01,
        limit_price: 39000,
        symbol: 'BTC/USD',
        token,
      },
      req_id: 3,
    });
    await second.c.next(isExec('new'), 'new on the filtered connection');
    assert.equal(second.c.all(isExec('pending_new')).length, 0);
    assert.equal(second.c.msgs.filter((m) => m?.channel === 'executions').at(-1).sequence, 2);
    await first.c.until(
      () => first.c.all(isExec('new')).length === 3,
      'other connection of the same key sees it too',
    );
  });

  test('unsubscribe, unknown channel, public channel on the private endpoint', async () => {
    const { c, token } = await subscribed();
    c.send({ method: 'subscribe', params: { channel: 'executions', token }, req_id: 2 });
    assert.equal((await c.next(isAck('subscribe'), 'dup')).error, 'Already subscribed');
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'] }, req_id: 3 });
    assert.match((await c.next(isAck('subscribe'), 'public')).error, /unavailable on this endpoint/);
    c.send({ method: 'unsubscribe', params: { channel: 'executions', token }, req_id: 4 });
    assert.deepEqual((await c.next(isAck('unsubscribe'), 'unsub')).result, { channel: 'executions' });
    c.send({ method: 'subscribe', params: { channel: 'executions', token, snap_orders: false }, req_id: 6 });
    assert.equal((await c.next(isAck('subscribe'), 're-subscribe')).result.snapshot, false);
    await c.next(isChannel('heartbeat'), 'heartbeat while subscribed and idle');
    c.send({ method: 'frobnicate', req_id: 5 });
    assert.equal(
      (await c.next((m) => m?.success === false && m.req_id === 5, 'unknown method')).error,
      'Method not found',
    );
  });
});
