/**
 * System: the money the trade path may spend, and what stops it. Sizing subtracts what trades spent
 * since the last balance fetch; a risk stop holds across a restart until it is cleared; coins below
 * the sell pair's minimum are dust (kept, valued, not a failure) and no doomed sell is sent; a disk
 * that refuses the journal never abandons a filled buy; a future-dated quote never freezes a leg; a
 * pair that leaves `online` is not traded; on a starter key, reconciliation is not starved by the
 * balance poll. Each run ends with the journal, the summary, `report --json` and the venue agreeing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type SystemRun, loseNextBuyAck, sharedVenueAndJournal } from './harness.js';
import { assertBooksAgree, balancesByCode } from './ledger-check.js';
import { assertCleanExit, EXIT_DEADLINE_MS, kinds } from './checks.js';
import type { VenueEvent } from '../../src/sim/contracts.js';
import type { JournalRecord } from '../../src/journal/journal-record.js';

const lastOutcome = (rec: readonly JournalRecord[]): unknown =>
  rec.filter((r) => r.kind === 'outcome').at(-1)?.['status'];

async function finish(
  run: SystemRun,
  before: Record<string, number>,
  duration: number,
): Promise<Record<string, unknown>> {
  const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
  const summary = assertCleanExit(run, exit, 'trade');
  assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  return summary;
}

/** Appends `size`-byte chunks until the disk refuses one (ENOSPC), at most 1 MiB. */
function fillUntilFull(append: (chunk: string) => void, size: number): void {
  const line = `{"pad":"${'x'.repeat(size - 11)}"}\n`;
  for (let written = 0; written < 1 << 20; written += size) {
    try {
      append(line);
    } catch (e) {
      assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
      return;
    }
  }
  assert.fail('the small disk never filled up');
}

/** The coin whose pairs are `X/USD` and `X/EUR` at market index `c` (the market's own order). */
function coinPairs(run: SystemRun, c: number): { usd: number; eur: number } {
  const coin = run.market.coins[c];
  assert.ok(coin, `no coin ${c}`);
  return { usd: coin.usdIndex, eur: coin.eurIndex };
}

/** Dislocates coin after coin (calling `arm(coin)` first) until a new intent appears. */
async function dislocateWith(
  run: SystemRun,
  arm: (coin: number) => void,
  deadlineMs = 10_000,
): Promise<JournalRecord> {
  const before = run.intents().length;
  const end = Date.now() + deadlineMs;
  for (let c = 0; Date.now() < end; c = (c + 1) % run.market.coins.length) {
    arm(c);
    if (run.market.dislocate({ coin: c, direction: 'usd-to-eur', leg: 'buy' }) === null) continue;
    const tryEnd = Date.now() + 1_500;
    while (Date.now() < tryEnd) {
      const intent = run.intents()[before];
      if (intent !== undefined) return intent;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`no trade within ${deadlineMs} ms${run.describe()}`);
}

describe('system: money limits', () => {
  test('a buy sizes by the balance minus what the last trade spent: no order the account cannot pay for', async (t) => {
    const duration = 16;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      // 1,500 USD: one trade spends up to 1,000, so the next two must be sized on what is left.
      sim: { balances: { ZUSD: 1_500, ZEUR: 250_000, USDT: 50_000 } },
      // A starter key polls balances only every ~6 s: the next trades come before the next fetch.
      env: { KRAKEN_API_TIER: 'starter', MAX_ORDER_VALUE: '1000', POST_TRADE_PAUSE_MS: '50' },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    // Two trades, then more opportunities while the third's money is no longer there.
    for (let i = 0; i < 2; i++)
      await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000, 600);
    for (let i = 0; i < 4; i++) {
      run.market.dislocate({ direction: 'usd-to-eur', leg: 'buy' });
      await new Promise((r) => setTimeout(r, 300));
    }
    const buys = run.sim.venue.closedOrders(run.sim.apiKey).filter((o) => o.type === 'buy' && o.volExec > 0);
    assert.ok(buys.length >= 2, `${buys.length} buys executed`);
    const rejects = run.sim.venue.stats().rejectsByError['EOrder:Insufficient funds'] ?? 0;
    assert.equal(rejects, 0, `buys refused for funds; costs: ${JSON.stringify(buys.map((o) => o.cost))}`);
    const spent = buys.reduce((a, o) => a + o.cost + o.fee, 0);
    assert.ok(spent <= 1_500 + 1e-6, `spent ${spent} of 1500`);
    await finish(run, before, duration);
  });

  test('a risk stop survives a restart (banner says so, no trade) until --clear-risk-stop clears it', async (t) => {
    const { sim, journalDir } = await sharedVenueAndJournal(t);
    const env = { MAX_CONSECUTIVE_FAILURES: '1' };
    const first = await startSystem(t, {
      args: ['--trade', '--duration', '8'],
      sharedSim: sim,
      journalDir,
      env,
    });
    await first.waitReady(2, true);
    sim.faults.rejectNextOrder = 'EOrder:Insufficient funds';
    await first.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    await first.waitFor(() => first.journal().some((r) => r.kind === 'risk-stop'), 8_000, 'the risk stop');
    assert.equal((await first.waitExit(8_000 + EXIT_DEADLINE_MS)).code, 0);

    const second = await startSystem(t, {
      args: ['--trade', '--duration', '8'],
      sharedSim: sim,
      journalDir,
      env,
    });
    await second.waitReady(2, true);
    assert.match(second.stdout, /TRADING STOPPED: risk limit max-consecutive-failures/);
    const intents = second.intents().length;
    for (let i = 0; i < 4; i++) {
      second.market.dislocate({ direction: 'usd-to-eur', leg: 'buy' });
      await new Promise((r) => setTimeout(r, 400));
    }
    assert.equal(second.intents().length, intents, 'traded while the journaled stop held');
    assert.equal((await second.waitExit(8_000 + EXIT_DEADLINE_MS)).code, 0);
    assert.equal((second.summary()['trades'] as { total: number }).total, 0);

    const third = await startSystem(t, {
      args: ['--trade', '--duration', '10', '--clear-risk-stop'],
      sharedSim: sim,
      journalDir,
      env,
    });
    await third.waitReady(2, true);
    assert.doesNotMatch(third.stdout, /TRADING STOPPED/);
    const intent = await third.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await third.waitOutcome(intent.tradeId, 10_000);
    assert.equal(lastOutcome(rec), 'sold', kinds(rec).join(','));
    assert.ok(
      third.journal().some((r) => r.kind === 'risk-clear'),
      'the clear is journaled',
    );
    assert.equal((await third.waitExit(10_000 + EXIT_DEADLINE_MS)).code, 0);
  });

  test('a partial buy below the sell pair minimum is dust: no doomed sell, recorded and valued, not a failure', async (t) => {
    const duration = 14;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      env: { MAX_CONSECUTIVE_FAILURES: '1' },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    const intent = await dislocateWith(run, (c) => {
      const { usd, eur } = coinPairs(run, c);
      const buy = run.sim.market.pairs[usd];
      const sell = run.sim.market.pairs[eur];
      assert.ok(buy && sell);
      // Half the sell pair's ordermin, on the buy pair's lot grid.
      run.sim.faults.fillCapNextOrder = Math.max(
        10 ** -buy.lotDecimals,
        Number((sell.ordermin / 2).toFixed(buy.lotDecimals)),
      );
    });
    const rec = await run.waitOutcome(intent.tradeId, 10_000);
    run.sim.faults.fillCapNextOrder = null;
    assert.equal(lastOutcome(rec), 'dust', kinds(rec).join(','));
    assert.equal(kinds(rec).includes('sell-sent'), false, 'a doomed sell was sent');
    const dust = rec.find((r) => r.kind === 'stranded');
    assert.equal(dust?.['dust'], true);
    assert.ok(Number(dust?.['valueUsd']) > 0, 'dust is valued');
    // Not a failure: with MAX_CONSECUTIVE_FAILURES=1 trading goes on.
    const next = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    assert.equal(lastOutcome(await run.waitOutcome(next.tradeId, 10_000)), 'sold');
    assert.equal(
      run.journal().some((r) => r.kind === 'risk-stop'),
      false,
    );
    const summary = await finish(run, before, duration);
    assert.equal((summary['trades'] as { dust: number }).dust, 1);
  });

  test('a sell leaving a remainder below the minimum is sold with dust: no stranded alert, no failure', async (t) => {
    const duration = 12;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      env: { MAX_CONSECUTIVE_FAILURES: '1' },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    let armed = true;
    const off = run.sim.venue.onEvent((ev: VenueEvent) => {
      if (!armed || ev.kind !== 'order' || ev.order.type !== 'buy' || ev.order.volExec === 0) return;
      if (ev.order.status !== 'closed' && ev.order.status !== 'canceled') return;
      armed = false;
      const sell = run.sim.market.pairs.find(
        (p) => p.base === run.sim.market.pairs[ev.order.pairIndex]?.base && p.quote === 'EUR',
      );
      assert.ok(sell);
      // The market sell fills all but a quarter of the sell pair's ordermin.
      const left = Number((sell.ordermin / 4).toFixed(sell.lotDecimals));
      run.sim.faults.fillCapNextOrder = Number((ev.order.volExec - left).toFixed(sell.lotDecimals));
    });
    t.after(off);
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 10_000);
    assert.equal(lastOutcome(rec), 'sold', kinds(rec).join(','));
    const outcome = rec.filter((r) => r.kind === 'outcome').at(-1);
    assert.ok(Number(outcome?.['dust']) > 0, 'the remainder is recorded as dust');
    assert.equal(
      run.logHas((r) => typeof r['msg'] === 'string' && /STRANDED/.test(String(r['text'] ?? r['msg']))),
      false,
    );
    assert.equal(
      run.journal().some((r) => r.kind === 'risk-stop'),
      false,
    );
    await finish(run, before, duration);
  });

  test('a disk that refuses the journal mid-trade: the filled buy is still sold, alerted, and the records land once it writes again', async (t) => {
    if (process.getuid?.() !== 0)
      assert.fail('this test mounts a 64 KiB tmpfs as the journal disk: run it as root (CI does)');
    const mount = mkdtempSync(join(tmpdir(), 'kraken-arb-small-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]);
    t.after(() => {
      execFileSync('umount', ['-l', mount]);
      rmSync(mount, { recursive: true, force: true });
    });
    const journalDir = join(mount, 'journal');
    mkdirSync(journalDir);
    const duration = 14;
    // The disk watch would stop trading on a 64 KiB disk at start (DISK_STOP_FREE_MB): this drill
    // is about a write refused mid-trade, so it is switched off here.
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      journalDir,
      env: { DISK_STOP_FREE_MB: '0' },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    // The buy's ack and fills wait 1.5 s: meanwhile the disk fills up.
    run.sim.faults.ackDelayMs = 1_500;
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    // Fill the disk: a filler file takes every free page, then lines (not records: the reader skips
    // them with a warning) fill the journal file's own last page.
    const filler = join(mount, 'filler');
    fillUntilFull((chunk) => appendFileSync(filler, chunk), 4096);
    const [file] = readdirSync(journalDir).filter((n) => n.endsWith('.jsonl'));
    assert.ok(file, 'no journal file yet');
    fillUntilFull((chunk) => appendFileSync(join(journalDir, file), chunk), 64);
    run.sim.faults.ackDelayMs = 0;
    await run.waitFor(
      () => run.sim.venue.closedOrders(run.sim.apiKey).some((o) => o.type === 'sell' && o.volExec > 0),
      15_000,
      'the sell to execute at the venue with the journal failing',
    );
    await run.waitFor(
      () =>
        run.logHas(
          (r) => r['msg'] === 'journal write failing: records held in memory, no new trade until written',
        ),
      5_000,
      'the journal failure logged and alerted',
    );
    rmSync(filler, { force: true });
    const rec = await run.waitOutcome(intent.tradeId, 10_000);
    assert.equal(lastOutcome(rec), 'sold', kinds(rec).join(','));
    await finish(run, before, duration);
  });

  test('a future-dated quote is refused and counted: no leg freezes, no trade on it, later real updates trade', async (t) => {
    const duration = 12;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    const intents = run.intents().length;
    // One frame per X/EUR pair dated a day ahead, prices +3 %: the bid looks rich for a USD→EUR trade.
    for (const coin of run.market.coins) run.market.injectQuote(coin.eurIndex, 3, 86_400_000);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(run.intents().length, intents, 'traded on the future-dated quotes');
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    assert.equal(lastOutcome(await run.waitOutcome(intent.tradeId, 10_000)), 'sold');
    const summary = await finish(run, before, duration);
    const listener = (summary['dropped'] as { listener: Record<string, number> }).listener;
    assert.ok((listener['futureTimestamp'] ?? 0) >= run.market.coins.length, JSON.stringify(listener));
  });

  test('a pair that turns cancel_only is not traded while it stays so', async (t) => {
    const duration = 12;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      env: { PAIR_STATUS_REFRESH_MS: '1000' },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    const { eur } = coinPairs(run, 0);
    run.market.setPairStatus(eur, 'cancel_only');
    await run.waitFor(
      () => run.logHas((r) => r['msg'] === 'pair status changed'),
      5_000,
      'the status change noticed',
    );
    const intents = run.intents().length;
    for (let i = 0; i < 4; i++) {
      run.market.dislocate({ coin: 0, direction: 'usd-to-eur', leg: 'buy' });
      await new Promise((r) => setTimeout(r, 400));
    }
    assert.equal(run.intents().length, intents, 'traded a pair in cancel_only');
    const summary = await finish(run, before, duration);
    const listener = (summary['dropped'] as { listener: Record<string, number> }).listener;
    assert.ok((listener['dropPairNotOnline'] ?? 0) > 0, JSON.stringify(listener));
  });

  test('on a starter key an order in doubt is reconciled at once: routine polling leaves it room', async (t) => {
    const duration = 16;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      sim: { restTier: 'starter' },
      env: { KRAKEN_API_TIER: 'starter' },
    });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    // The buy's ack is lost with the socket; the buy itself executes.
    loseNextBuyAck(run.sim, t);
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 15_000);
    assert.equal(lastOutcome(rec), 'sold', kinds(rec).join(','));
    const unknown = rec.find((r) => r.kind === 'unknown');
    const settled = rec.find((r) => r.kind === 'reconciled' || (r.kind === 'ack' && r['late'] === true));
    assert.ok(unknown && settled, kinds(rec).join(','));
    // Settled on the first look-up or from the stream: well before a second look-up would be due
    // (deadline 3 s + margin 2 s), not after tens of seconds behind the balance poll.
    assert.ok(settled.ts - unknown.ts < 4_000_000, `settled ${(settled.ts - unknown.ts) / 1000} ms after`);
    assert.equal(run.sim.counters.snapshot()['rest.error.EAPI:Rate limit exceeded'] ?? 0, 0);
    await finish(run, before, duration);
  });
});
