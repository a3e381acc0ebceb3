/**
 * Runs the real program against its own simulator (`--sim --trade --demo`, a small universe,
 * dislocations every second) in a temp working directory: runDemo waits for it to exit;
 * startDemo hands back the running process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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

export interface StartedDemo {
  readonly dir: string;
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<number | null>;
}

/** Starts the demo program; `t.after` kills it and removes its directory. */
export function startDemo(
  t: TestContext,
  seconds: number,
  env: Record<string, string>,
  extraArgs: readonly string[] = [],
): StartedDemo {
  const dir = mkdtempSync(join(tmpdir(), 'demo-run-'));
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
    ...extraArgs,
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
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  // Kill, wait for the exit, then remove: node:test runs after-hooks first-registered first, and a
  // directory removed while the program still writes to it fails with ENOTEMPTY.
  t.after(async () => {
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });
  return { dir, child, output: () => output, exited };
}

export async function runDemo(
  t: TestContext,
  seconds: number,
  env: Record<string, string>,
): Promise<DemoRun> {
  const demo = startDemo(t, seconds, env);
  const code = await demo.exited;
  return { dir: demo.dir, code, output: demo.output() };
}
