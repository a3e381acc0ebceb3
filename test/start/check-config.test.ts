/**
 * `--check-config` runs the real program: it prints every setting with its source, hides secrets,
 * starts nothing, and exits 0; with a mistake it prints the problems and exits 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from '../helpers/run-program.js';
import { VARIABLES } from '../../src/config/variables.js';

const SECRET = 'c3VwZXItc2VjcmV0LXZhbHVlLWZvci1jaGVjay1jb25maWc=';

test('--check-config prints the effective configuration with sources, secrets hidden, and exits', async (t) => {
  const run = await runProgram(
    t,
    ['--check-config', '--listeners', '3'],
    {
      KRAKEN_SECRET: SECRET,
      DB_PASSWORD: 'db-password-planted',
      MAX_DAILY_LOSS: '50',
      LOG_DIR: 'never-made',
    },
    { envFile: '# mine\nKRAKEN_KEY=key-planted-in-dotenv\nMIN_ROI=1.002\n', deadlineMs: 10_000 },
  );
  assert.equal(run.code, 0, run.stderr);
  for (const spec of VARIABLES) assert.match(run.stdout, new RegExp(`^  ${spec.name} `, 'm'), spec.name);
  const row = (name: string): string => run.stdout.split('\n').find((l) => l.startsWith(`  ${name} `)) ?? '';
  assert.match(row('MAX_DAILY_LOSS'), /50\s+environment$/);
  assert.match(row('MIN_ROI'), /1\.002\s+\.env:3$/);
  assert.match(row('LISTENERS'), /3\s+flag --listeners$/);
  assert.match(row('FILL_TIMEOUT_MS'), /1000\s+default$/);
  assert.match(row('KRAKEN_SECRET'), /\(set, hidden\)\s+environment$/);
  assert.match(row('KRAKEN_KEY'), /\(set, hidden\)\s+\.env:2$/);
  for (const secret of [SECRET, 'db-password-planted', 'key-planted-in-dotenv'])
    assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'a secret was printed');
  // Nothing started: no log directory made, no banner.
  assert.equal(existsSync(join(run.dir, 'never-made')), false);
  assert.doesNotMatch(run.stdout, /kraken-arb —/);
});

test('--check-config with a mistake prints the problem and exits 2', async (t) => {
  const run = await runProgram(t, ['--check-config'], { MAX_DAILY_LOS: '1' }, { deadlineMs: 10_000 });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /MAX_DAILY_LOS is not a setting of kraken-arb; did you mean MAX_DAILY_LOSS\?/);
});
