/**
 * The v1 order entry: what goes out (the fee currency stated: oflags fciq) and what the tracker gets —
 * each fill's fee with its asset, taken from the order's own flags. Frames are the corpus's live
 * ones (test/corpus/), with the one field a case needs changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, type WebSocketServer } from 'ws';
import { KrakenOrderEntryV1 } from '../../../src/kraken/exec/order-entry-v1.js';
import type { OrderRequest } from '../../../src/engine/trade/order-entry.js';
import { REHEARSAL_TOKEN } from '../../../src/kraken/ws/shared/private-session.js';
import type { RehearsalTarget } from '../../../src/kraken/ws/shared/private-session-types.js';
import { OrderTracker } from '../../../src/engine/trade/order-tracker.js';
import type { Logger } from '../../../src/log/logger.js';
import type { AlertEvent } from '../../../src/engine/threads/messages.js';
import { corpus, value } from '../../helpers/corpus.js';
import { testPair } from '../../helpers/test-pair.js';
import { deadUrl, waitFor } from '../ws/helpers.js';
import { startFakePrivateV1 } from '../ws/v1/fake-private-v1.js';

const quiet: Logger = {
  level: 'error',
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const pendingItem = (): Record<string, Record<string, unknown>> => {
  const e = corpus('v1.openOrders.item')[0];
  assert.ok(e);
  return value(e) as Record<string, Record<string, unknown>>;
};
const liveTrade = (): unknown[] => {
  const e = corpus('v1.ownTrades').find((x) => x.label === 'live trade update');
  assert.ok(e);
  return value(e) as unknown[];
};

async function setup(t: { after(fn: () => unknown): void }) {
  const fake = await startFakePrivateV1();
  t.after(() => fake.server.close());
  const tracker = new OrderTracker();
  const gw = new KrakenOrderEntryV1({
    url: fake.server.url,
    getToken: async () => 'tok',
    ackTimeoutMs: 2_000,
    events: tracker,
    log: quiet,
    alert: () => undefined,
    onGap: () => undefined,
  });
  t.after(() => gw.close());
  gw.start();
  await waitFor(() => gw.isReady(), 'ready');
  return { gw, tracker, sent: fake.sent, push: fake.push, server: fake.server };
}

/** Every frame the order entry's send-path warmer receives at its loopback server, from now on. */
function framesAtWarmer(gw: KrakenOrderEntryV1): string[] {
  const frames: string[] = [];
  const warmerServer = (gw.sendWarmer as unknown as { server: WebSocketServer }).server;
  for (const c of warmerServer.clients) c.on('message', (d: Buffer) => frames.push(d.toString()));
  return frames;
}

/** A LIMIT IOC buy of XBT/USD. */
function xbtBuy(userref: number): OrderRequest {
  return {
    side: 'buy',
    ordertype: 'limit',
    pair: testPair('XBT/USD'),
    volume: '0.1',
    price: '60000.00',
    timeinforce: 'IOC',
    userref,
    deadlineMs: Date.now() + 5_000,
  };
}

/**
 * The live ETH/USD fill of the corpus, arriving for an order whose openOrders object (the corpus's
 * live pending item) carries `oflags`: the fill the tracker got.
 */
async function fillOfOrderWith(t: { after(fn: () => unknown): void }, oflags: string, fee?: string) {
  const { tracker, push } = await setup(t);
  const frame = liveTrade();
  const items = frame[0] as Array<Record<string, Record<string, string>>>;
  const [tradeId, trade] = Object.entries(items[0] as Record<string, Record<string, string>>)[0] as [
    string,
    Record<string, string>,
  ];
  const txid = trade['ordertxid'] as string;
  const body = Object.values(pendingItem())[0] as Record<string, unknown>;
  const order = { ...body, oflags, descr: { ...(body['descr'] as object), pair: 'ETH/USD' } };
  push(JSON.stringify([[{ [txid]: order }], 'openOrders', { sequence: 2 }]));
  const fill = fee === undefined ? trade : { ...trade, fee };
  push(JSON.stringify([[{ [tradeId]: fill }], 'ownTrades', { sequence: 2 }]));
  await waitFor(() => (tracker.get(txid)?.fills.length ?? 0) === 1, 'fill tracked');
  return tracker.get(txid)?.fills[0];
}

test('both legs go out with oflags fciq', async (t) => {
  const { gw, sent } = await setup(t);
  const pair = testPair('XBT/USD');
  void gw
    .addOrder({
      side: 'buy',
      ordertype: 'limit',
      pair,
      volume: '0.1',
      price: '60000.00',
      timeinforce: 'IOC',
      userref: 1,
      deadlineMs: Date.now() + 5_000,
    })
    .catch(() => undefined);
  void gw
    .addOrder({
      side: 'sell',
      ordertype: 'market',
      pair,
      volume: '0.1',
      userref: 1,
      deadlineMs: Date.now() + 5_000,
    })
    .catch(() => undefined);
  await waitFor(() => sent.filter((s) => s.includes('"addOrder"')).length === 2, 'two orders sent');
  for (const s of sent.filter((x) => x.includes('"addOrder"')))
    assert.equal((JSON.parse(s) as { oflags: string }).oflags, 'fciq', s);
});

test('a live fill of an order that said fciq: its fee is quote money', async (t) => {
  const f = await fillOfOrderWith(t, 'fciq');
  assert.deepEqual(f?.fees, [{ asset: 'USD', qty: 0.03148 }]);
  assert.equal(f?.fee, 0.03148);
});

test('a fill of an order that said fcib: its fee is in the coin, valued at the fill price', async (t) => {
  // The one change to the live frames: the order's flags say fee in base, and the fee is in ETH.
  const f = await fillOfOrderWith(t, 'fcib', '0.00001600');
  assert.deepEqual(f?.fees, [{ asset: 'ETH', qty: 0.000016 }]);
  assert.equal(f?.fee, 0.000016 * 1967.68);
});

test('a rehearsed order goes to the loopback warmer only: no token, no request id, nothing registered or stamped', async (t) => {
  const { gw, sent } = await setup(t);
  await waitFor(() => gw.sendWarmer.active, 'warmer open');
  const atWarmer = framesAtWarmer(gw);
  const client = (gw as unknown as { client: { requests: { adds: { size: number } } } }).client;
  const order = xbtBuy(7);
  const adds = (): string[] => sent.filter((x) => x.includes('"addOrder"'));
  // A real order first: its request id, its write stamp and its pending ack.
  void gw.addOrder(order);
  await waitFor(() => adds().length === 1, 'the real order at Kraken');
  const firstReqid = (JSON.parse(adds()[0] as string) as { reqid: number }).reqid;
  const stamp = gw.lastWriteUs();
  assert.ok(Number.isFinite(stamp));
  assert.equal(client.requests.adds.size, 1);

  for (let i = 0; i < 5; i++) {
    const ack = await gw.addOrder({ ...order, rehearsal: true });
    assert.equal(ack.status, 'not-sent');
    assert.match(ack.status === 'not-sent' ? ack.reason : '', /rehearsal/);
  }
  await waitFor(() => atWarmer.length === 5, 'five rehearsed frames at the loopback server');
  assert.equal(gw.sendWarmer.sent, 5);
  for (const f of atWarmer) {
    const m = JSON.parse(f) as { token: string; reqid: number; userref: string };
    assert.equal(m.token, REHEARSAL_TOKEN);
    assert.equal(m.reqid, 0);
    assert.equal(m.userref, '7', 'the order as built, only the token and request id stand-ins');
    assert.ok(!f.includes('"tok"'), 'the session token never reaches the warmer');
  }
  assert.equal(adds().length, 1, 'nothing more reached the (fake) Kraken socket');
  assert.equal(client.requests.adds.size, 1, 'no rehearsal is waiting for an ack');
  assert.equal(gw.lastWriteUs(), stamp, "the last real order's write stamp stands");

  // The next real order: Kraken's socket, the real token, the next request id; not the warmer.
  void gw.addOrder({ ...order, userref: 8 });
  await waitFor(() => adds().length === 2, 'the second real order at Kraken');
  const second = JSON.parse(adds()[1] as string) as { token: string; reqid: number };
  assert.equal(second.token, 'tok');
  assert.equal(second.reqid, firstReqid + 1);
  assert.ok(gw.lastWriteUs() > stamp);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(atWarmer.length, 5, 'the real order did not go to the warmer');
  gw.close();
  assert.equal(gw.sendWarmer.active, false, 'closed with the order entry');
});

test('a rehearsal is counted as sent only once its frame was written, and writes nothing while the order socket is down', async (t) => {
  const { gw, server } = await setup(t);
  await waitFor(() => gw.sendWarmer.active, 'warmer open');
  const atWarmer = framesAtWarmer(gw);
  const rehearsal: OrderRequest = { ...xbtBuy(7), rehearsal: true };
  assert.equal((await gw.addOrder(rehearsal)).status, 'not-sent');
  await waitFor(() => atWarmer.length === 1, 'the rehearsal at the warmer');
  assert.equal(gw.sendWarmer.sent, 1);

  // A target that hands out a socket the frame cannot be written to: handed out is not written.
  const client = (gw as unknown as { client: { rehearsalTarget: RehearsalTarget | null } }).client;
  const notOpen = new WebSocket(await deadUrl());
  notOpen.on('error', () => undefined);
  notOpen.terminate();
  let written = 0;
  client.rehearsalTarget = { socketForFrame: () => notOpen, frameWritten: () => written++ };
  assert.equal((await gw.addOrder(rehearsal)).status, 'not-sent');
  assert.equal(written, 0, 'not written, not counted');
  client.rehearsalTarget = gw.sendWarmer;

  // Kraken's end goes away (and stays away): the order socket is down, the warmer is not.
  await server.close();
  await waitFor(() => !gw.isReady(), 'the order socket down');
  assert.equal(gw.sendWarmer.active, true);
  for (let i = 0; i < 3; i++) assert.equal((await gw.addOrder(rehearsal)).status, 'not-sent');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(atWarmer.length, 1, 'nothing more written');
  assert.equal(gw.sendWarmer.sent, 1, 'nothing more counted as sent');
});

test('a token that cannot be fetched keeps the socket, is alerted once at the third failure in a row, and its return is alerted', async (t) => {
  const fake = await startFakePrivateV1();
  t.after(() => fake.server.close());
  const alerts: AlertEvent[] = [];
  let asked = 0;
  let refusing = true;
  const gw = new KrakenOrderEntryV1({
    url: fake.server.url,
    getToken: async () => {
      asked++;
      if (refusing) throw new Error('EGeneral:Permission denied');
      return 'TOKEN-AFTER-FAILURES';
    },
    ackTimeoutMs: 2_000,
    events: new OrderTracker(),
    log: quiet,
    alert: (a) => alerts.push(a),
    onGap: () => undefined,
  });
  t.after(() => gw.close());
  gw.start();
  await waitFor(() => asked >= 4, 'four fetches (0.25–0.5, 0.5–1 and 1–2 s apart)', 8_000);
  assert.equal(gw.isReady(), false);
  assert.deepEqual(
    alerts.map((a) => [a.key, a.text]),
    [
      [
        'private-token',
        'Private socket has no token: 3 fetches failed in a row (EGeneral:Permission denied); retrying',
      ],
    ],
    'one alert, no socket close',
  );
  assert.equal(fake.server.sockets.length, 1, 'the socket was kept');
  refusing = false;
  const failures = asked;
  // The next retry is 2–4 s after the fourth failure (or later, if a fifth came first).
  await waitFor(() => gw.isReady(), 'a token on the kept socket', 12_000);
  assert.deepEqual(
    alerts.slice(1).map((a) => [a.key, a.severity, a.text]),
    [['private-token', 'info', `Private socket has a token again, after ${failures} failed fetches`]],
  );
  assert.equal(fake.server.sockets.length, 1, 'still the one socket');
});
