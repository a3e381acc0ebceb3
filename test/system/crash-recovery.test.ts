/**
 * System: the program is killed (SIGKILL) in the middle of a trade, with its sell held at the venue.
 * Restarted on the same journal against the same venue, it must finish the journal's account of
 * that trade from Kraken's records (the sell did execute), so the journal agrees with the balances.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SIM, startSystem } from './harness.js';
import { assertBooksAgree, balancesByCode, close } from './ledger-check.js';
import { EXIT_DEADLINE_MS, kinds, sum } from './checks.js';
import { startSimulator } from '../../src/sim/simulator.js';
import type { VenueEvent } from '../../src/sim/contracts.js';

describe('system: crash mid-trade and restart', () => {
  test('killed while the sell is in flight; the restart reconciles the trade from the venue: sold, books agree', async (t) => {
    const sim = await startSimulator(DEFAULT_SIM);
    t.after(() => sim.stop());
    const journalDir = mkdtempSync(join(tmpdir(), 'kraken-arb-system-journal-'));
    t.after(() => rmSync(journalDir, { recursive: true, force: true }));
    const before = balancesByCode(sim);

    const first = await startSystem(t, { args: ['--trade', '--duration', '60'], sharedSim: sim, journalDir });
    await first.waitReady(2, true);
    let armed = true;
    const off = sim.venue.onEvent((ev: VenueEvent) => {
      if (armed && ev.kind === 'trade' && ev.trade.type === 'buy') {
        armed = false;
        sim.faults.delayNextOrderMs = 2_000;
      }
    });
    t.after(off);
    const intent = await first.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    await first.waitFor(
      () => first.trade(intent.tradeId).some((r) => r.kind === 'sell-sent'),
      5_000,
      'the sell sent',
    );
    first.child.kill('SIGKILL');
    assert.equal((await first.waitExit(EXIT_DEADLINE_MS)).signal, 'SIGKILL');
    assert.equal(
      first.trade(intent.tradeId).some((r) => r.kind === 'outcome'),
      false,
      'the trade finished before the kill',
    );
    // The held sell executes at the venue although its sender is gone (before its deadline).
    const sellSent = first.trade(intent.tradeId).find((r) => r.kind === 'sell-sent');
    const userref = sellSent?.['userref'] as number;
    await first.waitFor(
      () => sim.venue.closedOrders(sim.apiKey).some((o) => o.userref === userref && o.type === 'sell'),
      5_000,
      'the venue to execute the orphaned sell',
    );

    const duration = 8;
    const second = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      sharedSim: sim,
      journalDir,
    });
    const exit = await second.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    assert.deepEqual(exit, { code: 0, signal: null }, `second run${second.describe()}`);
    assert.ok(
      second.logHas((r) => r['msg'] === 'interrupted trades found at start-up'),
      'no recovery logged',
    );
    const rec = second.trade(intent.tradeId);
    const k = kinds(rec);
    assert.ok(
      rec.some((r) => r.kind === 'reconciled' && r['leg'] === 'restart'),
      k.join(','),
    );
    assert.equal(rec.find((r) => r.kind === 'outcome')?.['status'], 'sold', k.join(','));
    const bought = sum(rec, 'fill', 'volume');
    close(sum(rec, 'sell-fill', 'volume'), bought, bought, 'sold volume after recovery');
    // Its summary only covers its own trades; the journal must agree with the venue on everything.
    assertBooksAgree(second.journal(), sim, before, null, journalDir);
  });
});
