import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { KrakenRestClient } from '../../src/kraken/rest.js';

import {
  KrakenCredentialsError,
  KrakenError,
  KrakenResponseError,
  KrakenTransportError,
} from '../../src/kraken/errors.js';
import { OrderOutcomeUnknownError } from '../../src/kraken/order-errors.js';
import { RestRateLimiter, createRateLimiterBuffer } from '../../src/kraken/rate-limiter.js';
import { createPrivateCallGateBuffer } from '../../src/kraken/private-call-gate.js';
import { FakeClock } from '../helpers/fake-clock.js';
import {
  startRestServer,
  type Reply,
  type SeenRequest,
  type TestServer,
} from './fixtures/rest-test-server.js';

const API_KEY = 'test-api-key';
const SECRET = 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==';
const OK_BALANCE: Reply = { json: { error: [], result: { ZUSD: '100.5' } } };

// One server for the file; each test installs its own script of answers.
let server: TestServer;
let script: (req: SeenRequest) => Reply = () => OK_BALANCE;
before(async () => {
  server = await startRestServer(SECRET, (req) => script(req));
});
after(async () => {
  await server.close();
});

function setup(
  answers: ReadonlyArray<Reply> | ((req: SeenRequest) => Reply),
  extra: { timeoutMs?: number; maxAttempts?: number } = {},
) {
  server.requests.length = 0;
  let i = 0;
  script =
    typeof answers === 'function' ? answers : () => answers[Math.min(i++, answers.length - 1)] as Reply;
  const clock = new FakeClock(true);
  const warnings: string[] = [];
  const retries: number[] = [];
  const client = new KrakenRestClient({
    baseUrl: server.url,
    apiKey: API_KEY,
    apiSecret: SECRET,
    clock,
    random: () => 0.5,
    timeoutMs: extra.timeoutMs ?? 5_000,
    maxAttempts: extra.maxAttempts ?? 3,
    rateLimiter: null,
    onWarning: (_m, w) => warnings.push(w),
    onRetry: (_m, attempt) => retries.push(attempt),
  });
  return { client, clock, warnings, retries, requests: server.requests };
}

function assertNoSecrets(err: unknown, requests: readonly SeenRequest[]): void {
  const text = err instanceof Error ? `${err.message} ${String(err.stack)}` : String(err);
  assert.ok(!text.includes(SECRET), 'secret leaked into an error');
  assert.ok(!text.includes(API_KEY), 'API key leaked into an error');
  for (const r of requests)
    if (r.apiSign !== undefined) assert.ok(!text.includes(r.apiSign), 'API-Sign leaked into an error');
}

describe('private requests', () => {
  test('signed form POST that the server verifies; nonces increase', async () => {
    const { client, requests } = setup([OK_BALANCE]);
    assert.deepEqual(await client.balance(), { ZUSD: 100.5 });
    await client.balance();
    assert.equal(requests.length, 2);
    for (const r of requests) {
      assert.equal(r.httpMethod, 'POST');
      assert.equal(r.path, '/0/private/Balance');
      assert.equal(r.apiKey, API_KEY);
      assert.equal(r.signatureValid, true);
    }
    assert.ok(BigInt(requests[1]?.nonce ?? '0') > BigInt(requests[0]?.nonce ?? '0'));
  });

  test('without credentials: clear error, nothing sent', async () => {
    server.requests.length = 0;
    const client = new KrakenRestClient({ baseUrl: server.url, rateLimiter: null });
    await assert.rejects(client.balance(), KrakenCredentialsError);
    assert.equal(server.requests.length, 0);
  });

  test('public calls are unsigned GETs with a query string', async () => {
    const { client, requests } = setup([
      { json: { error: [], result: { unixtime: 1688669448, rfc1123: 'x' } } },
    ]);
    await client.publicRequest('Time', { pair: 'XBTUSD,ETHUSD', skip: undefined });
    assert.equal(requests[0]?.httpMethod, 'GET');
    assert.equal(requests[0]?.path, '/0/public/Time');
    assert.equal(requests[0]?.query.get('pair'), 'XBTUSD,ETHUSD');
    assert.equal(requests[0]?.query.has('skip'), false);
    assert.equal(requests[0]?.apiSign, undefined);
  });
});

describe('envelope', () => {
  test('error with result absent, and with result {}', async () => {
    for (const json of [
      { error: ['EGeneral:Invalid arguments:pair'] },
      { error: ['EGeneral:Invalid arguments:pair'], result: {} },
    ]) {
      const { client, requests } = setup([{ json }]);
      await assert.rejects(
        client.balance(),
        (e: unknown) =>
          e instanceof KrakenError && e.code === 'EGeneral:Invalid arguments' && e.detail === 'pair',
      );
      assert.equal(requests.length, 1, 'not-retryable errors are not retried');
    }
  });

  test('warnings are reported, not errors', async () => {
    const { client, warnings } = setup([
      { json: { error: ['WGeneral:Something odd'], result: { ZUSD: '1' } } },
    ]);
    assert.deepEqual(await client.balance(), { ZUSD: 1 });
    assert.deepEqual(warnings, ['WGeneral:Something odd']);
  });

  test('the worst of several errors is thrown', async () => {
    const { client } = setup([{ json: { error: ['EService:Unavailable', 'EAPI:Invalid key'] } }]);
    await assert.rejects(client.balance(), (e: unknown) => e instanceof KrakenError && e.retry === 'fatal');
  });

  for (const [name, json] of [
    ['no error array', { result: {} }],
    ['error not an array', { error: 'EGeneral:x', result: {} }],
    ['non-string error entry', { error: [42], result: {} }],
    ['missing result on success', { error: [] }],
    ['a JSON array', [1, 2]],
  ] as const) {
    test(`malformed envelope: ${name}`, async () => {
      const { client, requests } = setup([{ json }]);
      await assert.rejects(client.balance(), KrakenResponseError);
      assert.equal(requests.length, 1);
    });
  }

  test('malformed result is a typed error naming the field', async () => {
    const { client } = setup([{ json: { error: [], result: { ZUSD: 'lots' } } }]);
    await assert.rejects(
      client.balance(),
      (e: unknown) => e instanceof KrakenResponseError && /result\.ZUSD/.test(e.message),
    );
  });
});

describe('retries', () => {
  test('HTTP 5xx is retried with backoff, then succeeds', async () => {
    const { client, requests, clock, retries } = setup([
      { text: '<html>bad gateway</html>', status: 502 },
      { json: { error: ['EService:Unavailable'] } },
      OK_BALANCE,
    ]);
    assert.deepEqual(await client.balance(), { ZUSD: 100.5 });
    assert.equal(requests.length, 3);
    assert.deepEqual(retries, [1, 2]);
    // random 0.5 → 3/4 of the exponential step: 250 → 188, 500 → 375.
    assert.deepEqual(clock.sleeps, [188, 375]);
    assert.ok(
      requests.every((r) => r.signatureValid === true),
      'each attempt is re-signed with a fresh nonce',
    );
    assert.equal(new Set(requests.map((r) => r.nonce)).size, 3);
  });

  test('attempts are bounded', async () => {
    const { client, requests } = setup([{ text: 'oops', status: 503 }]);
    await assert.rejects(
      client.balance(),
      (e: unknown) =>
        e instanceof KrakenTransportError && e.code === 'KRAKEN_HTTP_STATUS' && e.status === 503,
    );
    assert.equal(requests.length, 3);
  });

  test('HTTP 4xx without a Kraken envelope is not retried', async () => {
    const { client, requests } = setup([{ text: 'forbidden', status: 403 }]);
    await assert.rejects(
      client.balance(),
      (e: unknown) => e instanceof KrakenTransportError && e.retry === 'not-retryable',
    );
    assert.equal(requests.length, 1);
  });

  test('bad JSON on 200 is retried, then reported', async () => {
    const { client, requests } = setup([{ text: '{"error": [' }]);
    await assert.rejects(
      client.balance(),
      (e: unknown) => e instanceof KrakenTransportError && e.code === 'KRAKEN_BAD_JSON',
    );
    assert.equal(requests.length, 3);
  });

  test('fatal errors stop at once and leak nothing', async () => {
    const { client, requests } = setup([{ json: { error: ['EAPI:Invalid signature'] } }]);
    const err = await client.balance().then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KrakenError && err.retry === 'fatal');
    assert.equal(requests.length, 1);
    assertNoSecrets(err, requests);
  });

  test('Throttled uses the server-given wait', async () => {
    const ts = Math.floor(Date.now() / 1000) + 2;
    const { client, clock } = setup([{ json: { error: [`EService:Throttled: ${ts}`] } }, OK_BALANCE]);
    await client.balance();
    assert.equal(clock.sleeps.length, 1);
    assert.ok((clock.sleeps[0] ?? 0) > 0 && (clock.sleeps[0] ?? 0) <= 2000);
  });

  test('timeout is a retryable transport error', async () => {
    const { client, requests } = setup([{ hang: true }], { timeoutMs: 100, maxAttempts: 2 });
    const err = await client.balance().then(
      () => assert.fail('should time out'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KrakenTransportError && err.code === 'KRAKEN_TIMEOUT', String(err));
    assert.equal(requests.length, 2);
    assertNoSecrets(err, requests);
  });

  test('connection refused is a network error', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = new KrakenRestClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: API_KEY,
      apiSecret: SECRET,
      clock: new FakeClock(true),
      maxAttempts: 2,
      rateLimiter: null,
    });
    const err = await client.balance().then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KrakenTransportError && err.code === 'KRAKEN_NETWORK', String(err));
    assert.match(err.message, /ECONNREFUSED/);
    assertNoSecrets(err, []);
  });
});

describe('order calls are never retried', () => {
  const order = { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '1.25', price: '37500' } as const;

  test('a timeout on AddOrder is an unknown outcome after exactly one request', async () => {
    const { client, requests } = setup([{ hang: true }], { timeoutMs: 100 });
    const err = await client.addOrder(order).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OrderOutcomeUnknownError, String(err));
    assert.ok(err.cause instanceof KrakenTransportError && err.cause.code === 'KRAKEN_TIMEOUT');
    assert.equal(requests.length, 1);
    assertNoSecrets(err, requests);
  });

  for (const [name, reply] of [
    ['HTTP 502', { text: 'bad gateway', status: 502 }],
    ['bad JSON', { text: 'not json' }],
    ['Internal error', { json: { error: ['EGeneral:Internal error'] } }],
    ['missing txid', { json: { error: [], result: { descr: { order: 'buy' } } } }],
  ] as const) {
    test(`${name} on AddOrder → unknown outcome, one request`, async () => {
      const { client, requests } = setup([
        reply,
        { json: { error: [], result: { descr: { order: 'x' }, txid: ['O1'] } } },
      ]);
      await assert.rejects(client.addOrder(order), OrderOutcomeUnknownError);
      assert.equal(requests.length, 1);
    });
  }

  test("Kraken's refusal of AddOrder is a rejection, not unknown", async () => {
    const { client, requests } = setup([{ json: { error: ['EOrder:Insufficient funds'] } }]);
    await assert.rejects(
      client.addOrder(order),
      (e: unknown) => e instanceof KrakenError && e.code === 'EOrder:Insufficient funds',
    );
    assert.equal(requests.length, 1);
  });

  test('a retryable Kraken error on AddOrder is still not retried', async () => {
    const { client, requests } = setup([
      { json: { error: ['EService:Unavailable'] } },
      { json: { error: [], result: { descr: { order: 'x' }, txid: ['O1'] } } },
    ]);
    await assert.rejects(
      client.addOrder(order),
      (e: unknown) => e instanceof KrakenError && e.code === 'EService:Unavailable',
    );
    assert.equal(requests.length, 1);
  });

  test('CancelOrder 5xx → unknown outcome, one request', async () => {
    const { client, requests } = setup([{ text: 'x', status: 500 }]);
    await assert.rejects(client.cancelOrder('OU22CG-KLAF2-FWUDD7'), OrderOutcomeUnknownError);
    assert.equal(requests.length, 1);
  });
});

describe('client-side rate limit', () => {
  test('waits for room instead of failing; history calls cost 2', async () => {
    const clock = new FakeClock(true);
    server.requests.length = 0;
    script = (req) =>
      req.method === 'TradesHistory'
        ? { json: { error: [], result: { trades: {}, count: 0 } } }
        : req.method === 'Time'
          ? { json: { error: [], result: { unixtime: 1, rfc1123: 'x' } } }
          : OK_BALANCE;
    const limiter = new RestRateLimiter({ maxCounter: 3, decayPerSec: 1 }, clock);
    const client = new KrakenRestClient({
      baseUrl: server.url,
      apiKey: API_KEY,
      apiSecret: SECRET,
      clock,
      rateLimiter: limiter,
    });
    await client.balance();
    await client.balance();
    await client.balance();
    assert.deepEqual(clock.sleeps, []);
    await client.balance();
    assert.deepEqual(clock.sleeps, [1000]);
    await client.tradesHistory();
    assert.deepEqual(clock.sleeps, [1000, 2000]);
    await client.time();
    assert.deepEqual(clock.sleeps, [1000, 2000], 'public calls do not use the private counter');
    assert.equal(server.requests.length, 6);
  });

  test('two clients given one limiter buffer count together (as threads sharing a key do)', async () => {
    const clock = new FakeClock(true);
    server.requests.length = 0;
    script = () => OK_BALANCE;
    const rateLimiterBuffer = createRateLimiterBuffer();
    const make = (): KrakenRestClient =>
      new KrakenRestClient({
        baseUrl: server.url,
        apiKey: API_KEY,
        apiSecret: SECRET,
        clock,
        tier: 'pro',
        rateLimiterBuffer,
      });
    const a = make();
    const b = make();
    for (let i = 0; i < 10; i++) {
      await a.balance();
      await b.balance();
    }
    assert.deepEqual(clock.sleeps, []);
    await b.balance();
    assert.deepEqual(clock.sleeps, [1000]);
  });

  test('EAPI:Rate limit exceeded saturates the limiter before the retry', async () => {
    const clock = new FakeClock(true);
    server.requests.length = 0;
    let n = 0;
    script = () => (n++ === 0 ? { json: { error: ['EAPI:Rate limit exceeded'] } } : OK_BALANCE);
    const limiter = new RestRateLimiter({ maxCounter: 10, decayPerSec: 1 }, clock);
    const client = new KrakenRestClient({
      baseUrl: server.url,
      apiKey: API_KEY,
      apiSecret: SECRET,
      clock,
      rateLimiter: limiter,
      random: () => 0,
    });
    await client.balance();
    assert.equal(server.requests.length, 2);
    // backoff 125 ms, then the limiter waits for one unit of decay from full (less the 125 ms).
    assert.deepEqual(clock.sleeps, [125, 875]);
  });
  test('a caller giving up while a retry waits hears Kraken\'s last answer, not "aborted"', async () => {
    const clock = new FakeClock(true);
    server.requests.length = 0;
    const giveUp = new AbortController();
    script = () => ({ json: { error: ['EAPI:Rate limit exceeded'] } });
    const client = new KrakenRestClient({
      baseUrl: server.url,
      apiKey: API_KEY,
      apiSecret: SECRET,
      clock,
      tier: 'pro',
      random: () => 0,
      // The answer is in; the caller gives up as the retry's wait begins.
      onRetry: () => giveUp.abort(new Error("the caller's deadline")),
    });
    await assert.rejects(client.balance(giveUp.signal), (err: unknown) => {
      assert.ok(err instanceof KrakenError, String(err));
      assert.equal(err.code, 'EAPI:Rate limit exceeded');
      return true;
    });
    assert.equal(server.requests.length, 1, 'retried after the caller gave up');
    // Given up before any answer: the caller's own reason.
    await assert.rejects(client.balance(giveUp.signal), /the caller's deadline/);
    assert.equal(server.requests.length, 1);
  });
  test("a private call still in flight is not overtaken by another thread's call before its own timeout", async () => {
    const order: string[] = [];
    const gate = createPrivateCallGateBuffer();
    const hangs = ((_url: unknown, init?: RequestInit) => {
      order.push('first sent');
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => {
          order.push('first timed out');
          reject(new DOMException('aborted', 'AbortError'));
        }),
      );
    }) as typeof fetch;
    const answers = (async () => {
      order.push('second sent');
      return new Response(JSON.stringify({ error: [], result: { ZUSD: '1' } }));
    }) as typeof fetch;
    const client = (f: typeof fetch): KrakenRestClient =>
      new KrakenRestClient({
        baseUrl: 'http://127.0.0.1:9',
        apiKey: API_KEY,
        apiSecret: SECRET,
        tier: 'pro',
        timeoutMs: 50,
        maxAttempts: 1,
        callGateBuffer: gate,
        fetch: f,
      });
    const first = client(hangs).balance();
    await new Promise((r) => setImmediate(r));
    const second = client(answers).balance();
    await assert.rejects(first, /no complete answer within 50 ms/);
    assert.deepEqual(await second, { ZUSD: 1 });
    assert.deepEqual(order, ['first sent', 'first timed out', 'second sent']);
  });
  test("a WebSocket token waits behind the fetcher's hanging balance poll for its grace (3 s), not its 11 s hold", async () => {
    const clock = new FakeClock();
    const gate = createPrivateCallGateBuffer();
    const sent: Array<[string, number]> = [];
    const venue = ((url: unknown, init?: RequestInit) => {
      const method = String(url).split('/').pop() ?? '';
      sent.push([method, clock.time]);
      if (method === 'BalanceEx')
        return new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        );
      return Promise.resolve(
        new Response(JSON.stringify({ error: [], result: { token: 't0k', expires: 900 } })),
      );
    }) as typeof fetch;
    const takeovers: Array<[string, number]> = [];
    const client = (routine: boolean): KrakenRestClient =>
      new KrakenRestClient({
        baseUrl: 'http://127.0.0.1:9',
        apiKey: API_KEY,
        apiSecret: SECRET,
        tier: 'pro',
        maxAttempts: 1,
        callGateBuffer: gate,
        fetch: venue,
        clock,
        routine,
        onCallGateTakeover: (method, heldForMs) => takeovers.push([method, heldForMs]),
      });
    const stopPoll = new AbortController();
    const poll = client(true)
      .balanceEx(stopPoll.signal)
      .catch((e: unknown) => e);
    await new Promise((r) => setImmediate(r));
    let token: unknown;
    void client(false)
      .getWebSocketsToken()
      .then((t) => (token = t));
    for (let i = 0; i < 3_000 && token === undefined; i++) {
      clock.advance(2);
      await new Promise((r) => setImmediate(r));
    }
    stopPoll.abort(new Error('test over'));
    await poll;
    assert.deepEqual(token, { token: 't0k', expiresSec: 900 });
    assert.equal(sent[0]?.[0], 'BalanceEx');
    assert.equal(sent[1]?.[0], 'GetWebSocketsToken');
    const at = sent[1]?.[1] ?? -1;
    assert.ok(at > 3_000 && at <= 3_004, `the token request left at ${at} ms`);
    assert.equal(takeovers.length, 1);
    assert.equal(takeovers[0]?.[0], 'GetWebSocketsToken');
  });
});
