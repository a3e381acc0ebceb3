/**
 * `npm run soak -- [--minutes 120]`: the program left running unattended. Evaluation mode against
 * the simulator at 10,000 updates/s with dislocations, a fault every few minutes (dropped sockets,
 * a stalled feed, garbage frames, maintenance), and bounds small enough to be reached within the
 * run, so pruning is exercised. Samples disk use, RSS and open file handles of the program from
 * the outside every 10 s and writes bench/results/soak-bounds-<date>.md with a verdict on each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimProcess, type SimProcess } from '../src/main/sim-process.js';
import { dirUsage, sampleProcess, type SoakSample } from './lib/soak-probe.js';
import { round, slope } from './lib/stats.js';
import { renderSoak, type SoakRun } from './soak-report.js';

const SAMPLE_MS = 10_000;
const STOP_DEADLINE_MS = 60_000;

/** What the run sets: bounds reached within a 2-hour run, so their pruning is seen. */
export const SOAK_SETTINGS: Readonly<Record<string, string>> = {
  METRICS_FILE_MAX_MB: '16',
  METRICS_MAX_TOTAL_MB: '256',
  LOG_FILE_MAX_MB: '1',
  LOG_MAX_TOTAL_MB: '10',
  // Loopback feed on a loaded VM: ages the live default would drop are not the point here.
  MAX_LOCAL_AGE_MS: '50',
};

/** One fault per turn, round-robin (the simulator's control API). */
const FAULTS: ReadonlyArray<{ name: string; body: Record<string, unknown>; undo?: Record<string, unknown> }> =
  [
    { name: 'drop public sockets', body: { dropConnections: 'public' } },
    { name: 'stall the feed 15 s (watchdog)', body: { stallFeedMs: 15_000 } },
    { name: '200 garbage frames', body: { garbageFrames: 200 } },
    { name: 'maintenance 30 s', body: { systemStatus: 'maintenance' }, undo: { systemStatus: 'online' } },
    { name: 'drop every socket', body: { dropConnections: 'all' } },
  ];

interface Args {
  minutes: number;
  rate: number;
  faultEveryMin: number;
  listeners: number;
  out: string;
  keep: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = {
    minutes: 120,
    rate: 10_000,
    faultEveryMin: 3,
    listeners: 6,
    out: fileURLToPath(new URL('../../bench/results/', import.meta.url)),
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${flag} needs a positive number`);
      return v;
    };
    if (flag === '--minutes') a.minutes = num();
    else if (flag === '--rate') a.rate = num();
    else if (flag === '--fault-every') a.faultEveryMin = num();
    else if (flag === '--listeners') a.listeners = num();
    else if (flag === '--out') a.out = argv[++i] ?? a.out;
    else if (flag === '--keep') a.keep = true;
    else
      throw new Error(
        `unknown flag ${flag}\nUsage: npm run soak -- [--minutes 120] [--rate 10000] [--fault-every 3] [--listeners 6] [--out DIR] [--keep]`,
      );
  }
  return a;
}

async function control(sim: SimProcess, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.endpoints.rest}/_sim${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function publicConnections(sim: SimProcess): Promise<number> {
  const state = await control(sim, '/state');
  const ws = state['ws'] as { v1: { public: { connectionsTotal: number } } } | null;
  return ws?.v1.public.connectionsTotal ?? NaN;
}

function startProgram(a: Args, sim: SimProcess, root: string): { child: ChildProcess; output: () => string } {
  const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    KRAKEN_REST_URL: sim.endpoints.rest,
    KRAKEN_WS_URL: sim.endpoints.wsPublic,
    LOG_DIR: join(root, 'logs'),
    METRICS_DIR: join(root, 'metrics'),
    JOURNAL_DIR: join(root, 'journal'),
    ...SOAK_SETTINGS,
  };
  const child = spawn(process.execPath, [main, '--listeners', String(a.listeners)], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => out };
}

function lastUpdates(output: string): number {
  const all = [...output.matchAll(/\| (\d+) updates \|/g)];
  return Number(all[all.length - 1]?.[1] ?? NaN);
}

/** One soak: the simulator and the program, the faults injected and the samples taken. */
class Soak {
  readonly samples: SoakSample[] = [];
  readonly faults: Array<{ tS: number; name: string }> = [];
  readonly metricsNames = new Set<string>();
  readonly logNames = new Set<string>();
  exitCode: number | null | undefined;
  private faultTurn = 0;

  constructor(
    readonly a: Args,
    readonly sim: SimProcess,
    readonly prog: { child: ChildProcess; output: () => string },
    readonly root: string,
  ) {
    prog.child.on('exit', (code) => (this.exitCode = code));
  }

  get pid(): number {
    return this.prog.child.pid ?? -1;
  }

  /** The next fault of the round, undone after 30 s when it lasts (maintenance). */
  async injectFault(tS: number): Promise<void> {
    const f = FAULTS[this.faultTurn++ % FAULTS.length];
    if (f === undefined) return;
    await control(this.sim, '/faults', f.body);
    this.faults.push({ tS: round(tS, 0), name: f.name });
    const undo = f.undo;
    if (undo !== undefined) setTimeout(() => void control(this.sim, '/faults', undo), 30_000).unref();
  }

  async sample(tS: number): Promise<SoakSample> {
    const logs = dirUsage(join(this.root, 'logs'));
    const metrics = dirUsage(join(this.root, 'metrics'));
    for (const n of logs.files) this.logNames.add(n);
    for (const n of metrics.files) this.metricsNames.add(n);
    const s: SoakSample = {
      tS: round(tS, 0),
      ...sampleProcess(this.pid),
      logBytes: logs.bytes,
      metricsBytes: metrics.bytes,
      journalBytes: dirUsage(join(this.root, 'journal')).bytes,
      connections: await publicConnections(this.sim),
      updates: lastUpdates(this.prog.output()),
    };
    this.samples.push(s);
    return s;
  }

  /** SIGTERM (unless it already exited), SIGKILL after the deadline; resolves with the exit code. */
  stopProgram(): Promise<number | null> {
    if (this.exitCode !== undefined) return Promise.resolve(this.exitCode);
    this.prog.child.kill('SIGTERM');
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.prog.child.kill('SIGKILL'), STOP_DEADLINE_MS);
      this.prog.child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }
}

/** Samples every SAMPLE_MS and injects a fault every `faultEveryMin`, until the end or an exit. */
async function runFor(soak: Soak): Promise<void> {
  const t0 = Date.now();
  const endAt = t0 + soak.a.minutes * 60_000;
  let nextFault = t0 + soak.a.faultEveryMin * 60_000;
  while (Date.now() < endAt && soak.exitCode === undefined) {
    await new Promise((r) => setTimeout(r, Math.min(SAMPLE_MS, Math.max(0, endAt - Date.now()))));
    const tS = (Date.now() - t0) / 1000;
    if (Date.now() >= nextFault) {
      await soak.injectFault(tS);
      nextFault += soak.a.faultEveryMin * 60_000;
    }
    const s = await soak.sample(tS);
    process.stdout.write(
      `t=${s.tS}s rss=${round(s.rssMb)}MB fds=${s.fds} disk=${round((s.logBytes + s.metricsBytes) / 2 ** 20)}MB conns=${s.connections} updates=${s.updates}\n`,
    );
  }
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const load0 = loadavg();
  const root = mkdtempSync(join(tmpdir(), 'kraken-arb-soak-'));
  const sim = await startSimProcess(['--port', '0', '--rate', String(a.rate), '--dislocations', '30']);
  const soak = new Soak(a, sim, startProgram(a, sim, root), root);
  process.stdout.write(`soak: ${a.minutes} min, program pid ${soak.pid}, files under ${root}\n`);
  await runFor(soak);
  const crashedEarly = soak.exitCode !== undefined;
  const endFiles = {
    logs: dirUsage(join(root, 'logs')).files,
    metrics: dirUsage(join(root, 'metrics')).files,
  };
  const stopped = await soak.stopProgram();
  await sim.stop();
  const samples = soak.samples;
  const half = samples.filter((s) => s.tS >= (samples[samples.length - 1]?.tS ?? 0) / 2);
  const run: SoakRun = {
    args: a,
    settings: SOAK_SETTINGS,
    startedAt: startedAt.toISOString(),
    loadAtStart: load0.map((x) => round(x, 2)),
    samples,
    faults: soak.faults,
    crashedEarly,
    exitCode: stopped,
    summaryWritten: /summary written to /.test(soak.prog.output()),
    metricsFilesSeen: soak.metricsNames.size,
    metricsFilesAtEnd: endFiles.metrics.length,
    logFilesSeen: soak.logNames.size,
    logFilesAtEnd: endFiles.logs.length,
    rssSlopeMbPerHour: round(slope(half.map((s) => [s.tS / 3600, s.rssMb])), 2),
    fdSlopePerHour: round(slope(half.map((s) => [s.tS / 3600, s.fds])), 2),
    tail: soak.prog.output().slice(-1500),
  };
  const file = join(a.out, `soak-bounds-${startedAt.toISOString().slice(0, 10)}.md`);
  writeFileSync(file, renderSoak(run));
  process.stdout.write(`soak: result written to ${file}\n`);
  if (a.keep) process.stdout.write(`soak: files kept in ${root}\n`);
  else rmSync(root, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
