import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildAddOrderV2,
  buildCancelOrderV2,
  buildExecutionsSubscribe,
  buildPingV2,
  buildTickerSubscribe,
  decimalToJsonNumber,
} from '../../../../src/kraken/ws/v2/messages.js';
import { parseV2Frame } from '../../../../src/kraken/ws/v2/events.js';
import { daysFromCivil, parseRfc3339 } from '../../../../src/kraken/ws/v2/rfc3339.js';
import { parseExecutionReport } from '../../../../src/kraken/ws/v2/executions-parse.js';
import { KrakenWsBuildError } from '../../../../src/kraken/ws/shared/request-check.js';

describe('messages-v2', () => {
  test('documented add_order example, digits kept as given', () => {
    const s = buildAddOrderV2(123456789, 'G38a1tGFzqGiUCmnegBcm8d4nfP3tytiNQz6tkCBYXY', {
      order_type: 'limit',
      side: 'buy',
      limit_price: '26500.4',
      order_userref: 100054,
      order_qty: '1.2',
      symbol: 'BTC/USD',
    });
    assert.deepEqual(JSON.parse(s), {
      method: 'add_order',
      params: {
        order_type: 'limit',
        side: 'buy',
        limit_price: 26500.4,
        order_userref: 100054,
        order_qty: 1.2,
        symbol: 'BTC/USD',
        token: 'G38a1tGFzqGiUCmnegBcm8d4nfP3tytiNQz6tkCBYXY',
      },
      req_id: 123456789,
    });
  });

  test('fee_preference goes out as given and is checked', () => {
    const p = { order_type: 'market', side: 'sell', order_qty: '0.5', symbol: 'BTC/USD' } as const;
    for (const pref of ['base', 'quote'] as const) {
      const s = buildAddOrderV2(1, 'tok', { ...p, fee_preference: pref });
      assert.equal((JSON.parse(s) as { params: Record<string, unknown> }).params['fee_preference'], pref);
    }
    assert.throws(
      () => buildAddOrderV2(1, 'tok', { ...p, fee_preference: 'coin' as never }),
      KrakenWsBuildError,
    );
  });

  test('decimal strings become JSON number text with the same digits', () => {
    assert.equal(decimalToJsonNumber('0.12340000', 'q'), '0.12340000');
    assert.equal(decimalToJsonNumber('007.50', 'q'), '7.50');
    assert.equal(decimalToJsonNumber('0', 'q'), '0');
    assert.equal(decimalToJsonNumber('0.30000000000000004441', 'q'), '0.30000000000000004441');
    for (const bad of ['', '.5', '5.', '-1', '+1', '1e-8', ' 1', '1,5', 'NaN', '0x10'])
      assert.throws(() => decimalToJsonNumber(bad, 'q'), KrakenWsBuildError, bad);
  });

  test('subscriptions and ping', () => {
    assert.deepEqual(JSON.parse(buildTickerSubscribe(1, ['ALGO/USD'])), {
      method: 'subscribe',
      params: { channel: 'ticker', symbol: ['ALGO/USD'], event_trigger: 'bbo', snapshot: true },
      req_id: 1,
    });
    assert.deepEqual(JSON.parse(buildExecutionsSubscribe(2, 'tok')), {
      method: 'subscribe',
      params: { channel: 'executions', token: 'tok', snap_orders: true, snap_trades: false },
      req_id: 2,
    });
    assert.deepEqual(JSON.parse(buildPingV2(101)), { method: 'ping', req_id: 101 });
    assert.deepEqual(JSON.parse(buildCancelOrderV2(3, 'tok', ['OLUMT4-UTEGU-ZYM7E9'])), {
      method: 'cancel_order',
      params: { order_id: ['OLUMT4-UTEGU-ZYM7E9'], token: 'tok' },
      req_id: 3,
    });
    assert.throws(() => buildTickerSubscribe(1, []), KrakenWsBuildError);
    assert.throws(() => buildTickerSubscribe(1, ['BTC"USD']), KrakenWsBuildError);
  });

  test('the token never appears in a build error', () => {
    const token = 'secret"token';
    try {
      buildExecutionsSubscribe(1, token);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof KrakenWsBuildError);
      assert.ok(!e.message.includes('secret'));
    }
  });
});

describe('events-v2: documented frames', () => {
  test('status, heartbeat, pong, acks, errors, executions', () => {
    assert.deepEqual(
      parseV2Frame(
        '{"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":13834774380200032777,"system":"online","version":"2.0.0"}]}',
      ),
      { kind: 'status', system: 'online', version: '2.0.0' },
    );
    assert.deepEqual(parseV2Frame('{"channel":"heartbeat"}'), { kind: 'heartbeat' });
    assert.deepEqual(parseV2Frame('{"method":"pong","req_id":101,"time_in":"a","time_out":"b"}'), {
      kind: 'pong',
      reqId: 101,
      error: undefined,
    });
    const err = parseV2Frame(
      '{"error":"Currency pair not supported XBT/USD","method":"subscribe","success":false,"symbol":"XBT/USD","time_in":"a","time_out":"b"}',
    );
    assert.equal(err.kind, 'ack');
    assert.ok(err.kind === 'ack' && !err.success && err.symbol === 'XBT/USD');
    assert.ok(err.kind === 'ack' && err.error === 'Currency pair not supported XBT/USD');
    const ok = parseV2Frame(
      '{"method":"add_order","req_id":123456789,"result":{"order_id":"AA5JGQ-SBMRC-SCJ7J7","order_userref":100054},"success":true,"time_in":"a","time_out":"b"}',
    );
    assert.ok(
      ok.kind === 'ack' &&
        ok.success &&
        ok.reqId === 123456789 &&
        ok.result?.order_id === 'AA5JGQ-SBMRC-SCJ7J7',
    );
    const ex = parseV2Frame('{"channel":"executions","type":"update","data":[],"sequence":9}');
    assert.deepEqual(ex, { kind: 'channel', channel: 'executions', type: 'update', data: [], sequence: 9 });
  });

  test('malformed objects are invalid, never thrown', () => {
    for (const bad of [
      'nope',
      '[1]',
      '{"method":"subscribe"}',
      '{"method":"subscribe","success":false}',
      '{"method":5}',
      '{"channel":"executions","sequence":"x"}',
      '{"req_id":"1","method":"pong"}',
      '{}',
    ])
      assert.equal(parseV2Frame(bad).kind, 'invalid', bad);
  });
});

describe('rfc3339', () => {
  test('calendar edges', () => {
    assert.equal(daysFromCivil(1970, 1, 1), 0);
    assert.equal(daysFromCivil(2000, 3, 1), 11017);
    assert.equal(
      parseRfc3339('2024-02-29T23:59:59.999999Z'),
      Date.parse('2024-02-29T23:59:59Z') / 1000 + 0.999999,
    );
    assert.ok(Number.isNaN(parseRfc3339('2023-02-29T00:00:00Z')));
    assert.ok(Number.isNaN(parseRfc3339('2100-02-29T00:00:00Z')));
    assert.equal(parseRfc3339('2000-02-29T00:00:00Z'), Date.parse('2000-02-29T00:00:00Z') / 1000);
    assert.equal(parseRfc3339('2024-01-01T01:00:00+01:00'), Date.parse('2024-01-01T00:00:00Z') / 1000);
    assert.equal(parseRfc3339('2024-01-01T00:00:00.123456789Z'), 1704067200.123456, 'beyond µs truncated');
    for (const bad of [
      '2024-01-01',
      '2024-01-01T24:00:00Z',
      '2024-01-01T00:60:00Z',
      '2024-01-01T00:00:60Z',
      '2024-01-01T00:00:00.Z',
      '2024-01-01T00:00:00+0100',
      '1969-12-31T23:59:59Z',
      '2024-01-01T00:00:00Zx',
    ])
      assert.ok(Number.isNaN(parseRfc3339(bad)), bad);
  });
});

describe('executions-parse', () => {
  test('documented trade report', () => {
    const r = parseExecutionReport({
      order_id: 'O7IBL5-O4C5A-MNN5BK',
      order_userref: 0,
      exec_id: 'TN3SMH-PQIOE-BT5DZO',
      exec_type: 'trade',
      trade_id: 365573,
      symbol: 'BTC/USD',
      side: 'buy',
      last_qty: 0.005,
      last_price: 69160.4,
      liquidity_ind: 't',
      cost: 345.802,
      order_status: 'partially_filled',
      order_type: 'limit',
      timestamp: '2024-05-18T11:00:09.199062Z',
      fee_usd_equiv: 0.3458,
      fees: [{ asset: 'USD', qty: 0.3458 }],
      cum_qty: 0.005,
      cum_cost: 345.802,
      avg_price: 69160.4,
    });
    assert.ok(r.ok);
    assert.equal(r.report.tradeId, '365573');
    assert.equal(r.report.cost, 345.802);
    assert.deepEqual(r.report.fees, [{ asset: 'USD', qty: 0.3458 }]);
    assert.equal(r.report.orderStatus, 'partially_filled');
    assert.equal(r.report.timestampSec, 1716030009.199062);
  });

  test('cost defaults to last_qty · last_price; reason falls back to cancel_reason', () => {
    const r = parseExecutionReport({
      order_id: 'O1',
      exec_type: 'trade',
      exec_id: 'E1',
      last_qty: 2,
      last_price: 3,
    });
    assert.ok(r.ok && r.report.cost === 6 && r.report.tradeId === undefined && r.report.fees.length === 0);
    const c = parseExecutionReport({
      order_id: 'O1',
      exec_type: 'canceled',
      cancel_reason: 'User requested',
    });
    assert.ok(c.ok && c.report.reason === 'User requested');
  });
});
