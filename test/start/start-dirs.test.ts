/**
 * Start-up with a directory that cannot be made or written: the program says which setting and
 * why, exits non-zero quickly, and starts nothing (no simulator, no socket, no log file elsewhere).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from '../helpers/run-program.js';
import { loadConfig } from '../../src/config/config.js';
import { requiredDirs } from '../../src/files/required-dirs.js';

const EXIT_CONFIG = 2;

test('LOG_DIR under /proc: a clear error at once, never a hang', async (t) => {
  if (!existsSync('/proc/self')) return; // Linux only
  const run = await runProgram(
    t,
    ['--sim', '--duration', '5'],
    { LOG_DIR: '/proc/nope' },
    { deadlineMs: 10_000 },
  );
  assert.equal(run.timedOut, false, 'the program hung');
  assert.equal(run.code, EXIT_CONFIG, run.stderr);
  assert.match(run.stderr, /LOG_DIR: \/proc\/nope cannot be created \(ENOENT/);
  assert.match(run.stderr, /nothing was started/);
});

test('JOURNAL_DIR that cannot be created fails trade mode at start-up, before the simulator', async (t) => {
  const blockerDir = mkdtempSync(join(tmpdir(), 'start-dirs-'));
  t.after(() => rmSync(blockerDir, { recursive: true, force: true }));
  const blocker = join(blockerDir, 'a-file');
  writeFileSync(blocker, 'not a directory');
  const run = await runProgram(
    t,
    ['--sim', '--trade', '--duration', '5'],
    { JOURNAL_DIR: join(blocker, 'journal') },
    { deadlineMs: 10_000 },
  );
  assert.equal(run.timedOut, false, 'the program hung');
  assert.equal(run.code, EXIT_CONFIG, run.stderr);
  assert.match(run.stderr, /JOURNAL_DIR: .*a-file is not a directory/);
  // Nothing started: no banner, no log file (the log directory itself was checked first).
  assert.doesNotMatch(run.stdout, /kraken-arb —/);
  assert.deepEqual(readdirSync(join(run.dir, 'logs')), []);
});

test('evaluation mode does not need the journal directory; trade mode does', () => {
  const base = loadConfig([], {});
  const trade = loadConfig(['--trade', '--sim'], {});
  assert.ok(base.ok && trade.ok);
  if (!base.ok || !trade.ok) return;
  assert.deepEqual(
    requiredDirs(base.config).map((d) => d.setting),
    ['LOG_DIR', 'METRICS_DIR'],
  );
  assert.deepEqual(
    requiredDirs(trade.config).map((d) => d.setting),
    ['LOG_DIR', 'JOURNAL_DIR', 'METRICS_DIR'],
  );
});
