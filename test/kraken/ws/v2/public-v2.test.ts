import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { KrakenPublicV2 } from '../../../../src/kraken/ws/v2/public.js';
import type {
  PublicFeedErrorCode,
  PublicFeedHandlers,
} from '../../../../src/kraken/ws/shared/public-feed-base.js';
import type { QuoteRejectCode } from '../../../../src/kraken/ws/shared/quote-reject.js';
import { TICKER_REJECT_NAMES } from '../../../../src/kraken/ws/v2/ticker-reject.js';
import { KRAKEN_WS_VERSIONS } from '../../../../src/kraken/versions.js';
import { KrakenPublicV1 } from '../../../../src/kraken/ws/v1/public.js';
import { startServer, waitFor } from '../helpers.js';
import {
  QUOTE_ASK,
  QUOTE_ASK_VOL,
  QUOTE_BID,
  QUOTE_BID_VOL,
  QUOTE_EXCH_TS,
  QUOTE_RECV_US,
} from '../../../../src/core/quote-layout.js';

const SYMBOLS = ['BTC/USD', 'BTC/EUR', 'USDT/USD', 'XBT/USD'];
const T_IN = '2023-09-25T09:04:31.742599Z';
const T_OUT = '2023-09-25T09:04:31.742648Z';

interface SubscribeMsg {
  method: string;
  req_id?: number;
  params?: { channel?: string; symbol?: string[]; event_trigger?: string; snapshot?: boolean };
}

/** Kraken v2 public behaviour from docs/kraken-protocol.md §3.2–3.5: status on connect, one ack per symbol. */
function krakenV2Like(opts: { system?: string; unsupported?: string; rateLimitFirst?: boolean } = {}) {
  let rateLimited = false;
  return (ws: WebSocket): void => {
    ws.send(
      `{"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":13834774380200032777,"system":"${opts.system ?? 'online'}","version":"2.0.0"}]}`,
    );
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as SubscribeMsg;
      if (m.method === 'ping') {
        ws.send(JSON.stringify({ method: 'pong', req_id: m.req_id, time_in: T_IN, time_out: T_OUT }));
        return;
      }
      if (m.method !== 'subscribe') return;
      for (const symbol of m.params?.symbol ?? []) {
        if (opts.rateLimitFirst === true && !rateLimited) {
          ws.send(
            JSON.stringify({
              error: 'Exceeded msg rate',
              method: 'subscribe',
              success: false,
              symbol,
              time_in: T_IN,
              time_out: T_OUT,
            }),
          );
          continue;
        }
        if (symbol === opts.unsupported) {
          ws.send(
            JSON.stringify({
              error: `Currency pair not supported ${symbol}`,
              method: 'subscribe',
              success: false,
              symbol,
              time_in: T_IN,
              time_out: T_OUT,
            }),
          );
        } else {
          ws.send(
            JSON.stringify({
              method: 'subscribe',
              result: { channel: 'ticker', event_trigger: 'bbo', snapshot: true, symbol },
              success: true,
              time_in: T_IN,
              time_out: T_OUT,
              req_id: m.req_id,
            }),
          );
        }
      }
      if (opts.rateLimitFirst === true) rateLimited = true;
    });
  };
}

function ticker(symbol: string, bid: number, ask: number, type = 'update'): string {
  return (
    `{"channel":"ticker","type":"${type}","data":[{"symbol":"${symbol}","bid":${bid},"bid_qty":740.0,` +
    `"ask":${ask},"ask_qty":1361.44813783,"last":0.10035,"volume":997038.98383185,"vwap":0.10148,"low":0.09979,` +
    `"high":0.10285,"change":-0.00017,"change_pct":-0.17,"timestamp":"2023-09-25T09:04:31.742648Z"}]}`
  );
}

test('subscribes ticker bbo with snapshot, per-symbol acks and errors, delivers quotes with both clocks', async (t) => {
  const server = await startServer(krakenV2Like({ unsupported: 'XBT/USD' }));
  t.after(() => server.close());
  const got: number[][] = [];
  const errors: Array<[PublicFeedErrorCode, string]> = [];
  const pairErrors: Array<[number, string]> = [];
  const feedStates: Array<[boolean, string]> = [];
  const feed = new KrakenPublicV2(
    { url: server.url, pairs: SYMBOLS, clockMicros: () => 42 },
    {
      onSpread: (i, out) =>
        got.push([
          i,
          out[QUOTE_BID],
          out[QUOTE_ASK],
          out[QUOTE_EXCH_TS],
          out[QUOTE_BID_VOL],
          out[QUOTE_ASK_VOL],
          out[QUOTE_RECV_US],
        ] as number[]),
      onProtocolError: (c, m) => errors.push([c, m]),
      onPairStatus: (i, online, _s, msg) => {
        if (!online && msg !== undefined) pairErrors.push([i, msg]);
      },
      onFeedStatus: (online, status) => feedStates.push([online, status]),
    },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.pairOnline[2] === 1 && pairErrors.length === 1 && feed.online, 'subscribed');
  assert.deepEqual(Array.from(feed.pairOnline), [1, 1, 1, 0]);
  assert.deepEqual(pairErrors, [[3, 'Currency pair not supported XBT/USD']]);
  assert.deepEqual(feedStates, [[true, 'online']]);
  const sub = JSON.parse(server.received[0]?.[0] ?? '{}') as SubscribeMsg;
  assert.equal(sub.method, 'subscribe');
  assert.deepEqual(sub.params, { channel: 'ticker', symbol: SYMBOLS, event_trigger: 'bbo', snapshot: true });
  assert.ok(Number.isInteger(sub.req_id));
  const ws = server.sockets[0] as WebSocket;
  ws.send(ticker('BTC/EUR', 0.10025, 0.10036, 'snapshot'));
  ws.send('{"channel":"heartbeat"}');
  ws.send(ticker('USDT/USD', 0.9999, 1.0001));
  await waitFor(() => got.length === 2 && feed.stats.heartbeats === 1, 'ticker + heartbeat');
  assert.deepEqual(got[0], [1, 0.10025, 0.10036, 1695632671.742648, 740, 1361.44813783, 42]);
  assert.equal(got[1]?.[0], 2);
  assert.equal(feed.stats.snapshots, 1);
  assert.deepEqual(errors, []);
});

test('a ticker without timestamp gets the local receive time as its Kraken time', async (t) => {
  const server = await startServer(krakenV2Like());
  t.after(() => server.close());
  const ts: number[] = [];
  const feed = new KrakenPublicV2(
    { url: server.url, pairs: SYMBOLS, clockMicros: () => 1_700_000_000_123_456 },
    { onSpread: (_i, out) => ts.push(out[QUOTE_EXCH_TS] as number) },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.pairOnline[0] === 1, 'subscribed');
  server.sockets[0]?.send(
    '{"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":1,"bid_qty":1,"ask":2,"ask_qty":1}]}',
  );
  await waitFor(() => ts.length === 1, 'ticker');
  assert.equal(ts[0], 1_700_000_000.123456);
  assert.equal(feed.stats.receiveTimeStamps, 1);
});

test('hostile frames over the socket are counted, never crash, never reach onSpread', async (t) => {
  const server = await startServer(krakenV2Like());
  t.after(() => server.close());
  let spreads = 0;
  const codes: PublicFeedErrorCode[] = [];
  const rejects: Array<[string, number]> = [];
  const feed = new KrakenPublicV2(
    { url: server.url, pairs: SYMBOLS },
    {
      onSpread: () => spreads++,
      onProtocolError: (c) => codes.push(c),
      onRejectedFrame: (r, pair) => rejects.push([TICKER_REJECT_NAMES[r] ?? '?', pair]),
    },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.pairOnline[0] === 1, 'subscribed');
  const ws = server.sockets[0] as WebSocket;
  const hostile = [
    'garbage',
    ticker('BTC/USD', -1, 2),
    ticker('BTC/USD', 1, 2).replace('"bid":1', '"bid":"1"'),
    ticker('DOGE/USD', 1, 2),
    ticker('BTC/USD', 1, 2).slice(0, 80),
    '{"channel":"ticker","type":"update","data":[{"symbol":"USDT/USD","bid":1e999,"bid_qty":1,"ask":2,"ask_qty":1}]}',
    '{"channel":"bogus","type":"update","data":[]}',
    '{"channel":"status","data":[]}',
    '{"method":"subscribe","success":false}',
    '{"error":"EGeneral:Internal error"}',
  ];
  for (const h of hostile) ws.send(h);
  ws.send(ticker('BTC/USD', 1.5, 1.6));
  await waitFor(() => spreads === 1, 'the good frame after the hostile ones');
  assert.deepEqual(rejects, [
    ['not-object', -1],
    ['negative', 0],
    ['wrong-type', 0],
    ['unknown-pair', -1],
    ['truncated', 0],
    ['nan-infinity', 2],
  ]);
  assert.deepEqual(codes, ['UNKNOWN_EVENT', 'BAD_EVENT', 'BAD_EVENT', 'KRAKEN_ERROR']);
  assert.equal(feed.connection.stats.connects, 1, 'bad input does not cost the connection');
});

test('server drop ⇒ all pairs offline ⇒ reconnect ⇒ resubscribe ⇒ online again', async (t) => {
  const server = await startServer(krakenV2Like());
  t.after(() => server.close());
  const feedStates: boolean[] = [];
  const offline: string[] = [];
  const feed = new KrakenPublicV2(
    {
      url: server.url,
      pairs: SYMBOLS.slice(0, 3),
      connection: { reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
    },
    {
      onSpread: () => undefined,
      onFeedStatus: (online) => feedStates.push(online),
      onPairStatus: (_i, online, status) => {
        if (!online) offline.push(status);
      },
    },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.pairOnline.every((x) => x === 1), 'first subscription');
  server.sockets[0]?.terminate();
  await waitFor(() => feedStates.length >= 2 && offline.length === 3, 'offline');
  assert.deepEqual(offline, ['disconnected', 'disconnected', 'disconnected']);
  await waitFor(
    () => server.received.length === 2 && feed.pairOnline.every((x) => x === 1) && feed.online,
    'resubscribed',
  );
  const again = JSON.parse(server.received[1]?.[0] ?? '{}') as SubscribeMsg;
  assert.deepEqual(again.params?.symbol, SYMBOLS.slice(0, 3));
  assert.deepEqual(feedStates, [true, false, true]);
});

test('idle socket ⇒ v2 ping {"method":"ping","req_id":n}; pong counted', async (t) => {
  const server = await startServer(krakenV2Like());
  t.after(() => server.close());
  const feed = new KrakenPublicV2(
    { url: server.url, pairs: ['BTC/USD'], connection: { pingIdleMs: 20, watchdogMs: 5_000 } },
    { onSpread: () => undefined },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.stats.pongs >= 1, 'pong');
  const ping = (server.received[0] ?? [])
    .map((s) => JSON.parse(s) as SubscribeMsg)
    .find((m) => m.method === 'ping');
  assert.ok(ping !== undefined && Number.isInteger(ping.req_id));
});

test('maintenance status: not online, reconnects spaced; cancel_only is not online either', async (t) => {
  for (const system of ['maintenance', 'cancel_only']) {
    const server = await startServer(krakenV2Like({ system }));
    t.after(() => server.close());
    const feed = new KrakenPublicV2({ url: server.url, pairs: ['BTC/USD'] }, { onSpread: () => undefined });
    t.after(() => feed.close());
    feed.start();
    await waitFor(() => feed.systemStatus === system && feed.pairOnline[0] === 1, 'status');
    assert.equal(feed.online, false);
    assert.equal(feed.connection.policy.maintenance, system === 'maintenance');
  }
});

test('a rate-limit error ack ⇒ the offline symbols are requested again', async (t) => {
  const server = await startServer(krakenV2Like({ rateLimitFirst: true }));
  t.after(() => server.close());
  const codes: PublicFeedErrorCode[] = [];
  const feed = new KrakenPublicV2(
    { url: server.url, pairs: ['BTC/USD', 'BTC/EUR'], rateLimitRetryMs: 10 },
    { onSpread: () => undefined, onProtocolError: (c) => codes.push(c) },
  );
  t.after(() => feed.close());
  feed.start();
  await waitFor(() => feed.pairOnline.every((x) => x === 1), 'subscribed after retry');
  assert.equal(feed.stats.rateLimitErrors, 2);
  assert.equal(feed.stats.subscribeRequests, 2);
  assert.ok(codes.every((c) => c === 'RATE_LIMITED'));
});

test('the versions table: one handlers object (typed for v1) serves both public feeds', async (t) => {
  const server = await startServer(krakenV2Like());
  t.after(() => server.close());
  const quotes: number[] = [];
  // Written against the v1 types, as the listener worker is: must type-check for v2 too.
  const handlers: PublicFeedHandlers<QuoteRejectCode> = {
    onSpread: (i, out) => quotes.push(i, out[QUOTE_BID] as number),
  };
  const v1 = KRAKEN_WS_VERSIONS.v1.publicFeed({ url: server.url, pairs: ['XBT/USD'] }, handlers);
  assert.ok(v1 instanceof KrakenPublicV1);
  v1.close();
  const v2 = KRAKEN_WS_VERSIONS.v2.publicFeed({ url: server.url, pairs: ['BTC/USD'] }, handlers);
  t.after(() => v2.close());
  assert.ok(v2 instanceof KrakenPublicV2);
  v2.start();
  await waitFor(() => v2.pairOnline[0] === 1, 'subscribed');
  server.sockets[server.sockets.length - 1]?.send(ticker('BTC/USD', 3.5, 3.6));
  await waitFor(() => quotes.length === 2, 'quote');
  assert.deepEqual(quotes, [0, 3.5]);
});
