/**
 * System: an opportunity fresh at the listener and stale when the trader takes it. The real program,
 * with MAX_LOCAL_AGE_MS at 200 µs, drops it at the trader: the listener finds it fresh at the end of
 * its evaluation (~100 µs after receipt for the first opportunity on the 2-vCPU VM, ~60 µs warm),
 * and the first hand-off to the trader takes 700–1,900 µs (warm ones ~130 µs); later dislocations
 * follow until one is dropped so: the drop is counted in the run summary, and its
 * log line says where the time went: the hand-off split at the listener's publish stamp, the trader
 * thread's own GC pauses in it (src/engine/trade/gc-pauses.ts) and its run-queue wait around it
 * (src/engine/threads/run-queue-wait.ts). That nothing is sent for it is test/engine/trade/trader-stale.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem } from './harness.js';
import { assertCleanExit, EXIT_DEADLINE_MS } from './checks.js';

const STALE_LINE = 'opportunity stale at the trader: dropped';

test('a drop stale at the trader is logged with its stages, GC pauses and run-queue wait, and counted in the summary', async (t) => {
  const duration = 14;
  const run = await startSystem(t, {
    args: ['--trade', '--duration', String(duration)],
    env: { MAX_LOCAL_AGE_MS: '0.2' },
  });
  await run.waitReady(2, true);
  const line = await run.dislocateUntil(
    { direction: 'usd-to-eur', leg: 'buy' },
    () => run.logRecords().find((r) => r['msg'] === STALE_LINE),
    12_000,
    'a stale drop at the trader',
    1_000,
  );
  const num = (k: string): number => {
    const v = line[k];
    assert.equal(typeof v, 'number', `${k} in ${JSON.stringify(line)}`);
    return v as number;
  };
  assert.equal(line['thread'], 'trader');
  // Which opportunity: the pairs of a dislocated coin's two legs.
  assert.match(String(line['buy']), /^[A-Z0-9]+\/(USD|EUR)$/, JSON.stringify(line));
  assert.match(String(line['sell']), /^[A-Z0-9]+\/(USD|EUR)$/, JSON.stringify(line));
  assert.equal(String(line['buy']).split('/')[0], String(line['sell']).split('/')[0], 'one coin');
  assert.equal(num('maxAgeUs'), 200);
  // Its age when the trader took it is the sum of the two stages.
  assert.ok(
    Math.abs(num('ageUs') - num('receiptToEvaluatedUs') - num('evaluatedToTakenUs')) < 1,
    JSON.stringify(line),
  );
  assert.ok(num('receiptToEvaluatedUs') >= 0 && num('evaluatedToTakenUs') >= 0, JSON.stringify(line));
  // The hand-off split at the listener's publish stamp: the listener's part, then the trader's.
  assert.ok(num('evaluatedToPublishedUs') >= 0 && num('publishedToTakenUs') >= 0, JSON.stringify(line));
  assert.ok(
    Math.abs(num('evaluatedToPublishedUs') + num('publishedToTakenUs') - num('evaluatedToTakenUs')) < 1,
    JSON.stringify(line),
  );
  // The trader parks in trade mode: how long it had been out of its park when it took.
  assert.ok(num('unparkedToTakenUs') >= 0, JSON.stringify(line));
  // The GC report: how many of the trader's pauses fell in the hand-off, and how much of it they took.
  assert.ok(num('gcPauses') >= 0 && num('gcPausedUs') >= 0, JSON.stringify(line));
  assert.ok(num('gcPausedUs') <= num('evaluatedToTakenUs'), JSON.stringify(line));
  // The kernel's run-queue wait of the trader thread, in a window that holds the hand-off.
  assert.ok(num('runQueueWindowUs') >= num('evaluatedToTakenUs'), JSON.stringify(line));
  assert.ok(
    num('runQueueWaitUs') >= 0 && num('runQueueWaitUs') <= num('runQueueWindowUs'),
    JSON.stringify(line),
  );
  const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
  const summary = assertCleanExit(run, exit, 'trade');
  const trader = (summary['dropped'] as { trader: Record<string, number> }).trader;
  assert.ok((trader['staleAtTrader'] ?? 0) >= 1, JSON.stringify(trader));
});
