import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KrakenOrderEntryV2, trackedStatusOf } from '../../../src/kraken/exec/order-entry-v2.js';
import { OrderTracker } from '../../../src/engine/trade/order-tracker.js';
import type { OrderRequest } from '../../../src/engine/trade/order-entry.js';
import type { Logger } from '../../../src/log/logger.js';
import type { AlertEvent } from '../../../src/engine/threads/messages.js';
import { parseExecutionReport } from '../../../src/kraken/ws/v2/executions-parse.js';
import { pair } from '../../core/fixtures.js';
import { waitFor } from '../ws/helpers.js';
import {
  filledReport,
  newReport,
  pendingNew,
  startFakePrivate,
  T_IN,
  T_OUT,
  tradeReport,
  type ClientMsg,
  type FakeOptions,
} from '../ws/v2/fake-private-v2.js';

const quietLog: Logger = {
  level: 'error',
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const BTC_USD = pair('XBT', 'USD', { symbol: 'BTC/USD', wsname: 'XBT/USD' });
const BUY: OrderRequest = {
  side: 'buy',
  ordertype: 'limit',
  pair: BTC_USD,
  volume: '0.50000000',
  price: '69160.4',
  timeinforce: 'IOC',
  userref: 42,
  deadlineMs: Date.parse('2026-12-03T10:00:03.000Z'),
};

function ack(m: ClientMsg, orderId: string): string {
  return JSON.stringify({
    method: 'add_order',
    req_id: m.req_id,
    result: { order_id: orderId, order_userref: 42 },
    success: true,
    time_in: T_IN,
    time_out: T_OUT,
  });
}

async function setup(
  t: { after(fn: () => unknown): void },
  onRequest: FakeOptions['onRequest'],
  snapshot?: FakeOptions['snapshot'],
) {
  const fake = await startFakePrivate({ onRequest, snapshot });
  t.after(() => fake.close());
  const tracker = new OrderTracker();
  let gaps = 0;
  const alerts: AlertEvent[] = [];
  const gw = new KrakenOrderEntryV2({
    url: fake.url,
    getToken: () => Promise.resolve('tok'),
    ackTimeoutMs: 2_000,
    events: tracker,
    log: quietLog,
    alert: (a) => alerts.push(a),
    onGap: () => gaps++,
  });
  t.after(() => gw.close());
  gw.start();
  await waitFor(() => gw.isReady(), 'order entry ready');
  return { fake, tracker, gw, gaps: () => gaps, alerts };
}

test('a fill before the ack, another after, then filled ⇒ waitFinal resolves with both fills', async (t) => {
  const ID = 'OGW001-AAAAA-BBBBBB';
  const { fake, tracker, gw } = await setup(t, (m, ws) => {
    if (m.method !== 'add_order') return;
    ws.send(
      JSON.stringify({
        channel: 'executions',
        type: 'update',
        data: [pendingNew(ID, 42)],
        sequence: fake.nextSeq++,
      }),
    );
    ws.send(
      JSON.stringify({
        channel: 'executions',
        type: 'update',
        data: [newReport(ID), tradeReport(ID, 365573, 0.3, 69160.4, 0.3)],
        sequence: fake.nextSeq++,
      }),
    );
    ws.send(ack(m, ID));
    ws.send(
      JSON.stringify({
        channel: 'executions',
        type: 'update',
        data: [tradeReport(ID, 365574, 0.2, 69160.3, 0.5)],
        sequence: fake.nextSeq++,
      }),
    );
    ws.send(
      JSON.stringify({
        channel: 'executions',
        type: 'update',
        data: [filledReport(ID, 0.5, 34580.18)],
        sequence: fake.nextSeq++,
      }),
    );
  });
  const r = await gw.addOrder(BUY);
  assert.deepEqual(r, { status: 'ok', txid: ID });
  assert.equal(await tracker.waitFinal(ID, 5_000, 1_000), true);
  const o = tracker.get(ID);
  assert.equal(o?.status, 'closed');
  assert.deepEqual(
    o?.fills.map((f) => [f.tradeId, f.volume, f.price, f.fee]),
    [
      ['365573', 0.3, 69160.4, 0.3458],
      ['365574', 0.2, 69160.3, 0.3458],
    ],
  );
  assert.equal(o?.fills[0]?.cost, 20748.12);
  assert.equal(o?.volExec, 0.5);
  assert.equal(o?.cost, 34580.18);
  assert.equal(o?.fee, 0.3458 + 0.3458);
  assert.equal(tracker.filledVolume(ID), 0.5);
  // What went out: the v2 symbol (not the v1 wsname), the caller's digits, ioc, userref.
  const raw = fake.server.received[0]?.find((s) => s.includes('"add_order"')) ?? '';
  assert.ok(raw.includes('"symbol":"BTC/USD"'), raw);
  assert.ok(raw.includes('"order_qty":0.50000000,'), raw);
  assert.ok(raw.includes('"limit_price":69160.4,'), raw);
  assert.ok(raw.includes('"time_in_force":"ioc"'), raw);
  assert.ok(raw.includes('"order_userref":42'), raw);
  // The fee currency is stated, never left to Kraken's side-dependent default.
  assert.ok(raw.includes('"fee_preference":"quote"'), raw);
  assert.ok(raw.includes('"order_type":"limit"') && raw.includes('"side":"buy"'), raw);
});

test('fees stay per asset: a fee in BTC and one in USD are never summed as one number', async (t) => {
  const ID = 'OGW002-AAAAA-BBBBBB';
  const { fake, tracker, gw } = await setup(t, (m, ws) => {
    if (m.method !== 'add_order') return;
    const inBase = { ...tradeReport(ID, 5001, 0.3, 69160.4, 0.3), fees: [{ asset: 'BTC', qty: 0.0012 }] };
    const inQuote = tradeReport(ID, 5002, 0.2, 69160.0, 0.5);
    ws.send(ack(m, ID));
    for (const data of [[inBase], [inQuote], [filledReport(ID, 0.5, 34580.12)]])
      ws.send(JSON.stringify({ channel: 'executions', type: 'update', data, sequence: fake.nextSeq++ }));
  });
  assert.deepEqual(await gw.addOrder(BUY), { status: 'ok', txid: ID });
  assert.equal(await tracker.waitFinal(ID, 5_000, 1_000), true);
  const o = tracker.get(ID);
  // The base fee is named in the pair's v1 spelling (XBT) and valued at its fill's price.
  assert.deepEqual(o?.fills[0]?.fees, [{ asset: 'XBT', qty: 0.0012 }]);
  assert.equal(o?.fills[0]?.fee, 0.0012 * 69160.4);
  assert.deepEqual(o?.fills[1]?.fees, [{ asset: 'USD', qty: 0.3458 }]);
  assert.equal(o?.fills[1]?.fee, 0.3458);
  assert.deepEqual(o?.fees, [
    { asset: 'XBT', qty: 0.0012 },
    { asset: 'USD', qty: 0.3458 },
  ]);
  // The order total values the base fee at the order's average price, not as 0.0012 dollars.
  const avg = 34580.12 / 0.5;
  assert.ok(Math.abs((o?.fee ?? 0) - (0.0012 * avg + 0.3458)) < 1e-9, String(o?.fee));
});

test("Kraken error ack ⇒ an error answer (Kraken's word), nothing tracked", async (t) => {
  const { gw } = await setup(t, (m, ws) => {
    if (m.method === 'add_order')
      ws.send(
        JSON.stringify({
          method: 'add_order',
          success: false,
          error: 'EOrder:Insufficient funds',
          req_id: m.req_id,
          time_in: T_IN,
          time_out: T_OUT,
        }),
      );
  });
  assert.deepEqual(await gw.addOrder(BUY), { status: 'error', errorMessage: 'EOrder:Insufficient funds' });
});

test('IOC canceled without fills ⇒ final with zero fills and the reason', async (t) => {
  const ID = 'OGW002-AAAAA-BBBBBB';
  const { fake, tracker, gw } = await setup(t, (m, ws) => {
    if (m.method !== 'add_order') return;
    ws.send(ack(m, ID));
    ws.send(
      JSON.stringify({
        channel: 'executions',
        type: 'update',
        data: [
          {
            order_id: ID,
            exec_type: 'canceled',
            order_status: 'canceled',
            cum_qty: 0,
            cum_cost: 0,
            reason: 'User requested',
            timestamp: T_OUT,
          },
        ],
        sequence: fake.nextSeq++,
      }),
    );
  });
  await gw.addOrder(BUY);
  assert.equal(await tracker.waitFinal(ID, 5_000, 1_000), true);
  const o = tracker.get(ID);
  assert.equal(o?.status, 'canceled');
  assert.equal(o?.reason, 'User requested');
  assert.equal(o?.fills.length, 0);
  assert.equal(o?.volExec, 0);
});

test('snapshot: open orders are tracked, snapshot trades are never fills; gaps and closes call onGap; a reopen is alerted', async (t) => {
  let snapshots = 0;
  const { fake, tracker, gw, gaps, alerts } = await setup(t, undefined, () =>
    // The first snapshot sees the order pending; later ones (after the resync) see it open.
    snapshots++ === 0
      ? [
          pendingNew('OPEN01-AAAAA-BBBBBB'),
          { ...tradeReport('OLD001-AAAAA-BBBBBB', 9, 1, 1, 1), order_status: 'filled' },
        ]
      : [{ ...pendingNew('OPEN01-AAAAA-BBBBBB'), exec_type: 'new', order_status: 'new' }],
  );
  await waitFor(() => tracker.get('OPEN01-AAAAA-BBBBBB') !== undefined, 'snapshot applied');
  assert.equal(tracker.get('OPEN01-AAAAA-BBBBBB')?.status, 'pending');
  assert.equal(tracker.get('OLD001-AAAAA-BBBBBB'), undefined, 'snapshot fill of a finished order ignored');
  fake.sendExecutions([newReport('OPEN01-AAAAA-BBBBBB')], 10);
  await waitFor(() => gaps() === 1 && snapshots === 2, 'gap ⇒ onGap and a fresh snapshot');
  assert.equal(tracker.get('OPEN01-AAAAA-BBBBBB')?.status, 'open');
  fake.server.sockets[0]?.terminate();
  await waitFor(() => gaps() === 2 && alerts.length === 1, 'close ⇒ onGap + alert');
  assert.equal(alerts[0]?.key, 'private-socket');
  // The client reconnects: its reopen is the close alert's all-clear, under the same key.
  await waitFor(() => alerts.length === 2, 'reopen ⇒ all-clear');
  assert.equal(alerts[1]?.key, 'private-socket');
  assert.equal(alerts[1]?.resolves, true);
  assert.match(alerts[1]?.text ?? '', /^Private socket open again, after \d+ ms$/);
  gw.close();
});

test('status mapping: v2 order_status / exec_type → tracker status', () => {
  const cases: Array<[Record<string, unknown>, string | undefined]> = [
    [{ exec_type: 'pending_new', order_status: 'pending_new' }, 'pending'],
    [{ exec_type: 'new', order_status: 'new' }, 'open'],
    [
      { exec_type: 'trade', order_status: 'partially_filled', last_qty: 1, last_price: 1, exec_id: 'E' },
      'open',
    ],
    [{ exec_type: 'filled', order_status: 'filled' }, 'closed'],
    [{ exec_type: 'canceled', order_status: 'canceled' }, 'canceled'],
    [{ exec_type: 'expired', order_status: 'expired' }, 'expired'],
    [{ exec_type: 'filled' }, 'closed'],
    [{ exec_type: 'amended' }, undefined],
  ];
  for (const [fields, want] of cases) {
    const r = parseExecutionReport({ order_id: 'O1', ...fields });
    assert.ok(r.ok);
    assert.equal(trackedStatusOf(r.report), want, JSON.stringify(fields));
  }
});

test('every add_order carries its deadline (RFC3339); an ack after the timeout reaches the tracker by userref', async (t) => {
  const ID = 'OGWLATE-AAAAA-BBBBBB';
  let held: ClientMsg | undefined;
  const { fake, tracker, gw } = await setup(t, (m) => {
    if (m.method === 'add_order') held = m;
  });
  const answer = await gw.addOrder(BUY);
  assert.equal(answer.status, 'unknown');
  assert.match(answer.status === 'unknown' ? answer.reason : '', /^OrderOutcomeUnknownError: /);
  const sent = fake.messages().find((m) => m.method === 'add_order');
  assert.equal((sent?.params as Record<string, unknown>)['deadline'], '2026-12-03T10:00:03.000Z');
  assert.equal(tracker.newsFor(42), undefined);
  assert.ok(held);
  fake.send(ack(held, ID));
  await waitFor(() => tracker.newsFor(42) !== undefined, 'the late ack noted');
  assert.deepEqual(tracker.newsFor(42), { kind: 'placed', txid: ID, via: 'late-ack' });
});

test("a late error ack (Kraken refused the order after all) is kept as the attempt's refusal", async (t) => {
  let held: ClientMsg | undefined;
  const { fake, tracker, gw } = await setup(t, (m) => {
    if (m.method === 'add_order') held = m;
  });
  assert.equal((await gw.addOrder({ ...BUY, userref: 43 })).status, 'unknown');
  assert.ok(held);
  fake.send(
    JSON.stringify({
      method: 'add_order',
      req_id: held.req_id,
      error: 'EService:Deadline elapsed',
      success: false,
      time_in: T_IN,
      time_out: T_OUT,
    }),
  );
  await waitFor(() => tracker.newsFor(43) !== undefined, 'the late refusal noted');
  assert.deepEqual(tracker.newsFor(43), { kind: 'rejected', error: 'EService:Deadline elapsed' });
});
