/**
 * System: what happens to orders the venue does not simply fill — a rejected buy, a partly filled
 * IOC buy, a rejected sell retried with backoff, and retries exhausted (stranded inventory). The
 * faults are armed through the simulator's switches; the venue's records are the ground truth.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem, type SystemRun } from './harness.js';
import type { VenueEvent } from '../../src/sim/contracts.js';
import { assertBooksAgree, balancesByCode, close } from './ledger-check.js';
import { assertCleanExit, EXIT_DEADLINE_MS, kinds, only, sum } from './checks.js';
import type { JournalRecord } from '../../src/journal/journal-record.js';

/** The first buy fill of any trade on the venue arms `arm()` (synchronously, inside the venue's settle). */
function onFirstBuyFill(run: SystemRun, arm: () => void): () => void {
  let armed = true;
  return run.sim.venue.onEvent((ev: VenueEvent) => {
    if (armed && ev.kind === 'trade' && ev.trade.type === 'buy') {
      armed = false;
      arm();
    }
  });
}

function records(all: readonly JournalRecord[], kind: string): JournalRecord[] {
  return all.filter((r) => r.kind === kind);
}

describe('system: order outcomes', () => {
  test('a rejected buy is journaled as reject: no sell, outcome rejected, nothing stranded; trading goes on', async (t) => {
    const duration = 14;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    await run.faults({ rejectNextOrder: 'EOrder:Insufficient funds' });
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 5_000);
    assert.deepEqual(kinds(rec), ['intent', 'order-sent', 'reject', 'outcome']);
    assert.match(String(only(rec, 'reject')['reason']), /EOrder:Insufficient funds/);
    assert.equal(only(rec, 'outcome')['status'], 'rejected');
    assert.equal(only(rec, 'outcome')['bought'], 0);
    // The venue never saw it as an order.
    const userref = intent['userref'] as number;
    assert.equal(run.sim.venue.closedOrders(run.sim.apiKey).filter((o) => o.userref === userref).length, 0);
    assert.ok((await run.wsStats()).private.ordersRejected >= 1);
    // A rejection is not a reason to stop: the next opportunity trades.
    const next = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const nextRec = await run.waitOutcome(next.tradeId, 5_000);
    assert.equal(only(nextRec, 'outcome')['status'], 'sold', kinds(nextRec).join(','));
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.equal((summary['trades'] as { rejected: number }).rejected, 1);
    assert.deepEqual(summary['strandedInventory'], {});
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });

  test('a partly filled IOC buy: the filled part, not the requested volume, is sold', async (t) => {
    const duration = 14;
    const delayMs = 1_500;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      // The held order must outlive neither its ack timeout nor the dislocated level.
      sim: { dislocationLifetimeMs: 8_000 },
      env: { FILL_TIMEOUT_MS: '6000' },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    // The buy is held on arrival; meanwhile someone else takes most of the level it aims at.
    await run.faults({ delayNextOrderMs: delayMs });
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000, 2_500);
    await run.waitFor(
      () => run.trade(intent.tradeId).some((r) => r.kind === 'order-sent'),
      2_000,
      'order-sent',
    );
    const sent = only(run.trade(intent.tradeId), 'order-sent');
    const requested = Number(sent['volume']);
    const buyIndex = run.market.pairIndex(String(intent['buyPair']));
    const pair = run.market.pairs[buyIndex];
    assert.ok(pair);
    const price = Number(sent['price']);
    const level = run.market.levels(buyIndex, 'ask').find((l) => l.price === price);
    assert.ok(level, `no ask level at the order's price ${price}`);
    const lot = 10 ** pair.lotDecimals;
    const leave = Math.floor((requested / 2) * lot) / lot;
    const taken = run.market.take(buyIndex, 'ask', level.qty - leave, price);
    assert.ok(taken.length > 0, 'could not take liquidity away');
    const rec = await run.waitOutcome(intent.tradeId, 10_000);
    assert.equal(
      run.trade(intent.tradeId).some((r) => r.kind === 'unknown'),
      false,
      'the held order went unknown: ack timeout too short',
    );
    const bought = sum(rec, 'fill', 'volume');
    close(bought, leave, requested, 'bought volume');
    assert.ok(bought < requested, `bought ${bought} of ${requested}: not a partial fill`);
    const sells = records(rec, 'sell-sent');
    assert.equal(sells.length, 1);
    close(Number(sells[0]?.['volume']), bought, requested, 'sell volume');
    close(sum(rec, 'sell-fill', 'volume'), bought, requested, 'sold volume');
    assert.equal(only(rec, 'outcome')['status'], 'sold');
    const order = run.sim.venue
      .closedOrders(run.sim.apiKey)
      .find((o) => o.userref === intent['userref'] && o.type === 'buy');
    assert.ok(order);
    close(order.volExec, leave, requested, 'venue executed volume');
    close(order.volume, requested, requested, 'venue order volume');
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.deepEqual(summary['strandedInventory'], {});
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });

  test('a rejected sell is retried with backoff and then sells', async (t) => {
    const duration = 14;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    const off = onFirstBuyFill(run, () => {
      run.sim.faults.rejectNextOrder = 'EService:Unavailable';
    });
    t.after(off);
    const intent = await run.dislocateUntilIntent({ direction: 'eur-to-usd', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 8_000);
    const sells = records(rec, 'sell-sent');
    assert.equal(sells.length, 2, kinds(rec).join(','));
    const failed = only(rec, 'sell-failed');
    assert.match(String(failed['reason']), /EService:Unavailable/);
    assert.deepEqual(
      sells.map((r) => r['attempt']),
      [1, 2],
    );
    // Backoff: the retry waited at least the base delay (200 ms) after the failure.
    assert.ok((sells[1] as JournalRecord).ts - failed.ts >= 195_000, 'retry without backoff');
    assert.equal(only(rec, 'outcome')['status'], 'sold');
    close(
      sum(rec, 'sell-fill', 'volume'),
      sum(rec, 'fill', 'volume'),
      sum(rec, 'fill', 'volume'),
      'sold = bought',
    );
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.deepEqual(summary['strandedInventory'], {});
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });

  test('sell retries exhausted: the inventory is recorded stranded in the journal and the summary', async (t) => {
    const duration = 14;
    const retries = 2;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      env: { SELL_RETRIES: String(retries) },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    // Every sell of the first trade is rejected: armed on its buy fill, re-armed as each is consumed.
    let rejectsLeft = 0;
    const off = onFirstBuyFill(run, () => {
      rejectsLeft = retries;
      run.sim.faults.rejectNextOrder = 'EService:Unavailable';
    });
    const rearm = setInterval(() => {
      if (rejectsLeft > 0 && run.sim.faults.rejectNextOrder === null) {
        rejectsLeft--;
        run.sim.faults.rejectNextOrder = 'EService:Unavailable';
      }
    }, 5);
    t.after(() => {
      off();
      clearInterval(rearm);
    });
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 10_000);
    const fails = records(rec, 'sell-failed');
    assert.deepEqual(
      fails.map((r) => r['attempt']),
      [1, 2, 3],
      kinds(rec).join(','),
    );
    const sells = records(rec, 'sell-sent');
    // Backoff doubles: at least 200 ms, then 400 ms between a failure and the next attempt.
    for (let i = 1; i < sells.length; i++) {
      const gapUs = (sells[i] as JournalRecord).ts - (fails[i - 1] as JournalRecord).ts;
      assert.ok(
        gapUs >= 200_000 * 2 ** (i - 1) - 5_000,
        `attempt ${i + 1} came ${gapUs} µs after the failure`,
      );
    }
    const bought = sum(rec, 'fill', 'volume');
    const stranded = only(rec, 'stranded');
    assert.equal(stranded['asset'], intent['base']);
    close(Number(stranded['volume']), bought, bought, 'stranded volume');
    assert.equal(only(rec, 'outcome')['status'], 'stranded');
    assert.equal(records(rec, 'sell-fill').length, 0);
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.equal((summary['trades'] as { stranded: number }).stranded, 1);
    const inv = summary['strandedInventory'] as Record<string, number>;
    close(inv[String(intent['base'])] ?? 0, bought, bought, 'summary stranded inventory');
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
    // The venue holds the coin that was bought and never sold.
    close(
      balancesByCode(run.sim)[String(intent['base'])] ?? 0,
      (before[String(intent['base'])] ?? 0) + bought,
      bought,
      'coin balance',
    );
  });
  test('an IOC buy that lands after the dislocation closed fills nothing: not-filled, nothing sold', async (t) => {
    const duration = 14;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      // The level is re-quoted around fair 300 ms after it opens; the buy arrives 1.5 s later.
      sim: { dislocationLifetimeMs: 300 },
      env: { FILL_TIMEOUT_MS: '6000' },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    await run.faults({ delayNextOrderMs: 1_500 });
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 10_000);
    assert.deepEqual(kinds(rec), ['intent', 'order-sent', 'ack', 'order-closed', 'outcome']);
    assert.equal(only(rec, 'order-closed')['volExec'], 0);
    assert.equal(only(rec, 'outcome')['status'], 'not-filled');
    const order = run.sim.venue.closedOrders(run.sim.apiKey).find((o) => o.userref === intent['userref']);
    assert.ok(order);
    assert.equal(order.volExec, 0);
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.ok((summary['trades'] as { notFilled: number }).notFilled >= 1);
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
    assert.deepEqual(balancesByCode(run.sim), before, 'money moved for an order that filled nothing');
  });
});
