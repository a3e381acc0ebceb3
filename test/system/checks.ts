/** Assertions every system test makes about how the program ended. */
import assert from 'node:assert/strict';
import type { JournalRecord } from '../../src/journal/journal-record.js';
import type { VenueEvent } from '../../src/sim/contracts.js';
import type { Exit, SystemRun } from './harness.js';

/** After --duration the program finishes the trade in flight and flushes everything: this is ample. */
export const EXIT_DEADLINE_MS = 20_000;

/** Exit 0 after --duration, the summary printed and written; returns the written summary. */
export function assertCleanExit(
  run: SystemRun,
  exit: Exit,
  mode: 'trade' | 'evaluate',
): Record<string, unknown> {
  assert.deepEqual(exit, { code: 0, signal: null }, `the program did not exit 0${run.describe()}`);
  assert.match(run.stdout, /Run summary \((trade|evaluation) mode/, 'no summary printed');
  assert.match(run.stdout, /summary written to /, 'the summary file was not announced');
  assert.match(
    run.stdout,
    /\n\s+Ingestion\s+(p50 .* updates after start-up\)|none measured)\n/,
    'no ingestion line (after start-up) in the summary',
  );
  assert.doesNotMatch(
    run.stderr,
    /Uncaught|unhandled|TypeError|RangeError|ReferenceError/i,
    `errors on stderr:${run.describe()}`,
  );
  // The simulator refuses a nonce only when private calls reached it out of order (no fault makes
  // it do so): one call of a key in flight at a time (src/kraken/private-call-gate.ts) rules it out.
  const nonceRefusals = run.logRecords().filter((r) => JSON.stringify(r).includes('EAPI:Invalid nonce'));
  assert.deepEqual(nonceRefusals, [], 'private calls reached Kraken out of nonce order');
  const summary = run.summary();
  assert.equal(summary['mode'], mode);
  assert.match(String(summary['stoppedBecause']), /^--duration /);
  return summary;
}

export function kinds(records: readonly JournalRecord[]): string[] {
  return records.map((r) => r.kind);
}

export function only(records: readonly JournalRecord[], kind: string): JournalRecord {
  const found = records.filter((r) => r.kind === kind);
  assert.equal(
    found.length,
    1,
    `expected one ${kind} record, got ${found.length}: ${kinds(records).join(',')}`,
  );
  return found[0] as JournalRecord;
}

export function sum(records: readonly JournalRecord[], kind: string, field: string): number {
  return records.filter((r) => r.kind === kind).reduce((a, r) => a + Number(r[field]), 0);
}

/** The first buy fill of any trade on the venue arms `arm()` (synchronously, inside the venue's settle). */
export function onFirstBuyFill(run: SystemRun, arm: () => void): () => void {
  let armed = true;
  return run.sim.venue.onEvent((ev: VenueEvent) => {
    if (armed && ev.kind === 'trade' && ev.trade.type === 'buy') {
      armed = false;
      arm();
    }
  });
}
