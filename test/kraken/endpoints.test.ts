import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EndpointConfigError, resolveEndpoints } from '../../src/kraken/endpoints.js';

describe('resolveEndpoints', () => {
  test('defaults per API version', () => {
    assert.deepEqual(resolveEndpoints({ colocated: false, wsApi: 'v1' }), {
      rest: 'https://api.kraken.com',
      wsPublic: 'wss://ws.kraken.com',
      wsPrivate: 'wss://ws-auth.kraken.com',
    });
    assert.deepEqual(resolveEndpoints({ colocated: false, wsApi: 'v2' }), {
      rest: 'https://api.kraken.com',
      wsPublic: 'wss://ws.kraken.com/v2',
      wsPrivate: 'wss://ws-auth.kraken.com/v2',
    });
  });

  test('colocated WS hosts; REST stays public', () => {
    assert.deepEqual(resolveEndpoints({ colocated: true, wsApi: 'v1' }), {
      rest: 'https://api.kraken.com',
      wsPublic: 'wss://colo-london.vip-ws.kraken.com',
      wsPrivate: 'wss://colo-london.vip-ws-auth.kraken.com',
    });
    const v2 = resolveEndpoints({ colocated: true, wsApi: 'v2' });
    assert.equal(v2.wsPublic, 'wss://colo-london.vip-ws.kraken.com/v2');
    assert.equal(v2.wsPrivate, 'wss://colo-london.vip-ws-auth.kraken.com/v2');
  });

  test('overrides win over colocated and defaults; trailing slash trimmed from REST', () => {
    const e = resolveEndpoints({
      colocated: true,
      wsApi: 'v2',
      restUrl: 'http://127.0.0.1:8080/',
      wsUrl: 'ws://127.0.0.1:8081/v2',
      wsAuthUrl: 'ws://127.0.0.1:8082/v2',
    });
    assert.deepEqual(e, {
      rest: 'http://127.0.0.1:8080',
      wsPublic: 'ws://127.0.0.1:8081/v2',
      wsPrivate: 'ws://127.0.0.1:8082/v2',
    });
  });

  test('empty overrides mean "not set"', () => {
    assert.equal(
      resolveEndpoints({ colocated: false, wsApi: 'v1', restUrl: '', wsUrl: '  ' }).wsPublic,
      'wss://ws.kraken.com',
    );
  });

  test('every bad variable is named, all at once', () => {
    assert.throws(
      () =>
        resolveEndpoints({
          colocated: false,
          wsApi: 'v1',
          restUrl: 'ws://x',
          wsUrl: 'not a url',
          wsAuthUrl: 'https://x',
        }),
      (err: unknown) => {
        assert.ok(err instanceof EndpointConfigError);
        assert.equal(err.code, 'KRAKEN_ENDPOINT_INVALID');
        assert.equal(err.problems.length, 3);
        assert.match(err.message, /KRAKEN_REST_URL must use http:\/\/ or https:\/\//);
        assert.match(err.message, /KRAKEN_WS_URL is not a valid URL/);
        assert.match(err.message, /KRAKEN_WS_AUTH_URL must use ws:\/\/ or wss:\/\//);
        return true;
      },
    );
  });

  test('credentials in a URL are rejected without being echoed', () => {
    assert.throws(
      () => resolveEndpoints({ colocated: false, wsApi: 'v1', restUrl: 'https://user:hunter2@example.com' }),
      (err: unknown) =>
        err instanceof EndpointConfigError &&
        /KRAKEN_REST_URL must not contain credentials/.test(err.message) &&
        !err.message.includes('hunter2'),
    );
  });
});
