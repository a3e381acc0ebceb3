import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import {
  KrakenPrivateV1,
  type AddOrderResult,
  type CancelOrderResult,
} from '../../../../src/kraken/ws/v1/private.js';
import { OrderNotSentError, OrderOutcomeUnknownError } from '../../../../src/kraken/order-errors.js';
import type { OwnTrade, PrivateChannel } from '../../../../src/kraken/ws/v1/private-parse.js';
import { startServer, waitFor, type TestServer } from '../helpers.js';
import { epochMicros } from '../../../../src/clock/clock.js';
import { type GapReason } from '../../../../src/kraken/ws/shared/private-session-types.js';

type Msg = Record<string, unknown> & {
  event: string;
  reqid?: number;
  subscription?: { name: string; token: string };
};

const trade = (id: string, order: string, vol: string): string =>
  `{"${id}":{"cost":"10.0","fee":"0.04","ordertxid":"${order}","ordertype":"limit","pair":"XBT/USD","price":"50000.0","time":"1764000000.5","type":"buy","vol":"${vol}","userref":7}}`;

interface AuthOptions {
  badTokens?: Set<string>;
  onAddOrder?: (ws: WebSocket, m: Msg) => void;
  /** ownTrades snapshot items (JSON). */
  tradesSnapshot?: string[];
}

/** Kraken-like private endpoint: subscribe → status + snapshot (sequence 1); unsubscribe → status. */
async function authServer(o: AuthOptions = {}): Promise<TestServer & { tokens: string[] }> {
  const tokens: string[] = [];
  const server = await startServer((ws) => {
    ws.send('{"connectionID":1,"event":"systemStatus","status":"online","version":"1.9.1"}');
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as Msg;
      if (m.event === 'subscribe' && m.subscription) {
        const { name, token } = m.subscription;
        tokens.push(token);
        if (o.badTokens?.has(token)) {
          ws.send(
            JSON.stringify({
              errorMessage: 'ESession:Invalid session', // live text (test/corpus/)
              event: 'subscriptionStatus',
              status: 'error',
              subscription: { name },
            }),
          );
          return;
        }
        ws.send(
          JSON.stringify({
            channelName: name,
            event: 'subscriptionStatus',
            status: 'subscribed',
            reqid: m.reqid,
            subscription: { name },
          }),
        );
        const items = name === 'ownTrades' ? (o.tradesSnapshot ?? []) : [];
        ws.send(`[[${items.join(',')}],"${name}",{"sequence":1}]`);
      } else if (m.event === 'unsubscribe' && m.subscription) {
        ws.send(
          JSON.stringify({
            channelName: m.subscription.name,
            event: 'subscriptionStatus',
            status: 'unsubscribed',
            subscription: { name: m.subscription.name },
          }),
        );
      } else if (m.event === 'addOrder') {
        if (o.onAddOrder) o.onAddOrder(ws, m);
        else
          ws.send(
            JSON.stringify({
              descr: 'buy',
              event: 'addOrderStatus',
              status: 'ok',
              txid: 'OAAAAA-BBBBB-CCCCCC',
              reqid: m.reqid,
            }),
          );
      } else if (m.event === 'cancelOrder') {
        for (const _ of m.txid as string[])
          ws.send(JSON.stringify({ event: 'cancelOrderStatus', status: 'ok', reqid: m.reqid }));
      }
    });
  });
  return Object.assign(server, { tokens });
}

function client(server: TestServer, extra: Partial<ConstructorParameters<typeof KrakenPrivateV1>[0]> = {}) {
  let n = 0;
  const events = {
    trades: [] as Array<[OwnTrade, boolean]>,
    gaps: [] as Array<[PrivateChannel, number, number, GapReason]>,
    late: [] as Array<AddOrderResult | CancelOrderResult>,
    errors: [] as string[],
    tokenCalls: 0,
  };
  const c = new KrakenPrivateV1(
    {
      url: server.url,
      getToken: async () => {
        events.tokenCalls++;
        return 'tok-' + ++n;
      },
      connection: { reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
      ...extra,
    },
    {
      onTrade: (t, snap) => events.trades.push([t, snap]),
      onGap: (ch, e, r, why) => events.gaps.push([ch, e, r, why]),
      onLateAck: (a) => events.late.push(a),
      onError: (code, msg) => events.errors.push(code + ' ' + msg),
    },
  );
  return { c, events };
}

const ORDER = {
  ordertype: 'limit' as const,
  type: 'buy' as const,
  pair: 'XBT/USD',
  price: '50000.0',
  volume: '0.001',
  timeinforce: 'IOC' as const,
};

test('addOrder before connecting is not sent (not an unknown outcome)', async () => {
  const server = await authServer();
  try {
    const { c } = client(server);
    await assert.rejects(
      c.addOrder(ORDER),
      (e: Error) => e instanceof OrderNotSentError && e.code === 'NOT_CONNECTED',
    );
    c.close();
  } finally {
    await server.close();
  }
});

test('snapshot trades are marked; live trades are not; acks correlate by reqid out of order', async (t) => {
  let held: Msg | undefined;
  const server = await authServer({
    tradesSnapshot: [trade('TA', 'OA', '1.0'), trade('TB', 'OB', '2.0')],
    onAddOrder: (ws, m) => {
      if (held === undefined) {
        held = m;
        return;
      }
      ws.send(
        JSON.stringify({
          errorMessage: 'EOrder:Insufficient funds',
          event: 'addOrderStatus',
          status: 'error',
          reqid: m.reqid,
        }),
      );
      ws.send(
        JSON.stringify({
          descr: 'buy 0.001 XBTUSD',
          event: 'addOrderStatus',
          status: 'ok',
          txid: 'OFIRST-AAAAA-BBBBBB',
          reqid: held.reqid,
        }),
      );
    },
  });
  t.after(() => server.close());
  const { c, events } = client(server);
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready && events.trades.length === 2, 'ready with snapshot');
  assert.deepEqual(
    events.trades.map(([tr, snap]) => [tr.tradeId, tr.userref, snap]),
    [
      ['TA', 7, true],
      ['TB', 7, true],
    ],
  );
  assert.deepEqual(server.tokens, ['tok-1', 'tok-1']);
  const first = c.addOrder(ORDER);
  await waitFor(() => held !== undefined, 'first order at the server');
  const second = c.addOrder({ ...ORDER, type: 'sell' });
  const [r1, r2] = await Promise.all([first, second]);
  assert.deepEqual(r1, {
    status: 'ok',
    reqid: held?.reqid,
    txid: 'OFIRST-AAAAA-BBBBBB',
    descr: 'buy 0.001 XBTUSD',
  });
  assert.equal(r2.status, 'error');
  assert.equal(r2.status === 'error' && r2.errorMessage, 'EOrder:Insufficient funds');
  assert.equal(held?.token, 'tok-1');
  assert.equal(held?.timeinforce, 'IOC');
  server.sockets[0]?.send(`[[${trade('TC', 'OFIRST-AAAAA-BBBBBB', '0.001')}],"ownTrades",{"sequence":2}]`);
  await waitFor(() => events.trades.length === 3, 'live fill');
  assert.equal(events.trades[2]?.[1], false);
  assert.equal(events.trades[2]?.[0].ordertxid, 'OFIRST-AAAAA-BBBBBB');
  assert.equal(c.stats.snapshotTrades, 2);
  assert.equal(c.stats.trades, 1);
  assert.deepEqual(events.gaps, []);
  const cancelled = await c.cancelOrder(['OFIRST-AAAAA-BBBBBB', 'OSECND-AAAAA-BBBBBB']);
  assert.deepEqual(cancelled, { status: 'ok', reqid: cancelled.reqid, cancelled: 2 });
});

test('no ack within ackTimeoutMs ⇒ outcome unknown; a late ack is reported', async (t) => {
  let pending: [WebSocket, Msg] | undefined;
  const server = await authServer({
    onAddOrder: (ws, m) => {
      pending = [ws, m];
    },
  });
  t.after(() => server.close());
  const { c, events } = client(server, { ackTimeoutMs: 30 });
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready, 'ready');
  await assert.rejects(
    c.addOrder(ORDER),
    (e: Error) => e instanceof OrderOutcomeUnknownError && e.code === 'ACK_TIMEOUT',
  );
  assert.equal(c.unknownOutcomes, 1);
  const [ws, m] = pending as [WebSocket, Msg];
  ws.send(
    JSON.stringify({ event: 'addOrderStatus', status: 'ok', txid: 'OLATE1-AAAAA-BBBBBB', reqid: m.reqid }),
  );
  await waitFor(() => events.late.length === 1, 'late ack');
  const late = events.late[0];
  assert.ok(late !== undefined && 'txid' in late);
  assert.equal(late.txid, 'OLATE1-AAAAA-BBBBBB');
  assert.equal(c.stats.unmatchedAcks, 1);
});

test('socket drop before the ack ⇒ outcome unknown; reconnect fetches a new token and resubscribes', async (t) => {
  const server = await authServer({ onAddOrder: (ws) => ws.terminate() });
  t.after(() => server.close());
  const { c, events } = client(server);
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready, 'ready');
  await assert.rejects(
    c.addOrder(ORDER),
    (e: Error) => e instanceof OrderOutcomeUnknownError && e.code === 'DISCONNECTED',
  );
  assert.equal(c.ready, false);
  await waitFor(() => c.ready && server.sockets.length === 2, 'ready again');
  assert.equal(events.tokenCalls, 2);
  assert.deepEqual(server.tokens, ['tok-1', 'tok-1', 'tok-2', 'tok-2']);
});

test('sequence gap ⇒ counted, gap event, unsubscribe + subscribe, next snapshot marked', async (t) => {
  const server = await authServer();
  t.after(() => server.close());
  const { c, events } = client(server);
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready, 'ready');
  const ws = server.sockets[0] as WebSocket;
  ws.send(`[[${trade('T2', 'O2', '1')}],"ownTrades",{"sequence":2}]`);
  ws.send(`[[${trade('T4', 'O4', '1')}],"ownTrades",{"sequence":4}]`);
  await waitFor(() => events.gaps.length === 1, 'gap');
  assert.deepEqual(events.gaps[0], ['ownTrades', 3, 4, 'sequence']);
  assert.equal(c.stats.sequenceGaps, 1);
  await waitFor(
    () => (server.received[0] ?? []).filter((s) => s.includes('"ownTrades"')).length === 3 && c.ready,
    'resubscribed',
  );
  const sent = (server.received[0] ?? [])
    .filter((s) => s.includes('"ownTrades"'))
    .map((s) => (JSON.parse(s) as Msg).event);
  assert.deepEqual(sent, ['subscribe', 'unsubscribe', 'subscribe']);
  ws.send(`[[${trade('T9', 'O9', '1')}],"ownTrades",{"sequence":2}]`);
  await waitFor(() => events.trades.some(([tr]) => tr.tradeId === 'T9'), 'post-resync update');
  assert.equal(events.gaps.length, 1, 'the new subscription restarts the sequence without a false gap');
});

test('malformed private data is counted, skipped and triggers a resync', async (t) => {
  const server = await authServer();
  t.after(() => server.close());
  const { c, events } = client(server);
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready, 'ready');
  const ws = server.sockets[0] as WebSocket;
  ws.send('[[{"T1":{"price":"-1"}}],"ownTrades",{"sequence":2}]');
  ws.send('[[{"O1":{"status":"open"}}],"openOrders"');
  ws.send('[[],"mystery",{"sequence":1}]');
  await waitFor(() => c.stats.malformedFrames === 3, 'counted');
  assert.deepEqual(
    events.gaps.map((g) => [g[0], g[3]]),
    [['ownTrades', 'malformed']],
  );
  assert.equal(events.trades.length, 0);
  await waitFor(
    () => c.ready && (server.received[0] ?? []).some((s) => s.includes('"unsubscribe"')),
    'resync',
  );
});

test('openOrders snapshot and deltas are merged', async (t) => {
  const server = await authServer();
  t.after(() => server.close());
  const orders: Array<[string | undefined, number | undefined, boolean]> = [];
  const snapshots: Array<[PrivateChannel, number]> = [];
  const c = new KrakenPrivateV1(
    { url: server.url, getToken: async () => 'tok' },
    {
      onOrder: (o, _d, snap) => orders.push([o.status, o.vol_exec, snap]),
      onSnapshot: (ch, n) => snapshots.push([ch, n]),
    },
  );
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready && snapshots.length === 2, 'ready with both (empty) snapshots');
  assert.deepEqual(snapshots.sort(), [
    ['openOrders', 0],
    ['ownTrades', 0],
  ]);
  const ws = server.sockets[0] as WebSocket;
  ws.send(
    '[[{"OX1":{"status":"pending","vol":"2.0","vol_exec":"0","userref":5,"descr":{"pair":"XBT/USD","type":"buy"}}}],"openOrders",{"sequence":2}]',
  );
  ws.send('[[{"OX1":{"status":"open"}}],"openOrders",{"sequence":3}]');
  ws.send(
    '[[{"OX1":{"vol_exec":"1.0","cost":"50.0","fee":"0.2","avg_price":"50.0"}}],"openOrders",{"sequence":4}]',
  );
  await waitFor(() => orders.length === 3, 'updates');
  assert.deepEqual(orders, [
    ['pending', 0, false],
    ['open', 0, false],
    ['open', 1, false],
  ]);
  assert.equal(c.openOrders.get('OX1')?.userref, 5);
  ws.send('[[{"OX1":{"status":"canceled","cancel_reason":"User requested"}}],"openOrders",{"sequence":5}]');
  await waitFor(() => orders.length === 4, 'final');
  assert.equal(c.openOrders.size, 0);
});

test('a session error from Kraken (ESession:Invalid session) ⇒ new token ⇒ resubscribe', async (t) => {
  const server = await authServer({ badTokens: new Set(['tok-1']) });
  t.after(() => server.close());
  const { c, events } = client(server);
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready, 'ready with the second token');
  assert.equal(events.tokenCalls, 2);
  assert.equal(c.stats.tokenRefreshes, 1);
  assert.ok(c.stats.subscriptionErrors >= 1);
  assert.ok(server.tokens.includes('tok-2'));
  assert.ok(events.errors.some((e) => e.startsWith('SUBSCRIPTION_ERROR')));
  assert.ok(
    events.errors.every((e) => !e.includes('tok-')),
    'tokens never appear in errors',
  );
});

test('a failed token fetch is reported and tried again on the same socket, backed off', async (t) => {
  const server = await authServer();
  t.after(() => server.close());
  const askedAt: number[] = [];
  const errors: string[] = [];
  const c = new KrakenPrivateV1(
    {
      url: server.url,
      getToken: async () => {
        // REST refuses three times (Kraken's rate limit), then answers.
        if (askedAt.push(Date.now()) <= 3) throw new Error('EAPI:Rate limit exceeded');
        return 'tok';
      },
      connection: { reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
      tokenRetryBackoff: { baseMs: 40, maxMs: 1_000 },
    },
    { onError: (code) => errors.push(code) },
  );
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready, 'ready after the retries');
  assert.equal(askedAt.length, 4);
  assert.equal(c.stats.tokenErrors, 3);
  assert.deepEqual(
    errors.filter((e) => e === 'TOKEN_ERROR'),
    ['TOKEN_ERROR', 'TOKEN_ERROR', 'TOKEN_ERROR'],
  );
  // One socket throughout: a REST failure is not the socket's, and a reconnect would not mend it.
  assert.equal(c.connection.stats.connects, 1);
  // Equal jitter: each wait is at least half its step, and the steps double (40, 80, 160 ms).
  const waits = askedAt.slice(1).map((at, i) => at - (askedAt[i] as number));
  assert.ok(waits[0]! >= 20 && waits[1]! >= 40 && waits[2]! >= 80, `waits ${waits.join(', ')} ms`);
});

test('a refresh whose token fetch fails drops the refused token: not ready, no order sent with it, until a new one', async (t) => {
  const server = await authServer({
    onAddOrder: (ws, m) =>
      ws.send(
        JSON.stringify({
          errorMessage: 'ESession:Invalid session', // live text (test/corpus/)
          event: 'addOrderStatus',
          status: 'error',
          reqid: m.reqid,
        }),
      ),
  });
  t.after(() => server.close());
  let calls = 0;
  const c = new KrakenPrivateV1(
    {
      url: server.url,
      getToken: async () => {
        calls++;
        if (calls === 2) throw new Error('EAPI:Rate limit exceeded');
        return 'tok-' + calls;
      },
      connection: { reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
      sessionRefresh: { backoff: { baseMs: 400, maxMs: 400 } },
      tokenRetryBackoff: { baseMs: 400, maxMs: 400 },
    },
    {},
  );
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready, 'ready with the first token');
  await c.addOrder(ORDER); // Kraken: the session is invalid → a refresh, whose fetch fails
  await waitFor(() => c.stats.tokenErrors === 1, 'the refresh failed');
  assert.equal(c.ready, false, 'the refused token is not kept');
  await assert.rejects(c.addOrder(ORDER), (e: unknown) => e instanceof OrderNotSentError);
  await waitFor(() => c.ready, 'ready with the third token, on the same socket');
  assert.equal(calls, 3);
  assert.equal(c.connection.stats.connects, 1);
  const added = (server.received[0] ?? []).filter((f) => f.includes('"addOrder"'));
  assert.equal(added.length, 1, 'the second order was never sent');
});

test('a token retry due on a socket that dropped meanwhile is not made; the new socket asks for its own', async (t) => {
  const server = await authServer();
  t.after(() => server.close());
  let calls = 0;
  const c = new KrakenPrivateV1(
    {
      url: server.url,
      getToken: async () => {
        if (++calls === 1) throw new Error('EGeneral:Temporary lockout');
        return 'tok';
      },
      connection: { reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
      // The first socket's retry would come 0.5–1 s after its failure: long after the drop is seen.
      tokenRetryBackoff: { baseMs: 1_000, maxMs: 1_000 },
    },
    {},
  );
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.stats.tokenErrors === 1, 'the first fetch failed');
  server.sockets[0]?.terminate();
  await waitFor(() => c.ready, 'ready on the new socket');
  assert.equal(c.connection.stats.connects, 2);
  assert.equal(calls, 2, 'the new socket asked once');
  await new Promise((r) => setTimeout(r, 1_100)); // past the first socket's retry: it must not fire
  assert.equal(calls, 2);
});

test('a rehearsed addOrder is built with the same checks and sent nowhere without a rehearsal socket', async (t) => {
  const received: Msg[] = [];
  const server = await authServer({
    onAddOrder: (ws, m) => {
      received.push(m);
      ws.send(
        JSON.stringify({
          event: 'addOrderStatus',
          status: 'ok',
          txid: 'OREAL1-AAAAA-BBBBBB',
          reqid: m.reqid,
        }),
      );
    },
  });
  t.after(() => server.close());
  const { c } = client(server);
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready, 'ready');
  await assert.rejects(
    c.addOrder(ORDER, true),
    (e: unknown) => e instanceof OrderNotSentError && e.code === 'REHEARSAL',
  );
  await assert.rejects(
    c.addOrder({ ...ORDER, volume: '-1' }, true),
    (e: unknown) => e instanceof OrderNotSentError && e.code === 'INVALID_ORDER' && /volume/.test(e.message),
  );
  assert.equal(c.stats.ordersSent, 0);
  const ack = await c.addOrder(ORDER);
  assert.equal(ack.status, 'ok');
  assert.equal(received.length, 1, 'only the real order reached the server');
  assert.equal(c.stats.ordersSent, 1);
  assert.ok(!JSON.stringify(received[0]).includes('rehearsal'), 'the placeholder token never travels');
});

test('addOrder stamps the moment its frame went to the socket, before the ack is registered', async (t) => {
  const server = await authServer();
  t.after(() => server.close());
  const { c } = client(server);
  t.after(() => c.close());
  assert.ok(Number.isNaN(c.lastOrderWriteUs), 'no order written yet');
  c.start();
  await waitFor(() => c.ready, 'ready');
  const before = epochMicros();
  const pending = c.addOrder(ORDER);
  const after = epochMicros();
  const written = c.lastOrderWriteUs;
  assert.ok(written >= before && written <= after, `${before} ≤ ${written} ≤ ${after}`);
  assert.equal((await pending).status, 'ok');
  // An order refused before the socket (invalid) has no stamp: sendOrder (order-leg.ts) stamps it.
  await assert.rejects(c.addOrder({ ...ORDER, volume: '-1' }), OrderNotSentError);
  assert.ok(Number.isNaN(c.lastOrderWriteUs));
});

test('a frame the closing socket refuses is not sent, never in doubt: order and cancel', async (t) => {
  const server = await authServer();
  t.after(() => server.close());
  const { c } = client(server);
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready, 'ready');
  // terminate() closes the socket at once; the connection hears of it on a later turn.
  c.connection.reconnect();
  const notConnected = (e: Error): boolean => e instanceof OrderNotSentError && e.code === 'NOT_CONNECTED';
  await assert.rejects(c.addOrder(ORDER), notConnected);
  assert.equal(c.stats.ordersSent, 0);
  assert.ok(Number.isNaN(c.lastOrderWriteUs));
  await assert.rejects(c.cancelOrder(['OAAAAA-BBBBB-CCCCCC']), notConnected);
  assert.equal(c.stats.cancelsSent, 0);
  assert.equal(c.unknownOutcomes, 0, 'nothing left in doubt');
});
