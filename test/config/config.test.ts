import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/config.js';
import { parseEnvText } from '../../src/config/env-file.js';
import { VARIABLES } from '../../src/config/variables.js';
import { FLAG_HELP } from '../../src/config/flags.js';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/project-root.js';

const SECRET = 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==';

test('evaluation mode needs no credentials and takes the documented defaults', () => {
  const r = loadConfig([], {});
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.config.mode, 'evaluate');
  assert.equal(r.config.listeners, 6);
  assert.equal(r.config.traderRtPriority, 0, 'ordinary scheduling unless asked');
  assert.equal(r.config.strategy.minRoi, 1.0);
  assert.equal(r.config.strategy.maxLocalAgeMs, 1.5);
  assert.equal(r.config.strategy.fillTimeoutMs, 1000);
  assert.equal(r.config.strategy.postTradePauseMs, 500);
  assert.equal(r.config.wsApi, 'v1');
  assert.equal(r.config.influx.host, null);
});

test('trade mode without credentials is a clear error', () => {
  const r = loadConfig(['--trade'], {});
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.ok(r.problems.some((p) => p.includes('KRAKEN_KEY') && p.includes('--trade')));
});

test('TRADER_RT_PRIORITY: 0 (ordinary scheduling) by default, 1 … 99 taken, and never with --spin', () => {
  const r = loadConfig(['--sim'], { TRADER_RT_PRIORITY: '10' });
  assert.ok(r.ok);
  assert.equal(r.config.traderRtPriority, 10);
  const bad = loadConfig(['--sim'], { TRADER_RT_PRIORITY: '100' });
  assert.ok(!bad.ok && bad.problems.some((p) => p.includes('TRADER_RT_PRIORITY')), JSON.stringify(bad));
  const spin = loadConfig(['--sim', '--spin'], { TRADER_RT_PRIORITY: '10' });
  assert.ok(!spin.ok);
  assert.ok(spin.problems.some((p) => p.startsWith('--spin and TRADER_RT_PRIORITY exclude each other')));
  assert.ok(loadConfig(['--sim', '--spin'], {}).ok, '--spin alone is fine');
});

test('every problem is reported at once, by name, and secrets are never echoed', () => {
  const bad = 'not base64 !!! super-secret-value';
  const r = loadConfig(['--listeners', 'x', '--bogus'], {
    KRAKEN_SECRET: bad,
    MIN_ROI: 'abc',
    FILL_TIMEOUT_MS: '1.5',
    KRAKEN_WS_URL: 'nope',
    TELEGRAM_BOT_TOKEN: 'tok-secret',
  });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const text = r.problems.join('\n');
  for (const name of [
    '--listeners',
    '--bogus',
    'KRAKEN_SECRET',
    'MIN_ROI',
    'FILL_TIMEOUT_MS',
    'KRAKEN_WS_URL',
    'TELEGRAM_CHAT_ID',
  ]) {
    assert.ok(text.includes(name), `missing problem for ${name}: ${text}`);
  }
  assert.ok(!text.includes(bad) && !text.includes('super-secret') && !text.includes('tok-secret'));
});

test('the environment wins over .env', () => {
  const r = loadConfig(
    ['--trade'],
    { KRAKEN_KEY: 'envkey', LISTENERS: '3' },
    { KRAKEN_KEY: 'filekey', KRAKEN_SECRET: SECRET, LISTENERS: '2' },
  );
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.config.kraken.key, 'envkey');
  assert.equal(r.config.kraken.secret, SECRET);
  assert.equal(r.config.listeners, 3);
  assert.equal(r.config.mode, 'trade');
});

test('--sim never carries real credentials or endpoint overrides to the simulator', () => {
  const r = loadConfig(['--sim', '--trade'], {
    KRAKEN_KEY: 'real',
    KRAKEN_SECRET: SECRET,
    KRAKEN_REST_URL: 'https://api.kraken.com',
  });
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.config.kraken.key, null);
  assert.equal(r.config.kraken.restUrl, null);
});

test('.env parsing: comments, quotes, export, bad lines reported by line number only', () => {
  const { values, problems } = parseEnvText('# c\nexport A=1\nB="two words"\nC=3 # note\nbad line\nD=\'x\n');
  assert.deepEqual(values, { A: '1', B: 'two words', C: '3' });
  assert.equal(problems.length, 2);
  assert.ok(problems[0]?.includes(':5:'));
});

test('.env.example lists every variable', () => {
  const example = readFileSync(join(PROJECT_ROOT, '.env.example'), 'utf8');
  const { values } = parseEnvText(example);
  for (const v of VARIABLES) assert.ok(v.name in values, `${v.name} missing from .env.example`);
  assert.equal(Object.keys(values).length, VARIABLES.length);
});

test('README documents every variable and every flag', () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  for (const v of VARIABLES) assert.ok(readme.includes(`\`${v.name}\``), `${v.name} missing from README.md`);
  for (const flag of FLAG_HELP.match(/--[a-z-]+/g) ?? [])
    assert.ok(readme.includes(flag), `${flag} missing from README.md`);
});
