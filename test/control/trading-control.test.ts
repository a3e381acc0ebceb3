/**
 * The operator's stop and resume work through the same shared flag and stop code as the risk
 * limits, and resume never clears anything but the operator's own stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSharedState, type SharedState } from '../../src/engine/shared/shared-state.js';
import { OPERATOR_STOP_CODE, stopReasonName, TradingControl } from '../../src/control/trading-control.js';
import { RISK_STOP_CODES } from '../../src/core/risk-limits.js';
import { DISK_SPACE_STOP_CODE } from '../../src/main/disk-guard.js';
import {
  OPERATOR_STOP_FILE,
  OperatorStopFile,
  type OperatorStopStore,
} from '../../src/control/operator-stop-file.js';

function setup(store: OperatorStopStore | null = null): {
  shared: SharedState;
  control: TradingControl;
  changes: string[];
} {
  const shared = createSharedState({ listeners: 1, opportunityFields: 4, evalCodes: 2, pairs: 4 });
  shared.setTradingEnabled(true);
  const changes: string[] = [];
  const control = new TradingControl(shared, {
    mode: 'trade',
    store,
    onChange: (change, source) => changes.push(`${change}:${source}`),
  });
  return { shared, control, changes };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'operator-stop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('stop disables trading with the operator flag; resume clears it and enables trading again', () => {
  const { shared, control, changes } = setup();
  const stopped = control.stop('dashboard');
  assert.equal(stopped.ok, true);
  assert.match(stopped.message, /trading stopped by the operator \(dashboard\)/);
  assert.equal(shared.isTradingEnabled(), false);
  assert.equal(shared.isOperatorStopped(), true);
  assert.equal(shared.riskStopCode(), 0, 'the stop code stays free for risk, disk and crash stops');
  assert.deepEqual(control.state(), {
    mode: 'trade',
    tradingEnabled: false,
    stopCode: OPERATOR_STOP_CODE,
    operatorStopped: true,
    stopReason: 'operator stop',
    shuttingDown: false,
  });
  assert.match(control.stop('telegram').message, /already stopped by the operator/);
  const resumed = control.resume('telegram');
  assert.equal(resumed.ok, true, resumed.message);
  assert.equal(shared.isTradingEnabled(), true);
  assert.equal(shared.isOperatorStopped(), false);
  assert.deepEqual(changes, ['stop:dashboard', 'resume:telegram']);
  assert.match(control.resume('telegram').message, /already on/);
});

test('resume is refused while a risk-limit stop holds; a stop on top of it holds after it', () => {
  const { shared, control, changes } = setup();
  shared.riskStop(RISK_STOP_CODES['max-daily-loss']);
  const r = control.resume('telegram');
  assert.equal(r.ok, false);
  assert.match(r.message, /risk limit max-daily-loss holds/);
  assert.equal(shared.isTradingEnabled(), false);
  assert.equal(shared.riskStopCode(), RISK_STOP_CODES['max-daily-loss']);
  // The operator's stop is taken (and saved) although trading is already off.
  assert.match(control.stop('dashboard').message, /stopped by the operator.*max-daily-loss also holds/);
  assert.equal(shared.riskStopCode(), RISK_STOP_CODES['max-daily-loss']);
  assert.equal(control.state().stopReason, 'risk limit max-daily-loss, and an operator stop');
  assert.equal(control.state().operatorStopped, true);
  assert.match(control.resume('dashboard').message, /max-daily-loss holds.*operator's stop stays too/);
  assert.equal(shared.isOperatorStopped(), true);
  assert.deepEqual(changes, ['stop:dashboard']);
});

test('a crashed trade holds like a risk stop; shutdown and start-up are not resumable', () => {
  const { shared, control } = setup();
  shared.riskStop(99);
  assert.match(control.resume('dashboard').message, /a trade failed unexpectedly holds/);
  const fresh = setup();
  fresh.shared.setTradingEnabled(false);
  assert.equal(fresh.control.resume('dashboard').ok, false);
  assert.equal(fresh.control.state().stopReason, 'starting or stopping');
  fresh.control.stop('dashboard');
  fresh.shared.requestShutdown();
  assert.match(fresh.control.resume('dashboard').message, /shutting down/);
  assert.equal(fresh.shared.isTradingEnabled(), false);
});

test('a disk or risk stop that lands during the operator stop keeps its own code: resume is refused', () => {
  const { shared, control } = setup();
  control.stop('dashboard');
  shared.riskStop(DISK_SPACE_STOP_CODE);
  assert.equal(shared.riskStopCode(), DISK_SPACE_STOP_CODE, 'the disk stop was lost under the operator stop');
  const r = control.resume('telegram');
  assert.equal(r.ok, false);
  assert.match(r.message, /disk almost full holds/);
  assert.equal(shared.isTradingEnabled(), false);
  assert.equal(
    stopReasonName(RISK_STOP_CODES['max-consecutive-failures']),
    'risk limit max-consecutive-failures',
  );
  assert.equal(stopReasonName(12345), 'stop code 12345');
});

test('a stop that lands while a resume is under way wins', () => {
  const { shared, control } = setup();
  control.stop('dashboard');
  // SharedState.setTradingEnabled is the resume's last step: a risk stop set just before it (from
  // another thread) must still leave trading off, and the operator's stop in place.
  const enable = shared.setTradingEnabled.bind(shared);
  shared.setTradingEnabled = (on: boolean): void => {
    if (on) shared.riskStop(RISK_STOP_CODES['max-trades-per-minute']);
    enable(on);
  };
  const r = control.resume('dashboard');
  assert.equal(r.ok, false, r.message);
  assert.match(r.message, /max-trades-per-minute holds/);
  assert.equal(shared.isTradingEnabled(), false);
  assert.equal(shared.isOperatorStopped(), true);
});

test('the stop is saved and holds across a restart until a resume removes it', (t) => {
  const dir = tempDir(t);
  const file = new OperatorStopFile(dir);
  assert.equal(file.load(), null, 'no file: no stop');
  const before = Date.now();
  const { control } = setup(file);
  const stopped = control.stop('telegram');
  assert.match(stopped.message, /holds across restarts until resumed/);
  const saved = new OperatorStopFile(dir).load();
  assert.equal(saved?.source, 'telegram');
  assert.ok(saved !== null && saved.sinceMs >= before && saved.sinceMs <= Date.now(), JSON.stringify(saved));
  assert.equal(saved?.unreadable, undefined);
  assert.equal(existsSync(join(dir, `${OPERATOR_STOP_FILE}.tmp`)), false, 'the temporary file is left');
  // A stop refused (already stopped) neither writes nor removes anything.
  assert.match(control.stop('dashboard').message, /already stopped/);
  assert.equal(new OperatorStopFile(dir).load()?.source, 'telegram');
  const resumed = control.resume('dashboard');
  assert.equal(resumed.ok, true, resumed.message);
  assert.doesNotMatch(resumed.message, /could not be removed/);
  assert.equal(new OperatorStopFile(dir).load(), null, 'the resume left the saved stop');
});

test('a resume refused while a risk stop holds keeps the saved stop', (t) => {
  const dir = tempDir(t);
  setup(new OperatorStopFile(dir)).control.stop('dashboard');
  // The next start, with a journaled risk stop as well: the operator's resume is refused while it holds.
  const next = setup(new OperatorStopFile(dir));
  next.shared.riskStop(RISK_STOP_CODES['max-daily-loss']);
  next.control.restoreSavedStop();
  assert.equal(next.control.resume('dashboard').ok, false);
  assert.notEqual(new OperatorStopFile(dir).load(), null, 'a refused resume removed the saved stop');
});

test('a damaged or unreadable saved stop reads as stopped, never as "no stop"', (t) => {
  const dir = tempDir(t);
  const path = join(dir, OPERATOR_STOP_FILE);
  writeFileSync(path, '{"sinceMs": 17');
  assert.match(new OperatorStopFile(dir).load()?.unreadable ?? '', /not a saved stop/);
  writeFileSync(path, '{"sinceMs":"soon","source":"x"}\n');
  assert.match(new OperatorStopFile(dir).load()?.unreadable ?? '', /not a saved stop/);
  writeFileSync(path, '{"sinceMs":1764892800000,"source":"dashboard"}\n');
  assert.deepEqual(new OperatorStopFile(dir).load(), { sinceMs: 1764892800000, source: 'dashboard' });
  rmSync(path);
  assert.equal(new OperatorStopFile(join(dir, 'missing')).load(), null, 'a missing directory holds no stop');
  // Something at the file's name that cannot be read as a file: still stopped.
  mkdirSync(path);
  assert.match(new OperatorStopFile(dir).load()?.unreadable ?? '', /cannot read it: EISDIR/);
});

test('a stop that cannot be saved still stops, and says a restart would trade again', (t) => {
  const dir = join(tempDir(t), 'gone');
  const { shared, control, changes } = setup(new OperatorStopFile(dir));
  const stopped = control.stop('dashboard');
  assert.equal(stopped.ok, true);
  assert.equal(shared.isTradingEnabled(), false);
  assert.equal(shared.isOperatorStopped(), true);
  assert.match(stopped.message, /NOT saved to .*operator-stop\.json \(ENOENT\): a restart would trade again/);
  assert.deepEqual(changes, ['stop:dashboard']);
  // The operator mends the cause and stops again: this time it is saved.
  mkdirSync(dir);
  assert.match(
    control.stop('dashboard').message,
    /already stopped by the operator; it holds across restarts/,
  );
  assert.equal(new OperatorStopFile(dir).load()?.source, 'dashboard');
  assert.match(control.stop('dashboard').message, /^trading is already stopped by the operator$/);
  assert.equal(control.resume('dashboard').ok, true);
  assert.equal(new OperatorStopFile(dir).load(), null);
});

test('a saved stop that cannot be removed: trading resumes, and the message says a restart starts stopped', (t) => {
  const dir = tempDir(t);
  const { shared, control } = setup(new OperatorStopFile(dir));
  control.stop('dashboard');
  // A directory in the file's place cannot be unlinked (EISDIR), even by root.
  const path = join(dir, OPERATOR_STOP_FILE);
  rmSync(path);
  mkdirSync(path);
  const resumed = control.resume('telegram');
  assert.equal(resumed.ok, true);
  assert.equal(shared.isTradingEnabled(), true);
  assert.match(resumed.message, /could not be removed \(EISDIR\): a restart would start stopped/);
  assert.notEqual(new OperatorStopFile(dir).load(), null);
});

test('a stop whose directory cannot be flushed is saved, and says only a power cut could lose it', (t) => {
  const dir = tempDir(t);
  let failures = 1;
  const flakyFlush = (): void => {
    if (failures-- > 0) throw Object.assign(new Error('input/output error'), { code: 'EIO' });
  };
  const { shared, control } = setup(new OperatorStopFile(dir, flakyFlush));
  const stopped = control.stop('telegram');
  assert.equal(shared.isOperatorStopped(), true);
  assert.match(
    stopped.message,
    /saved to .*operator-stop\.json, but its directory could not be flushed \(EIO\): it holds across restarts, though a power cut could lose it/,
  );
  assert.doesNotMatch(stopped.message, /NOT saved|would trade again/);
  assert.equal(
    new OperatorStopFile(dir).load()?.source,
    'telegram',
    'the rename happened: a restart reads it',
  );
  // A second stop writes and flushes it again (this time the flush works).
  assert.match(
    control.stop('telegram').message,
    /^trading is already stopped by the operator; it holds across restarts until resumed$/,
  );
  assert.match(control.stop('telegram').message, /^trading is already stopped by the operator$/);
  failures = 1;
  const resumed = control.resume('telegram');
  assert.equal(resumed.ok, true);
  assert.match(
    resumed.message,
    /operator-stop\.json was removed, but its directory could not be flushed \(EIO\): after a power cut the program could start stopped/,
  );
  assert.equal(new OperatorStopFile(dir).load(), null);
});

test('a clear of a stop already removed still flushes its directory: a retry after a failed flush makes the removal durable', (t) => {
  const dir = tempDir(t);
  const flushed: string[] = [];
  const file = new OperatorStopFile(dir, (d) => flushed.push(d));
  file.save({ sinceMs: 1, source: 'telegram' });
  file.clear();
  file.clear(); // the file is gone: nothing to remove, the directory is flushed again
  assert.deepEqual(flushed, [dir, dir, dir]);
  assert.equal(file.load(), null);
});
