/**
 * The order tracker: what the stream says of each order, by txid and by the attempt's own userref,
 * and when an order counts as settled (Kraken closed it and every executed volume arrived as a fill).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderTracker } from '../../../src/engine/trade/order-tracker.js';

const fill = (id: string, volume: number) => ({
  tradeId: id,
  volume,
  price: 10,
  cost: volume * 10,
  fee: 0.01,
});

describe('order tracker', () => {
  test('the stream names an order attempt by its userref (pending report or fill) before any ack', () => {
    const t = new OrderTracker();
    assert.equal(t.newsFor(7), undefined);
    t.updateOrder('O1', { status: 'pending', userref: 7 });
    assert.deepEqual(t.newsFor(7), { kind: 'placed', txid: 'O1', via: 'stream' });
    t.addFill('O2', fill('T2', 1), 8);
    assert.deepEqual(t.newsFor(8), { kind: 'placed', txid: 'O2', via: 'stream' });
  });

  test("a late ack's refusal is kept; a later placement by the stream is not overwritten by it", () => {
    const t = new OrderTracker();
    t.noteRejected(9, 'EService:Deadline elapsed');
    assert.deepEqual(t.newsFor(9), { kind: 'rejected', error: 'EService:Deadline elapsed' });
    t.notePlaced(10, 'O10', 'late-ack');
    t.noteRejected(10, 'EOrder:Unknown');
    assert.equal(t.newsFor(10)?.kind, 'placed');
  });

  test('userref 0 (none) is never indexed', () => {
    const t = new OrderTracker();
    t.updateOrder('O1', { status: 'open', userref: 0 });
    assert.equal(t.newsFor(0), undefined);
  });

  test('settled only once final and every executed volume has arrived as a fill', () => {
    const t = new OrderTracker();
    t.addFill('O1', fill('T1', 1));
    t.updateOrder('O1', { status: 'closed', volExec: 2 });
    assert.equal(t.isSettled('O1'), false, 'one fill of two still in flight');
    t.addFill('O1', fill('T2', 1));
    assert.equal(t.isSettled('O1'), true);
  });

  test('a status-only close (no executed volume, no fill) is not settled: a fill may still come', () => {
    const t = new OrderTracker();
    t.updateOrder('O1', { status: 'closed' });
    assert.equal(t.isSettled('O1'), false);
    t.addFill('O1', fill('T1', 0.5));
    assert.equal(t.isSettled('O1'), true);
  });

  test('changed() wakes on news and on order updates, and times out otherwise', async () => {
    const t = new OrderTracker();
    const woke = t.changed(5_000);
    setImmediate(() => t.noteRejected(3, 'EOrder:Insufficient funds'));
    const started = Date.now();
    await woke;
    assert.ok(Date.now() - started < 4_000);
    await t.changed(1);
  });

  test('waitFinal: a close with no volume waits the grace for a fill, which then counts', async () => {
    const t = new OrderTracker();
    const done = t.waitFinal('O1', 2_000, 50);
    t.updateOrder('O1', { status: 'closed' });
    setTimeout(() => t.addFill('O1', fill('T1', 1)), 5);
    assert.equal(await done, true);
    assert.equal(t.get('O1')?.fills.length, 1);
  });
});
