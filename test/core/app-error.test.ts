/** Every error class kraken-arb exports has the one base: a stable code and a kind, message unchanged. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/core/app-error.js';
import { PairUniverseError } from '../../src/core/pair-universe.js';
import { SeqlockError } from '../../src/engine/shared/seqlock.js';
import { SharedStateError } from '../../src/engine/shared/shared-state.js';
import { SlotError } from '../../src/engine/shared/slot.js';
import { DirError } from '../../src/files/ensure-dir.js';
import { JournalError } from '../../src/journal/journal-record.js';
import { EndpointConfigError } from '../../src/kraken/endpoints.js';
import {
  KrakenCredentialsError,
  KrakenResponseError,
  KrakenSecretError,
  KrakenTransportError,
  parseKrakenError,
} from '../../src/kraken/errors.js';
import { NonceError } from '../../src/kraken/nonce.js';
import { OrderNotSentError, OrderOutcomeUnknownError } from '../../src/kraken/order-errors.js';
import { WsConnectionError } from '../../src/kraken/ws/shared/connection.js';
import { KrakenWsBuildError } from '../../src/kraken/ws/shared/request-check.js';
import { LineProtocolError } from '../../src/metrics/line-protocol.js';
import { SimulatorError } from '../../src/sim/simulator.js';
import { WsRouteError } from '../../src/sim/ws/shared/upgrade-router.js';

const KINDS = new Set(['config', 'protocol', 'venue', 'io', 'internal']);

test('every error class extends AppError with a code and a kind', () => {
  const errors: ReadonlyArray<readonly [AppError, string]> = [
    [new PairUniverseError('E_PAIR_MISSING_USDT_USD', 'x'), 'config'],
    [new SeqlockError('E_SEQLOCK_LAYOUT', 'x'), 'internal'],
    [new SharedStateError('E_SHARED_STATE_BUFFER', 'x'), 'internal'],
    [new SlotError('E_SLOT_LAYOUT', 'x'), 'internal'],
    [new DirError('/tmp/x', 'ENOSPC', 'x'), 'io'],
    [new JournalError('E_JOURNAL_WRITE', 'x'), 'io'],
    [new EndpointConfigError(['x']), 'config'],
    [parseKrakenError('EOrder:Insufficient funds'), 'venue'],
    [new KrakenTransportError('KRAKEN_TIMEOUT', 'Balance', 'x'), 'io'],
    [new KrakenResponseError('Balance', 'result', 'x'), 'protocol'],
    [new KrakenSecretError('x'), 'config'],
    [new KrakenCredentialsError('Balance'), 'config'],
    [new NonceError('x'), 'internal'],
    [new OrderNotSentError('NOT_CONNECTED', 'x'), 'io'],
    [new OrderOutcomeUnknownError('ACK_TIMEOUT', 1, 'x'), 'venue'],
    [new WsConnectionError('WS_SEND_FAILED', 'x'), 'io'],
    [new KrakenWsBuildError('x'), 'protocol'],
    [new LineProtocolError('x'), 'internal'],
    [new SimulatorError('SIM_LISTEN_FAILED', 'x'), 'io'],
    [new WsRouteError('WS_ROUTE_TAKEN', 'x'), 'internal'],
  ];
  for (const [err, kind] of errors) {
    assert.ok(err instanceof AppError && err instanceof Error, err.name);
    assert.ok(typeof err.code === 'string' && err.code !== '', err.name);
    assert.ok(KINDS.has(err.kind), `${err.name}: ${err.kind}`);
    assert.equal(err.kind, kind, err.name);
  }
});

test('REST and WebSocket share one unknown-outcome error; the REST message is unchanged', () => {
  const cause = new KrakenTransportError('KRAKEN_TIMEOUT', 'AddOrder', 'timed out');
  const rest = OrderOutcomeUnknownError.afterRestCall('AddOrder', cause);
  assert.equal(rest.code, 'KRAKEN_UNKNOWN_OUTCOME');
  assert.equal(rest.method, 'AddOrder');
  assert.equal(rest.cause, cause);
  assert.equal(
    rest.message,
    'Kraken AddOrder: outcome unknown, reconcile before acting (Kraken AddOrder: timed out)',
  );
  const ws = new OrderOutcomeUnknownError(
    'DISCONNECTED',
    7,
    'addOrder reqid 7: socket closed before the ack',
  );
  assert.equal(ws.reqid, 7);
  assert.equal(ws.name, 'OrderOutcomeUnknownError');
});
