/**
 * The preflight's WebSocket checks: a public subscription with its first quote (v1 spread, v2
 * ticker with event_trigger bbo), read by the listener's own scanners, and the private
 * subscriptions acknowledged (v1 ownTrades + openOrders, v2 executions) by the trader's own
 * clients. Read-only: nothing but subscriptions is sent.
 */
import { WebSocket } from 'ws';
import type { PairInfo } from '../core/pair.js';
import type { KrakenWsApi } from '../kraken/endpoints.js';
import type { KrakenRestClient } from '../kraken/rest.js';
import { KRAKEN_WS_VERSIONS } from '../kraken/versions.js';
import { SCAN_EVENT, type QuoteScannerBase } from '../kraken/ws/shared/quote-scanner-base.js';
import { check, type CheckResult } from './check.js';
import { QUOTE_ASK, QUOTE_BID } from '../core/quote-layout.js';

export const WS_CHECK_TIMEOUT_MS = 10_000;
const POLL_MS = 20;

/** Kraken's error text in a failed subscription ack, v1 or v2; undefined when the frame is not one. */
function subscribeError(text: string): string | undefined {
  try {
    const m = JSON.parse(text) as Record<string, unknown>;
    if (m['event'] === 'subscriptionStatus' && m['status'] === 'error') return String(m['errorMessage']);
    if (m['method'] === 'subscribe' && m['success'] === false) return String(m['error']);
  } catch {
    return undefined;
  }
  return undefined;
}

/** Connects, subscribes, and resolves with the first quote the scanner reads (or why not). */
function firstQuote(
  url: string,
  subscribe: string,
  scanner: QuoteScannerBase<number>,
): Promise<{ bid: number; ask: number } | { error: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: WS_CHECK_TIMEOUT_MS });
    const finish = (r: { bid: number; ask: number } | { error: string }): void => {
      clearTimeout(timer);
      ws.removeAllListeners('message');
      ws.terminate();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ error: `no quote within ${WS_CHECK_TIMEOUT_MS} ms` }),
      WS_CHECK_TIMEOUT_MS,
    );
    ws.on('open', () => ws.send(subscribe));
    ws.on('error', (err) => finish({ error: err.message }));
    ws.on('close', (code) => finish({ error: `closed by the server (${code}) before a quote` }));
    ws.on('message', (data: Buffer) => {
      const r = scanner.scan(data);
      if (r >= 0)
        return finish({ bid: scanner.out[QUOTE_BID] as number, ask: scanner.out[QUOTE_ASK] as number });
      if (r === SCAN_EVENT) {
        const err = subscribeError(data.toString('utf8'));
        if (err !== undefined) finish({ error: `Kraken: ${err}` });
      }
    });
  });
}

export async function publicFeed(api: KrakenWsApi, url: string, pair: PairInfo): Promise<CheckResult> {
  const name = `Public feed ${api}`;
  const v = KRAKEN_WS_VERSIONS[api];
  const pairName = v.pairName(pair);
  const r = await firstQuote(url, v.quoteSubscribe(1, [pairName]), v.quoteScanner([pairName]));
  const label = `${pairName} ${v.quoteChannel}`;
  if ('error' in r)
    return check(name, 'fail', `${label} on ${url}: ${r.error}`, 'no market data: nothing to evaluate');
  return check(name, 'ok', `${label}: first quote bid ${r.bid} / ask ${r.ask}`);
}

/** The trader's private client, subscribed and then closed. */
export async function privateSubscriptions(
  api: KrakenWsApi,
  url: string,
  rest: KrakenRestClient,
): Promise<CheckResult> {
  const name = `Private ${api}`;
  const errors: string[] = [];
  const options = { url, getToken: async () => (await rest.getWebSocketsToken()).token };
  const onError = (_code: string, message: string): void => {
    if (errors.length < 3) errors.push(message);
  };
  const client = KRAKEN_WS_VERSIONS[api].privateClient(options, { onError });
  client.start();
  const end = Date.now() + WS_CHECK_TIMEOUT_MS;
  while (!client.ready && Date.now() < end) await new Promise((r) => setTimeout(r, POLL_MS));
  const ready = client.ready;
  client.close();
  const channels = KRAKEN_WS_VERSIONS[api].privateChannels;
  if (ready) return check(name, 'ok', `${channels} subscribed on ${url}`);
  return check(
    name,
    'fail',
    `${channels} not subscribed within ${WS_CHECK_TIMEOUT_MS} ms${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`,
    'the trader could not follow its orders: trade mode would not start',
  );
}
