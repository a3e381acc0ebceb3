/**
 * Runs the real program once against its own simulator (`--sim --trade --demo`, a small universe,
 * dislocations every second) in a temp working directory, and waits for it to exit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { distPath } from './project-root.js';

export interface DemoRun {
  dir: string;
  code: number | null;
  /** stdout and stderr together. */
  output: string;
}

export async function runDemo(
  t: TestContext,
  seconds: number,
  env: Record<string, string>,
): Promise<DemoRun> {
  const dir = mkdtempSync(join(tmpdir(), 'demo-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const args = [
    '--sim',
    '--trade',
    '--demo',
    '--sim-coins',
    '30',
    '--sim-dislocations',
    '60',
    '--listeners',
    '2',
  ];
  const child = spawn(
    process.execPath,
    [distPath('src', 'main.js'), ...args, '--duration', String(seconds)],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LOG_DIR: join(dir, 'logs'),
        JOURNAL_DIR: join(dir, 'journal'),
        METRICS_DIR: join(dir, 'metrics'),
        // This shared 2-core VM wakes threads slowly; the default 1.5 ms would drop most opportunities.
        MAX_LOCAL_AGE_MS: '50',
        ...env,
      },
    },
  );
  t.after(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { dir, code, output };
}
