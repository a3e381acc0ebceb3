/**
 * `npm run bench [-- --quick] [-- --only micro,wire,floor,peer,throughput,memory]`
 * Runs the sections in order, each against fresh child processes (simulator, system, floor relay,
 * peer: never sharing an event loop), and writes bench/results/<timestamp>.json and .md.
 * Timings are reported here, never asserted in tests.
 */
import { measureCoPinnedWake } from './co-pinned-wake.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { placeSimulatorOn, simPlacement } from './lib/sim-placement.js';
import { parseCpuList } from '../src/engine/threads/affinity.js';
import { runMemory, runThroughput } from './load.js';
import { runMicro } from './micro.js';
import { runRehearsalMicro } from './rehearsal.js';
import { evaluateAims, renderMarkdown, type BenchResult } from './report.js';
import {
  runFloorWire,
  runPeerWire,
  runRealisticFloor,
  runRealisticSystem,
  runSystemWire,
  type RealisticSettings,
  type WireResult,
  type WireSettings,
} from './wire.js';

/** The realistic regime's second system run: the trader thread at this SCHED_FIFO priority. */
const REALISTIC_RT_PRIORITY = 10;
const SECTIONS = ['realistic', 'micro', 'wake', 'wire', 'floor', 'peer', 'throughput', 'memory'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `Usage: npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--out DIR]
  --quick   the same report with fewer samples (12 realistic trades, 300 hot ones per configuration, 30 s memory run), ≈ 7 min
  --only    run only these sections (comma-separated)
  --out     results folder (default bench/results)
  --listeners N  listener threads for throughput and memory (default 1: this is a 2-core machine; use 6 on a real box)
  --realistic-trades N  dislocations in the realistic regime (default 220, 12 with --quick; ~6 s each)
  --memory-minutes M  length of the memory run (default 10, 0.5 with --quick); a soak: --only memory --memory-minutes 60
  --sim-cpus LIST  CPUs for the simulator in the wire-to-wire runs, e.g. 0-1 (default: every CPU
            but the system's trader CPU, the last); on a box with housekeeping cores, name them here
            rather than starting the bench under taskset, whose mask the system would inherit
  --keep    keep the systems' run folders (journals, logs, metrics) and print where
  --cpu-prof  run the wire-to-wire systems under node --cpu-prof (50 µs sampling, one .cpuprofile
            per thread in <run folder>/prof, open in Chrome DevTools); implies --keep. Profiling slows
            the system: read the profiles, not that run's latencies`;

interface Args {
  quick: boolean;
  /** Listener threads for throughput and memory (1 suits a 2-core machine; the program's default is 6). */
  listeners: number;
  only: Set<Section>;
  out: string;
  keep: boolean;
  cpuProf: boolean;
  /** Memory run length override (s). */
  memoryS: number | null;
  /** Realistic-regime dislocations override. */
  realisticTrades: number | null;
  /** --sim-cpus: the simulator's CPUs in the wire-to-wire runs (null: sim-placement.ts decides). */
  simCpus: number[] | null;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = {
    quick: false,
    listeners: 1,
    only: new Set(SECTIONS),
    keep: false,
    cpuProf: false,
    memoryS: null,
    realisticTrades: null,
    simCpus: null,
    out: fileURLToPath(new URL('../../bench/results/', import.meta.url)),
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--quick') a.quick = true;
    else if (x === '--only') {
      const list = (argv[++i] ?? '').split(',').filter((s) => s !== '');
      for (const s of list)
        if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`unknown section ${s}`);
      a.only = new Set(list as Section[]);
    } else if (x === '--out') a.out = argv[++i] ?? a.out;
    else if (x === '--keep') a.keep = true;
    else if (x === '--memory-minutes') {
      const m = Number(argv[++i]);
      if (!(m > 0 && m <= 24 * 60))
        throw new Error('--memory-minutes takes a number of minutes (0 < m ≤ 1440)');
      a.memoryS = Math.round(m * 60);
    } else if (x === '--realistic-trades') {
      const n = Number(argv[++i]);
      if (!(Number.isInteger(n) && n > 0 && n <= 10_000))
        throw new Error('--realistic-trades takes a whole number of dislocations (1 … 10,000)');
      a.realisticTrades = n;
    } else if (x === '--sim-cpus') {
      const list = argv[++i] ?? '';
      const cpus = parseCpuList(list);
      if (cpus.length === 0)
        throw new Error(`--sim-cpus takes a CPU list such as 0-1 or 0,2 (got "${list}")`);
      a.simCpus = cpus;
    } else if (x === '--cpu-prof') a.cpuProf = a.keep = true;
    else if (x === '--help' || x === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else throw new Error(`unknown option ${x}`);
  }
  return a;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.simCpus !== null) placeSimulatorOn(args.simCpus);
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:.]/g, '-');
  const runRoot = join(tmpdir(), `kraken-arb-bench-${stamp}`);
  mkdirSync(runRoot, { recursive: true });
  const log = (l: string): void => {
    process.stderr.write(`[${Math.round((performance.now() - t0) / 1000)} s] ${l}\n`);
  };
  const q = args.quick;
  const wire: WireSettings = {
    trades: q ? 300 : 5000,
    perSecond: 50,
    feedPerSecond: 2000,
    warmup: q ? 20 : 50,
    maxMeasureS: q ? 5 : 400,
    runRoot,
    cpuProf: args.cpuProf,
  };
  const realistic: RealisticSettings = {
    trades: args.realisticTrades ?? (q ? 12 : 220),
    gapMs: [2_000, 10_000],
    feedPerSecond: 2000,
    runRoot,
    cpuProf: args.cpuProf,
  };
  const result: BenchResult = {
    startedAt,
    quick: q,
    durationS: 0,
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? '?',
      node: process.version,
      loadavg: loadavg(),
      simulator: simPlacement().summary,
    },
    settings: {
      realistic,
      wire,
      listenersForLoad: args.listeners,
      throughputWindowS: q ? 2 : 10,
      memoryS: args.memoryS ?? (q ? 30 : 600),
    },
    micro: null,
    realistic: [],
    wire: [],
    throughput: null,
    memory: null,
    wake: null,
    aims: [],
    errors: [],
  };
  const section = async (name: Section, f: () => Promise<void>): Promise<void> => {
    if (!args.only.has(name)) return;
    try {
      await f();
    } catch (err) {
      const msg = `${name}: ${err instanceof Error ? err.message : String(err)}`;
      result.errors.push(msg);
      log(`error in ${msg}`);
    }
  };
  const pushWire = (w: WireResult): void => {
    result.wire.push(w);
    if (w.error !== undefined) log(`  error: ${w.error}`);
    else
      log(
        `  ${w.measured} measured, ${w.missed} missed: p50 ${Math.round(w.latencyUs.p50)} µs, p99 ${Math.round(w.latencyUs.p99)} µs`,
      );
  };

  await section('realistic', async () => {
    const system = await runRealisticSystem(realistic, log);
    result.realistic.push(system);
    log(
      `  ${system.measured} measured, ${system.missed} missed; stale at the trader: ${system.stale?.atTrader ?? '?'}`,
    );
    // The trader under SCHED_FIFO (TRADER_RT_PRIORITY), on half the schedule: what the setting buys.
    const half = { ...realistic, trades: Math.ceil(realistic.trades / 2) };
    const rt = await runRealisticSystem(half, log, { rtPriority: REALISTIC_RT_PRIORITY });
    result.realistic.push(rt);
    log(`  ${rt.measured} measured, ${rt.missed} missed; stale at the trader: ${rt.stale?.atTrader ?? '?'}`);
    // The listener in the trader's thread (TRADER_HOSTS_LISTENER), half the schedule: no hand-off between threads.
    const hosted = await runRealisticSystem(half, log, { hostedListener: true });
    result.realistic.push(hosted);
    log(
      `  ${hosted.measured} measured, ${hosted.missed} missed; stale at the trader: ${hosted.stale?.atTrader ?? '?'}`,
    );
    // The program's own default of 6 listener threads (the headline keeps issue #13's 1), half the schedule.
    const six = await runRealisticSystem(half, log, { listeners: 6 });
    result.realistic.push(six);
    log(
      `  ${six.measured} measured, ${six.missed} missed; stale at the trader: ${six.stale?.atTrader ?? '?'}`,
    );
    // The floor meets the same schedule; fewer samples suffice for its median.
    const floor = await runRealisticFloor({ ...realistic, trades: Math.ceil(realistic.trades / 2) }, log);
    result.realistic.push(floor);
  });
  await section('micro', async () => {
    log('micro');
    result.micro = [...runMicro(q), await runRehearsalMicro(q)];
  });
  await section('floor', async () => {
    pushWire(await runFloorWire(wire, false, true, log));
    pushWire(await runFloorWire(wire, true, true, log));
    // The floor with only its own 32 pairs: shows whether the feed's load on the simulator matters.
    if (!q) pushWire(await runFloorWire(wire, false, false, log));
  });
  await section('wire', async () => {
    for (const [listeners, spin] of [
      [1, false],
      [6, false],
      [1, true],
      [6, true],
    ] as const)
      pushWire(await runSystemWire(wire, listeners, spin, log));
  });
  await section('peer', async () => {
    pushWire(await runPeerWire(wire, log));
  });
  await section('throughput', async () => {
    const rates = q
      ? [10_000, 25_000, 50_000, 100_000]
      : [10_000, 25_000, 50_000, 75_000, 100_000, 150_000, 200_000, 300_000];
    result.throughput = await runThroughput(rates, args.listeners, q ? 2 : 10, runRoot, log);
  });
  await section('wake', async () => {
    log('co-pinned wake: the trader stand-in woken while a busy thread holds its CPU');
    result.wake = await measureCoPinnedWake(q ? 150 : 600);
  });
  await section('memory', async () => {
    const memoryS = args.memoryS ?? (q ? 30 : 600);
    result.memory = await runMemory(10_000, memoryS, q ? 2 : 10, args.listeners, runRoot, log);
  });

  result.durationS = (performance.now() - t0) / 1000;
  result.aims = evaluateAims(result);
  mkdirSync(args.out, { recursive: true });
  const base = join(args.out, stamp);
  writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + '\n');
  const md = renderMarkdown(result);
  writeFileSync(`${base}.md`, md);
  process.stdout.write(md + '\n');
  log(`wrote ${base}.json and ${base}.md`);
  if (args.keep) log(`run folders kept in ${runRoot}`);
  else rmSync(runRoot, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
