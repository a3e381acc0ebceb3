import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { KrakenPublicV1 } from '../../../../src/kraken/ws/v1/public.js';
import type { PublicFeedErrorCode } from '../../../../src/kraken/ws/shared/public-feed-base.js';
import { startServer, waitFor } from '../helpers.js';
import { QUOTE_ASK, QUOTE_BID, QUOTE_EXCH_TS, QUOTE_RECV_US } from '../../../../src/core/quote-layout.js';
import { QUOTE_REJECT_NAMES, QuoteReject } from '../../../../src/kraken/ws/shared/quote-reject.js';

const PAIRS = ['XBT/USD', 'XBT/EUR', 'USDT/USD', 'USDT/EUR'];

/** Minimal Kraken v1 public behaviour: systemStatus on connect, one subscriptionStatus per pair. */
function krakenLike(opts: { failPair?: string; status?: string } = {}) {
  return (ws: WebSocket): void => {
    ws.send(
      `{"connectionID":8628615390848610000,"event":"systemStatus","status":"${opts.status ?? 'online'}","version":"1.9.1"}`,
    );
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { event: string; reqid?: number; pair?: string[] };
      if (m.event === 'ping') ws.send(JSON.stringify({ event: 'pong', reqid: m.reqid }));
      if (m.event !== 'subscribe') return;
      for (const pair of m.pair ?? []) {
        if (pair === opts.failPair) {
          ws.send(
            JSON.stringify({
              errorMessage: 'Pair(s) not found',
              event: 'subscriptionStatus',
              pair,
              status: 'error',
              subscription: { name: 'spread' },
            }),
          );
        } else {
          ws.send(
            JSON.stringify({
              channelID: 1,
              channelName: 'spread',
              event: 'subscriptionStatus',
              pair,
              reqid: m.reqid,
              status: 'subscribed',
              subscription: { name: 'spread' },
            }),
          );
        }
      }
    });
  };
}

function spread(pair: string, bid: string, ask: string): string {
  return `[0,["${bid}","${ask}","1764000000.123456","1.5","2.5"],"spread","${pair}"]`;
}

test('subscribes, tracks status, delivers spreads with both clocks, taps raw frames', async (t) => {
  const server = await startServer(krakenLike({ failPair: 'USDT/EUR' }));
  t.after(() => server.close());
  const got: Array<[number, number, number, number, number]> = [];
  const errors: Array<[PublicFeedErrorCode, string]> = [];
  const pairErrors: string[] = [];
  const taps: Array<[string, number]> = [];
  const feed = new KrakenPublicV1(
    { url: server.url, pairs: PAIRS, clockMicros: () => 42 },
    {
      onSpread: (i, out) =>
        got.push([
          i,
          out[QUOTE_BID] as number,
          out[QUOTE_ASK] as number,
          out[QUOTE_EXCH_TS] as number,
          out[QUOTE_RECV_US] as number,
        ]),
      onProtocolError: (c, m) => errors.push([c, m]),
      onPairStatus: (_i, online, _s, msg) => {
        if (!online && msg !== undefined) pairErrors.push(msg);
      },
      onRawFrame: (d, us) => taps.push([d.toString(), us]),
    },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(
    () =>
      feed.pairOnline[0] === 1 &&
      feed.pairOnline[1] === 1 &&
      feed.pairOnline[2] === 1 &&
      pairErrors.length === 1,
    'subscribed',
  );
  assert.equal(feed.online, true);
  assert.equal(feed.pairOnline[3], 0);
  assert.deepEqual(pairErrors, ['Pair(s) not found']);
  assert.equal(feed.stats.subscriptionErrors, 1);
  const sub = JSON.parse(server.received[0]?.[0] ?? '{}') as Record<string, unknown>;
  assert.deepEqual(sub.pair, PAIRS);
  assert.deepEqual(sub.subscription, { name: 'spread' });
  const ws = server.sockets[0] as WebSocket;
  ws.send(spread('XBT/EUR', '50000.1', '50000.2'));
  ws.send('{"event":"heartbeat"}');
  await waitFor(() => got.length === 1 && feed.stats.heartbeats === 1, 'spread + heartbeat');
  assert.deepEqual(got[0], [1, 50000.1, 50000.2, 1764000000.123456, 42]);
  assert.ok(taps.some(([s, us]) => s === spread('XBT/EUR', '50000.1', '50000.2') && us === 42));
  assert.deepEqual(errors, []);
});

test('hostile frames over the socket are counted, never crash, never reach onSpread', async (t) => {
  const server = await startServer(krakenLike());
  t.after(() => server.close());
  let spreads = 0;
  const codes: PublicFeedErrorCode[] = [];
  const rejects: string[] = [];
  const rejectPairs: number[] = [];
  const feed = new KrakenPublicV1(
    { url: server.url, pairs: PAIRS },
    {
      onSpread: () => spreads++,
      onProtocolError: (c) => codes.push(c),
      onRejectedFrame: (r, pair) => {
        rejects.push(QUOTE_REJECT_NAMES[r] ?? '?');
        rejectPairs.push(pair);
      },
    },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.pairOnline[3] === 1, 'subscribed');
  const ws = server.sockets[0] as WebSocket;
  const hostile = [
    '[0,["1.0","2.0"', // truncated
    'garbage', // not JSON
    '[0,["NaN","2.0","1.0","1","1"],"spread","XBT/USD"]',
    '[0,["Infinity","2.0","1.0","1","1"],"spread","XBT/USD"]',
    '[0,["-1.0","2.0","1.0","1","1"],"spread","XBT/USD"]',
    '[0,[1.0,"2.0","1.0","1","1"],"spread","XBT/USD"]',
    '[0,[' + Array(5000).fill('"1"').join(',') + '],"spread","XBT/USD"]',
    spread('DOGE/USD', '1', '2'),
    '{"event":"bogus"}',
    '{"event":',
    '{"Error":"Exceeded msg rate"}',
    '{"event":"error","errorMessage":"Malformed request"}',
  ];
  for (const h of hostile) ws.send(h);
  ws.send(spread('XBT/USD', '1.5', '1.6'));
  await waitFor(() => spreads === 1, 'the good frame after the hostile ones');
  assert.deepEqual(rejects, [
    'truncated',
    'not-array',
    'nan-infinity',
    'nan-infinity',
    'negative',
    'wrong-type',
    'oversized',
    'unknown-pair',
  ]);
  assert.deepEqual(rejectPairs, [-1, -1, 0, 0, 0, 0, 0, -1], 'value errors name the pair to distrust');
  assert.equal(feed.scanner.rejectCounts[QuoteReject.NAN_INFINITY], 2);
  assert.deepEqual(codes, ['UNKNOWN_EVENT', 'BAD_EVENT', 'RATE_LIMITED', 'KRAKEN_ERROR']);
  assert.equal(feed.stats.rateLimitErrors, 1);
  assert.equal(feed.connection.stats.connects, 1, 'bad input does not cost the connection');
});

test('server drop ⇒ all pairs offline ⇒ reconnect ⇒ resubscribe ⇒ online again', async (t) => {
  const server = await startServer(krakenLike());
  t.after(() => server.close());
  const feedStates: boolean[] = [];
  const feed = new KrakenPublicV1(
    { url: server.url, pairs: PAIRS, connection: { reconnect: { initialDelayMs: 1, maxDelayMs: 5 } } },
    { onSpread: () => undefined, onFeedStatus: (online) => feedStates.push(online) },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.pairOnline.every((x) => x === 1), 'first subscription');
  server.sockets[0]?.terminate();
  await waitFor(() => feedStates.length >= 2, 'offline');
  assert.equal(feedStates[1], false);
  await waitFor(
    () => server.received.length === 2 && feed.pairOnline.every((x) => x === 1) && feed.online,
    'resubscribed',
  );
  assert.deepEqual((JSON.parse(server.received[1]?.[0] ?? '{}') as { pair: string[] }).pair, PAIRS);
  assert.deepEqual(feedStates, [true, false, true]);
});

test('maintenance status means not online and slows reconnects', async (t) => {
  const server = await startServer(krakenLike({ status: 'maintenance' }));
  t.after(() => server.close());
  const feed = new KrakenPublicV1({ url: server.url, pairs: PAIRS }, { onSpread: () => undefined });
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.systemStatus === 'maintenance', 'status');
  assert.equal(feed.online, false);
  assert.equal(feed.connection.policy.maintenance, true);
});

test('after "Exceeded msg rate" the offline pairs are requested again', async (t) => {
  let first = true;
  const server = await startServer((ws) => {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { event: string; pair: string[] };
      if (m.event !== 'subscribe') return;
      if (first) {
        first = false;
        ws.send('{"Error":"Exceeded msg rate"}');
        return;
      }
      for (const pair of m.pair)
        ws.send(
          JSON.stringify({
            event: 'subscriptionStatus',
            pair,
            status: 'subscribed',
            subscription: { name: 'spread' },
          }),
        );
    });
  });
  t.after(() => server.close());
  const feed = new KrakenPublicV1(
    { url: server.url, pairs: PAIRS, rateLimitRetryMs: 10 },
    { onSpread: () => undefined },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.pairOnline.every((x) => x === 1), 'subscribed after retry');
  assert.equal(feed.stats.rateLimitErrors, 1);
  assert.equal(feed.stats.subscribeRequests, 2);
});

test('a feed that only answers pings is stalled: pongs do not feed the watchdog', async (t) => {
  const server = await startServer(krakenLike());
  t.after(() => server.close());
  const feed = new KrakenPublicV1(
    {
      url: server.url,
      pairs: PAIRS,
      connection: { watchdogMs: 400, pingIdleMs: 50, reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
    },
    { onSpread: () => undefined },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.stats.pongs >= 2, 'pongs answered');
  await waitFor(() => feed.connection.stats.watchdogKills >= 1, 'watchdog kill despite pongs');
});
