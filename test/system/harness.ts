/**
 * System-test harness: the simulator runs IN the test process (startSimulator, port 0) and the real
 * program (dist/src/main.js, built by `npm run build`) runs as a child pointed at it through the
 * environment, with fresh temp dirs for logs, journal and metrics. Everything waits on conditions
 * with a deadline; `startSystem` registers the cleanup (kill the child, stop the simulator, remove
 * the dirs) on the test context, so it runs whether the test passes or fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { VARIABLES } from '../../src/config/variables.js';
import { distPath, PROJECT_ROOT } from '../helpers/project-root.js';
import { SystemRun } from './system-run.js';

/**
 * The API a scenario runs over unless it names one: `npm test` runs the whole system folder twice,
 * the second time with SYSTEM_TEST_WS_API=v2, so every guarantee is checked over both versions.
 */
export const DEFAULT_WS_API: 'v1' | 'v2' = process.env.SYSTEM_TEST_WS_API === 'v2' ? 'v2' : 'v1';

export { SystemRun, type Exit, type WsStats } from './system-run.js';

/** A small, quiet universe: quick to start on a shared 2-core VM, and trades only when a test dislocates. */
export const DEFAULT_SIM: SimulatorOptions = {
  port: 0,
  seed: 7,
  coins: 24,
  updatesPerSecond: 300,
  dislocationsPerMinute: 0,
  // Long enough that the order lands before the dislocated level is re-quoted on a slow machine.
  dislocationLifetimeMs: 2_000,
};

/**
 * Strategy defaults for the child. This shared VM is slow: a generous local age (50 ms instead of
 * Kraken-grade 1.5 ms) keeps opportunities from all being dropped as stale; nothing here tests latency.
 */
export const DEFAULT_ENV: Readonly<Record<string, string>> = {
  MAX_LOCAL_AGE_MS: '50',
  POST_TRADE_PAUSE_MS: '100',
  LISTENERS: '2',
};

export interface SystemOptions {
  sim?: SimulatorOptions;
  /** Program flags, e.g. ['--trade', '--duration', '15']. */
  args: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Put the simulator's key and secret in the environment (default true). */
  credentials?: boolean;
  /** A simulator the test owns (shared by several runs); the run neither creates nor stops one. */
  sharedSim?: RunningSimulator;
  /** A journal directory the test owns (to restart on the same journal). */
  journalDir?: string;
  /** WebSocket API for feed and orders (default DEFAULT_WS_API); v2 adds `--ws-api v2` and the v2 URLs. */
  wsApi?: 'v1' | 'v2';
}

interface AfterHook {
  after(fn: () => Promise<void> | void): void;
}

/** Starts the simulator and the program; `t.after` stops both whatever happens. */
export async function startSystem(t: AfterHook, o: SystemOptions): Promise<SystemRun> {
  const main = distPath('src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const sim = o.sharedSim ?? (await startSimulator({ ...DEFAULT_SIM, ...o.sim }));
  let root: string;
  let child: ChildProcess;
  try {
    root = mkdtempSync(join(tmpdir(), 'kraken-arb-system-'));
    const dirs = {
      log: join(root, 'logs'),
      journal: o.journalDir ?? join(root, 'journal'),
      metrics: join(root, 'metrics'),
    };
    // Nothing of the caller's configuration leaks in (no .env either: cwd is the temp dir).
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (
        v !== undefined &&
        !VARIABLES.some((spec) => spec.name === k) &&
        !k.startsWith('TELEGRAM') &&
        !k.startsWith('INFLUX')
      )
        env[k] = v;
    }
    const v2 = (o.wsApi ?? DEFAULT_WS_API) === 'v2';
    Object.assign(env, DEFAULT_ENV, {
      KRAKEN_REST_URL: sim.urls.rest,
      KRAKEN_WS_URL: v2 ? sim.urls.wsPublicV2 : sim.urls.wsPublic,
      KRAKEN_WS_AUTH_URL: v2 ? sim.urls.wsPrivateV2 : sim.urls.wsPrivate,
      LOG_DIR: dirs.log,
      JOURNAL_DIR: dirs.journal,
      METRICS_DIR: dirs.metrics,
    });
    if (o.credentials !== false) Object.assign(env, { KRAKEN_KEY: sim.apiKey, KRAKEN_SECRET: sim.apiSecret });
    Object.assign(env, o.env);
    const args = v2 ? [...o.args, '--ws-api', 'v2'] : [...o.args];
    child = spawn(process.execPath, [main, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const run = new SystemRun(sim, child, root, dirs, v2 ? 'v2' : 'v1', o.sharedSim === undefined);
    t.after(() => run.dispose());
    return run;
  } catch (err) {
    if (o.sharedSim === undefined) await sim.stop();
    throw err;
  }
}

export { PROJECT_ROOT };

/**
 * A simulator and a journal directory the test owns, for runs that restart the program on the same
 * venue and journal (crash recovery, durable risk stops); both are removed by `t.after`.
 */
export async function sharedVenueAndJournal(
  t: AfterHook,
): Promise<{ sim: RunningSimulator; journalDir: string }> {
  const sim = await startSimulator(DEFAULT_SIM);
  t.after(() => sim.stop());
  const journalDir = mkdtempSync(join(tmpdir(), 'kraken-arb-system-journal-'));
  t.after(() => rmSync(journalDir, { recursive: true, force: true }));
  return { sim, journalDir };
}

/**
 * The next buy executes at the venue but its ack (and what follows it on that socket) is lost with
 * the private connection; `alsoNow` runs at that moment too (e.g. REST refusing). Returns whether
 * it happened yet.
 */
export function loseNextBuyAck(
  sim: RunningSimulator,
  t: AfterHook,
  alsoNow: () => void = () => undefined,
): () => boolean {
  sim.faults.ackDelayMs = 5_000;
  let dropped = false;
  const off = sim.venue.onEvent((ev) => {
    if (dropped || ev.kind !== 'order' || ev.order.type !== 'buy') return;
    dropped = true;
    // After this order's ack is held (sendAck reads the delay when the venue returns), not before.
    setImmediate(() => {
      sim.faults.ackDelayMs = 0;
      alsoNow();
      sim.faults.dropConnections('private');
    });
  });
  t.after(off);
  return () => dropped;
}
