/* eslint-disable @typescript-eslint/no-explicit-any -- frames are arbitrary JSON */
/**
 * The simulator speaks the corpus's shapes (WebSocket v2): status, acks, ticker and book, and
 * every execution report of an order's life, against the live corpus entry of the same kind.
 * Allowed differences are listed with their reason.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { corpus, value } from '../helpers/corpus.js';
import type { ShapeRules } from '../helpers/shape.js';
import { ref, same, simAndClient } from './conformance-helpers.js';

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
  const h = simAndClient('wsPrivateV2', 50);

  /** A limit buy of 0.001 BTC/USD, fee in quote, with `extra` params. */
  const buy = (reqId: number, price: number, extra: Record<string, unknown> = {}): void =>
    h.c.send({
      method: 'add_order',
      params: {
        order_type: 'limit',
        side: 'buy',
        order_qty: 0.001,
        symbol: 'BTC/USD',
        limit_price: price,
        fee_preference: 'quote',
        token: h.token,
        ...extra,
      },
      req_id: reqId,
    });

  test('status and the executions subscribe ack', async () => {
    same(await h.c.next((m) => m?.channel === 'status', 'status'), ref('v2.status', 'status on connect'));
    h.c.send({
      method: 'subscribe',
      params: { channel: 'executions', token: h.token, snap_orders: true },
      req_id: 1,
    });
    same(await h.c.next(isAck('subscribe'), 'subscribe ack'), ref('v2.ack', 'subscribe executions ok'));
  });

  test('an order that fills: pending_new, new, add_order ack, trade, filled', async () => {
    const i = h.sim.market.pairIndex('BTC/USD');
    const ask = h.sim.market.levels(i, 'ask')[0];
    const pair = h.sim.market.pairs[i];
    assert.ok(ask && pair);
    // 1 % above the ask, on the tick: the market moves while the order travels, and it must still fill.
    const limit = Number(
      (Math.ceil((ask.price * 1.01) / pair.tickSize) * pair.tickSize).toFixed(pair.pairDecimals),
    );
    buy(2, limit, { time_in_force: 'ioc', order_userref: 7 });
    const pending = report(await h.c.next(isExec('pending_new'), 'pending_new'), 'pending_new');
    same(pending, ref('v2.executions', 'pending_new (limit)').data[0]);
    const fresh = report(await h.c.next(isExec('new'), 'new'), 'new');
    same(fresh, ref('v2.executions', 'new').data[0]);
    same(await h.c.next(isAck('add_order'), 'ack'), ref('v2.ack', 'add_order ok'), ID_ECHO);
    const trade = report(await h.c.next(isExec('trade'), 'trade'), 'trade');
    same(trade, ref('v2.executions.report', 'trade that fills'), {
      // The captured trade reports are snapshot trades (snap_trades), which carry no cumulative
      // fields; Kraken's docs show them on live trade updates, and the simulator sends them there.
      // order_userref: echoed when the order had one (ID_ECHO).
      mayAdd: ['order_qty', 'cum_qty', 'cum_cost', 'avg_price', 'order_userref'],
    });
  });

  test('a resting order canceled by its owner: canceled with reason', async () => {
    const bid = h.sim.market.levels(h.sim.market.pairIndex('BTC/USD'), 'bid')[0];
    assert.ok(bid);
    buy(3, Math.round(bid.price * 0.5));
    const ack = await h.c.next(
      isAck('add_order', (m) => m.req_id === 3),
      'resting ack',
    );
    h.c.send({
      method: 'cancel_order',
      params: { order_id: [ack.result.order_id], token: h.token },
      req_id: 4,
    });
    const canceled = report(await h.c.next(isExec('canceled'), 'canceled'), 'canceled');
    same(canceled, ref('v2.executions', 'canceled').data[0]);
    same(await h.c.next(isAck('cancel_order'), 'cancel ack'), ref('v2.ack', 'cancel_order ok'));
  });

  test('a refused order: add_order error ack', async () => {
    const params = {
      order_type: 'limit',
      side: 'buy',
      order_qty: 0.001,
      symbol: 'XBT/USD',
      limit_price: 1,
      token: h.token,
    };
    h.c.send({ method: 'add_order', params, req_id: 5 });
    same(
      await h.c.next(
        isAck('add_order', (m) => m.req_id === 5),
        'error ack',
      ),
      ref('v2.ack', 'add_order error: permission'),
    );
  });
});

describe('simulator v2 public frames have the corpus shapes', () => {
  const h = simAndClient('wsPublicV2', 200);

  test('ticker (event_trigger bbo) and book', async () => {
    h.c.send({
      method: 'subscribe',
      params: { channel: 'ticker', symbol: ['BTC/USD'], event_trigger: 'bbo' },
      req_id: 42,
    });
    same(
      await h.c.next(isAck('subscribe'), 'ticker ack'),
      ref('v2.ack', 'subscribe ticker ok (event_trigger'),
    );
    const doc = ref('v2.ticker', 'ticker snapshot with timestamp');
    same(await h.c.next((m) => m?.channel === 'ticker' && m.type === 'snapshot', 'snapshot'), doc);
    same(await h.c.next((m) => m?.channel === 'ticker' && m.type === 'update', 'update'), {
      ...doc,
      type: 'update',
    });
    h.c.send({
      method: 'subscribe',
      params: { channel: 'book', symbol: ['BTC/USD'], depth: 10 },
      req_id: 11,
    });
    same(
      await h.c.next(
        isAck('subscribe', (m) => m.req_id === 11),
        'book ack',
      ),
      ref('v2.ack', 'subscribe book ok'),
    );
    const books = corpus('v2.book').filter((e) => e.file === 'python-kraken-sdk-book-sessions.json');
    const snap = await h.c.next((m) => m?.channel === 'book' && m.type === 'snapshot', 'book snapshot');
    // The 2023 capture predates the book timestamp; the 2024 update in the corpus has it.
    same(snap, value(books[0] as never), { mayAdd: ['timestamp'] });
    const upd = await h.c.next((m) => m?.channel === 'book' && m.type === 'update', 'book update');
    same(upd, value(books[1] as never));
    same(upd, ref('v2.book', 'book update with checksum'));
  });
});
