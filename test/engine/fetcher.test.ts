// The fetcher's deadline (src/engine/fetcher.ts, FETCH_DEADLINE_MS): a balance or fee fetch that
// gets no answer — waiting on the REST call counter or on Kraken — fails after the deadline, logged,
// counted and (third in a row) alerted, instead of waiting silently while the balances go stale.
// The real transport runs; only the network is replaced (it never answers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fetcher, FETCH_DEADLINE_MS, type FetcherOptions } from '../../src/engine/fetcher.js';
import { createSharedState } from '../../src/engine/shared/shared-state.js';
import { KrakenRestClient } from '../../src/kraken/rest.js';
import type { AlertEvent } from '../../src/engine/threads/messages.js';
import type { Logger } from '../../src/log/logger.js';

/** The real REST client over `network` in place of the internet. */
function krakenOver(network: typeof fetch): KrakenRestClient {
  return new KrakenRestClient({
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'key',
    apiSecret: Buffer.from('a secret of some length for signing').toString('base64'),
    tier: 'pro',
    fetch: network,
  });
}

/** The real REST client over a network where Kraken never answers (fetch settles only on abort). */
function silentKraken(): KrakenRestClient {
  const neverAnswers = ((_url: unknown, init?: RequestInit) =>
    new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), {
        once: true,
      });
    })) as typeof fetch;
  return krakenOver(neverAnswers);
}

/** A fetcher on `rest` with the test's log and alert sink (and anything else it overrides). */
function fetcherOn(
  rest: KrakenRestClient,
  o: Pick<FetcherOptions, 'log' | 'alert'> & Partial<FetcherOptions>,
): Fetcher {
  return new Fetcher({
    shared: createSharedState({ listeners: 1, opportunityFields: 8, evalCodes: 0, pairs: 4 }),
    rest,
    coinFeePairId: 'XXBTZUSD',
    stableFeePairId: 'USDTZUSD',
    fallbackFees: { coin: 0.004, stable: 0.002 },
    notionalBalances: { USD: 0, EUR: 0 },
    nowUs: () => Date.now() * 1000,
    ...o,
  });
}

test('a balance fetch with no answer fails at the deadline: logged with the reason, alerted at the third', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const warnings: { msg: string; fields: Record<string, unknown> | undefined }[] = [];
  const log: Logger = {
    level: 'info',
    debug: () => undefined,
    info: () => undefined,
    warn: (msg, fields) => warnings.push({ msg, fields }),
    error: () => undefined,
  };
  const alerts: AlertEvent[] = [];
  const failures: string[] = [];
  const fetcher = fetcherOn(silentKraken(), {
    log,
    alert: (a) => alerts.push(a),
    onFailure: (endpoint, code) => failures.push(`${endpoint} ${code}`),
  });
  for (let i = 1; i <= 3; i++) {
    let settled: boolean | undefined;
    const fetch = fetcher.fetchBalances().then((ok) => (settled = ok));
    t.mock.timers.tick(FETCH_DEADLINE_MS - 1);
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, undefined, 'gave up before the deadline');
    t.mock.timers.tick(1);
    await fetch;
    assert.equal(settled, false);
    assert.equal(warnings.length, i);
    assert.equal(warnings[i - 1]?.msg, 'balance fetch failed');
    assert.match(
      String(warnings[i - 1]?.fields?.['error']),
      /Kraken BalanceEx: aborted by caller: no answer within 10000 ms/,
    );
  }
  assert.deepEqual(failures, [
    'BalanceEx KRAKEN_ABORTED',
    'BalanceEx KRAKEN_ABORTED',
    'BalanceEx KRAKEN_ABORTED',
  ]);
  assert.equal(alerts.length, 1, 'the third failure in a row is alerted');
});

test('fee fetches failing three times in a row are alerted, and so is the first that works again', async () => {
  // Kraken refuses TradeVolume three times (a not-retryable error: one attempt each), then answers.
  let calls = 0;
  const kraken = ((): Promise<Response> => {
    calls++;
    const body =
      calls <= 3
        ? { error: ['EGeneral:Permission denied'] }
        : {
            error: [],
            result: {
              currency: 'ZUSD',
              volume: '0.0000',
              fees: { XXBTZUSD: { fee: '0.4000', minfee: '0.1000', maxfee: '0.4000', tiervolume: '0.0000' } },
            },
          };
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
  }) as typeof fetch;
  const alerts: AlertEvent[] = [];
  const fetcher = fetcherOn(krakenOver(kraken), {
    log: { level: 'error', debug() {}, info() {}, warn() {}, error() {} },
    alert: (a) => alerts.push(a),
  });
  const results: boolean[] = [];
  for (let i = 0; i < 5; i++) results.push(await fetcher.fetchFees());
  assert.deepEqual(results, [false, false, false, true, true]);
  assert.deepEqual(
    alerts.map((a) => [a.key, a.severity, a.resolves === true]),
    [
      ['fetch-fees', 'warning', false],
      ['fetch-fees', 'info', true],
    ],
  );
  assert.match(alerts[0]?.text ?? '', /^Fee fetch failing: .*Permission denied/);
  assert.equal(alerts[1]?.text, 'Fee fetch recovered');
});
