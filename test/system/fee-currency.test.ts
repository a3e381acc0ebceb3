/**
 * System: both legs state their fee currency (quote). The simulator takes a fee in the currency an
 * order names and, when it names none, in Kraken's documented default — the base asset for a sell —
 * which would leave the bought coin one fee short of its own full-volume sell. So every order the
 * program sends must say fciq (v1) / fee_preference quote (v2), and every coin bought is sold whole.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem } from './harness.js';
import { assertBooksAgree, balancesByCode } from './ledger-check.js';
import { assertCleanExit, EXIT_DEADLINE_MS, kinds, only } from './checks.js';

describe('system: fee currency', () => {
  test('every order states fee-in-quote; the bought volume is sold whole; no coin is left over', async (t) => {
    const duration = 14;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    for (const direction of ['usd-to-eur', 'eur-to-usd'] as const) {
      const intent = await run.dislocateUntilIntent({ direction, leg: 'buy' }, 8_000);
      const rec = await run.waitOutcome(intent.tradeId, 8_000);
      assert.equal(only(rec, 'outcome')['status'], 'sold', kinds(rec).join(','));
      assert.equal(rec.filter((r) => r.kind === 'sell-failed').length, 0, kinds(rec).join(','));
    }
    const orders = run.sim.venue.closedOrders(run.sim.apiKey);
    assert.ok(orders.length >= 4, `${orders.length} orders`);
    for (const o of orders) {
      const flags = o.oflags.split(',');
      assert.ok(flags.includes('fciq') && !flags.includes('fcib'), `${o.type} ${o.txid}: ${o.oflags}`);
    }
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.deepEqual(summary['strandedInventory'], {});
    // Coins: none were held before, none are now (each trade sold exactly what it bought).
    const after = balancesByCode(run.sim);
    for (const [code, amount] of Object.entries(after)) {
      if (['USD', 'EUR', 'USDT'].includes(code)) continue;
      assert.equal(amount, before[code] ?? 0, `${code} left over`);
    }
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });
});
