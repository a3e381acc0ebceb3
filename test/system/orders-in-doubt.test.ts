/**
 * System: orders whose outcome is in doubt (held at the venue, acks late, the program killed) are
 * never assumed away. Every order carries Kraken's `deadline` (ORDER_DEADLINE_MS, 3 s): held past it,
 * the simulator's matching engine rejects it as Kraken's does; held less, it executes late and the
 * trade follows it. In each case the journal, the summary, `npm run report -- --json` and the venue's
 * balances agree to the last unit, and a sell is never sent twice for the same coins.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem, type SystemRun, loseNextBuyAck, sharedVenueAndJournal } from './harness.js';
import { assertBooksAgree, balancesByCode, close } from './ledger-check.js';
import { assertCleanExit, EXIT_DEADLINE_MS, kinds, sum } from './checks.js';
import type { VenueEvent } from '../../src/sim/contracts.js';
import type { JournalRecord } from '../../src/journal/journal-record.js';

const DEADLINE_ELAPSED = 'EService:Deadline elapsed';

/** Venue orders of one side (executed or not) since the start. */
function venueOrders(run: SystemRun, side: 'buy' | 'sell'): number {
  return run.sim.venue.closedOrders(run.sim.apiKey).filter((o) => o.type === side && o.volExec > 0).length;
}

function deadlineRejects(run: SystemRun): number {
  return run.sim.venue.stats().rejectsByError[DEADLINE_ELAPSED] ?? 0;
}

/** Holds the next order (the sell) for `ms` once the buy has filled at the venue. */
function holdSellAfterBuy(run: SystemRun, ms: number, t: { after(fn: () => void): void }): void {
  let armed = true;
  const off = run.sim.venue.onEvent((ev: VenueEvent) => {
    if (armed && ev.kind === 'trade' && ev.trade.type === 'buy') {
      armed = false;
      run.sim.faults.delayNextOrderMs = ms;
    }
  });
  t.after(off);
}

async function finish(run: SystemRun, before: Record<string, number>, duration: number): Promise<void> {
  const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
  const summary = assertCleanExit(run, exit, 'trade');
  assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
}

const outcomeOf = (rec: readonly JournalRecord[]): unknown =>
  rec.filter((r) => r.kind === 'outcome').at(-1)?.['status'];

describe('system: orders in doubt', () => {
  test('a buy held at the venue past its deadline is rejected there: the trade is not filled, decided only after the deadline', async (t) => {
    const duration = 22;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    run.sim.faults.delayNextOrderMs = 12_000;
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 15_000);
    const k = kinds(rec);
    assert.equal(outcomeOf(rec), 'not-filled', k.join(','));
    const reconciled = rec.find((r) => r.kind === 'reconciled');
    assert.equal(reconciled?.['status'], 'never-executed', k.join(','));
    const sent = rec.find((r) => r.kind === 'order-sent');
    assert.ok(
      (reconciled?.ts ?? 0) / 1000 >= Number(sent?.['deadlineMs']),
      '"not found" was taken as final only after the deadline',
    );
    // At +12 s the venue reaches the held buy and refuses it: nothing was ever bought.
    await run.waitFor(() => deadlineRejects(run) >= 1, 15_000, 'the venue to reject the held buy');
    assert.equal(venueOrders(run, 'buy'), 0);
    await finish(run, before, duration);
  });

  test('a buy held at the venue within its deadline executes late: the trade follows it and sells it', async (t) => {
    const duration = 16;
    // The dislocation outlives the hold, so the late buy still fills.
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      sim: { dislocationLifetimeMs: 8_000 },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    run.sim.faults.delayNextOrderMs = 2_000;
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 15_000);
    const k = kinds(rec);
    assert.ok(k.indexOf('unknown') > 0, `the buy's ack timed out first: ${k.join(',')}`);
    assert.equal(outcomeOf(rec), 'sold', k.join(','));
    const bought = sum(rec, 'fill', 'volume');
    assert.ok(bought > 0, 'the late buy was counted');
    close(sum(rec, 'sell-fill', 'volume'), bought, bought, 'sold volume');
    await finish(run, before, duration);
  });

  test('a sell held past its deadline is never sold twice: re-sent only once Kraken has rejected it', async (t) => {
    const duration = 24;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    holdSellAfterBuy(run, 12_000, t);
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 15_000);
    const k = kinds(rec);
    assert.equal(outcomeOf(rec), 'sold', k.join(','));
    assert.equal(k.filter((x) => x === 'sell-sent').length, 2, k.join(','));
    // The first sell reaches the venue at +12 s and is refused; only the second one ever executed.
    await run.waitFor(() => deadlineRejects(run) >= 1, 15_000, 'the venue to reject the held sell');
    assert.equal(venueOrders(run, 'sell'), 1, 'the venue sold once');
    await finish(run, before, duration);
  });

  test('a sell held within its deadline executes late: one sell, followed to its end', async (t) => {
    const duration = 16;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    holdSellAfterBuy(run, 2_000, t);
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 15_000);
    const k = kinds(rec);
    assert.equal(outcomeOf(rec), 'sold', k.join(','));
    assert.equal(k.filter((x) => x === 'sell-sent').length, 1, `sold twice: ${k.join(',')}`);
    assert.equal(venueOrders(run, 'sell'), 1);
    await finish(run, before, duration);
  });

  test('acks that arrive after FILL_TIMEOUT_MS and the fills after them are applied: nothing bought counts as zero', async (t) => {
    const duration = 18;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    run.sim.faults.ackDelayMs = 4_000;
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 20_000);
    run.sim.faults.ackDelayMs = 0;
    const k = kinds(rec);
    assert.ok(k.includes('unknown'), `the ack came late: ${k.join(',')}`);
    assert.equal(outcomeOf(rec), 'sold', k.join(','));
    const buy = run.sim.venue.closedOrders(run.sim.apiKey).find((o) => o.type === 'buy' && o.volExec > 0);
    assert.ok(buy, 'the venue has no executed buy');
    close(sum(rec, 'fill', 'volume'), buy.volExec, buy.volExec, 'journaled buy volume');
    await finish(run, before, duration);
  });

  test('killed with the sell held past its deadline: the restart waits for the deadline, finds it never executed, records the coins stranded', async (t) => {
    const { sim, journalDir } = await sharedVenueAndJournal(t);
    const before = balancesByCode(sim);
    const first = await startSystem(t, { args: ['--trade', '--duration', '60'], sharedSim: sim, journalDir });
    await first.waitReady(2, true);
    holdSellAfterBuy(first, 8_000, t);
    const intent = await first.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    await first.waitFor(
      () => first.trade(intent.tradeId).some((r) => r.kind === 'sell-sent'),
      5_000,
      'the sell sent',
    );
    first.child.kill('SIGKILL');
    assert.equal((await first.waitExit(EXIT_DEADLINE_MS)).signal, 'SIGKILL');
    // Restarted at once: the sell's deadline has not passed yet, so recovery must wait for it.
    const duration = 14;
    const second = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      sharedSim: sim,
      journalDir,
    });
    const exit = await second.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    assert.deepEqual(exit, { code: 0, signal: null }, `second run${second.describe()}`);
    assert.ok(
      second.logHas(
        (r) => typeof r['msg'] === 'string' && r['msg'].startsWith('interrupted trades: waiting'),
      ),
      'recovery did not wait for the deadline',
    );
    const rec = second.trade(intent.tradeId);
    assert.equal(outcomeOf(rec), 'stranded', kinds(rec).join(','));
    await second.waitFor(
      () => sim.venue.stats().rejectsByError[DEADLINE_ELAPSED] === 1,
      10_000,
      'the held sell refused',
    );
    assert.equal(
      sim.venue.closedOrders(sim.apiKey).filter((o) => o.type === 'sell' && o.volExec > 0).length,
      0,
      'no sell ever executed',
    );
    const stranded = rec.find((r) => r.kind === 'stranded');
    close(Number(stranded?.['volume']), sum(rec, 'fill', 'volume'), 1, 'stranded = bought');
    assert.ok(Number(stranded?.['valueUsd']) > 0, 'the stranded coins are valued');
    assertBooksAgree(second.journal(), sim, before, null, journalDir);
  });

  test('a buy still in doubt at shutdown (REST refusing, ack lost) is journaled unknown, never zero, and settled by the next start', async (t) => {
    const { sim, journalDir } = await sharedVenueAndJournal(t);
    const before = balancesByCode(sim);
    const first = await startSystem(t, {
      args: ['--trade', '--duration', '120'],
      sharedSim: sim,
      journalDir,
    });
    await first.waitReady(2, true);
    // The buy executes, its ack is lost with the socket, and REST refuses every private call.
    loseNextBuyAck(sim, t, () => (sim.faults.rateLimited = true));
    const intent = await first.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    await first.waitFor(
      () => first.trade(intent.tradeId).some((r) => r.kind === 'unknown'),
      8_000,
      'the buy in doubt',
    );
    first.child.kill('SIGTERM');
    const exit = await first.waitExit(60_000);
    assert.equal(exit.code, 0, first.describe());
    let rec = first.trade(intent.tradeId);
    assert.equal(outcomeOf(rec), 'unknown', kinds(rec).join(','));
    const possible = rec.find((r) => r.kind === 'stranded');
    assert.equal(possible?.['possible'], true, 'the order journaled as possibly bought');
    assert.ok(Number(possible?.['volume']) > 0, 'never counted as zero');

    sim.faults.rateLimited = false;
    const duration = 10;
    const second = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      sharedSim: sim,
      journalDir,
    });
    assert.equal((await second.waitExit(duration * 1000 + EXIT_DEADLINE_MS)).code, 0, second.describe());
    rec = second.trade(intent.tradeId);
    const outcomes = rec.filter((r) => r.kind === 'outcome').map((r) => r['status']);
    assert.deepEqual(outcomes, ['unknown', 'stranded'], 'settled by a new outcome record');
    const buy = sim.venue.closedOrders(sim.apiKey).find((o) => o.type === 'buy' && o.volExec > 0);
    assert.ok(buy);
    close(sum(rec, 'fill', 'volume'), buy.volExec, buy.volExec, 'journaled buy volume');
    assertBooksAgree(second.journal(), sim, before, null, journalDir);
  });

  test('killed between the buy leaving and its intent being written: the reserved userref finds the buy at the restart', async (t) => {
    const { sim, journalDir } = await sharedVenueAndJournal(t);
    const before = balancesByCode(sim);
    const first = await startSystem(t, {
      args: ['--trade', '--duration', '60'],
      sharedSim: sim,
      journalDir,
      env: { DRILL_CRASH_AFTER_SEND: 'true' },
    });
    await first.waitReady(2, true);
    // The drill: the process kills itself right after the first buy's send, before its intent.
    for (let i = 0; first.running && i < 20; i++) {
      first.market.dislocate({ direction: 'usd-to-eur', leg: 'buy' });
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal((await first.waitExit(EXIT_DEADLINE_MS)).signal, 'SIGKILL', first.describe());
    assert.equal(first.intents().length, 0, 'the intent was written before the kill');
    const reserved = first.journal().filter((r) => r.kind === 'reserve');
    assert.equal(reserved.length, 1, 'one reservation, synced before the buy');
    const userref = reserved[0]?.['userref'] as number;
    await first.waitFor(
      () => sim.venue.closedOrders(sim.apiKey).some((o) => o.userref === userref && o.type === 'buy'),
      5_000,
      'the venue to have the buy',
    );

    const duration = 12;
    const second = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      sharedSim: sim,
      journalDir,
    });
    assert.equal((await second.waitExit(duration * 1000 + EXIT_DEADLINE_MS)).code, 0, second.describe());
    const rec = second.trade(`R-${userref}`);
    assert.equal(rec.find((r) => r.kind === 'intent')?.['userref'], userref, kinds(rec).join(','));
    const buy = sim.venue.closedOrders(sim.apiKey).find((o) => o.userref === userref);
    assert.ok(buy);
    close(sum(rec, 'fill', 'volume'), buy.volExec, Math.max(1, buy.volExec), 'journaled buy volume');
    const outcome = outcomeOf(rec);
    assert.ok(
      buy.volExec > 0 ? outcome === 'stranded' || outcome === 'dust' : outcome === 'not-filled',
      String(outcome),
    );
    assertBooksAgree(second.journal(), sim, before, null, journalDir);
  });
});
