/**
 * System: balances that stop coming are alerted by the real program before trading stops for them.
 *
 * Every REST answer is held back 60 s (the simulator's restDelayMs fault): each balance poll gives
 * up at its 10 s deadline and the balances in shared memory age. The main thread's watch
 * (src/main/balance-age-watch.ts) alerts at 20 s, before the listeners' 30 s limit refuses every
 * opportunity; when Kraken answers again, the next poll's balances are alerted as fresh.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem } from './harness.js';
import { assertCleanExit, EXIT_DEADLINE_MS } from './checks.js';

describe('system: the balances age', () => {
  test('balances held back by a slow Kraken are alerted at 20 s, and again when fresh ones come', async (t) => {
    const duration = 60;
    // Pro tier: balance polls every 2 s (the starter tier's call counter allows one every ~6 s).
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      env: { KRAKEN_API_TIER: 'pro' },
    });
    await run.waitReady(2, true);
    const alerted = (re: RegExp) => (r: Record<string, unknown>) =>
      r['alert'] === 'balances-age' && re.test(String(r['msg']));
    const aging = alerted(/^alert: Balances not refreshed for 2\d s: from 30 s every opportunity is refused/);
    const fresh = alerted(/^alert: Balances fresh again, after a gap of \d+ s$/);
    assert.ok(!run.logHas(aging), 'alerted before any fault');
    const heldAt = Date.now();
    run.sim.faults.restDelayMs = 60_000;
    try {
      await run.waitFor(() => run.logHas(aging), 30_000, 'the balances-age alert');
      const after = Date.now() - heldAt;
      // The last poll answered at most one interval (and its own time) before the fault.
      assert.ok(
        after >= 17_000,
        `alerted ${after} ms after the fault: earlier than the balances' age allows`,
      );
      assert.ok(
        run.logHas((r) => r['msg'] === 'balance fetch failed'),
        "the fetcher's own failures logged",
      );
      assert.ok(!run.logHas(fresh), 'fresh before Kraken answered again');
    } finally {
      run.sim.faults.restDelayMs = 0;
    }
    // A poll still held gives up at its deadline (≤ 10 s); the next one is answered.
    await run.waitFor(() => run.logHas(fresh), 20_000, 'the balances-fresh alert');
    assert.equal(run.logRecords().filter(aging).length, 1, 'one aging alert');
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    assertCleanExit(run, exit, 'trade');
  });
});
