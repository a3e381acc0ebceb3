/**
 * System: the public feed misbehaves — dropped, stalled, full of garbage, in maintenance — or a
 * listener thread dies. The program must recover by itself, never trade on what it cannot see, and
 * keep trading once the feed is back; every run still ends with exit 0 and a summary.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem, type SystemRun } from './harness.js';
import { assertBooksAgree, balancesByCode } from './ledger-check.js';
import { assertCleanExit, EXIT_DEADLINE_MS, only } from './checks.js';

const LISTENERS = 2;

function logCount(run: SystemRun, msg: string, thread?: string): number {
  return run.logRecords().filter((r) => r['msg'] === msg && (thread === undefined || r['thread'] === thread))
    .length;
}

/** A trade from a fresh dislocation completes: the program is trading again. */
async function assertTradesAgain(run: SystemRun): Promise<void> {
  const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 10_000);
  const rec = await run.waitOutcome(intent.tradeId, 8_000);
  assert.equal(only(rec, 'outcome')['status'], 'sold');
}

async function finish(
  run: SystemRun,
  duration: number,
  before: Record<string, number>,
): Promise<Record<string, unknown>> {
  const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
  const summary = assertCleanExit(run, exit, 'trade');
  assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  return summary;
}

describe('system: public feed faults and supervision', () => {
  test('public sockets dropped: listeners reconnect and resubscribe, updates resume, trading continues', async (t) => {
    const duration = 14;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(LISTENERS, true);
    const ws0 = await run.wsStats();
    await run.faults({ dropConnections: 'public' });
    await run.waitFor(
      async () => {
        const ws = await run.wsStats();
        return (
          ws.public.connectionsTotal >= ws0.public.connectionsTotal + LISTENERS &&
          ws.public.connections === LISTENERS &&
          ws.public.subscriptions === ws0.public.subscriptions
        );
      },
      10_000,
      'every listener reconnected and resubscribed',
    );
    await run.waitFor(() => logCount(run, 'feed online') >= 2 * LISTENERS, 5_000, 'every feed online again');
    await assertTradesAgain(run);
    const summary = await finish(run, duration, before);
    assert.ok((summary['reconnects'] as number) >= LISTENERS, `reconnects: ${String(summary['reconnects'])}`);
  });

  test('a stalled feed: the watchdog kills the silent socket and reconnects; nothing trades during the stall', async (t) => {
    const duration = 30;
    // Longer than the 10 s watchdog with room for its check period on a loaded machine.
    const stallMs = 15_000;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(LISTENERS, true);
    const ordersBefore = (await run.wsStats()).private.ordersReceived;
    const intentsBefore = run.intents().length;
    const stallEnds = Date.now() + stallMs;
    await run.faults({ stallFeedMs: stallMs });
    // The market moves (and dislocates) while the program sees nothing.
    for (let coin = 0; coin < run.market.coins.length; coin += 3)
      run.market.dislocate({ coin, direction: 'usd-to-eur', leg: 'buy' });
    await run.waitFor(
      () => run.logHas((r) => r['msg'] === 'feed reconnecting' && r['reason'] === 'watchdog'),
      stallMs,
      'a watchdog reconnect during the stall',
    );
    assert.ok(Date.now() < stallEnds, 'the watchdog fired only after the stall ended');
    assert.equal(
      (await run.wsStats()).private.ordersReceived,
      ordersBefore,
      'an order was sent during the stall',
    );
    assert.equal(run.intents().length, intentsBefore, 'a trade started during the stall');
    await run.waitFor(() => Date.now() >= stallEnds, stallMs, 'the end of the stall');
    assert.equal(
      (await run.wsStats()).private.ordersReceived,
      ordersBefore,
      'an order was sent during the stall',
    );
    await assertTradesAgain(run);
    const summary = await finish(run, duration, before);
    assert.ok((summary['reconnects'] as number) >= 1);
  });

  test('garbage frames are counted as malformed, nothing crashes, trading continues', async (t) => {
    const duration = 14;
    const frames = 5;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(LISTENERS, true);
    await run.faults({ garbageFrames: frames });
    await run.waitFor(
      async () => (await run.wsStats()).public.garbageSent >= frames * LISTENERS,
      5_000,
      'garbage sent to every listener',
    );
    await assertTradesAgain(run);
    const summary = await finish(run, duration, before);
    const listener = (summary['dropped'] as { listener: Record<string, number> }).listener;
    // Every garbage frame is bad input and must be counted, not only logged.
    assert.ok((listener['malformed'] ?? 0) >= frames * LISTENERS, `malformed: ${JSON.stringify(listener)}`);
    assert.equal(logCount(run, 'worker died; restarting'), 0, 'a worker died');
  });

  test('maintenance: feed offline → no trades; back online → trading resumes', async (t) => {
    const duration = 18;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(LISTENERS, true);
    await run.faults({ systemStatus: 'maintenance' });
    await run.waitFor(() => logCount(run, 'feed offline') >= LISTENERS, 5_000, 'every feed offline');
    const ordersBefore = (await run.wsStats()).private.ordersReceived;
    const intentsBefore = run.intents().length;
    // Dislocations the program sees but must not trade while the exchange is in maintenance.
    for (let coin = 0; coin < run.market.coins.length; coin += 5)
      run.market.dislocate({ coin, direction: 'usd-to-eur', leg: 'buy' });
    await run.waitFor(
      () => run.market.dislocations().length === 0,
      5_000,
      'the dislocations to expire unseen by a trader',
    );
    assert.equal(run.intents().length, intentsBefore, 'a trade started during maintenance');
    assert.equal(
      (await run.wsStats()).private.ordersReceived,
      ordersBefore,
      'an order was sent during maintenance',
    );
    await run.faults({ systemStatus: 'online' });
    await run.waitFor(() => logCount(run, 'feed online') >= 2 * LISTENERS, 5_000, 'every feed online again');
    await assertTradesAgain(run);
    await finish(run, duration, before);
  });

  test('a killed listener (SIGUSR2) is restarted by the supervisor and its updates trade again', async (t) => {
    const duration = 16;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(LISTENERS, true);
    const ws0 = await run.wsStats();
    const killedAtUs = Date.now() * 1000;
    run.child.kill('SIGUSR2');
    await run.waitFor(
      () => run.logHas((r) => r['msg'] === 'worker died; restarting' && r['worker'] === 'listener-0'),
      5_000,
      'the supervisor to report listener-0 died',
    );
    await run.waitFor(
      () => logCount(run, 'feed online', 'listener-0') >= 2,
      10_000,
      'listener-0 online again',
    );
    const ws = await run.wsStats();
    assert.ok(ws.public.connectionsTotal > ws0.public.connectionsTotal, 'no new public connection');
    assert.equal(logCount(run, 'worker died; restarting'), 1, 'another worker died');
    // An opportunity found by the restarted listener trades.
    const intent = await run.dislocateUntil(
      { direction: 'usd-to-eur', leg: 'buy' },
      () => run.intents().find((r) => r['listener'] === 0 && r.ts > killedAtUs),
      12_000,
      'trade from the restarted listener-0',
    );
    const rec = await run.waitOutcome(intent.tradeId, 8_000);
    assert.equal(only(rec, 'outcome')['status'], 'sold');
    await finish(run, duration, before);
  });
});
