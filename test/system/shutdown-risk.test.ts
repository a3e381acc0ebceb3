/**
 * System: stopping with a trade in flight finishes that trade (the books still agree), and a risk
 * limit stops trading for the rest of the run while evaluation goes on.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem } from './harness.js';
import { assertBooksAgree, balancesByCode, close } from './ledger-check.js';
import { EXIT_DEADLINE_MS, kinds, sum } from './checks.js';
import type { VenueEvent } from '../../src/sim/contracts.js';

describe('system: shutdown and risk limits', () => {
  test('SIGTERM while the sell is held at the venue: the trade in flight finishes, exit 0, books agree', async (t) => {
    const run = await startSystem(t, { args: ['--trade', '--duration', '60'] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    let armed = true;
    const off = run.sim.venue.onEvent((ev: VenueEvent) => {
      if (armed && ev.kind === 'trade' && ev.trade.type === 'buy') {
        armed = false;
        // Longer than a worker's 5 s stop grace: the trade must still be finished, not cut short.
        run.sim.faults.delayNextOrderMs = 7_000;
      }
    });
    t.after(off);
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    await run.waitFor(
      () => run.trade(intent.tradeId).some((r) => r.kind === 'sell-sent'),
      5_000,
      'the sell sent',
    );
    run.child.kill('SIGTERM');
    const exit = await run.waitExit(EXIT_DEADLINE_MS);
    assert.deepEqual(exit, { code: 0, signal: null }, `exit${run.describe()}`);
    const summary = run.summary();
    assert.equal(summary['stoppedBecause'], 'SIGTERM');
    const rec = run.trade(intent.tradeId);
    assert.equal(rec.find((r) => r.kind === 'outcome')?.['status'], 'sold', kinds(rec).join(','));
    const bought = sum(rec, 'fill', 'volume');
    close(sum(rec, 'sell-fill', 'volume'), bought, bought, 'sold volume');
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });

  test('consecutive failures reach the risk limit: trading stops (journaled), no order after it', async (t) => {
    const duration = 16;
    const limit = 2;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      env: { MAX_CONSECUTIVE_FAILURES: String(limit) },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    // Every order is rejected until the risk stop: armed before each dislocation (a trade's buy is
    // its first order, and it can leave within the 2 ms before a timer's first tick) and re-armed
    // continuously (a second dislocation can start a trade before the loop comes round, under load).
    const arm = (): void => {
      if (run.sim.faults.rejectNextOrder === null)
        run.sim.faults.rejectNextOrder = 'EOrder:Insufficient funds';
    };
    const rearm = setInterval(arm, 2);
    t.after(() => clearInterval(rearm));
    for (let i = 0; i < limit; i++) {
      arm();
      const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
      const rec = await run.waitOutcome(intent.tradeId, 5_000);
      assert.equal(rec.find((r) => r.kind === 'outcome')?.['status'], 'rejected', kinds(rec).join(','));
    }
    await run.waitFor(() => run.journal().some((r) => r.kind === 'risk-stop'), 5_000, 'a risk-stop record');
    clearInterval(rearm);
    const stop = run.journal().find((r) => r.kind === 'risk-stop');
    assert.equal(stop?.['reason'], 'max-consecutive-failures');
    const ordersAtStop = (await run.wsStats()).private.ordersReceived;
    const intentsAtStop = run.intents().length;
    // Fresh dislocations are still evaluated (counted as trading-disabled drops) but never traded.
    for (let coin = 0; coin < run.market.coins.length; coin += 4)
      run.market.dislocate({ coin, direction: 'usd-to-eur', leg: 'buy' });
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    assert.deepEqual(exit, { code: 0, signal: null }, `exit${run.describe()}`);
    const summary = run.summary();
    assert.equal(run.intents().length, intentsAtStop, 'a trade started after the risk stop');
    assert.equal((await run.wsStats()).private.ordersReceived, ordersAtStop, 'an order after the risk stop');
    const dropped = (summary['dropped'] as { listener: Record<string, number> }).listener;
    assert.ok(
      (dropped['dropTradingDisabled'] ?? 0) > 0,
      `no opportunity dropped as trading disabled: ${JSON.stringify(dropped)}`,
    );
    assert.equal((summary['trades'] as { rejected: number }).rejected, limit);
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });
});
