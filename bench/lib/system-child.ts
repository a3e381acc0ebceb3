/**
 * The real program (dist/src/main.js) as a child process against a bench simulator, with its logs,
 * journal and metrics in a fresh run folder (and that folder as cwd, so no .env is read).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimReady } from './sim-protocol.js';

const STOP_TIMEOUT_MS = 30_000;
const OUTPUT_KEPT_CHARS = 200_000;

export interface SystemOptions {
  trade: boolean;
  spin: boolean;
  listeners: number;
  runDir: string;
  /** Extra environment (wins over the defaults below). */
  env?: Record<string, string>;
  nodeArgs?: readonly string[];
}

/** Risk limits set so they never throttle a benchmark run (issue: "pause and risk limits … do not throttle"). */
export const UNTHROTTLED_ENV: Readonly<Record<string, string>> = {
  POST_TRADE_PAUSE_MS: '0',
  MAX_TRADES_PER_MINUTE: '100000',
  MAX_CONSECUTIVE_FAILURES: '1000',
  MAX_DAILY_LOSS: '1000000000',
  // Checked again just before the buy: a stale drop would remove exactly the slow samples from
  // the latency distribution, so the bench lets every detected dislocation through.
  MAX_LOCAL_AGE_MS: '1000',
  KRAKEN_API_TIER: 'pro',
};

export class SystemChild {
  private out = '';
  private err = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    private readonly cwd: string,
  ) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (s: string) => {
      this.out = (this.out + s).slice(-OUTPUT_KEPT_CHARS);
    });
    child.stderr?.on('data', (s: string) => {
      this.err = (this.err + s).slice(-OUTPUT_KEPT_CHARS);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(sim: SimReady, o: SystemOptions): SystemChild {
    mkdirSync(o.runDir, { recursive: true });
    const main = fileURLToPath(new URL('../../src/main.js', import.meta.url));
    const args = [...(o.nodeArgs ?? []), main, '--listeners', String(o.listeners)];
    if (o.trade) args.push('--trade');
    if (o.spin) args.push('--spin');
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      KRAKEN_REST_URL: sim.urls.rest,
      KRAKEN_WS_URL: sim.urls.wsPublic,
      KRAKEN_WS_AUTH_URL: sim.urls.wsPrivate,
      KRAKEN_KEY: sim.apiKey,
      KRAKEN_SECRET: sim.apiSecret,
      LOG_DIR: join(o.runDir, 'logs'),
      JOURNAL_DIR: join(o.runDir, 'journal'),
      METRICS_DIR: join(o.runDir, 'metrics'),
      ...UNTHROTTLED_ENV,
      ...(o.env ?? {}),
    };
    const child = spawn(process.execPath, args, { cwd: o.runDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new SystemChild(child, o.runDir);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }
  get stdout(): string {
    return this.out;
  }
  get stderr(): string {
    return this.err;
  }
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until stdout matches `re` (or the process exits, or the deadline passes). */
  async waitFor(re: RegExp, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!re.test(this.out)) {
      if (!this.running) throw new Error(`E_BENCH_SYSTEM_EXIT: the system exited: ${this.err.slice(-800)}`);
      if (performance.now() > deadline)
        throw new Error(
          `E_BENCH_SYSTEM_TIMEOUT: no ${re} in ${timeoutMs} ms; stdout tail: ${this.out.slice(-600)}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM (clean shutdown), then the run summary the program prints, or null. */
  async stop(): Promise<Record<string, unknown> | null> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    // The terminal shows a table; the figures are in the JSON file it names.
    const path = /summary written to (.+)\n/.exec(this.out)?.[1];
    if (path === undefined) return null;
    try {
      return JSON.parse(readFileSync(resolve(this.cwd, path), 'utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  }
}
