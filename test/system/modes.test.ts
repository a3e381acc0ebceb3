/**
 * System: the real program against the in-process simulator in its two modes. Evaluation mode finds
 * opportunities and never sends an order nor opens a private socket, even with credentials; trade
 * mode completes trades and the journal, the summary and the venue's balances agree.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem } from './harness.js';
import { assertBooksAgree, balancesByCode } from './ledger-check.js';
import { assertCleanExit, EXIT_DEADLINE_MS } from './checks.js';
import { readdirSync, readFileSync } from 'node:fs';
import { SCHED_FIFO, SCHED_IDLE, schedPolicyOf } from '../../src/engine/threads/thread-priority.js';
import { parseCpuList, readCpusAllowed } from '../../src/engine/threads/affinity.js';
import type { JournalRecord } from '../../src/journal/journal-record.js';
import type { SystemRun } from './system-run.js';

/** Each thread of process `pid`: its name and scheduling policy. */
function threadPolicies(
  pid: number | undefined,
): Array<{ name: string; policy: number; rtPriority: number }> {
  const tasks = `/proc/${pid}/task`;
  return readdirSync(tasks).flatMap((tid) => {
    try {
      const p = schedPolicyOf(readFileSync(`${tasks}/${tid}/stat`, 'utf8'));
      const name = readFileSync(`${tasks}/${tid}/comm`, 'utf8').trim();
      return p === null ? [] : [{ name, ...p }];
    } catch {
      return []; // the thread ended since the listing
    }
  });
}

/**
 * The real program's scheduling policies. TRADER_RT_PRIORITY=5: the trader thread runs under
 * SCHED_FIFO at 5 where the process may (root, as in CI) and says so (one thread of the process, no
 * other); elsewhere it says why not and runs on. The fetcher, which shares the parked trader's CPU,
 * runs under SCHED_IDLE (no privilege needed) and says so; no other thread does.
 */
function assertThreadPolicies(
  pid: number | undefined,
  logHas: (p: (r: Record<string, unknown>) => boolean) => boolean,
): void {
  const said = (msg: string): boolean => logHas((r) => r['msg'] === msg);
  if (process.platform === 'linux' && readCpusAllowed().length >= 2) {
    assert.ok(said("fetcher at idle priority (SCHED_IDLE): it yields the trader's CPU at once"));
    const idle = threadPolicies(pid).filter((t) => t.policy === SCHED_IDLE);
    assert.deepEqual(
      idle.map((t) => t.name),
      ['fetcher'],
      'threads under SCHED_IDLE',
    );
  }
  const set = said('trader thread at real-time priority (SCHED_FIFO)');
  if (process.getuid?.() !== 0) {
    assert.ok(set || said('trader thread: real-time priority not set, it runs at ordinary priority'));
    return;
  }
  assert.ok(set, 'the trader did not report its real-time priority');
  const realtime = threadPolicies(pid).filter((t) => t.policy === SCHED_FIFO);
  assert.deepEqual(
    realtime,
    [{ name: 'trader', policy: SCHED_FIFO, rtPriority: 5 }],
    'threads under SCHED_FIFO',
  );
}

/**
 * The real program's threads: the trader alone on the last CPU with the fetcher, and every other
 * thread (main, V8's helpers, libuv's pool, the listeners) off it (main.ts, keepHousekeepingOff).
 * With fewer than two CPUs nothing is pinned, and the start record says so.
 */
function assertTraderCpuKept(pid: number | undefined, run: SystemRun): void {
  const start = run.logRecords().find((r) => r['msg'] === 'start');
  const corePlan = String(start?.['corePlan']);
  const cpus = process.platform === 'linux' ? readCpusAllowed() : [];
  if (cpus.length < 2) {
    assert.match(corePlan, /not pinning/);
    return;
  }
  const traderCpu = cpus[cpus.length - 1] as number;
  assert.match(corePlan, /main thread and helpers on CPUs/);
  const tasks = `/proc/${pid}/task`;
  const threads = readdirSync(tasks).flatMap((tid) => {
    let status: string;
    try {
      status = readFileSync(`${tasks}/${tid}/status`, 'utf8');
    } catch {
      return []; // the thread ended since the listing
    }
    const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? '';
    return [{ name: /^Name:\s*(.*)$/m.exec(status)?.[1] ?? '', cpus: parseCpuList(list) }];
  });
  const on = threads.filter((t) => t.cpus.includes(traderCpu)).map((t) => `${t.name}:${t.cpus.join(',')}`);
  assert.deepEqual(
    on.sort(),
    [`fetcher:${traderCpu}`, `trader:${traderCpu}`],
    'threads that may use the trader CPU',
  );
}

/**
 * TRADER_HOSTS_LISTENER=true: the trader's thread says it runs listener-0, and a coin of that
 * listener is traded from its opportunity (the intent names the listener that found it). Listener 0
 * has the first coins in base-code order (pair-universe.ts), so those are dislocated.
 */
async function assertListenerHosted(run: SystemRun): Promise<void> {
  assert.ok(
    run.logHas(
      (r) =>
        r['thread'] === 'trader' &&
        typeof r['msg'] === 'string' &&
        r['msg'].startsWith('the trader thread runs a listener too') &&
        r['listener'] === 'listener-0',
    ),
    'the trader did not say it runs listener-0',
  );
  assert.match(run.stdout, /the first listener runs in the trader thread \(TRADER_HOSTS_LISTENER\)/);
  const byName = run.market.coins.map((c, i) => ({ name: c.name, i }));
  byName.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const fromHosted = (): JournalRecord | undefined => run.intents().find((r) => r['listener'] === 0);
  for (const { i } of byName.slice(0, 3)) {
    if (fromHosted() !== undefined) break;
    run.market.dislocate({ direction: 'usd-to-eur', leg: 'buy', coin: i });
    await run
      .waitFor(() => fromHosted() !== undefined, 1_500, 'a trade from listener-0')
      .catch(() => undefined);
  }
  const intent = fromHosted();
  assert.ok(
    intent !== undefined,
    `no trade from the hosted listener-0: ${JSON.stringify(run.intents().map((r) => r['listener']))}`,
  );
  await run.waitOutcome(intent.tradeId, 5_000);
}

describe('system: evaluation and trade modes', () => {
  for (const credentials of [true, false]) {
    test(`evaluation mode finds opportunities and sends zero orders (${credentials ? 'with' : 'without'} credentials)`, async (t) => {
      const duration = 10;
      const run = await startSystem(t, { args: ['--duration', String(duration)], credentials });
      const before = balancesByCode(run.sim);
      await run.waitReady(2, false, 20_000, credentials);
      // Dislocations until the trader has logged an opportunity (evaluation mode logs, never sends).
      const logged = (): true | undefined =>
        run.logHas((r) => typeof r['msg'] === 'string' && r['msg'].startsWith('opportunity (evaluation mode'))
          ? true
          : undefined;
      await run.dislocateUntil(
        { direction: 'usd-to-eur', leg: 'buy' },
        logged,
        duration * 1000,
        'opportunity logged in evaluation mode',
      );
      const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
      const summary = assertCleanExit(run, exit, 'evaluate');
      const start = run.logRecords().find((r) => r['msg'] === 'start');
      assert.match(String(start?.['corePlan']), /helpers not moved \(evaluation mode\)/);
      const opp = summary['opportunities'] as { usdToEur: number; eurToUsd: number };
      assert.ok(opp.usdToEur + opp.eurToUsd > 0, `summary shows no opportunity: ${JSON.stringify(opp)}`);
      assert.ok(
        (summary['dropped'] as { trader: { evaluated: number } }).trader.evaluated > 0,
        'the trader evaluated none',
      );
      // The simulator is the witness: no order by any route, no private socket, balances untouched.
      const ws = await run.wsStats();
      assert.equal(ws.private.connectionsTotal, 0, 'a private WebSocket was opened');
      assert.equal(ws.private.ordersReceived, 0, 'an order reached the private WebSocket');
      const counters = (await run.control('/counters'))['counters'] as Record<string, number>;
      const orderCalls = Object.entries(counters).filter(
        ([k, v]) => /addorder|cancelorder|addorderbatch|editorder/i.test(k) && v > 0,
      );
      assert.deepEqual(orderCalls, [], 'REST order calls reached the simulator');
      assert.equal(
        run.sim.venue.closedOrders(run.sim.apiKey).length + run.sim.venue.openOrders(run.sim.apiKey).length,
        0,
      );
      assert.equal(run.sim.venue.trades(run.sim.apiKey).length, 0);
      assert.deepEqual(balancesByCode(run.sim), before);
      assert.equal(run.journal().length, 0, 'evaluation mode journaled something');
      if (!credentials)
        assert.equal(counters['rest.private.BalanceEx'] ?? 0, 0, 'private REST calls without credentials');
    });
  }

  for (const wsApi of ['v1', 'v2'] as const) {
    test(`trade mode (WebSocket ${wsApi}): trades complete and journal, summary and venue balances agree exactly`, async (t) => {
      // The hosted run (v2) gives each trade 15 s, not 5: in 3 of ~10 runs (hosted and not) no
      // opportunity was found for the first 5 s after the program said it was ready. A likely
      // cause, since fixed, is the start-up balance fetch refused 'EAPI:Invalid nonce' (its nonce
      // overtaken by the fee fetch's; src/kraken/private-call-gate.ts): no balances, no sizing,
      // until the next poll. Not proven (no log of those runs was kept), so the wider window stays.
      const hosted = wsApi === 'v2';
      const tradeWithinMs = hosted ? 15_000 : 5_000;
      const duration = hosted ? 40 : 20;
      const run = await startSystem(t, {
        args: ['--trade', '--duration', String(duration)],
        wsApi,
        // v2 also runs the first listener in the trader's thread (TRADER_HOSTS_LISTENER).
        env: { TRADER_RT_PRIORITY: '5', TRADER_HOSTS_LISTENER: String(hosted) },
      });
      const before = balancesByCode(run.sim);
      await run.waitReady(2, true);
      assertThreadPolicies(run.child.pid, run.logHas.bind(run));
      assertTraderCpuKept(run.child.pid, run);
      const sold: string[] = [];
      // Both directions, so USD and EUR are each spent and received.
      for (const direction of ['usd-to-eur', 'eur-to-usd', 'usd-to-eur'] as const) {
        const intent = await run.dislocateUntilIntent({ direction, leg: 'buy' }, tradeWithinMs);
        const records = await run.waitOutcome(intent.tradeId, 5_000);
        const outcome = records.find((r) => r.kind === 'outcome');
        if (outcome?.['status'] === 'sold') sold.push(intent.tradeId);
      }
      assert.ok(sold.length >= 2, `expected at least two sold trades, got ${sold.length}`);
      if (hosted) await assertListenerHosted(run);
      const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
      const summary = assertCleanExit(run, exit, 'trade');
      const journal = run.journal();
      for (const id of sold) {
        const kinds = journal.filter((r) => r.tradeId === id).map((r) => r.kind);
        for (const k of [
          'intent',
          'order-sent',
          'ack',
          'fill',
          'order-closed',
          'sell-sent',
          'sell-ack',
          'sell-fill',
          'outcome',
        ] as const) {
          assert.ok(kinds.includes(k), `trade ${id} lacks ${k}: ${kinds.join(',')}`);
        }
        assertLatencyStamps(journal.find((r) => r.tradeId === id && r.kind === 'intent'));
      }
      assert.ok((summary['trades'] as { sold: number }).sold >= sold.length);
      assertBooksAgree(journal, run.sim, before, summary, run.dirs.journal);
      // The send-path warm-up ran in the real program (about one rehearsed frame a millisecond
      // between trades) and its frames reached its own loopback server, never the venue: every
      // order the simulator read is one the journal sent (buy or sell).
      const warmth = summary['sendPathWarmth'] as { sent: number; received: number } | null;
      assert.ok(warmth !== null && warmth.sent >= 1000, `warm-up sent too few: ${JSON.stringify(warmth)}`);
      assert.ok(warmth.received >= warmth.sent / 2 && warmth.received <= warmth.sent, JSON.stringify(warmth));
      const sent = journal.filter((r) => r.kind === 'order-sent' || r.kind === 'sell-sent').length;
      assert.equal(
        (await run.wsStats()).private.ordersReceived,
        sent,
        'orders at the venue vs journaled sends',
      );
    });
  }
});

/**
 * The intent's latency stamps (what bench/wire.ts splits into stages) come from the real program in
 * order: the listener's receipt, evaluation and publish to the slot, then the trader's take and send.
 * Within one thread strictly; between the two threads within a few µs (each thread's clock is
 * its own origin plus its own monotonic reading).
 */
function assertLatencyStamps(intent: JournalRecord | undefined): void {
  const names = ['triggerRecvUs', 'evalDoneUs', 'publishedUs', 'takenUs', 'sentUs'] as const;
  const v = names.map((n) => intent?.[n]);
  const text = JSON.stringify(Object.fromEntries(names.map((n, i) => [n, v[i]])));
  assert.ok(
    v.every((x) => typeof x === 'number' && x > 1.6e15),
    `intent stamps missing: ${text}`,
  );
  const [recv, evaluated, published, taken, sent] = v as [number, number, number, number, number];
  assert.ok(recv <= evaluated && evaluated <= published, `listener stamps out of order: ${text}`);
  assert.ok(taken <= sent, `trader stamps out of order: ${text}`);
  const CROSS_THREAD_US = 50;
  assert.ok(published <= taken + CROSS_THREAD_US, `taken before it was published: ${text}`);
  assert.ok(sent - recv < 1_000_000, `receipt to send took over a second: ${text}`);
}
