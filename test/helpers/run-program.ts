/**
 * Runs the real program (dist/src/main.js) once with the given flags and settings, in a fresh temp
 * working directory (so no .env of the caller is read) and an environment without the caller's own
 * settings, and waits for it to exit or for a deadline. For start-up behaviour: config errors,
 * --check-config, directory checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { VARIABLES } from '../../src/config/variables.js';
import { distPath } from './project-root.js';

export interface ProgramRun {
  /** The temp working directory (removed after the test). */
  dir: string;
  code: number | null;
  /** True when the deadline passed and the program was killed. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** The caller's environment minus every kraken-arb setting. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !VARIABLES.some((s) => s.name === k)) env[k] = v;
  }
  return env;
}

export interface RunOptions {
  deadlineMs?: number;
  /** Write this text as .env in the working directory first. */
  envFile?: string;
  /** Called once the child is spawned (e.g. to watch its output). */
  onSpawn?: (child: ChildProcess) => void;
}

export async function runProgram(
  t: TestContext,
  args: readonly string[],
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<ProgramRun> {
  const dir = mkdtempSync(join(tmpdir(), 'program-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  if (options.envFile !== undefined) writeFileSync(join(dir, '.env'), options.envFile);
  const child = spawn(process.execPath, [distPath('src', 'main.js'), ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...cleanEnv(), LOG_DIR: join(dir, 'logs'), METRICS_DIR: join(dir, 'metrics'), ...env },
  });
  t.after(() => child.kill('SIGKILL'));
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.deadlineMs ?? 15_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(deadline);
  return { dir, code, timedOut, stdout, stderr };
}
