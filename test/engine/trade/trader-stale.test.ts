/**
 * An opportunity older than MAX_LOCAL_AGE_MS when the trader takes it is dropped, counted, and
 * logged with where its time went (receipt → evaluated, evaluated → taken), so a slow hand-off can
 * be told from a slow evaluation. Nothing is sent for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trader } from '../../../src/engine/trade/trader.js';
import type { Logger } from '../../../src/log/logger.js';
import { PUBLISHED } from '../../../src/engine/shared/slot.js';
import {
  countingDeps,
  staleOpportunity,
  traderOptions,
  tradingSharedState,
  untilStaleDrop,
} from './trader-fixture.js';

test('a stale opportunity is dropped, counted and logged with its stages; nothing is sent', async () => {
  const shared = tradingSharedState();
  for (let p = 0; p < 4; p++) shared.setPairTradable(p, true);
  const { deps, counts } = countingDeps();
  const logged: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const record =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      logged.push({ level, msg, fields: fields ?? {} });
    };
  const log: Logger = {
    level: 'debug',
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  const trader = new Trader(traderOptions(shared, { deps, log }));
  const running = trader.run();
  // Received 5 ms ago, evaluated 40 µs after receipt: the hand-off took the rest.
  assert.equal(shared.slot.tryPublish(staleOpportunity()), PUBLISHED);
  await untilStaleDrop(trader, 2_000);
  trader.stop();
  await running;
  assert.equal(trader.counters.staleAtTrader, 1, JSON.stringify(trader.counters));
  assert.equal(trader.counters.trades, 0);
  assert.equal(counts.ordersSent, 0, 'nothing sent for a stale opportunity');
  const line = logged.find((l) => l.msg === 'opportunity stale at the trader: dropped');
  assert.ok(line !== undefined, `no stale log line: ${JSON.stringify(logged)}`);
  assert.equal(line.level, 'info');
  assert.equal(line.fields['receiptToEvaluatedUs'], 40);
  assert.ok((line.fields['evaluatedToTakenUs'] as number) >= 4_960, JSON.stringify(line.fields));
  assert.ok((line.fields['ageUs'] as number) >= 5_000, JSON.stringify(line.fields));
  assert.equal(line.fields['maxAgeUs'], 1_500);
});
