/**
 * The bench reads each stale drop's and slow hand-off's stages from the program's log, so a run that
 * deletes its folder still reports why; lines of other kinds, or torn by a crash, are skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handoffLines } from '../../bench/wire.js';

test('stale and slow hand-off lines are read with their stages, GC pauses and run-queue wait; other and torn lines are skipped', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kraken-arb-stale-lines-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const msg = 'opportunity stale at the trader: dropped';
  writeFileSync(
    join(dir, 'arbitrage_log_20261205_101010.log'),
    [
      JSON.stringify({ ts: 'x', level: 'info', thread: 'trader', msg: 'trade finished', status: 'sold' }),
      JSON.stringify({
        ts: 'x',
        level: 'info',
        thread: 'trader',
        msg,
        receiptToEvaluatedUs: 41,
        evaluatedToTakenUs: 1_630,
        ageUs: 1_671,
        maxAgeUs: 1_500,
        gcPauses: 1,
        gcPausedUs: 1_210,
      }),
      JSON.stringify({
        ts: 'x',
        level: 'info',
        thread: 'trader',
        msg,
        receiptToEvaluatedUs: 30,
        evaluatedToTakenUs: 1_900,
        ageUs: 1_930,
        maxAgeUs: 1_500,
      }),
      JSON.stringify({
        ts: 'x',
        level: 'info',
        thread: 'trader',
        msg: 'slow hand-off to the trader: traded',
        receiptToEvaluatedUs: 22,
        evaluatedToTakenUs: 1_322,
        evaluatedToPublishedUs: 4,
        publishedToTakenUs: 1_318,
        unparkedToTakenUs: 1_290,
        ageUs: 1_344,
        maxAgeUs: 1_500,
        gcPauses: 0,
        gcPausedUs: 0,
        runQueueWaitUs: 1_250,
        runQueueWindowUs: 61_000,
      }),
      // Another line that only quotes the text is not one.
      JSON.stringify({ ts: 'x', level: 'info', thread: 'main', msg: 'summary', note: msg }),
      `{"ts":"x","level":"info","msg":"${msg}","receiptTo`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'arbitrage_log_20261205_101010.summary.json'), JSON.stringify({ msg }));
  assert.deepEqual(handoffLines(dir), [
    { dropped: true, receiptToEvaluatedUs: 41, evaluatedToTakenUs: 1_630, gcPauses: 1, gcPausedUs: 1_210 },
    { dropped: true, receiptToEvaluatedUs: 30, evaluatedToTakenUs: 1_900 },
    {
      dropped: false,
      receiptToEvaluatedUs: 22,
      evaluatedToTakenUs: 1_322,
      evaluatedToPublishedUs: 4,
      publishedToTakenUs: 1_318,
      unparkedToTakenUs: 1_290,
      gcPauses: 0,
      gcPausedUs: 0,
      runQueueWaitUs: 1_250,
      runQueueWindowUs: 61_000,
    },
  ]);
  assert.deepEqual(handoffLines(join(dir, 'missing')), []);
});
