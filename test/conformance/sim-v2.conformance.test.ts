/* eslint-disable @typescript-eslint/no-explicit-any -- frames are arbitrary JSON */
/**
 * The simulator speaks the corpus's shapes (WebSocket v2): status, acks, ticker and book, and
 * every execution report of an order's life, against the live corpus entry of the same kind.
 * Allowed differences are listed with their reason.
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
function same(actual: unknown, expected: unknown, rules: ShapeRules = {}): void {
  const d = shapeDiff(actual, expected, rules);
  assert.equal(d.length, 0, `${describeDiff(d)}\nsimulator: ${JSON.stringify(actual)}`);
}
const isAck =
  (method: string, f: (m: any) => boolean = () => true) =>
  (m: any) =>
    m?.method === method && f(m);
const isExec = (type: string) => (m: any) =>
  m?.channel === 'executions' && m.type === 'update' && m.data?.some((d: any) => d.exec_type === type);
const report = (m: any, type: string) => m.data.find((d: any) => d.exec_type === type);
/** Kraken echoes a request's order_userref or cl_ord_id in the ack and reports: whichever was sent. */
const ID_ECHO: ShapeRules = {
  mayMiss: ['cl_ord_id', 'order_userref'],
  mayAdd: ['order_userref', 'cl_ord_id'],
};

describe('simulator v2 private frames have the corpus shapes', () => {
  let sim: RunningSimulator;
  let c: RecordingClient;
  let token: string;
  before(async () => {
    sim = await startSimulator({ port: 0, seed: 5, coins: 14, updatesPerSecond: 50 });
    token = resultOf<{ token: string }>(await privateCall(sim, 'GetWebSocketsToken')).token;
    c = await RecordingClient.open(sim.urls.wsPrivateV2);
  });
  after(async () => {
    c.ws.terminate();
    await sim.stop();
  });

  test('status and the executions subscribe ack', async () => {
    same(await c.next((m) => m?.channel === 'status', 'status'), ref('v2.status', 'status on connect'));
    c.send({ method: 'subscribe', params: { channel: 'executions', token, snap_orders: true }, req_id: 1 });
    same(await c.next(isAck('subscribe'), 'subscribe ack'), ref('v2.ack', 'subscribe executions ok'));
  });

  test('an order that fills: pending_new, new, add_order ack, trade, filled', async () => {
    const ask = sim.market.levels(sim.market.pairIndex('BTC/USD'), 'ask')[0];
    assert.ok(ask);
    const params = {
      order_type: 'limit',
      side: 'buy',
      order_qty: 0.001,
      symbol: 'BTC/USD',
      limit_price: ask.price,
      time_in_force: 'ioc',
      fee_preference: 'quote',
      order_userref: 7,
      token,
    };
    c.send({ method: 'add_order', params, req_id: 2 });
    const pending = report(await c.next(isExec('pending_new'), 'pending_new'), 'pending_new');
    same(pending, ref('v2.executions', 'pending_new (limit)').data[0]);
    const fresh = report(await c.next(isExec('new'), 'new'), 'new');
    same(fresh, ref('v2.executions', 'new').data[0]);
    same(await c.next(isAck('add_order'), 'ack'), ref('v2.ack', 'add_order ok'), ID_ECHO);
    const trade = report(await c.next(isExec('trade'), 'trade'), 'trade');
    same(trade, ref('v2.executions.report', 'trade that fills'), {
      // The captured trade reports are snapshot trades (snap_trades), which carry no cumulative
      // fields; Kraken's docs show them on live trade updates, and the simulator sends them there.
      // order_userref: echoed when the order had one (ID_ECHO).
      mayAdd: ['order_qty', 'cum_qty', 'cum_cost', 'avg_price', 'order_userref'],
    });
  });

  test('a resting order canceled by its owner: canceled with reason', async () => {
    const bid = sim.market.levels(sim.market.pairIndex('BTC/USD'), 'bid')[0];
    assert.ok(bid);
    const params = {
      order_type: 'limit',
      side: 'buy',
      order_qty: 0.001,
      symbol: 'BTC/USD',
      limit_price: Math.round(bid.price * 0.5),
      fee_preference: 'quote',
      token,
    };
    c.send({ method: 'add_order', params, req_id: 3 });
    const ack = await c.next(
      isAck('add_order', (m) => m.req_id === 3),
      'resting ack',
    );
    c.send({ method: 'cancel_order', params: { order_id: [ack.result.order_id], token }, req_id: 4 });
    const canceled = report(await c.next(isExec('canceled'), 'canceled'), 'canceled');
    same(canceled, ref('v2.executions', 'canceled').data[0]);
    same(await c.next(isAck('cancel_order'), 'cancel ack'), ref('v2.ack', 'cancel_order ok'));
  });

  test('a refused order: add_order error ack', async () => {
    const params = {
      order_type: 'limit',
      side: 'buy',
      order_qty: 0.001,
      symbol: 'XBT/USD',
      limit_price: 1,
      token,
    };
    c.send({ method: 'add_order', params, req_id: 5 });
    same(
      await c.next(
        isAck('add_order', (m) => m.req_id === 5),
        'error ack',
      ),
      ref('v2.ack', 'add_order error: permission'),
    );
  });
});

describe('simulator v2 public frames have the corpus shapes', () => {
  let sim: RunningSimulator;
  let c: RecordingClient;
  before(async () => {
    sim = await startSimulator({ port: 0, seed: 5, coins: 14, updatesPerSecond: 200 });
    c = await RecordingClient.open(sim.urls.wsPublicV2);
  });
  after(async () => {
    c.ws.terminate();
    await sim.stop();
  });

  test('ticker (event_trigger bbo) and book', async () => {
    c.send({
      method: 'subscribe',
      params: { channel: 'ticker', symbol: ['BTC/USD'], event_trigger: 'bbo' },
      req_id: 42,
    });
    same(await c.next(isAck('subscribe'), 'ticker ack'), ref('v2.ack', 'subscribe ticker ok (event_trigger'));
    const doc = ref('v2.ticker', 'ticker snapshot with timestamp');
    same(await c.next((m) => m?.channel === 'ticker' && m.type === 'snapshot', 'snapshot'), doc);
    same(await c.next((m) => m?.channel === 'ticker' && m.type === 'update', 'update'), {
      ...doc,
      type: 'update',
    });
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 10 }, req_id: 11 });
    same(
      await c.next(
        isAck('subscribe', (m) => m.req_id === 11),
        'book ack',
      ),
      ref('v2.ack', 'subscribe book ok'),
    );
    const books = corpus('v2.book').filter((e) => e.file === 'python-kraken-sdk-book-sessions.json');
    const snap = await c.next((m) => m?.channel === 'book' && m.type === 'snapshot', 'book snapshot');
    // The 2023 capture predates the book timestamp; the 2024 update in the corpus has it.
    same(snap, value(books[0] as never), { mayAdd: ['timestamp'] });
    const upd = await c.next((m) => m?.channel === 'book' && m.type === 'update', 'book update');
    same(upd, value(books[1] as never));
    same(upd, ref('v2.book', 'book update with checksum'));
  });
});
