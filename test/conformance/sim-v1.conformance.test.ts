/* eslint-disable @typescript-eslint/no-explicit-any -- frames are arbitrary JSON */
/**
 * The simulator speaks the corpus's shapes (WebSocket v1): every kind of frame it sends in an
 * order's life, its acks and its public data, against the live corpus entry of the same kind —
 * same keys, same value types, null where Kraken sends null. Allowed differences are listed with
 * their reason. Simulator and Kraken cannot drift apart again without this failing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.js';
import { privateCall, resultOf } from '../sim-rest/helpers.js';
import { RecordingClient } from '../sim-ws/recording-client.js';
import { corpus, value } from '../helpers/corpus.js';
import { describeDiff, shapeDiff, type ShapeRules } from '../helpers/shape.js';

function ref(kind: string, label: string): any {
  const e = corpus(kind).find((x) => x.label.startsWith(label));
  assert.ok(e, `corpus ${kind}: ${label}`);
  return value(e);
}
/** The body of the single `{id: {...}}` item of a v1 private frame. */
const body = (frame: any): any => Object.values(frame[0][0] as object)[0];

function same(actual: unknown, expected: unknown, rules: ShapeRules = {}): void {
  const d = shapeDiff(actual, expected, rules);
  assert.equal(d.length, 0, `${describeDiff(d)}\nsimulator: ${JSON.stringify(actual)}`);
}

const isEvent =
  (event: string, f: (m: any) => boolean = () => true) =>
  (m: any) =>
    !Array.isArray(m) && m?.event === event && f(m);
const isOrders = (f: (b: any) => boolean) => (m: any) =>
  Array.isArray(m) && m[1] === 'openOrders' && m[0].length === 1 && f(body(m));

describe('simulator v1 frames have the corpus shapes', () => {
  let sim: RunningSimulator;
  let c: RecordingClient;
  let token: string;
  before(async () => {
    sim = await startSimulator({ port: 0, seed: 5, coins: 14, updatesPerSecond: 50 });
    token = resultOf<{ token: string }>(await privateCall(sim, 'GetWebSocketsToken')).token;
    c = await RecordingClient.open(sim.urls.wsPrivate);
  });
  after(async () => {
    c.ws.terminate();
    await sim.stop();
  });

  test('systemStatus, subscriptionStatus and the empty snapshots', async () => {
    const status = await c.next(isEvent('systemStatus'), 'systemStatus');
    same(status, ref('v1.systemStatus', 'systemStatus on connect'));
    c.send({ event: 'subscribe', subscription: { name: 'openOrders', token, ratecounter: true } });
    const oo = await c.next(isEvent('subscriptionStatus'), 'openOrders subscribed');
    same(oo, ref('v1.subscriptionStatus', 'openOrders subscribed'), {
      // reqid is echoed only when the request had one; this one had none.
      mayMiss: ['reqid'],
    });
    c.send({ event: 'subscribe', subscription: { name: 'ownTrades', token } });
    const ot = await c.next(
      isEvent('subscriptionStatus', (m) => m.channelName === 'ownTrades'),
      'ownTrades',
    );
    same(ot, ref('v1.subscriptionStatus', 'ownTrades subscribed'), { mayMiss: ['reqid'] });
  });

  test('an order that fills: pending, open, ack, trade, fill delta, closed', async () => {
    const pair = sim.market.pairs.find((p) => p.wsname === 'XBT/USD');
    assert.ok(pair);
    const ask = sim.market.levels(sim.market.pairIndex('XBT/USD'), 'ask')[0];
    assert.ok(ask);
    c.send({
      event: 'addOrder',
      token,
      reqid: 7,
      ordertype: 'limit',
      type: 'buy',
      pair: 'XBT/USD',
      price: ask.price.toFixed(pair.pairDecimals),
      volume: '0.001',
      timeinforce: 'IOC',
      oflags: 'fciq',
    });
    const pending = await c.next(
      isOrders((b) => b.status === 'pending'),
      'pending',
    );
    same(body(pending), body(ref('v1.openOrders', 'pending')));
    const open = await c.next(
      isOrders((b) => b.status === 'open'),
      'open',
    );
    same(body(open), body(ref('v1.openOrders', 'open')));
    const ack = await c.next(isEvent('addOrderStatus'), 'ack');
    same(ack, ref('v1.addOrderStatus', 'ok'), { mayAdd: ['reqid'] /* echoed: this request had one */ });
    const trade = await c.next((m) => Array.isArray(m) && m[1] === 'ownTrades' && m[0].length === 1, 'trade');
    same(trade[2], ref('v1.ownTrades', 'live trade update')[2]);
    same(body(trade), body(ref('v1.ownTrades', 'live trade update')), {
      // Kraken documents userref (and cl_ord_id) on live updates; the captured order had none set.
      mayAdd: ['userref'],
    });
    const fill = await c.next(
      isOrders((b) => b.status === undefined && b.vol_exec !== undefined),
      'fill delta',
    );
    same(body(fill), body(ref('v1.openOrders', 'fill delta')));
    const closed = await c.next(
      isOrders((b) => b.status === 'closed'),
      'closed',
    );
    const live = corpus('v1.openOrders').find((e) => e.label.startsWith('closed'));
    assert.ok(live);
    same(body(closed), body(value(live)));
  });

  test('an order canceled by its owner: canceled with its totals and cancel_reason', async () => {
    const pair = sim.market.pairs.find((p) => p.wsname === 'XBT/USD');
    assert.ok(pair);
    const bid = sim.market.levels(sim.market.pairIndex('XBT/USD'), 'bid')[0];
    assert.ok(bid);
    c.send({
      event: 'addOrder',
      token,
      reqid: 8,
      ordertype: 'limit',
      type: 'buy',
      pair: 'XBT/USD',
      price: (bid.price * 0.5).toFixed(pair.pairDecimals),
      volume: '0.001',
      oflags: 'fciq',
    });
    const ack = await c.next(
      isEvent('addOrderStatus', (m) => m.reqid === 8),
      'resting ack',
    );
    c.send({ event: 'cancelOrder', token, reqid: 9, txid: [ack.txid] });
    // The update comes first, then the ack (as for addOrder).
    const canceled = await c.next(
      isOrders((b) => b.status === 'canceled'),
      'canceled',
    );
    same(body(canceled), body(ref('v1.openOrders', 'canceled')));
    const cancelAck = await c.next(isEvent('cancelOrderStatus'), 'cancel ack');
    same(cancelAck, ref('v1.cancelOrderStatus', 'ok with reqid'));
  });

  test('a refused order: addOrderStatus error, with live wording where the corpus has it', async () => {
    const send = (reqid: number, fields: Record<string, unknown>) =>
      c.send({
        event: 'addOrder',
        token,
        reqid,
        ordertype: 'limit',
        type: 'buy',
        volume: '0.001',
        ...fields,
      });
    const ack = (reqid: number) =>
      c.next(
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
  let sim: RunningSimulator;
  let c: RecordingClient;
  before(async () => {
    sim = await startSimulator({ port: 0, seed: 5, coins: 14, updatesPerSecond: 200 });
    c = await RecordingClient.open(sim.urls.wsPublic);
  });
  after(async () => {
    c.ws.terminate();
    await sim.stop();
  });

  test('spread, heartbeat, book snapshot and update', async () => {
    c.send({ event: 'subscribe', reqid: 1, pair: ['XBT/USD'], subscription: { name: 'spread' } });
    const st = await c.next(
      isEvent('subscriptionStatus', (m) => m.status === 'subscribed'),
      'spread subscribed',
    );
    const live = corpus('v1.subscriptionStatus').find((e) => e.text.includes('"book-10"'));
    assert.ok(live);
    // The reference is a book subscription: only a book's has a depth.
    same(st, value(live), { mayAdd: ['reqid'] /* echoed */, mayMiss: ['depth'] });
    const spread = await c.next((m) => Array.isArray(m) && m[2] === 'spread', 'spread');
    same(spread, ref('v1.spread', 'spread XBT/USD'));
    c.send({ event: 'subscribe', pair: ['XBT/USD'], subscription: { name: 'book', depth: 10 } });
    const books = corpus('v1.book').filter((e) => e.file === 'python-kraken-sdk-book-sessions.json');
    const snap = await c.next((m) => Array.isArray(m) && m[1]?.as !== undefined, 'book snapshot');
    same(snap[1], (value(books[0] as never) as any)[1]);
    const upd = await c.next(
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
    const hb = await c.next(isEvent('heartbeat'), 'heartbeat').catch(() => null);
    if (hb !== null) same(hb, ref('v1.heartbeat', 'heartbeat'));
  });
});
