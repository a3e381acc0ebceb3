/**
 * System: the private socket drops while the buy is in flight (its ack held back by the simulator),
 * so the program cannot know what became of the order: it must say `unknown`, ask the venue over
 * REST, journal what it learns (`reconciled`), sell what was bought, and the books must still agree.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem, loseNextBuyAck } from './harness.js';
import { assertBooksAgree, balancesByCode, close } from './ledger-check.js';
import { assertCleanExit, EXIT_DEADLINE_MS, kinds, onFirstBuyFill, sum } from './checks.js';
import type { VenueEvent } from '../../src/sim/contracts.js';

describe('system: private socket lost mid-trade', () => {
  test('a sell the venue executes only after the socket dropped is reconciled over REST as sold', async (t) => {
    const duration = 20;
    // Past the 1 s ack wait, well inside the order's 3 s deadline (a loaded machine adds to the hold).
    const heldMs = 1_500;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    // The sell (the order after the first buy fill) is held by the venue before it executes.
    const off = onFirstBuyFill(run, () => {
      run.sim.faults.delayNextOrderMs = heldMs;
    });
    t.after(off);
    const intent = await run.dislocateUntilIntent({ direction: 'eur-to-usd', leg: 'buy' }, 8_000);
    await run.waitFor(
      () => run.trade(intent.tradeId).some((r) => r.kind === 'sell-sent'),
      5_000,
      'the sell sent',
    );
    // The sell must be at the venue (held there) before the socket drops: journaled as sent, its
    // frame can still be on the way on a loaded machine, and a frame the drop loses never executes.
    await run.waitFor(
      async () => (await run.wsStats()).private.ordersReceived >= 2,
      5_000,
      'the sell read by the venue',
    );
    run.sim.faults.dropConnections('private');
    const rec = await run.waitOutcome(intent.tradeId, 20_000);
    const k = kinds(rec);
    const unknownAt = k.indexOf('unknown');
    const reconciledAt = k.indexOf('reconciled');
    assert.ok(unknownAt > 0 && reconciledAt > unknownAt, `expected unknown then reconciled: ${k.join(',')}`);
    assert.equal(rec[unknownAt]?.['leg'], 'sell');
    assert.equal(rec[reconciledAt]?.['leg'], 'sell');
    assert.equal(rec[reconciledAt]?.['status'], 'closed');
    assert.equal(rec.find((r) => r.kind === 'outcome')?.['status'], 'sold', k.join(','));
    const bought = sum(rec, 'fill', 'volume');
    close(sum(rec, 'sell-fill', 'volume'), bought, bought, 'sold volume');
    assert.equal(k.filter((x) => x === 'sell-sent').length, 1, 'sold twice');
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.deepEqual(summary['strandedInventory'], {});
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });

  test('the in-flight buy becomes unknown, is reconciled over REST, sold, and balances agree', async (t) => {
    const duration = 18;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    const privateBefore = (await run.wsStats()).private.connectionsTotal;
    // The first buy's ack (and the fills after it) are held; the socket drops before they leave.
    const dropped = loseNextBuyAck(run.sim, t);
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 15_000);
    const k = kinds(rec);
    assert.ok(dropped(), 'the buy never reached the venue');
    const unknownAt = k.indexOf('unknown');
    const reconciledAt = k.indexOf('reconciled');
    assert.ok(unknownAt > 0 && reconciledAt > unknownAt, `expected unknown then reconciled: ${k.join(',')}`);
    // The order stream may name the order (its pending report went out before the held ack); the ack never came.
    assert.equal(
      rec.some((r) => r.kind === 'ack' && r['via'] !== 'stream'),
      false,
      'the held ack arrived after all',
    );
    const reconciled = rec[reconciledAt];
    assert.equal(reconciled?.['leg'], 'buy');
    assert.equal(reconciled?.['status'], 'closed');
    // The venue's executed volume, learned over REST, was sold.
    const order = run.sim.venue
      .closedOrders(run.sim.apiKey)
      .find((o) => o.userref === intent['userref'] && o.type === 'buy');
    assert.ok(order, 'the venue has no such buy');
    assert.ok(order.volExec > 0, 'the buy did not fill on the venue');
    close(sum(rec, 'fill', 'volume'), order.volExec, order.volExec, 'journaled buy volume');
    close(sum(rec, 'sell-fill', 'volume'), order.volExec, order.volExec, 'sold volume');
    assert.equal(rec.find((r) => r.kind === 'outcome')?.['status'], 'sold', k.join(','));
    // The private socket came back.
    await run.waitFor(
      async () => (await run.wsStats()).private.connectionsTotal > privateBefore,
      10_000,
      'a new private connection',
    );
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.deepEqual(summary['strandedInventory'], {});
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });
  test('a sell due while the private socket is down waits for it to come back instead of stranding', async (t) => {
    const duration = 20;
    const reconnectDelayMs = 3_000;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    // The first sell is rejected; right then the private socket drops, and every REST answer (the
    // WebSocket token a reconnect needs among them) takes 3 s: the retries come due with no socket.
    let armed = true;
    const off = run.sim.venue.onEvent((ev: VenueEvent) => {
      if (armed && ev.kind === 'trade' && ev.trade.type === 'buy') {
        armed = false;
        run.sim.faults.rejectNextOrder = 'EService:Unavailable';
      }
    });
    t.after(off);
    const watch = setInterval(() => {
      if (!armed && run.sim.faults.rejectNextOrder === null) {
        clearInterval(watch);
        run.sim.faults.restDelayMs = reconnectDelayMs;
        run.sim.faults.dropConnections('private');
      }
    }, 2);
    t.after(() => clearInterval(watch));
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 20_000);
    run.sim.faults.restDelayMs = 0;
    const k = kinds(rec);
    assert.ok(k.includes('sell-failed'), k.join(','));
    assert.equal(rec.find((r) => r.kind === 'outcome')?.['status'], 'sold', k.join(','));
    const bought = sum(rec, 'fill', 'volume');
    close(sum(rec, 'sell-fill', 'volume'), bought, bought, 'sold volume');
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.deepEqual(summary['strandedInventory'], {});
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });
  test("a reconnect's token goes ahead of a balance poll hanging on a slow Kraken (after 3 s, logged), not after the poll's 11 s hold", async (t) => {
    const duration = 30;
    const slowMs = 6_000;
    // Pro tier: the balance poll runs every 2 s (the starter tier's counter allows one every ~6 s).
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      env: { KRAKEN_API_TIER: 'pro' },
    });
    await run.waitReady(2, true);
    const sessions = (await run.wsStats()).private.connectionsTotal;
    // Every REST answer now takes 6 s: the fetcher's balance polls (every 2 s) hold the private call
    // gate back to back. Then the private socket drops and its reconnect needs a token.
    run.sim.faults.restDelayMs = slowMs;
    // Past the next 2 s poll's start: it is in flight (and holds the gate) for 6 s from then.
    await new Promise((r) => setTimeout(r, 2_500));
    // Every token dies (so the reconnect must ask for a new one), then the socket drops.
    await run.faults({ invalidateSessions: true, dropConnections: 'private' });
    const went = 'private REST call went ahead of a balance or fee poll unanswered for seconds';
    await run.waitFor(() => run.logHas((r) => r['msg'] === went), 12_000, 'the token taking the gate over');
    const takeover = run.logRecords().find((r) => r['msg'] === went) ?? {};
    assert.equal(takeover['method'], 'GetWebSocketsToken');
    assert.equal(takeover['thread'], 'trader');
    const held = takeover['pollHeldMs'] as number;
    assert.ok(held >= 3_000 && held < slowMs, `the poll had held the gate ${held} ms`);
    // The token's own answer takes 6 s too; then the socket is back.
    await run.waitFor(
      async () => (await run.wsStats()).private.connectionsTotal > sessions,
      15_000,
      'the private socket reconnected',
    );
    run.sim.faults.restDelayMs = 0;
    // The overtaken poll reached the venue first (lower nonce, accepted): no nonce refused anywhere.
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    assertCleanExit(run, exit, 'trade');
  });
});
