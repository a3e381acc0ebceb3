/**
 * System: the simulator lists USDC/USD and USDC/EUR on the stablecoin fee schedule. The program
 * logs that it leaves USDC out and why, and a USDC dislocation never becomes a trade, while a coin
 * dislocated after it does.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem } from './harness.js';
import { assertCleanExit, EXIT_DEADLINE_MS } from './checks.js';

describe('system: stablecoin-base coins', () => {
  test('USDC is excluded with a logged reason and never traded', async (t) => {
    const duration = 12;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      sim: { stablecoinCoin: true },
    });
    await run.waitReady(2, true);
    const logged = run.logRecords().find((r) => r['msg'] === 'coin excluded' && r['base'] === 'USDC');
    assert.ok(logged, 'no "coin excluded" log line for USDC');
    assert.match(String(logged['reason']), /stablecoin fee schedule/);
    const usdc = run.market.coins.findIndex((c) => c.name === 'USDC');
    assert.ok(usdc >= 0);
    run.market.dislocate({ coin: usdc, direction: 'usd-to-eur', leg: 'buy' });
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    assert.notEqual(intent['base'], 'USDC');
    assert.equal(run.intents().filter((r) => r['base'] === 'USDC').length, 0);
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    assertCleanExit(run, exit, 'trade');
  });
});
