/**
 * `--sim` starts the simulator as a child process: its environment holds none of the parent's
 * settings, so a real credential in the parent never reaches it (read back from /proc/<pid>/environ).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { SIM_ENV_ALLOWED, startSimProcess } from '../../src/main/sim-process.js';

const PLANTED: Record<string, string> = {
  KRAKEN_KEY: 'planted-real-key-1234',
  KRAKEN_SECRET: 'cGxhbnRlZC1yZWFsLXNlY3JldA==',
  DB_PASSWORD: 'planted-db-password',
  TELEGRAM_BOT_TOKEN: '123456:planted-bot-token',
  SOME_OTHER_SETTING: 'planted-other',
};

test('the simulator child gets only PATH-like basics, never a credential of the parent', async (t) => {
  if (!existsSync('/proc/self/environ')) return; // Linux only
  const saved = Object.fromEntries(Object.keys(PLANTED).map((k) => [k, process.env[k]]));
  Object.assign(process.env, PLANTED);
  t.after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const sim = await startSimProcess(['--port', '0', '--coins', '4', '--rate', '10']);
  t.after(() => sim.stop());
  const pid = sim.child.pid;
  assert.ok(pid !== undefined);
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  const names = environ
    .split('\0')
    .filter((e) => e !== '')
    .map((e) => e.slice(0, e.indexOf('=')));
  for (const name of names) assert.ok(SIM_ENV_ALLOWED.includes(name), `the simulator inherited ${name}`);
  for (const value of Object.values(PLANTED)) assert.ok(!environ.includes(value), 'a planted value leaked');
  assert.ok(names.includes('PATH'));
  // It still works: it handed out its own credentials.
  assert.ok(sim.endpoints.apiKey.length > 0);
});
