/** The risk state the journal tells: what a restart of the process or the trader thread continues from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { riskFromJournal } from '../../src/journal/risk-from-journal.js';
import type { JournalKind, JournalRecord } from '../../src/journal/journal-record.js';

const NOON = Date.UTC(2026, 11, 3, 12);
let seq = 0;
const rec = (
  kind: JournalKind,
  atMs: number,
  fields: Record<string, unknown> = {},
  tradeId = '',
): JournalRecord => ({
  ts: atMs * 1000,
  seq: ++seq,
  kind,
  tradeId,
  ...fields,
});

test("today's PnL, failures in a row and the last minute's starts are rebuilt", () => {
  const r = riskFromJournal(
    [
      rec('outcome', NOON - 86_400_000, { status: 'sold', pnlUsd: -50 }, 'Y1'), // yesterday
      rec('intent', NOON - 120_000, {}, 'A'),
      rec('outcome', NOON - 119_000, { status: 'sold', pnlUsd: -3 }, 'A'),
      rec('intent', NOON - 30_000, {}, 'B'),
      rec('outcome', NOON - 29_000, { status: 'rejected', pnlUsd: 0 }, 'B'),
      rec('intent', NOON - 20_000, {}, 'C'),
      rec('outcome', NOON - 19_000, { status: 'not-filled', pnlUsd: 0 }, 'C'),
      rec('intent', NOON - 10_000, {}, 'D'),
      rec('outcome', NOON - 9_000, { status: 'stranded', pnlUsd: -7 }, 'D'),
    ],
    NOON,
  );
  assert.equal(r.state.dayPnlUsd, -10);
  assert.equal(r.state.consecutiveFailures, 2, 'rejected, (not-filled keeps the count), stranded');
  assert.deepEqual(r.state.recentStartsMs, [NOON - 30_000, NOON - 20_000, NOON - 10_000]);
  assert.equal(r.stop, null);
});

test("a trade's last outcome counts: an unknown settled later is counted as what it became", () => {
  const r = riskFromJournal(
    [
      rec('outcome', NOON - 5_000, { status: 'unknown', pnlUsd: 0 }, 'A'),
      rec('outcome', NOON - 1_000, { status: 'sold', pnlUsd: 2 }, 'A'),
    ],
    NOON,
  );
  assert.equal(r.state.consecutiveFailures, 0);
  assert.equal(r.state.dayPnlUsd, 2);
});

test('a journaled stop holds until a risk-clear; a daily-loss stop ends with its UTC day', () => {
  const stop = rec('risk-stop', NOON - 60_000, { reason: 'max-consecutive-failures' });
  assert.deepEqual(riskFromJournal([stop], NOON + 5 * 86_400_000).stop, {
    reason: 'max-consecutive-failures',
    sinceMs: NOON - 60_000,
  });
  assert.equal(riskFromJournal([stop, rec('risk-clear', NOON - 1_000)], NOON).stop, null);
  const daily = rec('risk-stop', NOON, { reason: 'max-daily-loss' });
  assert.equal(riskFromJournal([daily], NOON + 3_600_000).stop?.reason, 'max-daily-loss');
  assert.equal(riskFromJournal([daily], NOON + 86_400_000).stop, null);
});

test('a risk-clear starts every limit afresh', () => {
  const r = riskFromJournal(
    [
      rec('outcome', NOON - 9_000, { status: 'stranded', pnlUsd: -90 }, 'A'),
      rec('risk-stop', NOON - 8_000, { reason: 'max-daily-loss' }),
      rec('risk-clear', NOON - 7_000),
    ],
    NOON,
  );
  assert.equal(r.stop, null);
  assert.equal(r.state.dayPnlUsd, 0);
  assert.equal(r.state.consecutiveFailures, 0);
});
