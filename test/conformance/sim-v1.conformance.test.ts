/* eslint-disable @typescript-eslint/no-explicit-any -- frames are arbitrary JSON */
/**
 * The simulator speaks the corpus's shapes (WebSocket v1): every kind of frame it sends in an
 * order's life, its acks and its public data, against the live corpus entry of the same kind —
 * same keys, same value types, null where Kraken sends null. Allowed differences are listed with
 * their reason. Simulator and Kraken cannot drift apart again without this failing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { corpus, value } from '../helpers/corpus.js';
import { ref, same, simAndClient } from './conformance-helpers.js';

/** The body of the single `{id: {...}}` item of a v1 private frame. */
const body = (frame: any): any => Object.values(frame[0][0] as object)[0];

const isEvent =
  (event: string, f: (m: any) => boolean = () => true) =>
  (m: any) =>
    !Array.isArray(m) && m?.event === event && f(m);
const isOrders = (f: (b: any) => boolean) => (m: any) =>
  Array.isArray(m) && m[1] === 'openOrders' && m[0].length === 1 && f(body(m));

describe('simulator v1 frames have the corpus shapes', () => {
  const h = simAndClient('wsPrivate', 50);

  /** A limit buy of 0.001 XBT/USD, fee in quote, at `factor` × the best `side` price. */
  const buy = (
    reqid: number,
    side: 'ask' | 'bid',
    factor: number,
    extra: Record<string, unknown> = {},
  ): void => {
    const pair = h.sim.market.pairs.find((p) => p.wsname === 'XBT/USD');
    const best = h.sim.market.levels(h.sim.market.pairIndex('XBT/USD'), side)[0];
    assert.ok(pair && best);
    const price = (best.price * factor).toFixed(pair.pairDecimals);
    h.c.send({
      event: 'addOrder',
      token: h.token,
      reqid,
      ordertype: 'limit',
      type: 'buy',
      pair: 'XBT/USD',
      price,
      volume: '0.001',
      oflags: 'fciq',
      ...extra,
    });
  };

  test('systemStatus, subscriptionStatus and the empty snapshots', async () => {
    const status = await h.c.next(isEvent('systemStatus'), 'systemStatus');
    same(status, ref('v1.systemStatus', 'systemStatus on connect'));
    h.c.send({ event: 'subscribe', subscription: { name: 'openOrders', token: h.token, ratecounter: true } });
    const oo = await h.c.next(isEvent('subscriptionStatus'), 'openOrders subscribed');
    same(oo, ref('v1.subscriptionStatus', 'openOrders subscribed'), {
      // reqid is echoed only when the request had one; this one had none.
      mayMiss: ['reqid'],
    });
    h.c.send({ event: 'subscribe', subscription: { name: 'ownTrades', token: h.token } });
    const ot = await h.c.next(
      isEvent('subscriptionStatus', (m) => m.channelName === 'ownTrades'),
      'ownTrades',
    );
    same(ot, ref('v1.subscriptionStatus', 'ownTrades subscribed'), { mayMiss: ['reqid'] });
  });

  test('an order that fills: pending, open, ack, trade, fill delta, closed', async () => {
    buy(7, 'ask', 1, { timeinforce: 'IOC' });
    const pending = await h.c.next(
      isOrders((b) => b.status === 'pending'),
      'pending',
    );
    same(body(pending), body(ref('v1.openOrders', 'pending')));
    const open = await h.c.next(
      isOrders((b) => b.status === 'open'),
      'open',
    );
    same(body(open), body(ref('v1.openOrders', 'open')));
    const ack = await h.c.next(isEvent('addOrderStatus'), 'ack');
    same(ack, ref('v1.addOrderStatus', 'ok'), { mayAdd: ['reqid'] /* echoed: this request had one */ });
    const trade = await h.c.next(
      (m) => Array.isArray(m) && m[1] === 'ownTrades' && m[0].length === 1,
      'trade',
    );
    same(trade[2], ref('v1.ownTrades', 'live trade update')[2]);
    same(body(trade), body(ref('v1.ownTrades', 'live trade update')), {
      // Kraken documents userref (and cl_ord_id) on live updates; the captured order had none set.
      mayAdd: ['userref'],
    });
    const fill = await h.c.next(
      isOrders((b) => b.status === undefined && b.vol_exec !== undefined),
      'fill delta',
    );
    same(body(fill), body(ref('v1.openOrders', 'fill delta')));
    const closed = await h.c.next(
      isOrders((b) => b.status === 'closed'),
      'closed',
    );
    const live = corpus('v1.openOrders').find((e) => e.label.startsWith('closed'));
    assert.ok(live);
    same(body(closed), body(value(live)));
  });

  test('an order canceled by its owner: canceled with its totals and cancel_reason', async () => {
    buy(8, 'bid', 0.5);
    const ack = await h.c.next(
      isEvent('addOrderStatus', (m) => m.reqid === 8),
      'resting ack',
    );
    h.c.send({ event: 'cancelOrder', token: h.token, reqid: 9, txid: [ack.txid] });
    // The update comes first, then the ack (as for addOrder).
    const canceled = await h.c.next(
      isOrders((b) => b.status === 'canceled'),
      'canceled',
    );
    same(body(canceled), body(ref('v1.openOrders', 'canceled')));
    const cancelAck = await h.c.next(isEvent('cancelOrderStatus'), 'cancel ack');
    same(cancelAck, ref('v1.cancelOrderStatus', 'ok with reqid'));
  });

  test('a refused order: addOrderStatus error, with live wording where the corpus has it', async () => {
    const send = (reqid: number, fields: Record<string, unknown>) =>
      h.c.send({
        event: 'addOrder',
        token: h.token,
        reqid,
        ordertype: 'limit',
        type: 'buy',
        volume: '0.001',
        ...fields,
      });
    const ack = (reqid: number) =>
      h.c.next(
        isEvent('addOrderStatus', (m) => m.reqid === reqid),
        `ack ${reqid}`,
      );
    send(20, { pair: 'XBT/USD', price: '1.0', volume: '-1' });
    same(await ack(20), ref('v1.addOrderStatus', 'error'), { mayAdd: ['reqid'] });
    // v1 wants the wsname: the REST altname and the v2 symbol are unknown pairs on v1.
    for (const [reqid, pair] of [
      [21, 'XBTUSD'],
      [22, 'BTC/USD'],
    ] as const) {
      send(reqid, { pair, price: '1.0' });
      assert.equal((await ack(reqid)).errorMessage, 'EQuery:Unknown asset pair', pair);
    }
    // Too many price decimals: the text live Kraken answers, naming the pair as it was sent.
    const live = corpus('error-text').find((e) => e.text.includes('Invalid price'));
    assert.ok(live);
    send(23, { pair: 'XBT/USD', price: '1.05' });
    const expected = (value(live) as string).replace('XXBTZEUR', 'XBT/USD');
    assert.equal((await ack(23)).errorMessage, expected);
  });
});

describe('simulator v1 public frames have the corpus shapes', () => {
  const h = simAndClient('wsPublic', 200);

  test('spread, heartbeat, book snapshot and update', async () => {
    h.c.send({ event: 'subscribe', reqid: 1, pair: ['XBT/USD'], subscription: { name: 'spread' } });
    const st = await h.c.next(
      isEvent('subscriptionStatus', (m) => m.status === 'subscribed'),
      'spread subscribed',
    );
    const live = corpus('v1.subscriptionStatus').find((e) => e.text.includes('"book-10"'));
    assert.ok(live);
    // The reference is a book subscription: only a book's has a depth.
    same(st, value(live), { mayAdd: ['reqid'] /* echoed */, mayMiss: ['depth'] });
    const spread = await h.c.next((m) => Array.isArray(m) && m[2] === 'spread', 'spread');
    same(spread, ref('v1.spread', 'spread XBT/USD'));
    h.c.send({ event: 'subscribe', pair: ['XBT/USD'], subscription: { name: 'book', depth: 10 } });
    const books = corpus('v1.book').filter((e) => e.file === 'python-kraken-sdk-book-sessions.json');
    const snap = await h.c.next((m) => Array.isArray(m) && m[1]?.as !== undefined, 'book snapshot');
    same(snap[1], (value(books[0] as never) as any)[1]);
    const upd = await h.c.next(
      (m) => Array.isArray(m) && String(m[m.length - 2]).startsWith('book') && m[1]?.as === undefined,
      'book update',
    );
    const liveUpd = value(books.find((e) => !e.text.includes('"as"')) as never) as any;
    for (const part of upd.slice(1, -2))
      same(
        part,
        { ...liveUpd[1], ...(part.a !== undefined ? { a: liveUpd[1].b } : {}) },
        { mayMiss: ['a', 'b', 'c'] },
      );
    const hb = await h.c.next(isEvent('heartbeat'), 'heartbeat').catch(() => null);
    if (hb !== null) same(hb, ref('v1.heartbeat', 'heartbeat'));
  });
});
