/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClient, addOrderStatus, isChannel, isEvent, startHarness, type Harness } from './harness.js';

const isPriv =
  (name: 'ownTrades' | 'openOrders') =>
  (m: unknown): boolean =>
    Array.isArray(m) && m.length === 3 && m[1] === name;

describe('ws v1 private', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ heartbeatMs: 100 });
    h.market.set(0, 'bid', 50000, 1);
    h.market.set(0, 'ask', 50001, 0.5);
    h.market.set(0, 'ask', 50002, 0.5);
  });
  after(() => h.close());

  async function client(t: { after(fn: () => Promise<void>): void }): Promise<TestClient> {
    const c = await TestClient.open(h.url('/ws/v1/private'));
    t.after(() => c.close());
    await c.next(isEvent('systemStatus'), 'systemStatus');
    return c;
  }

  async function subscribed(
    t: { after(fn: () => Promise<void>): void },
    apiKey: string,
  ): Promise<{ c: TestClient; token: string }> {
    const c = await client(t);
    const { token } = h.venue.issueToken(apiKey);
    c.send({ event: 'subscribe', reqid: 1, subscription: { name: 'openOrders', token } });
    await c.next(
      isEvent('subscriptionStatus', (x) => x.channelName === 'openOrders' && x.status === 'subscribed'),
      'openOrders subscribed',
    );
    await c.next(isPriv('openOrders'), 'openOrders snapshot');
    c.send({ event: 'subscribe', reqid: 2, subscription: { name: 'ownTrades', token } });
    await c.next(
      isEvent('subscriptionStatus', (x) => x.channelName === 'ownTrades' && x.status === 'subscribed'),
      'ownTrades subscribed',
    );
    await c.next(isPriv('ownTrades'), 'ownTrades snapshot');
    return { c, token };
  }

  /** The order/trade object of a one-item private frame (undefined for empty snapshots). */
  function entry(m: any): any {
    const first = m[0][0];
    return first === undefined ? undefined : Object.values(first)[0];
  }
  const hasStatus = (status: string) => (m: any) => isPriv('openOrders')(m) && entry(m)?.status === status;

  function sequences(c: TestClient, name: 'ownTrades' | 'openOrders'): number[] {
    return c.msgs.filter(isPriv(name)).map((m: any) => m[2].sequence);
  }

  test('token errors: missing, unknown, expired; public channel on the private endpoint', async (t) => {
    const c = await client(t);
    c.send({ event: 'subscribe', reqid: 1, subscription: { name: 'ownTrades' } });
    const a = await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 1),
      'missing token',
    );
    assert.equal(a.status, 'error');
    assert.equal(a.errorMessage, 'EGeneral:Invalid arguments:token');
    c.send({ event: 'subscribe', reqid: 2, subscription: { name: 'ownTrades', token: 'nope' } });
    const b = await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 2),
      'bad token',
    );
    assert.equal(b.errorMessage, 'ESession:Invalid session');
    const { token } = h.venue.issueToken('k-expired');
    h.venue.expireTokens();
    c.send({
      event: 'addOrder',
      reqid: 3,
      token,
      pair: 'XBT/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '50001',
      volume: '0.1',
    });
    const d = await c.next(
      isEvent('addOrderStatus', (x) => x.reqid === 3),
      'expired token order',
    );
    assert.equal(d.status, 'error');
    assert.equal(d.errorMessage, 'ESession:Invalid session');
    c.send({ event: 'cancelOrder', reqid: 4, token: 'nope', txid: ['X'] });
    const e = await c.next(
      isEvent('cancelOrderStatus', (x) => x.reqid === 4),
      'cancel bad token',
    );
    assert.equal(e.errorMessage, 'ESession:Invalid session');
    c.send({ event: 'subscribe', reqid: 5, pair: ['XBT/USD'], subscription: { name: 'spread' } });
    const f = await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 5),
      'public on private',
    );
    assert.match(f.errorMessage, /Try ws\.kraken\.com/);
    c.send('garbage');
    await c.next(
      isEvent('error', (x) => x.errorMessage === 'Malformed request'),
      'malformed',
    );
    c.send({ event: 'ping', reqid: 6 });
    assert.equal((await c.next(isEvent('pong'), 'pong')).reqid, 6);
    assert.equal(h.venue.addOrderCalls, 0);
  });

  test('snapshots first (sequence 1), subscribed token survives expiry, already subscribed', async (t) => {
    // Seed history: two trades and one resting order for this key.
    const key = 'k-snap';
    const tk = h.venue.issueToken(key).token;
    h.venue.addOrder(key, {
      pair: 'XBT/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '50001',
      volume: '0.1',
    });
    h.venue.addOrder(key, {
      pair: 'XBT/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '40000',
      volume: '0.2',
      userref: 9,
    });
    const c = await client(t);
    c.send({ event: 'subscribe', reqid: 11, subscription: { name: 'ownTrades', token: tk } });
    const st = await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 11),
      'ownTrades status',
    );
    assert.equal(st.status, 'subscribed');
    assert.equal(st.channelName, 'ownTrades');
    const snap = await c.next(isPriv('ownTrades'), 'ownTrades snapshot');
    assert.deepEqual(snap[2], { sequence: 1 });
    assert.equal(snap[0].length, 1);
    const [tradeId, tr] = Object.entries(snap[0][0] as Record<string, any>)[0] ?? [];
    assert.match(tradeId ?? '', /^T/);
    assert.equal(tr.pair, 'XBT/USD');
    assert.equal(tr.price, '50001.0');
    assert.equal(tr.vol, '0.10000000');
    assert.equal(typeof tr.cost, 'string');
    assert.equal(typeof tr.fee, 'string');
    assert.match(tr.time, /^\d+\.\d{6}$/);
    h.venue.expireTokens();
    c.send({ event: 'subscribe', reqid: 12, subscription: { name: 'openOrders', token: tk } });
    await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 12 && x.status === 'subscribed'),
      'openOrders with pinned token',
    );
    const oo = await c.next(isPriv('openOrders'), 'openOrders snapshot');
    assert.deepEqual(oo[2], { sequence: 1 });
    assert.equal(oo[0].length, 1);
    const o = Object.values(oo[0][0] as Record<string, any>)[0];
    assert.equal(o.status, 'open');
    assert.equal(o.userref, 9);
    assert.equal(o.vol, '0.20000000');
    assert.equal(o.descr.pair, 'XBT/USD');
    assert.equal(o.descr.price, '40000.0');
    c.send({ event: 'subscribe', reqid: 13, subscription: { name: 'openOrders', token: tk } });
    const dup = await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 13),
      'already',
    );
    assert.equal(dup.errorMessage, 'Already subscribed');
    c.send({ event: 'unsubscribe', reqid: 14, subscription: { name: 'openOrders', token: tk } });
    const un = await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 14),
      'unsubscribed',
    );
    assert.equal(un.status, 'unsubscribed');
    c.send({ event: 'unsubscribe', reqid: 15, subscription: { name: 'openOrders', token: tk } });
    assert.equal(
      (
        await c.next(
          isEvent('subscriptionStatus', (x) => x.reqid === 15),
          'not found',
        )
      ).errorMessage,
      'Subscription Not Found',
    );
  });

  test('IOC addOrder: pending/open, then addOrderStatus, then fills and close; sequences +1', async (t) => {
    const { c, token } = await subscribed(t, 'k-ioc');
    h.market.set(0, 'ask', 50001, 0.5);
    h.market.set(0, 'ask', 50002, 0.5);
    c.send({
      event: 'addOrder',
      reqid: 21,
      token,
      pair: 'XBT/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '50002',
      volume: '0.7',
      timeinforce: 'IOC',
      userref: '77',
    });
    await c.until(() => c.msgs.some(hasStatus('closed')), 'closed');
    const ack = c.indexOf(isEvent('addOrderStatus', (x) => x.reqid === 21));
    assert.ok(ack >= 0);
    const ackMsg = c.msgs[ack] as any;
    assert.equal(ackMsg.status, 'ok');
    assert.match(ackMsg.txid, /^O/);
    assert.equal(typeof ackMsg.descr, 'string');
    const items = c.msgs
      .map((m, i) => ({ m: m as any, i }))
      .filter(({ m }) => isPriv('openOrders')(m) || isPriv('ownTrades')(m))
      .filter(({ m }) => m[2].sequence > 1);
    const kinds = items.map(({ m, i }) => {
      const v = entry(m);
      return `${i < ack ? 'pre' : 'post'}:${m[1]}:${v.status ?? (m[1] === 'ownTrades' ? 'trade' : 'fill')}`;
    });
    assert.deepEqual(kinds, [
      'pre:openOrders:pending',
      'pre:openOrders:open',
      'post:ownTrades:trade',
      'post:openOrders:fill',
      'post:ownTrades:trade',
      'post:openOrders:fill',
      'post:openOrders:closed',
    ]);
    const pending = entry(items[0]?.m);
    assert.equal(pending.userref, 77);
    assert.equal(pending.timeinforce, 'IOC');
    const fill = entry(items[5]?.m);
    assert.equal(fill.vol_exec, '0.70000000');
    assert.equal(typeof fill.cost, 'string');
    assert.equal(typeof fill.fee, 'string');
    assert.equal(typeof fill.avg_price, 'string');
    const trade = entry(items[2]?.m);
    assert.equal(trade.ordertxid, ackMsg.txid);
    assert.equal(trade.userref, 77);
    assert.deepEqual(sequences(c, 'openOrders'), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(sequences(c, 'ownTrades'), [1, 2, 3]);
  });

  test('addOrder errors: venue rejection, bad fields, validate; cancelOrder ok and error', async (t) => {
    const { c, token } = await subscribed(t, 'k-err');
    c.send({
      event: 'addOrder',
      reqid: 31,
      token,
      pair: 'XBT/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '40000',
      volume: '0.00001',
    });
    const r1 = await c.next(
      isEvent('addOrderStatus', (x) => x.reqid === 31),
      'min',
    );
    assert.deepEqual(r1, {
      errorMessage: 'EOrder:Order minimum not met',
      event: 'addOrderStatus',
      status: 'error',
      reqid: 31,
    });
    assert.equal(
      (await addOrderStatus(c, token, 32, { type: 'hold', price: '1', volume: '1' }, 'type')).errorMessage,
      'EGeneral:Invalid arguments:type',
    );
    assert.equal(
      (await addOrderStatus(c, token, 33, { price: '1', volume: '1', userref: 'abc' }, 'userref'))
        .errorMessage,
      'EGeneral:Invalid arguments:userref',
    );
    // A resting order (userref as a number), then cancel it by txid, then cancel an unknown one.
    c.send({
      event: 'addOrder',
      reqid: 34,
      token,
      pair: 'XBT/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '40000',
      volume: '0.01',
      userref: 5,
      cl_ord_id: 'abc-1',
    });
    const ok = await c.next(
      isEvent('addOrderStatus', (x) => x.reqid === 34),
      'resting',
    );
    assert.equal(ok.status, 'ok');
    assert.equal(ok.cl_ord_id, 'abc-1');
    c.send({ event: 'cancelOrder', reqid: 35, token, txid: [ok.txid, 'OUNKNO-WN000-000000'] });
    const s1 = await c.next(
      isEvent('cancelOrderStatus', (x) => x.reqid === 35),
      'cancel ok',
    );
    assert.equal(s1.status, 'ok');
    const s2 = await c.next(
      isEvent('cancelOrderStatus', (x) => x.reqid === 35),
      'cancel error',
    );
    assert.equal(s2.status, 'error');
    assert.equal(s2.errorMessage, 'EOrder:Unknown order');
    await c.until(() => c.msgs.some(hasStatus('canceled')), 'canceled delta');
    const cancel = c.msgs.find(hasStatus('canceled')) as any;
    assert.equal(cancel[0][0][ok.txid].cancel_reason, 'User requested');
    c.send({ event: 'cancelOrder', reqid: 36, token, txid: 'not-a-list' });
    assert.equal(
      (
        await c.next(
          isEvent('cancelOrderStatus', (x) => x.reqid === 36),
          'txid',
        )
      ).errorMessage,
      'EGeneral:Invalid arguments:txid',
    );
    c.send({
      event: 'addOrder',
      reqid: 37,
      token,
      pair: 'XBT/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '40000',
      volume: '0.01',
      validate: 'true',
    });
    const v = await c.next(
      isEvent('addOrderStatus', (x) => x.reqid === 37),
      'validate',
    );
    assert.equal(v.status, 'ok');
    assert.equal(v.txid, undefined);
    const seq = sequences(c, 'openOrders');
    assert.deepEqual(
      seq,
      seq.map((_, i) => i + 1),
    );
  });

  test('heartbeat on a subscribed private connection', async (t) => {
    const { c } = await subscribed(t, 'k-hb');
    await c.next(isEvent('heartbeat'), 'heartbeat');
    assert.equal(c.indexOf(isChannel('spread')), -1);
  });
});
