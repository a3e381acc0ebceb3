/**
 * System: Kraken invalidates the private session's token while a trade is between its buy and its
 * sell (the simulator's invalidateSessions fault: every token dies, even one a live subscription
 * holds, as Kraken's support says tokens sometimes do). The sell is answered with the live text
 * `ESession:Invalid session`; the client fetches a new token at once, the trader's retry sells
 * with it, and the next trade needs nothing special. Nothing is stranded.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem } from './harness.js';
import { assertBooksAgree, balancesByCode } from './ledger-check.js';
import { assertCleanExit, EXIT_DEADLINE_MS, kinds, only, onFirstBuyFill } from './checks.js';

describe('system: session expiry', () => {
  test('a token invalidated between buy and sell: the sell fails with the session error, the token is refreshed, the retry sells', async (t) => {
    const duration = 16;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    const off = onFirstBuyFill(run, () => {
      run.sim.venue.expireTokens();
      run.sim.faults.sessionEpoch++;
    });
    t.after(off);
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 10_000);
    const failed = rec.filter((r) => r.kind === 'sell-failed');
    assert.ok(failed.length >= 1, kinds(rec).join(','));
    assert.match(String(failed[0]?.['reason']), /ESession:Invalid session/);
    assert.equal(only(rec, 'outcome')['status'], 'sold', kinds(rec).join(','));
    // The refresh is logged by the private client's session handling.
    await run.waitFor(
      () => run.logRecords().some((r) => r['msg'] === 'private session token refreshed'),
      5_000,
      'token refresh logged',
    );
    // The next trade goes through with the new token, first time.
    const next = await run.dislocateUntilIntent({ direction: 'eur-to-usd', leg: 'buy' }, 8_000);
    const nextRec = await run.waitOutcome(next.tradeId, 8_000);
    assert.equal(only(nextRec, 'outcome')['status'], 'sold', kinds(nextRec).join(','));
    assert.equal(nextRec.filter((r) => r.kind === 'sell-failed').length, 0);
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.deepEqual(summary['strandedInventory'], {});
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });
});
