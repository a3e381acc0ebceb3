import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  KrakenPrivateV2,
  type AddOrderV2Result,
  type CancelOrderV2Result,
} from '../../../../src/kraken/ws/v2/private.js';
import type { ExecutionReport } from '../../../../src/kraken/ws/v2/executions-parse.js';
import { OrderNotSentError, OrderOutcomeUnknownError } from '../../../../src/kraken/order-errors.js';
import { waitFor } from '../helpers.js';
import {
  newReport,
  pendingNew,
  startFakePrivate,
  T_IN,
  T_OUT,
  tradeReport,
  type ClientMsg,
} from './fake-private-v2.js';

const ORDER = {
  order_type: 'limit',
  side: 'buy',
  symbol: 'BTC/USD',
  order_qty: '0.12340000',
  limit_price: '26500.40',
} as const;
const fastReconnect = { reconnect: { initialDelayMs: 1, maxDelayMs: 5 } };

/** A client connected to a fake endpoint and ready; both closed when the test ends. */
async function readyClient(t: TestContext) {
  const fake = await startFakePrivate();
  t.after(() => fake.close());
  const client = new KrakenPrivateV2({ url: fake.url, getToken: () => Promise.resolve('tok') }, {});
  t.after(() => client.close());
  client.start();
  await waitFor(() => client.ready, 'ready');
  return { fake, client };
}

function tokens(): { get: () => Promise<string>; count: () => number } {
  let n = 0;
  return { get: () => Promise.resolve('tok' + String(++n)), count: () => n };
}

test('addOrder before connecting is not sent (not an unknown outcome)', async () => {
  const client = new KrakenPrivateV2({ url: 'ws://127.0.0.1:9', getToken: () => Promise.resolve('t') }, {});
  await assert.rejects(
    client.addOrder(ORDER),
    (e: unknown) => e instanceof OrderNotSentError && e.code === 'NOT_CONNECTED',
  );
  client.close();
});

test('subscribes executions with the token; snapshot vs updates; add_order ok/error correlate by req_id', async (t) => {
  const fake = await startFakePrivate({
    snapshot: () => [pendingNew('OPEN01-AAAAA-BBBBBB', 7)],
    onRequest: (m, ws) => {
      if (m.method !== 'add_order') return;
      const held: ClientMsg[] = ((ws as unknown as { held?: ClientMsg[] }).held ??= []);
      held.push(m);
      if (held.length < 2) return;
      // Answer out of order: second request first, as an error; then the first as ok.
      const [first, second] = held as [ClientMsg, ClientMsg];
      ws.send(
        JSON.stringify({
          method: 'add_order',
          success: false,
          error: 'EOrder:Insufficient funds',
          req_id: second.req_id,
          time_in: T_IN,
          time_out: T_OUT,
        }),
      );
      ws.send(
        JSON.stringify({
          method: 'add_order',
          req_id: first.req_id,
          result: { order_id: 'AA5JGQ-SBMRC-SCJ7J7', order_userref: 100054 },
          success: true,
          time_in: T_IN,
          time_out: T_OUT,
        }),
      );
    },
  });
  t.after(() => fake.close());
  const seen: Array<[ExecutionReport, boolean]> = [];
  const snapshots: number[] = [];
  const tk = tokens();
  const client = new KrakenPrivateV2(
    { url: fake.url, getToken: tk.get },
    { onExecution: (r, s) => seen.push([r, s]), onSnapshot: (n) => snapshots.push(n) },
  );
  t.after(() => client.close());
  client.start();
  await waitFor(() => client.ready && seen.length === 1, 'ready + snapshot');
  const sub = fake.messages().find((m) => m.method === 'subscribe');
  assert.deepEqual(sub?.params, {
    channel: 'executions',
    token: 'tok1',
    snap_orders: true,
    snap_trades: false,
  });
  assert.deepEqual(snapshots, [1]);
  assert.equal(seen[0]?.[1], true);
  assert.equal(seen[0]?.[0].orderId, 'OPEN01-AAAAA-BBBBBB');
  assert.equal(seen[0]?.[0].orderStatus, 'pending_new');
  assert.equal(seen[0]?.[0].orderUserref, 7);
  fake.sendExecutions([
    newReport('OPEN01-AAAAA-BBBBBB'),
    tradeReport('OPEN01-AAAAA-BBBBBB', 365573, 0.005, 69160.4, 0.005),
  ]);
  await waitFor(() => seen.length === 3, 'updates');
  assert.equal(seen[1]?.[1], false);
  const trade = seen[2]?.[0];
  assert.equal(trade?.tradeId, '365573');
  assert.equal(trade?.lastQty, 0.005);
  assert.deepEqual(trade?.fees, [{ asset: 'USD', qty: 0.3458 }]);
  assert.equal(trade?.timestampSec, 1716030009.199062);

  const a = client.addOrder({ ...ORDER, order_userref: 100054, time_in_force: 'ioc' });
  const b = client.addOrder({ ...ORDER, side: 'sell', order_qty: '007.5' });
  const [ra, rb] = (await Promise.all([a, b])) as [AddOrderV2Result, AddOrderV2Result];
  assert.deepEqual(ra, {
    status: 'ok',
    reqId: ra.reqId,
    orderId: 'AA5JGQ-SBMRC-SCJ7J7',
    orderUserref: 100054,
  });
  assert.deepEqual(rb, { status: 'error', reqId: rb.reqId, errorMessage: 'EOrder:Insufficient funds' });
  // Numbers go out as JSON numbers with exactly the caller's digits (no float round trip).
  const raw = fake.server.received[0]?.filter((s) => s.includes('"add_order"')) ?? [];
  assert.ok(raw[0]?.includes('"order_qty":0.12340000,'), raw[0]);
  assert.ok(raw[0]?.includes('"limit_price":26500.40,'), raw[0]);
  assert.ok(raw[0]?.includes('"time_in_force":"ioc"'), raw[0]);
  assert.ok(raw[0]?.includes('"order_userref":100054'), raw[0]);
  assert.ok(raw[1]?.includes('"order_qty":7.5,'), raw[1]);
  const parsed = JSON.parse(raw[0] ?? '{}') as { params: Record<string, unknown>; req_id: number };
  assert.equal(parsed.params.order_qty, 0.1234);
  assert.equal(parsed.params.token, 'tok1');
  assert.equal(parsed.req_id, ra.reqId);
  assert.equal(client.stats.ordersSent, 2);
});

test('no ack within ackTimeoutMs ⇒ outcome unknown; a late ack is reported', async (t) => {
  let pending: ClientMsg | undefined;
  const fake = await startFakePrivate({ onRequest: (m) => (pending = m) });
  t.after(() => fake.close());
  const late: AddOrderV2Result[] = [];
  const client = new KrakenPrivateV2(
    { url: fake.url, getToken: () => Promise.resolve('tok'), ackTimeoutMs: 30 },
    { onLateAck: (a) => late.push(a as AddOrderV2Result) },
  );
  t.after(() => client.close());
  client.start();
  await waitFor(() => client.ready, 'ready');
  await assert.rejects(
    client.addOrder(ORDER),
    (e: unknown) => e instanceof OrderOutcomeUnknownError && e.code === 'ACK_TIMEOUT',
  );
  fake.send(
    JSON.stringify({
      method: 'add_order',
      req_id: pending?.req_id,
      result: { order_id: 'LATE01-AAAAA-BBBBBB' },
      success: true,
      time_in: T_IN,
      time_out: T_OUT,
    }),
  );
  await waitFor(() => late.length === 1, 'late ack');
  assert.equal(late[0]?.status === 'ok' && late[0].orderId, 'LATE01-AAAAA-BBBBBB');
  assert.equal(client.unknownOutcomes, 1);
});

test('socket drop before the ack ⇒ outcome unknown; reconnect fetches a new token and resubscribes', async (t) => {
  const fake = await startFakePrivate({ onRequest: (_m, ws) => ws.terminate() });
  t.after(() => fake.close());
  const tk = tokens();
  const client = new KrakenPrivateV2({ url: fake.url, getToken: tk.get, connection: fastReconnect }, {});
  t.after(() => client.close());
  client.start();
  await waitFor(() => client.ready, 'ready');
  await assert.rejects(
    client.addOrder(ORDER),
    (e: unknown) => e instanceof OrderOutcomeUnknownError && e.code === 'DISCONNECTED',
  );
  await waitFor(() => client.ready && fake.subscribes === 2, 'resubscribed');
  assert.equal(tk.count(), 2);
  assert.equal(fake.messages(1).find((m) => m.method === 'subscribe')?.params?.token, 'tok2');
});

test('sequence gap ⇒ counted, onGap, unsubscribe + subscribe, fresh snapshot', async (t) => {
  const fake = await startFakePrivate();
  t.after(() => fake.close());
  const gaps: Array<[number, number, string]> = [];
  const snapshots: number[] = [];
  const client = new KrakenPrivateV2(
    { url: fake.url, getToken: () => Promise.resolve('tok') },
    { onGap: (e, r, why) => gaps.push([e, r, why]), onSnapshot: (n) => snapshots.push(n) },
  );
  t.after(() => client.close());
  client.start();
  await waitFor(() => client.ready && snapshots.length === 1, 'ready');
  fake.sendExecutions([newReport('O1-A-B')]); // seq 2
  fake.sendExecutions([newReport('O2-A-B')], 5); // 3 and 4 missing
  await waitFor(() => snapshots.length === 2 && fake.subscribes === 2, 'resynced');
  assert.deepEqual(gaps, [[3, 5, 'sequence']]);
  assert.equal(client.stats.sequenceGaps, 1);
  const methods = fake.messages().map((m) => m.method);
  assert.deepEqual(methods, ['subscribe', 'unsubscribe', 'subscribe']);
  // After the fresh snapshot (seq 1) the next update (seq 2) is in order: no new gap.
  fake.sendExecutions([newReport('O3-A-B')]);
  await waitFor(() => client.stats.executions === 3, 'update after resync');
  assert.equal(gaps.length, 1);
  assert.equal(client.ready, true);
});

test('malformed reports are counted and skipped, the rest delivered, and trigger a resync', async (t) => {
  const fake = await startFakePrivate();
  t.after(() => fake.close());
  const got: string[] = [];
  const gaps: string[] = [];
  const errors: string[] = [];
  const client = new KrakenPrivateV2(
    { url: fake.url, getToken: () => Promise.resolve('tok') },
    {
      onExecution: (r) => got.push(r.orderId),
      onGap: (_e, _r, why) => gaps.push(why),
      onError: (c) => errors.push(c),
    },
  );
  t.after(() => client.close());
  client.start();
  await waitFor(() => client.ready, 'ready');
  const bad = [
    { exec_type: 'trade', order_id: 'X1' }, // trade without qty/price
    { exec_type: 'new' }, // no order_id
    { ...tradeReport('X2', 1, 1, 1, 1), last_qty: -1 },
    { ...tradeReport('X3', 2, 1, 1, 1), fees: 'lots' },
    { ...newReport('X4'), order_status: 'weird' },
    'not an object',
  ];
  fake.sendExecutions([...bad, newReport('GOOD01')]);
  fake.send('{"channel":"executions","type":"update","data":"x","sequence":3}');
  fake.send('not json');
  await waitFor(() => got.length === 1 && fake.subscribes === 2, 'resync');
  assert.deepEqual(got, ['GOOD01']);
  assert.equal(client.stats.malformedFrames, bad.length + 2);
  assert.ok(gaps.length >= 1 && gaps.every((g) => g === 'malformed'));
  assert.ok(errors.every((c) => c === 'BAD_FRAME'));
  assert.equal(client.connection.stats.connects, 1);
});

test('a session error from Kraken (ESession:Invalid session) ⇒ new token ⇒ resubscribe', async (t) => {
  const fake = await startFakePrivate({
    subscribeError: (tok) => (tok === 'tok1' ? 'ESession:Invalid session' : undefined), // live text
  });
  t.after(() => fake.close());
  const tk = tokens();
  const client = new KrakenPrivateV2({ url: fake.url, getToken: tk.get }, {});
  t.after(() => client.close());
  client.start();
  await waitFor(() => client.ready, 'ready with the second token');
  assert.equal(tk.count(), 2);
  assert.equal(client.stats.tokenRefreshes, 1);
  assert.equal(client.stats.subscriptionErrors, 1);
  assert.deepEqual(
    fake
      .messages()
      .filter((m) => m.method === 'subscribe')
      .map((m) => m.params?.token),
    ['tok1', 'tok2'],
  );
});

test('a failed token fetch is reported and tried again on the same socket', async (t) => {
  const fake = await startFakePrivate();
  t.after(() => fake.close());
  let calls = 0;
  const codes: string[] = [];
  const client = new KrakenPrivateV2(
    {
      url: fake.url,
      getToken: () =>
        ++calls === 1 ? Promise.reject(new Error('EAPI:Rate limit exceeded')) : Promise.resolve('tok'),
      connection: fastReconnect,
      tokenRetryBackoff: { baseMs: 1, maxMs: 5 },
    },
    { onError: (c) => codes.push(c) },
  );
  t.after(() => client.close());
  client.start();
  await waitFor(() => client.ready, 'ready after retry');
  assert.deepEqual(
    codes.filter((c) => c === 'TOKEN_ERROR'),
    ['TOKEN_ERROR'],
  );
  // A REST failure is not the socket's: no reconnect (it would close the socket and ask again).
  assert.equal(client.connection.stats.connects, 1);
});

test('cancel_order resolves after one ack per order, or on the first error', async (t) => {
  const fake = await startFakePrivate({
    onRequest: (m, ws) => {
      if (m.method !== 'cancel_order') return;
      const ids = (m.params?.order_id as string[]) ?? [];
      for (const id of ids) {
        const ok = !id.startsWith('BAD');
        ws.send(
          JSON.stringify(
            ok
              ? {
                  method: 'cancel_order',
                  req_id: m.req_id,
                  result: { order_id: id },
                  success: true,
                  time_in: T_IN,
                  time_out: T_OUT,
                }
              : {
                  method: 'cancel_order',
                  req_id: m.req_id,
                  error: 'EOrder:Unknown order',
                  success: false,
                  time_in: T_IN,
                  time_out: T_OUT,
                },
          ),
        );
      }
    },
  });
  t.after(() => fake.close());
  const client = new KrakenPrivateV2({ url: fake.url, getToken: () => Promise.resolve('tok') }, {});
  t.after(() => client.close());
  client.start();
  await waitFor(() => client.ready, 'ready');
  const ok = (await client.cancelOrder([
    'OLUMT4-UTEGU-ZYM7E9',
    'OLUMT4-UTEGU-ZYM7E8',
  ])) as CancelOrderV2Result;
  assert.deepEqual(ok, { status: 'ok', reqId: ok.reqId, cancelled: 2 });
  const bad = await client.cancelOrder(['OLUMT4-UTEGU-ZYM7E7', 'BAD000-UTEGU-ZYM7E7']);
  assert.deepEqual(bad, {
    status: 'error',
    reqId: bad.reqId,
    cancelled: 1,
    errorMessage: 'EOrder:Unknown order',
  });
  await assert.rejects(
    client.cancelOrder(['has space']),
    (e: unknown) => e instanceof OrderNotSentError && e.code === 'INVALID_ORDER',
  );
});

test('invalid order parameters are refused before sending', async (t) => {
  const { fake, client } = await readyClient(t);
  for (const bad of [
    { ...ORDER, order_qty: '1e-8' },
    { ...ORDER, order_qty: '-1' },
    { ...ORDER, order_qty: '0.000' },
    { ...ORDER, limit_price: '1,5' },
    { ...ORDER, limit_price: undefined },
    { ...ORDER, symbol: 'BTC"USD' },
  ]) {
    await assert.rejects(
      client.addOrder(bad),
      (e: unknown) => e instanceof OrderNotSentError && e.code === 'INVALID_ORDER',
    );
  }
  assert.equal(client.stats.ordersSent, 0);
  assert.equal(fake.messages().filter((m) => m.method === 'add_order').length, 0);
});

test('a rehearsed add_order is built with the same checks and sent nowhere without a rehearsal socket', async (t) => {
  const { fake, client } = await readyClient(t);
  await assert.rejects(
    client.addOrder(ORDER, true),
    (e: unknown) => e instanceof OrderNotSentError && e.code === 'REHEARSAL',
  );
  await assert.rejects(
    client.addOrder({ ...ORDER, order_qty: '-1' }, true),
    (e: unknown) => e instanceof OrderNotSentError && e.code === 'INVALID_ORDER',
  );
  assert.equal(client.stats.ordersSent, 0);
  assert.equal(fake.messages().filter((m) => m.method === 'add_order').length, 0);
});
