/**
 * System: in trade mode the real program keeps the journal's daily index (INDEX.json) up to date
 * with the day files it wrote, and the index agrees with the journal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem } from './harness.js';
import { EXIT_DEADLINE_MS } from './checks.js';
import { readJournalIndex } from '../../src/journal/journal-index.js';

test('trade mode: INDEX.json lists the day file with its records, seq range and trades', async (t) => {
  const duration = 12;
  const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
  await run.waitReady(2, true);
  const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
  await run.waitOutcome(intent.tradeId, 5_000);
  const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
  assert.deepEqual(exit, { code: 0, signal: null }, `exit${run.describe()}`);
  const journal = run.journal();
  const index = readJournalIndex(run.dirs.journal);
  assert.ok(index !== null, 'no INDEX.json in the journal directory');
  const total = index.days.reduce((n, d) => n + d.records, 0);
  assert.equal(total, journal.length);
  assert.equal(
    index.days.reduce((n, d) => n + d.trades, 0),
    journal.filter((r) => r.kind === 'intent').length,
  );
  assert.equal(index.days[index.days.length - 1]?.lastSeq, Math.max(...journal.map((r) => r.seq)));
});
