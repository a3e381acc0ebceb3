/**
 * Between opportunities the trader rehearses its path every millisecond, and the rehearsal runs the
 * very pre-send checks a real trade runs (Trader.refusal): measured, a real trade's checks took
 * 60–350 µs when only real trades ran them. A rehearsal counts nothing, stops nothing, sends nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trader } from '../../../src/engine/trade/trader.js';
import { countingDeps, traderOptions, tradingSharedState } from './trader-fixture.js';

test('rehearsals run the pre-send checks (the order entry is asked if ready) and count or send nothing', async () => {
  const shared = tradingSharedState();
  for (let p = 0; p < 4; p++) shared.setPairTradable(p, true);
  const { deps, counts, journaled } = countingDeps();
  let rehearsals = 0;
  const given: string[] = [];
  const trader = new Trader(
    traderOptions(shared, {
      deps,
      warmer: {
        sendBuy: (opp, buy, s, d) => {
          rehearsals++;
          given.push(`${opp} ${buy} ${d} ${s.rehearsal}`);
          return null;
        },
      },
    }),
  );
  const running = trader.run();
  const until = Date.now() + 2_000;
  while (rehearsals < 10 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  trader.stop();
  await running;
  assert.ok(rehearsals >= 10, `rehearsals ran (${rehearsals})`);
  // The warmer's own opportunity, with settings that mark its buy as a rehearsal (trade-warmup.ts).
  assert.deepEqual(new Set(given), new Set(['null null null true']));
  assert.ok(
    counts.readyAsked >= 10,
    `the checks ran in the rehearsals (${counts.readyAsked} readiness asks)`,
  );
  assert.equal(counts.ordersSent, 0, 'nothing sent');
  const c = trader.counters;
  const refused =
    c.taken + c.tradingDisabled + c.staleAtTrader + c.privateNotReady + c.journalBacklog + c.pairNotOnline;
  assert.equal(refused + c.insufficientBalance + c.riskRefused + c.trades, 0, JSON.stringify(c));
  assert.equal(shared.isTradingEnabled(), true, 'no stop from a rehearsal');
  assert.deepEqual(journaled, ['reserve', 'release'], 'only the userref reservation is journaled');
});
