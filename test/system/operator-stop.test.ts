/**
 * System: the operator's stop (here from the dashboard) outlives the process. After a crash the
 * restarted program says so in its banner, trades nothing while it holds, and trades again once the
 * operator resumes; the resume removes the saved stop.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedVenueAndJournal, startSystem, type SystemRun } from './harness.js';
import { EXIT_DEADLINE_MS, kinds } from './checks.js';
import { OPERATOR_STOP_FILE } from '../../src/control/operator-stop-file.js';

/** POSTs a guarded dashboard action, as the page does (its CSRF token, the confirmation body). */
async function dashboardAction(run: SystemRun, action: 'stop' | 'resume'): Promise<string> {
  let url = '';
  await run.waitFor(
    () => (url = /\n {2}dashboard (http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(run.stdout)?.[1] ?? '') !== '',
    10_000,
    'the dashboard URL in the banner',
  );
  const page = await (await fetch(url)).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1];
  assert.ok(csrf !== undefined, 'no CSRF token in the page');
  const res = await fetch(new URL(`api/${action}`, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({ confirm: action }),
  });
  const body = (await res.json()) as { ok: boolean; message: string };
  assert.equal(res.status, 200, `${action}: ${res.status} ${body.message}`);
  return body.message;
}

describe('system: the operator stop', () => {
  test('a dashboard stop survives a crash: the restart trades nothing until the operator resumes', async (t) => {
    const { sim, journalDir } = await sharedVenueAndJournal(t);
    const args = ['--trade', '--dashboard', '0'];
    const first = await startSystem(t, { args: [...args, '--duration', '30'], sharedSim: sim, journalDir });
    await first.waitReady(2, true);
    assert.match(await dashboardAction(first, 'stop'), /holds across restarts until resumed/);
    assert.ok(existsSync(join(journalDir, OPERATOR_STOP_FILE)), 'the stop is not saved');
    first.child.kill('SIGKILL');
    assert.equal((await first.waitExit(EXIT_DEADLINE_MS)).signal, 'SIGKILL');

    const duration = 20;
    const second = await startSystem(t, {
      args: [...args, '--duration', String(duration)],
      sharedSim: sim,
      journalDir,
    });
    await second.waitReady(2, true);
    assert.match(second.stdout, /TRADING STOPPED by the operator since \S+ \(dashboard, saved in /);
    assert.ok(
      second.logHas((r) => /stays stopped: the operator stopped it before this start/.test(String(r['msg']))),
      'the held stop is not logged',
    );
    // And alerted (the log-only notifier, as no Telegram is configured here).
    assert.ok(
      second.logHas(
        (r) => r['alert'] === 'operator-held' && /since \S+ \(dashboard\)/.test(String(r['msg'])),
      ),
      'the held stop is not alerted',
    );
    const intents = second.intents().length;
    const orders = (await second.wsStats()).private.ordersReceived;
    for (let i = 0; i < 4; i++) {
      second.market.dislocate({ direction: 'usd-to-eur', leg: 'buy' });
      await new Promise((r) => setTimeout(r, 400));
    }
    assert.equal(second.intents().length, intents, 'traded while the saved operator stop held');
    assert.equal((await second.wsStats()).private.ordersReceived, orders, 'an order while the stop held');

    assert.match(await dashboardAction(second, 'resume'), /trading resumed by the operator \(dashboard\)/);
    assert.equal(existsSync(join(journalDir, OPERATOR_STOP_FILE)), false, 'the resume left the saved stop');
    const intent = await second.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await second.waitOutcome(intent.tradeId, 10_000);
    assert.equal(rec.find((r) => r.kind === 'outcome')?.['status'], 'sold', kinds(rec).join(','));
    assert.deepEqual(await second.waitExit(duration * 1000 + EXIT_DEADLINE_MS), { code: 0, signal: null });
    // The summary keeps the first quotes' ages (start-up) apart from the steady ingestion latency.
    assert.match(second.stdout, /\n\s+Ingestion\s+p50 .* updates after start-up\)\n/);
    assert.match(second.stdout, /\n\s+start-up\s+p50 .* updates during start-up, whose first quotes/);
  });
});
