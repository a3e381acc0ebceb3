/**
 * An opportunity older than MAX_LOCAL_AGE_MS when the trader takes it is dropped, counted, and
 * logged with where its time went (receipt → evaluated, evaluated → taken split at the listener's
 * publish stamp, the trader thread's GC pauses in the hand-off and its run-queue wait around it), so
 * a slow hand-off can be told from a slow evaluation, and the listener's part from the trader's. Nothing is sent
 * for it. One traded after a hand-off over half the budget is logged the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trader } from '../../../src/engine/trade/trader.js';
import type { Logger } from '../../../src/log/logger.js';
import { PUBLISHED } from '../../../src/engine/shared/slot.js';
import { OPP_EVAL_DONE_US } from '../../../src/core/opportunity.js';
import { NOW_US } from '../../core/fixtures.js';
import { PAIRS, rig } from '../listener-fixture.js';
import { setTimeout as delay } from 'node:timers/promises';
import {
  countingDeps,
  depsAround,
  staleOpportunity,
  tradableOpportunity,
  traderOptions,
  tradingSharedState,
  untilStaleDrop,
} from './trader-fixture.js';

interface Logged {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

function recordingLog(): { log: Logger; logged: Logged[] } {
  const logged: Logged[] = [];
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
  return { log, logged };
}

const STALE_LINE = 'opportunity stale at the trader: dropped';

test('a stale opportunity is dropped, counted and logged with its stages; nothing is sent', async () => {
  const shared = tradingSharedState();
  for (let p = 0; p < 4; p++) shared.setPairTradable(p, true);
  const { deps, counts } = countingDeps();
  const { log, logged } = recordingLog();
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
  const line = logged.find((l) => l.msg === STALE_LINE);
  assert.ok(line !== undefined, `no stale log line: ${JSON.stringify(logged)}`);
  assert.equal(line.level, 'info');
  assert.equal(line.fields['receiptToEvaluatedUs'], 40);
  assert.ok((line.fields['evaluatedToTakenUs'] as number) >= 4_960, JSON.stringify(line.fields));
  assert.ok((line.fields['ageUs'] as number) >= 5_000, JSON.stringify(line.fields));
  assert.equal(line.fields['maxAgeUs'], 1_500);
});

test("the stale line says how much of the hand-off the trader thread's GC pauses covered", async () => {
  const shared = tradingSharedState();
  for (let p = 0; p < 4; p++) shared.setPairTradable(p, true);
  const { log, logged } = recordingLog();
  const asked: [number, number][] = [];
  const gcPauses = {
    overlap: (fromUs: number, toUs: number) => {
      asked.push([fromUs, toUs]);
      return { gcPauses: 1, gcPausedUs: 1_200 };
    },
  };
  const trader = new Trader(traderOptions(shared, { deps: countingDeps().deps, log, gcPauses }));
  const running = trader.run();
  const opp = staleOpportunity();
  assert.equal(shared.slot.tryPublish(opp), PUBLISHED);
  await untilStaleDrop(trader, 2_000);
  // The line waits for the GC report; the trader goes on meanwhile.
  for (let i = 0; i < 100 && !logged.some((l) => l.msg === STALE_LINE); i++) await delay(10);
  trader.stop();
  await running;
  const line = logged.find((l) => l.msg === STALE_LINE);
  assert.ok(line !== undefined, `no stale log line: ${JSON.stringify(logged)}`);
  assert.equal(line.fields['gcPauses'], 1);
  assert.equal(line.fields['gcPausedUs'], 1_200);
  assert.equal(line.fields['receiptToEvaluatedUs'], 40);
  // Asked about the hand-off: from the evaluation's stamp to the take.
  assert.equal(asked.length, 1);
  const [from, to] = asked[0] ?? [0, 0];
  assert.equal(from, opp[OPP_EVAL_DONE_US]);
  assert.equal(to - from, line.fields['evaluatedToTakenUs']);
});

test("a stop before the GC report's delay is up still writes the stale line, once", async (t) => {
  // The line's timer is mocked and never fires by itself: only the stop can write the line.
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const shared = tradingSharedState();
  for (let p = 0; p < 4; p++) shared.setPairTradable(p, true);
  const { log, logged } = recordingLog();
  const gcPauses = { overlap: () => ({ gcPauses: 0, gcPausedUs: 0 }) };
  const trader = new Trader(traderOptions(shared, { deps: countingDeps().deps, log, gcPauses }));
  const running = trader.run();
  assert.equal(shared.slot.tryPublish(staleOpportunity()), PUBLISHED);
  for (let i = 0; i < 100_000 && trader.counters.staleAtTrader === 0; i++)
    await new Promise((r) => setImmediate(r));
  assert.equal(trader.counters.staleAtTrader, 1);
  assert.ok(!logged.some((l) => l.msg === STALE_LINE), 'written before the stop: the timer is not mocked');
  trader.stop();
  await running;
  const lines = logged.filter((l) => l.msg === STALE_LINE);
  assert.equal(lines.length, 1, `not written by the stop: ${JSON.stringify(logged)}`);
  assert.equal(lines[0]?.fields['gcPauses'], 0);
  t.mock.timers.tick(1_000); // the timer it replaced writes nothing more
  assert.equal(logged.filter((l) => l.msg === STALE_LINE).length, 1, 'written twice');
});

test('an opportunity traded after a hand-off over half the freshness budget is logged the same way, after its order', async () => {
  const r = rig();
  const orders: string[] = [];
  const deps = depsAround(
    {
      isReady: () => true,
      addOrder: (order) => {
        orders.push(order.side);
        return Promise.resolve({ status: 'error', errorMessage: 'EOrder:Insufficient funds' });
      },
      start: () => undefined,
      close: () => undefined,
    },
    NOW_US,
  );
  const { log, logged } = recordingLog();
  const gcPauses = { overlap: () => ({ gcPauses: 0, gcPausedUs: 0 }) };
  const runQueueAsked: number[] = [];
  const runQueueWait = {
    sampleIfDue: () => undefined,
    waitedAround: (momentUs: number) => {
      runQueueAsked.push(momentUs);
      return { runQueueWaitUs: 900, runQueueWindowUs: 40_000 };
    },
  };
  const trader = new Trader(
    traderOptions(r.shared, { deps, log, gcPauses, runQueueWait, pairs: PAIRS.pairs, nowUs: () => NOW_US }),
  );
  const running = trader.run();
  // Received 1,040 µs before the take, evaluated 40 µs after receipt: fresh (MAX_LOCAL_AGE_MS 1.5),
  // but the hand-off took 1,000 µs of the 1,500, 990 of them after the listener's publish stamp.
  const opp = tradableOpportunity({
    seq: 1,
    buyPair: 2,
    sellPair: 3,
    triggerRecvUs: NOW_US - 1_040,
    evalDoneUs: NOW_US - 1_000,
    publishedUs: NOW_US - 990,
  });
  assert.equal(r.shared.slot.tryPublish(opp), PUBLISHED);
  const slow = 'slow hand-off to the trader: traded';
  for (let i = 0; i < 200 && !logged.some((l) => l.msg === slow); i++) await delay(10);
  trader.stop();
  await running;
  assert.deepEqual(orders, ['buy'], 'traded: the buy was sent');
  assert.equal(trader.counters.staleAtTrader, 0);
  const line = logged.find((l) => l.msg === slow);
  assert.ok(line !== undefined, `no slow hand-off line: ${JSON.stringify(logged)}`);
  assert.deepEqual(line.fields, {
    buy: 'ABC/USD',
    sell: 'ABC/EUR',
    listener: 0,
    receiptToEvaluatedUs: 40,
    evaluatedToTakenUs: 1_000,
    evaluatedToPublishedUs: 10,
    publishedToTakenUs: 990,
    // The clock is fixed: the trader's wake and its take read the same time.
    unparkedToTakenUs: 0,
    ageUs: 1_040,
    maxAgeUs: 1_500,
    gcPauses: 0,
    gcPausedUs: 0,
    runQueueWaitUs: 900,
    runQueueWindowUs: 40_000,
  });
  assert.deepEqual(
    runQueueAsked,
    [NOW_US - 1_000],
    'the run-queue wait is asked around the evaluation stamp',
  );
  assert.ok(!logged.some((l) => l.msg === STALE_LINE), 'logged as stale');
});
