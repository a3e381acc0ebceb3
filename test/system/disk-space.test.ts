/**
 * System: the real program in trade mode whose journal's filesystem has less free space than
 * DISK_STOP_FREE_MB (set just above what this machine has free) stops trading at start-up with a
 * critical alert, says so on the status line, and takes no trade, while evaluation goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startSystem } from './harness.js';
import { EXIT_DEADLINE_MS } from './checks.js';

test('free space below DISK_STOP_FREE_MB: trading stopped with an alert, no trade, evaluation goes on', async (t) => {
  const s = statfsSync(tmpdir());
  const freeMb = Math.floor((Number(s.bavail) * Number(s.bsize)) / (1024 * 1024));
  const duration = 14;
  const run = await startSystem(t, {
    args: ['--trade', '--duration', String(duration)],
    env: { DISK_STOP_FREE_MB: String(freeMb + 10_000), DISK_WARN_FREE_MB: String(freeMb + 20_000) },
  });
  await run.waitReady(2, true);
  await run.waitFor(
    () => run.logHas((r) => r['msg'] === 'disk almost full: trading stopped (evaluation continues)'),
    10_000,
    'the disk-space stop',
  );
  assert.ok(
    run.logHas((r) => r['level'] === 'error' && String(r['msg']).startsWith('alert: Disk almost full')),
    `no critical alert${run.describe()}`,
  );
  for (let coin = 0; coin < run.market.coins.length; coin += 3)
    run.market.dislocate({ coin, direction: 'usd-to-eur', leg: 'buy' });
  const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
  assert.deepEqual(exit, { code: 0, signal: null }, `exit${run.describe()}`);
  assert.equal(run.intents().length, 0, 'a trade started below the disk-space stop');
  assert.equal((await run.wsStats()).private.ordersReceived, 0);
  assert.match(run.stdout, /TRADING STOPPED/);
  const dropped = (run.summary()['dropped'] as { listener: Record<string, number> }).listener;
  assert.ok(
    (dropped['dropTradingDisabled'] ?? 0) > 0,
    `evaluation did not go on: ${JSON.stringify(dropped)}`,
  );
});
