/**
 * Configuration that catches mistakes: misspelt and unknown names of ours, duplicated keys,
 * empty values, non-decimal numbers, out-of-range durations and a MIN_ROI that trades at a loss.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { parseEnvText } from '../../src/config/env-file.js';
import { describeRange, VARIABLES } from '../../src/config/variables.js';
import { PROJECT_ROOT } from '../helpers/project-root.js';

function problemsOf(argv: string[], env: Record<string, string>, envText?: string): string[] {
  const file = envText === undefined ? undefined : parseEnvText(envText);
  const r = loadConfig(argv, env, file?.values ?? {}, file ?? undefined);
  return [...(file?.problems ?? []), ...(r.ok ? [] : r.problems)];
}

test('a misspelt setting is an error naming the setting it resembles (it used to be ignored)', () => {
  const fromEnv = problemsOf([], { MAX_DAILY_LOS: '1' });
  assert.ok(
    fromEnv.some((p) => p.includes('MAX_DAILY_LOS ') && p.includes('did you mean MAX_DAILY_LOSS?')),
    fromEnv.join('\n'),
  );
  const fromFile = problemsOf([], {}, '# limits\nLISTENER=3\n');
  assert.ok(
    fromFile.some((p) => p.startsWith('.env:2: LISTENER ') && p.includes('did you mean LISTENERS?')),
    fromFile.join('\n'),
  );
  const lower = problemsOf([], { min_roi: '1.01' });
  assert.ok(
    lower.some((p) => p.includes('names are upper case: MIN_ROI')),
    lower.join('\n'),
  );
});

test('an unknown name with a prefix of ours is an error listing the settings with that prefix', () => {
  const p = problemsOf([], { TELEGRAM_CHANNEL: '42' });
  assert.ok(
    p.some((x) => x.includes('TELEGRAM_CHANNEL') && x.includes('TELEGRAM_CHAT_ID')),
    p.join('\n'),
  );
});

test("other programs' variables are left alone", () => {
  const env = {
    PATH: '/usr/bin',
    HOME: '/root',
    LOGNAME: 'me',
    LINES: '40',
    COLUMNS: '120',
    TMPDIR: '/tmp',
    NODE_OPTIONS: '--max-old-space-size=512',
    npm_config_cache: '/x',
    SYSTEM_TEST_WS_API: 'v2',
    TERM: 'xterm',
  };
  assert.deepEqual(problemsOf([], env), []);
});

test('a key set twice in .env is an error with both line numbers (the second used to win silently)', () => {
  const p = problemsOf([], {}, 'MAX_DAILY_LOSS=50\n# again\nMAX_DAILY_LOSS=500\n');
  assert.ok(
    p.some((x) => x.includes('.env:3: MAX_DAILY_LOSS is set twice (lines 1 and 3)')),
    p.join('\n'),
  );
});

test('an empty value is an error unless the variable is documented optional', () => {
  const env = problemsOf([], { MAX_DAILY_LOSS: '' });
  assert.ok(
    env.some((x) => x.includes('MAX_DAILY_LOSS is set but empty in the environment')),
    env.join('\n'),
  );
  const file = problemsOf([], {}, 'POST_TRADE_PAUSE_MS=\n');
  assert.ok(
    file.some((x) => x.startsWith('.env:1: POST_TRADE_PAUSE_MS is empty')),
    file.join('\n'),
  );
  // Optional ones may be empty: the example file leaves credentials and overrides empty.
  assert.deepEqual(problemsOf([], { KRAKEN_KEY: '', INFLUXDB_HOST: '' }, 'TELEGRAM_BOT_TOKEN=\n'), []);
});

test('.env.example, copied as it is, loads without a single problem', () => {
  const text = readFileSync(join(PROJECT_ROOT, '.env.example'), 'utf8');
  assert.deepEqual(problemsOf([], {}, text), []);
});

test('numbers are decimal only: hex, binary, exponent and Infinity are refused, in settings and flags', () => {
  for (const [name, value] of [
    ['LISTENERS', '0x2'],
    ['INFLUXDB_PORT', '0b1'],
    ['MAX_ORDER_VALUE', '1e3'],
    ['MAX_DAILY_LOSS', 'Infinity'],
    ['MAX_LOCAL_AGE_MS', '.5'],
  ] as const) {
    const p = problemsOf([], { [name]: value });
    assert.ok(
      p.some((x) => x.includes(name) && x.includes('decimal')),
      `${name}=${value}: ${p.join('\n')}`,
    );
  }
  const flags = problemsOf(['--listeners', '0x2', '--duration', '1e3'], {});
  assert.ok(
    flags.some((x) => x.includes('--listeners needs a non-negative decimal number')),
    flags.join('\n'),
  );
  assert.ok(
    flags.some((x) => x.includes('--duration needs a non-negative decimal number')),
    flags.join('\n'),
  );
  assert.equal(problemsOf(['--listeners', '2'], { MAX_ORDER_VALUE: '250.5' }).length, 0);
});

test('every number and duration has a documented range, enforced at both ends', () => {
  for (const spec of VARIABLES) {
    if (spec.kind !== 'number' && spec.kind !== 'integer') continue;
    assert.ok(spec.min !== undefined && spec.max !== undefined, `${spec.name} has no range`);
    const below = problemsOf([], { [spec.name]: String(spec.min - 1) });
    assert.ok(
      below.some((x) => x.includes(`${spec.name} must be at least`)),
      `${spec.name}: ${below.join('\n')}`,
    );
    const above = problemsOf([], { [spec.name]: String(spec.max + 1) });
    assert.ok(
      above.some((x) => x.includes(`${spec.name} must be at most`)),
      `${spec.name}: ${above.join('\n')}`,
    );
  }
  assert.ok(problemsOf([], { RP_DURATION: '30m' }).some((x) => x.includes('at least 1h')));
  assert.deepEqual(problemsOf([], { RP_DURATION: 'INF' }), []);
  assert.deepEqual(problemsOf([], { RP_DURATION: '1h' }), []);
});

test('MIN_ROI below 1.0 is refused unless MIN_ROI_ALLOW_LOSS=true says a drill means it', () => {
  const p = problemsOf([], { MIN_ROI: '0.5' });
  assert.ok(
    p.some((x) => x.includes('MIN_ROI is 0.5') && x.includes('MIN_ROI_ALLOW_LOSS=true')),
    p.join('\n'),
  );
  const drill = loadConfig([], { MIN_ROI: '0.5', MIN_ROI_ALLOW_LOSS: 'true' });
  assert.ok(drill.ok);
  if (drill.ok) assert.equal(drill.config.strategy.minRoi, 0.5);
  assert.deepEqual(problemsOf([], { MIN_ROI: '1.0' }), []);
  assert.deepEqual(problemsOf([], { MIN_ROI: '1.005' }), []);
});

test('the disk stop threshold must be below the warning threshold', () => {
  const p = problemsOf([], { DISK_WARN_FREE_MB: '100', DISK_STOP_FREE_MB: '100' });
  assert.ok(
    p.some((x) => x.includes('DISK_STOP_FREE_MB must be below DISK_WARN_FREE_MB')),
    p.join('\n'),
  );
  // 0 switches a level off (drills on a tiny disk).
  assert.deepEqual(problemsOf([], { DISK_STOP_FREE_MB: '0' }), []);
  assert.deepEqual(problemsOf([], { DISK_STOP_FREE_MB: '0', DISK_WARN_FREE_MB: '0' }), []);
});

test("the README's configuration table gives every variable's range", () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  for (const spec of VARIABLES) {
    const range = describeRange(spec);
    if (range === '') continue;
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${spec.name}\` |`));
    assert.ok(row !== undefined, `no README row for ${spec.name}`);
    assert.ok(row.includes(range), `README row of ${spec.name} lacks its range ${range}: ${row}`);
  }
});
