/**
 * The v1 gateway: what goes out (the fee currency stated: oflags fciq) and what the tracker gets —
 * each fill's fee with its asset, taken from the order's own flags. Frames are the corpus's live
 * ones (test/corpus/), with the one field a case needs changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderGatewayV1 } from '../../src/engine/order-gateway-v1.js';
import { OrderTracker } from '../../src/engine/order-tracker.js';
import type { Logger } from '../../src/log/logger.js';
import { corpus, value } from '../helpers/corpus.js';
import { testPair } from '../helpers/test-pair.js';
import { startServer, waitFor } from './helpers.js';

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
  const sent: string[] = [];
  const server = await startServer((ws) => {
    ws.send('{"connectionID":1,"event":"systemStatus","status":"online","version":"1.9.1"}');
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      sent.push(text);
      const m = JSON.parse(text) as { event: string; reqid?: number; subscription?: { name: string } };
      if (m.event === 'subscribe' && m.subscription !== undefined) {
        const name = m.subscription.name;
        ws.send(
          JSON.stringify({
            channelName: name,
            event: 'subscriptionStatus',
            status: 'subscribed',
            subscription: { name },
          }),
        );
        ws.send(`[[],"${name}",{"sequence":1}]`);
      }
    });
  });
  t.after(() => server.close());
  const tracker = new OrderTracker();
  const gw = new OrderGatewayV1({
    url: server.url,
    getToken: async () => 'tok',
    ackTimeoutMs: 2_000,
    tracker,
    log: quiet,
    alert: () => undefined,
    onGap: () => undefined,
  });
  t.after(() => gw.close());
  gw.start();
  await waitFor(() => gw.isReady(), 'ready');
  const push = (text: string): void => server.sockets[0]?.send(text) as void;
  return { gw, tracker, sent, push };
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
    })
    .catch(() => undefined);
  void gw
    .addOrder({ side: 'sell', ordertype: 'market', pair, volume: '0.1', userref: 1 })
    .catch(() => undefined);
  await waitFor(() => sent.filter((s) => s.includes('"addOrder"')).length === 2, 'two orders sent');
  for (const s of sent.filter((x) => x.includes('"addOrder"')))
    assert.equal((JSON.parse(s) as { oflags: string }).oflags, 'fciq', s);
});

test('a live fill of an order that said fciq: its fee is quote money', async (t) => {
  const { tracker, push } = await setup(t);
  const frame = liveTrade();
  const trade = Object.values(
    (frame[0] as Array<Record<string, Record<string, string>>>)[0] as Record<string, Record<string, string>>,
  )[0] as Record<string, string>;
  const txid = trade['ordertxid'] as string;
  const item = pendingItem();
  const body = Object.values(item)[0] as Record<string, unknown>;
  push(
    JSON.stringify([
      [{ [txid]: { ...body, descr: { ...(body['descr'] as object), pair: 'ETH/USD' } } }],
      'openOrders',
      { sequence: 2 },
    ]),
  );
  push(JSON.stringify([frame[0], 'ownTrades', { sequence: 2 }]));
  await waitFor(() => (tracker.get(txid)?.fills.length ?? 0) === 1, 'fill tracked');
  const f = tracker.get(txid)?.fills[0];
  assert.deepEqual(f?.fees, [{ asset: 'USD', qty: 0.03148 }]);
  assert.equal(f?.fee, 0.03148);
});

test('a fill of an order that said fcib: its fee is in the coin, valued at the fill price', async (t) => {
  const { tracker, push } = await setup(t);
  const frame = liveTrade();
  const trade = Object.values(
    (frame[0] as Array<Record<string, Record<string, string>>>)[0] as Record<string, Record<string, string>>,
  )[0] as Record<string, string>;
  const txid = trade['ordertxid'] as string;
  const body = Object.values(pendingItem())[0] as Record<string, unknown>;
  // The one change: the order's flags say fee in base.
  push(
    JSON.stringify([
      [{ [txid]: { ...body, oflags: 'fcib', descr: { ...(body['descr'] as object), pair: 'ETH/USD' } } }],
      'openOrders',
      { sequence: 2 },
    ]),
  );
  const fill = { ...trade, fee: '0.00001600' };
  push(JSON.stringify([[{ 'TROWH4-DD6XR-2O7DPH': fill }], 'ownTrades', { sequence: 2 }]));
  await waitFor(() => (tracker.get(txid)?.fills.length ?? 0) === 1, 'fill tracked');
  const f = tracker.get(txid)?.fills[0];
  assert.deepEqual(f?.fees, [{ asset: 'ETH', qty: 0.000016 }]);
  assert.equal(f?.fee, 0.000016 * 1967.68);
});
