/**
 * The disk watch: a warning when free space falls below DISK_WARN_FREE_MB, a trading stop (the
 * shared risk-stop flag, its own code) below DISK_STOP_FREE_MB on the journal's filesystem in trade
 * mode, each change reported once; other directories only warn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DISK_SPACE_STOP_CODE, startDiskWatch, type DiskWatchDeps } from '../../src/main/disk-guard.js';
import { createSharedState } from '../../src/engine/shared/shared-state.js';
import { TradingControl } from '../../src/control/trading-control.js';

const MB = 1024 * 1024;

function watch(free: Map<string, number>) {
  const shared = createSharedState({ listeners: 1, opportunityFields: 4, evalCodes: 1, pairs: 1 });
  shared.setTradingEnabled(true);
  const logs: string[] = [];
  const alerts: Array<{ key: string; severity: string; text: string }> = [];
  const deps: DiskWatchDeps = {
    dirs: [
      { setting: 'JOURNAL_DIR', path: '/j', stopsTrading: true },
      { setting: 'METRICS_DIR', path: '/m', stopsTrading: false },
    ],
    warnFreeBytes: 2048 * MB,
    stopFreeBytes: 512 * MB,
    riskStop: (code) => shared.riskStop(code),
    log: {
      info: (m) => void logs.push(`info ${m}`),
      warn: (m) => void logs.push(`warn ${m}`),
      error: (m) => void logs.push(`error ${m}`),
    },
    alert: (a) => void alerts.push(a),
    intervalMs: 3_600_000,
    freeBytes: (p) => {
      const v = free.get(p);
      if (v === undefined) throw new Error('ENOENT');
      return v;
    },
  };
  const w = startDiskWatch(deps);
  w.stop(); // no timer in a test: it calls check() itself
  return { w, shared, logs, alerts };
}

test('plenty of space: nothing said, trading on', () => {
  const free = new Map([
    ['/j', 50_000 * MB],
    ['/m', 50_000 * MB],
  ]);
  const { shared, logs, alerts } = watch(free);
  assert.deepEqual(logs, []);
  assert.deepEqual(alerts, []);
  assert.equal(shared.isTradingEnabled(), true);
});

test('below the warning level: one warning per directory, not one per check', () => {
  const free = new Map([
    ['/j', 1_000 * MB],
    ['/m', 50_000 * MB],
  ]);
  const { w, shared, alerts } = watch(free);
  w.check();
  w.check();
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]?.severity, 'warning');
  assert.match(alerts[0]?.text ?? '', /Disk space low: 1000 MB free for JOURNAL_DIR \/j/);
  assert.equal(shared.isTradingEnabled(), true);
});

test("below the stop level on the journal's filesystem: trading stops with the disk code, alerted once", () => {
  const free = new Map([
    ['/j', 1_000 * MB],
    ['/m', 50_000 * MB],
  ]);
  const { w, shared, alerts, logs } = watch(free);
  free.set('/j', 100 * MB);
  w.check();
  w.check();
  assert.equal(shared.isTradingEnabled(), false);
  assert.equal(shared.riskStopCode(), DISK_SPACE_STOP_CODE);
  const critical = alerts.filter((a) => a.severity === 'critical');
  assert.equal(critical.length, 1);
  assert.match(critical[0]?.text ?? '', /trading stopped/);
  assert.ok(logs.includes('error disk almost full: trading stopped (evaluation continues)'));
  // Space freed: said once; the stop stays (a human clears a risk stop), and the all-clear says so.
  free.set('/j', 10_000 * MB);
  w.check();
  w.check();
  assert.ok(logs.includes('info disk space back above the warning level'));
  assert.equal(shared.isTradingEnabled(), false);
  const ok = alerts.filter((a) => a.severity === 'info');
  assert.equal(ok.length, 1);
  assert.equal(
    ok[0]?.text,
    'Disk space back above the warning level: 10000 MB free for JOURNAL_DIR /j; trading stays stopped for this run (restart with --clear-risk-stop to trade)',
  );
  assert.equal(ok[0]?.key, critical[0]?.key, 'the all-clear ends the stop alert (same key)');
});

test('a warning that clears gets an all-clear under its key, without any word of a stop', () => {
  const free = new Map([
    ['/j', 50_000 * MB],
    ['/m', 1_000 * MB],
  ]);
  const { w, alerts } = watch(free);
  free.set('/m', 3_000 * MB);
  w.check();
  assert.deepEqual(
    alerts.map((a) => [a.key, a.severity, a.text]),
    [
      ['disk:METRICS_DIR', 'warning', 'Disk space low: 1000 MB free for METRICS_DIR /m'],
      [
        'disk:METRICS_DIR',
        'info',
        'Disk space back above the warning level: 3000 MB free for METRICS_DIR /m',
      ],
    ],
  );
});

test('the metrics filesystem nearly full only warns; it does not stop trading', () => {
  const free = new Map([
    ['/j', 50_000 * MB],
    ['/m', 10 * MB],
  ]);
  const { shared, logs } = watch(free);
  assert.equal(shared.isTradingEnabled(), true);
  assert.ok(logs.includes('error disk space low'));
});

test('a directory whose space cannot be read is reported once', () => {
  const free = new Map([['/j', 50_000 * MB]]);
  const { w, logs } = watch(free);
  w.check();
  assert.deepEqual(logs, ['warn free disk space cannot be read']);
});

test('a disk-space stop is named for the operator and cannot be resumed from the dashboard', () => {
  const free = new Map([
    ['/j', 100 * MB],
    ['/m', 50_000 * MB],
  ]);
  const { shared } = watch(free);
  const control = new TradingControl(shared, { mode: 'trade', store: null, onChange: () => undefined });
  assert.equal(control.state().stopReason, 'disk almost full');
  const r = control.resume('dashboard');
  assert.equal(r.ok, false);
  assert.match(r.message, /disk almost full holds/);
  assert.equal(shared.isTradingEnabled(), false);
});
