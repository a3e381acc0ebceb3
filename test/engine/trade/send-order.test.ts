/**
 * sendOrder's sent stamp: the order entry's own stamp of the socket write when it belongs to this
 * call, so the ack's registration after the write is not counted as time before the order left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendOrder } from '../../../src/engine/trade/order-leg.js';
import type { OrderAck, OrderEntry, OrderRequest } from '../../../src/engine/trade/order-entry.js';

const ORDER = {
  side: 'buy',
  ordertype: 'limit',
  volume: '1',
  price: '1',
  userref: 7,
  deadlineMs: 0,
} as unknown as OrderRequest;
const ACK: Promise<OrderAck> = Promise.resolve({ status: 'ok', txid: 'O1' });

/** A clock that moves 10 µs per reading; the entry's write happens at whatever `write` says. */
function setup(write: ((calledAt: number) => number) | null) {
  let now = 1_000;
  const nowUs = (): number => (now += 10);
  const entry: OrderEntry = {
    isReady: () => true,
    start: () => undefined,
    close: () => undefined,
    addOrder: () => {
      if (write !== null) stamp = write(now);
      now += 500; // what addOrder does after the write (the ack's promise and timer)
      return ACK;
    },
    ...(write === null ? {} : { lastWriteUs: () => stamp }),
  };
  let stamp = Number.NaN;
  return { entry, nowUs };
}

test('the socket write stamped by the order entry is the sent time', () => {
  const { entry, nowUs } = setup((t) => t + 3);
  const sent = sendOrder(entry, ORDER, nowUs);
  assert.equal(sent.sentUs, 1_013, 'the write, not the end of addOrder (1,520)');
});

test('a stamp older than the call (a previous order) is not used: now is', () => {
  const { entry, nowUs } = setup(() => 900);
  assert.equal(sendOrder(entry, ORDER, nowUs).sentUs, 1_520);
});

test('no write (NaN) or an entry without stamps: now, after addOrder', () => {
  const refused = setup(() => Number.NaN);
  assert.equal(sendOrder(refused.entry, ORDER, refused.nowUs).sentUs, 1_520);
  const plain = setup(null);
  assert.equal(sendOrder(plain.entry, ORDER, plain.nowUs).sentUs, 1_520);
});
