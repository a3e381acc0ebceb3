/**
 * System: pairs whose tick is coarser than their decimals (the simulator generates some, as Kraken
 * lists some). The program trades them: the buy goes out on the pair's tick and the venue, which
 * refuses off-tick prices with Kraken's `EOrder:Tick size check failed`, accepts it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem } from './harness.js';
import { assertBooksAgree, balancesByCode } from './ledger-check.js';
import { assertCleanExit, EXIT_DEADLINE_MS, kinds, only } from './checks.js';
import type { JournalRecord } from '../../src/journal/journal-record.js';

describe('system: tick size', () => {
  test('a coin whose pairs tick in 5 or 10 price units trades; its buy price is on the tick', async (t) => {
    const duration = 14;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    const coarse = run.market.coins
      .map((c, k) => ({ k, pair: run.market.pairs[c.usdIndex] }))
      .filter((c) => c.pair !== undefined && c.pair.tickSize * 10 ** c.pair.pairDecimals > 1.5);
    assert.ok(coarse.length >= 2, 'the simulator generates coarse-tick pairs');
    const seen = run.intents().length;
    let intent: JournalRecord | undefined;
    const end = Date.now() + 10_000;
    for (let i = 0; intent === undefined && Date.now() < end; i++) {
      const c = coarse[i % coarse.length];
      assert.ok(c);
      run.market.dislocate({ coin: c.k, direction: 'usd-to-eur', leg: 'buy' });
      await run.waitFor(() => run.intents().length > seen, 1_500, 'intent').catch(() => undefined);
      intent = run.intents()[seen];
    }
    assert.ok(intent, 'no trade on a coarse-tick coin');
    const rec = await run.waitOutcome(intent.tradeId, 8_000);
    assert.equal(only(rec, 'outcome')['status'], 'sold', kinds(rec).join(','));
    const pair = run.market.pairs[run.market.pairIndex(String(intent['buyPair']))];
    assert.ok(pair);
    const units = Math.round(Number(only(rec, 'order-sent')['price']) * 10 ** pair.pairDecimals);
    const tickUnits = Math.round(pair.tickSize * 10 ** pair.pairDecimals);
    assert.ok(tickUnits > 1, `${pair.wsname} tick ${pair.tickSize}`);
    assert.equal(units % tickUnits, 0, `buy price off the ${pair.tickSize} tick`);
    assert.equal(run.sim.venue.stats().rejectsByError['EOrder:Tick size check failed'] ?? 0, 0);
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });
});
