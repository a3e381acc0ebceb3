import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  KRAKEN_ERROR_TABLE,
  KrakenError,
  KrakenResponseError,
  KrakenTransportError,
  MAX_RETRY_AFTER_MS,
  retryClass,
  isKrakenWarning,
  parseKrakenError,
  type RetryClass,
} from '../../src/kraken/errors.js';
import { OrderOutcomeUnknownError } from '../../src/kraken/order-errors.js';

// Every string of docs/kraken-protocol.md §4.1 with the kind we promise for it.
const DOCUMENTED: ReadonlyArray<readonly [string, RetryClass]> = [
  ['EGeneral:Invalid arguments', 'not-retryable'],
  ['EGeneral:Invalid arguments:Index unavailable', 'not-retryable'],
  ['EGeneral:Temporary lockout', 'fatal'],
  ['EGeneral:Permission denied', 'fatal'],
  ['EGeneral:Internal error', 'retryable'],
  ['EService:Unavailable', 'retryable'],
  ['EService:Market in cancel_only mode', 'not-retryable'],
  ['EService:Market in post_only mode', 'not-retryable'],
  ['EService:Deadline elapsed', 'retryable'],
  ['EService:Throttled', 'retryable'],
  ['EAPI:Invalid key', 'fatal'],
  ['EAPI:Invalid signature', 'fatal'],
  ['EAPI:Invalid nonce', 'not-retryable'],
  ['EAPI:Rate limit exceeded', 'retryable'],
  ['EOrder:Insufficient funds', 'not-retryable'],
  ['EOrder:Order minimum not met', 'not-retryable'],
  ['EOrder:Cost minimum not met', 'not-retryable'],
  ['EOrder:Tick size check failed', 'not-retryable'],
  ['EOrder:Orders limit exceeded', 'not-retryable'],
  ['EOrder:Rate limit exceeded', 'retryable'],
  ['EOrder:Domain rate limit exceeded', 'retryable'],
  ['EOrder:Invalid price', 'not-retryable'],
  ['EOrder:Margin allowance exceeded', 'not-retryable'],
  ['EOrder:Margin level too low', 'not-retryable'],
  ['EOrder:Margin position size exceeded', 'not-retryable'],
  ['EOrder:Insufficient margin', 'not-retryable'],
  ['EOrder:Cannot open position', 'not-retryable'],
  ['EOrder:Cannot open opposing position', 'not-retryable'],
  ['EOrder:Positions limit exceeded', 'not-retryable'],
  ['EOrder:Scheduled orders limit exceeded', 'not-retryable'],
  ['EOrder:Unknown position', 'not-retryable'],
  ['EOrder:Reduce only:Non-PC', 'not-retryable'],
  ['EOrder:Reduce only:No position exists', 'not-retryable'],
  ['EOrder:Reduce only:Position is closed', 'not-retryable'],
  ['EAccount:Invalid permissions', 'fatal'],
  ['EAuth:Account temporary disabled', 'fatal'],
  ['EAuth:Account unconfirmed', 'fatal'],
  ['EAuth:Rate limit exceeded', 'retryable'],
  ['EAuth:Too many requests', 'retryable'],
  ['ETrade:Invalid request', 'not-retryable'],
  ['EBM:limit exceeded:CAL', 'not-retryable'],
  ['EFunding:Max fee exceeded', 'not-retryable'],
  ['EOrder:Unknown order', 'not-retryable'],
  ['EQuery:Unknown asset pair', 'not-retryable'],
  ['EQuery:Invalid asset pair', 'not-retryable'],
  ['EQuery:Unknown asset', 'not-retryable'],
  ['EGeneral:Too many requests', 'retryable'],
  ['ETrade:User Locked', 'fatal'],
  ['EOrder:Invalid order', 'not-retryable'],
  ['EDatabase:Internal error', 'retryable'],
  ['ESession:Invalid session', 'retryable'],
];

describe('parseKrakenError: documented strings', () => {
  for (const [raw, kind] of DOCUMENTED) {
    test(raw, () => {
      const e = parseKrakenError(raw, 'AddOrder');
      assert.ok(e instanceof KrakenError);
      assert.equal(e.code, raw);
      assert.equal(e.retry, kind);
      assert.equal(e.known, true);
      assert.equal(e.raw, raw);
      assert.equal(e.detail, undefined);
      assert.equal(e.method, 'AddOrder');
      assert.match(e.message, /AddOrder/);
      assert.notEqual(e.category, 'Unknown');
    });
  }

  test('the table holds exactly the documented strings', () => {
    assert.deepEqual(Object.keys(KRAKEN_ERROR_TABLE).sort(), DOCUMENTED.map(([s]) => s).sort());
  });
});

describe('parseKrakenError: appended detail', () => {
  test('Invalid arguments with a field name', () => {
    const e = parseKrakenError('EGeneral:Invalid arguments:volume');
    assert.equal(e.code, 'EGeneral:Invalid arguments');
    assert.equal(e.detail, 'volume');
    assert.equal(e.retry, 'not-retryable');
    assert.equal(e.category, 'General');
  });

  test('longest stem wins: Index unavailable is its own entry', () => {
    assert.equal(
      parseKrakenError('EGeneral:Invalid arguments:Index unavailable').code,
      'EGeneral:Invalid arguments:Index unavailable',
    );
  });

  test('Internal error with a code', () => {
    const e = parseKrakenError('EGeneral:Internal error:12a');
    assert.equal(e.code, 'EGeneral:Internal error');
    assert.equal(e.detail, '12a');
    assert.equal(e.retry, 'retryable');
  });

  test('Throttled with a unix timestamp gives retryAfterMs', () => {
    const now = 1_700_000_000_000;
    const e = parseKrakenError('EService:Throttled: 1700000003', 'Balance', now);
    assert.equal(e.code, 'EService:Throttled');
    assert.equal(e.detail, '1700000003');
    assert.equal(e.retryAfterMs, 3000);
    assert.equal(parseKrakenError('EService:Throttled:1699999990', undefined, now).retryAfterMs, 0);
    assert.equal(
      parseKrakenError('EService:Throttled: 1800000000', undefined, now).retryAfterMs,
      MAX_RETRY_AFTER_MS,
    );
    assert.equal(parseKrakenError('EService:Throttled: soon', undefined, now).retryAfterMs, undefined);
    assert.equal(parseKrakenError('EService:Throttled', undefined, now).retryAfterMs, undefined);
  });

  test('a stem is not matched without the separator', () => {
    const e = parseKrakenError('EAPI:Invalid keyboard');
    assert.equal(e.known, false);
    assert.equal(e.code, 'EAPI:Invalid keyboard');
  });
});

describe('parseKrakenError: unknown strings', () => {
  test('keep raw text, category from the prefix, sensible kind', () => {
    const order = parseKrakenError('EOrder:Something new');
    assert.equal(order.known, false);
    assert.equal(order.raw, 'EOrder:Something new');
    assert.equal(order.category, 'Order');
    assert.equal(order.retry, 'not-retryable');
    assert.equal(parseKrakenError('EService:Busy').retry, 'retryable');
    const junk = parseKrakenError('totally unexpected');
    assert.equal(junk.category, 'Unknown');
    assert.equal(junk.retry, 'not-retryable');
  });
});

describe('other error classes', () => {
  test('warnings are recognised', () => {
    assert.equal(isKrakenWarning('WGeneral:Danger'), true);
    assert.equal(isKrakenWarning('EGeneral:Danger'), false);
  });

  test('transport kinds', () => {
    assert.equal(new KrakenTransportError('KRAKEN_TIMEOUT', 'Balance', 'x').retry, 'retryable');
    assert.equal(new KrakenTransportError('KRAKEN_NETWORK', 'Balance', 'x').retry, 'retryable');
    assert.equal(new KrakenTransportError('KRAKEN_BAD_JSON', 'Balance', 'x', 200).retry, 'retryable');
    assert.equal(new KrakenTransportError('KRAKEN_HTTP_STATUS', 'Balance', 'x', 502).retry, 'retryable');
    assert.equal(new KrakenTransportError('KRAKEN_HTTP_STATUS', 'Balance', 'x', 429).retry, 'retryable');
    assert.equal(new KrakenTransportError('KRAKEN_HTTP_STATUS', 'Balance', 'x', 404).retry, 'not-retryable');
    assert.equal(new KrakenTransportError('KRAKEN_ABORTED', 'Balance', 'x').retry, 'not-retryable');
  });

  test('retryClass covers every class and defaults to not-retryable', () => {
    assert.equal(retryClass(parseKrakenError('EAPI:Invalid key')), 'fatal');
    assert.equal(retryClass(new KrakenResponseError('Balance', 'result', 'x')), 'not-retryable');
    const unknown = OrderOutcomeUnknownError.afterRestCall(
      'AddOrder',
      new KrakenTransportError('KRAKEN_TIMEOUT', 'AddOrder', 'x'),
    );
    assert.equal(retryClass(unknown), 'not-retryable');
    assert.equal(unknown.code, 'KRAKEN_UNKNOWN_OUTCOME');
    assert.equal(retryClass(new Error('bug')), 'not-retryable');
  });
});
