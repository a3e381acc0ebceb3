/**
 * `npm run preflight` against the simulator: passes on a healthy venue and key (v1 and v2), and
 * fails — saying why in Kraken's words — on a bad key, a key without a permission, maintenance and
 * a wrong URL. In every case it sends no order.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.js';
import { VARIABLES } from '../../src/config/variables.js';
import { distPath } from '../helpers/project-root.js';

const RUN_DEADLINE_MS = 60_000;
const LIMITED_KEY = 'preflight-key-without-ws-permission';
/** Base64 of 64 bytes, like every Kraken secret. */
const LIMITED_SECRET = Buffer.alloc(64, 7).toString('base64');

interface Run {
  code: number | null;
  out: string;
}

function preflight(sim: RunningSimulator, env: Record<string, string>, args: string[] = []): Promise<Run> {
  const cwd = mkdtempSync(join(tmpdir(), 'kraken-arb-preflight-'));
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !VARIABLES.some((spec) => spec.name === k)) clean[k] = v;
  const v2 = args.includes('v2');
  Object.assign(clean, {
    KRAKEN_REST_URL: sim.urls.rest,
    KRAKEN_WS_URL: v2 ? sim.urls.wsPublicV2 : sim.urls.wsPublic,
    KRAKEN_WS_AUTH_URL: v2 ? sim.urls.wsPrivateV2 : sim.urls.wsPrivate,
    KRAKEN_KEY: sim.apiKey,
    KRAKEN_SECRET: sim.apiSecret,
    ...env,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [distPath('src', 'preflight', 'cli.js'), ...args], {
      cwd,
      env: clean,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`preflight did not finish within ${RUN_DEADLINE_MS} ms:\n${out}`));
    }, RUN_DEADLINE_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, out });
    });
  });
}

/** The table row of a check: `STATUS  NAME  DETAIL`. */
function row(out: string, name: string): string {
  return out.split('\n').find((l) => l.slice(8).startsWith(name + ' ')) ?? `(no row ${name})`;
}

describe('npm run preflight against the simulator', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({
      port: 0,
      seed: 9,
      coins: 14,
      updatesPerSecond: 100,
      extraAccounts: [
        {
          apiKey: LIMITED_KEY,
          apiSecret: LIMITED_SECRET,
          balances: { ZUSD: 1000 },
          denied: ['GetWebSocketsToken'],
        },
      ],
    });
  });
  after(async () => {
    // Read-only, whatever happened: not one order reached the venue.
    const s = sim.venue.stats();
    assert.equal(s.ordersAccepted + s.ordersRejected, 0, 'preflight sent an order');
    await sim.stop();
  });

  for (const api of ['v1', 'v2'] as const) {
    test(`a healthy venue and key (${api}): every check passes, exit 0`, async () => {
      const r = await preflight(sim, {}, ['--ws-api', api]);
      assert.equal(r.code, 0, r.out);
      assert.match(row(r.out, 'Kraken REST'), /^OK .*online/);
      assert.match(row(r.out, 'Clock'), /^OK /);
      assert.match(row(r.out, 'Pairs'), /^OK .*coins trade on both USD and EUR/);
      for (const m of ['BalanceEx', 'TradeVolume', 'QueryOrders', 'GetWebSocketsToken'])
        assert.match(row(r.out, `Key: ${m}`), /^OK /);
      assert.match(row(r.out, `Public feed ${api}`), /^OK .*first quote bid \d/);
      assert.match(row(r.out, `Private ${api}`), /^OK .*subscribed/);
      assert.match(row(r.out, 'Balances'), /^OK .*available USD \d/);
      assert.match(row(r.out, 'Fees'), /^OK .*taker 0\.40 %/);
      assert.match(row(r.out, 'MAX_ORDER_VALUE'), /^OK /);
      assert.match(r.out, /the largest buy/);
      assert.match(row(r.out, 'Trader priority'), /^OK .*ordinary priority \(TRADER_RT_PRIORITY=0\)/);
      assert.match(r.out, /Preflight passed/);
      assert.ok(!r.out.includes(sim.apiSecret), 'the secret was printed');
    });
  }

  test('a real-time trader asked for (TRADER_RT_PRIORITY=10): whether this process may, from its own /proc', async () => {
    const r = await preflight(sim, { TRADER_RT_PRIORITY: '10' });
    assert.equal(r.code, 0, r.out);
    const root = process.getuid?.() === 0;
    assert.match(
      row(r.out, 'Trader priority'),
      root ? /^OK .*SCHED_FIFO at 10 allowed \(CAP_SYS_NICE\)/ : /^(OK|WARN) .*SCHED_FIFO at 10/,
    );
  });

  test("a bad key: Kraken's EAPI:Invalid key, exit 1", async () => {
    const r = await preflight(sim, { KRAKEN_KEY: 'not-a-key-the-venue-knows' });
    assert.equal(r.code, 1, r.out);
    assert.match(row(r.out, 'Key: BalanceEx'), /^FAIL .*Kraken: EAPI:Invalid key/);
    assert.match(r.out, /not a valid key pair/);
    assert.match(r.out, /Preflight FAILED/);
  });

  test("a key without the WebSocket permission: named by Kraken's error, exit 1", async () => {
    const r = await preflight(sim, { KRAKEN_KEY: LIMITED_KEY, KRAKEN_SECRET: LIMITED_SECRET });
    assert.equal(r.code, 1, r.out);
    assert.match(row(r.out, 'Key: BalanceEx'), /^OK /);
    assert.match(row(r.out, 'Key: GetWebSocketsToken'), /^FAIL .*Kraken: EGeneral:Permission denied/);
    assert.match(r.out, /enable "WebSocket interface/);
    assert.match(row(r.out, 'Private v1'), /^SKIP /);
  });

  test('maintenance: exit 1, saying so', async () => {
    sim.venue.setSystemStatus('maintenance');
    try {
      const r = await preflight(sim, {});
      assert.equal(r.code, 1, r.out);
      assert.match(row(r.out, 'Kraken REST'), /^FAIL .*system status maintenance/);
      assert.match(r.out, /Kraken is in maintenance/);
    } finally {
      sim.venue.setSystemStatus('online');
    }
  });

  test('a wrong URL: unreachable, exit 1, nothing else tried', async () => {
    const r = await preflight(sim, { KRAKEN_REST_URL: 'http://127.0.0.1:9' });
    assert.equal(r.code, 1, r.out);
    assert.match(row(r.out, 'Kraken REST'), /^FAIL .*unreachable/);
    assert.equal(row(r.out, 'Pairs'), '(no row Pairs)');
  });
});
