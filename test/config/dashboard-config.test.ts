/** `--dashboard [PORT]`, DASHBOARD_HOST and DASHBOARD_TOKEN: loopback by default, a token off loopback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, isLoopbackHost, DEFAULT_DASHBOARD_PORT } from '../../src/config/config.js';

const load = (argv: string[], env: Record<string, string> = {}) => loadConfig(argv, env, {});

test('no flag, no dashboard; --dashboard alone is the default port on loopback', () => {
  const off = load([]);
  assert.ok(off.ok);
  assert.equal(off.config.dashboard, null);
  const on = load(['--dashboard', '--trade', '--sim']);
  assert.ok(on.ok);
  assert.deepEqual(on.config.dashboard, { host: '127.0.0.1', port: DEFAULT_DASHBOARD_PORT, token: null });
  assert.equal(on.config.mode, 'trade');
});

test('a port after the flag, or with =; 0 means any free port', () => {
  for (const [argv, port] of [
    [['--dashboard', '0'], 0],
    [['--dashboard=9100'], 9100],
    [['--sim', '--dashboard', '8800', '--demo'], 8800],
  ] as const) {
    const r = load([...argv]);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.config.dashboard?.port, port);
  }
  const bad = load(['--dashboard=70000']);
  assert.ok(!bad.ok);
  assert.match(bad.problems.join('\n'), /--dashboard takes a port number from 0 to 65535/);
});

test('off loopback the dashboard needs a token of 16+ characters, never shown in a problem', () => {
  const open = load(['--dashboard'], { DASHBOARD_HOST: '0.0.0.0' });
  assert.ok(!open.ok);
  assert.match(
    open.problems.join('\n'),
    /DASHBOARD_HOST 0\.0\.0\.0 is not a loopback address: set DASHBOARD_TOKEN/,
  );
  const short = load(['--dashboard'], { DASHBOARD_HOST: '0.0.0.0', DASHBOARD_TOKEN: 'short-secret' });
  assert.ok(!short.ok);
  assert.ok(!short.problems.join('\n').includes('short-secret'));
  const ok = load(['--dashboard'], { DASHBOARD_HOST: '0.0.0.0', DASHBOARD_TOKEN: 'x'.repeat(24) });
  assert.ok(ok.ok);
  assert.equal(ok.config.dashboard?.token, 'x'.repeat(24));
  assert.ok(isLoopbackHost('127.0.0.2') && isLoopbackHost('::1') && isLoopbackHost('localhost'));
  assert.ok(!isLoopbackHost('192.168.1.5') && !isLoopbackHost('0.0.0.0'));
});
