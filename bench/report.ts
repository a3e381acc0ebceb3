/** The markdown report of one run (bench/results/<timestamp>.md) from its JSON result. */
import { BURST_MS, PERIOD_MS, type CoPinnedWake } from './co-pinned-wake.js';
import type { MemoryResult, ThroughputResult } from './load.js';
import type { MicroResult } from './micro.js';
import { round } from './lib/stats.js';
import type { StaleDrops, WireResult } from './wire.js';

export interface BenchResult {
  startedAt: string;
  quick: boolean;
  durationS: number;
  machine: { cpus: number; model: string; node: string; loadavg: number[]; simulator?: string };
  settings: Record<string, unknown>;
  micro: MicroResult[] | null;
  /** The headline: dislocations seconds apart, shipped settings (system, then the floor relay). */
  realistic: Array<WireResult & { stale?: StaleDrops }>;
  /** The hot regime: a dislocation every 20 ms, no pause. */
  wire: WireResult[];
  throughput: ThroughputResult | null;
  memory: MemoryResult | null;
  /** A parked thread's wake while another thread on its CPU is busy (co-pinned-wake.ts). */
  wake?: CoPinnedWake[] | null;
  aims: Array<{ aim: string; value: string; met: boolean | null }>;
  errors: string[];
}

const us = (x: number): string =>
  Number.isFinite(x) ? (x >= 1000 ? `${round(x / 1000, 2)} ms` : `${round(x, 0)} µs`) : '–';

/** Issue #13's targets for the regime users live in (receipt → sent, ratio to the floor, no stale drop). */
function realisticAims(r: BenchResult): BenchResult['aims'] {
  // The headline run only (default wait, one listener): never a variant standing in for it.
  const sys = r.realistic.find(
    (w) => w.name.startsWith('realistic: system default (wait), 1 listener,') && w.measured > 0,
  );
  const floor = r.realistic.find((w) => w.name.startsWith('realistic: floor') && w.measured > 0);
  if (sys === undefined) return [{ aim: 'realistic regime measured', value: 'not measured', met: null }];
  const own = sys.breakdown?.receiptToSent;
  const aims: BenchResult['aims'] = [
    {
      aim: 'realistic: receipt → order sent p50 ≤ 150 µs',
      value: own === undefined ? 'no journal stamps' : us(own.p50),
      met: own === undefined ? null : own.p50 <= 150,
    },
    {
      aim: 'realistic: receipt → order sent p99 ≤ 1 ms',
      value: own === undefined ? 'no journal stamps' : us(own.p99),
      met: own === undefined ? null : own.p99 <= 1000,
    },
    {
      aim: 'realistic: no opportunity fresh at the listener dropped as stale at the trader',
      value:
        sys.stale === undefined
          ? 'no summary'
          : `${sys.stale.atTrader} dropped (and ${sys.stale.atListener} stale when evaluated)`,
      met: sys.stale === undefined ? null : sys.stale.atTrader === 0,
    },
  ];
  if (floor !== undefined) {
    const ratio = sys.latencyUs.p50 / floor.latencyUs.p50;
    aims.push({
      aim: 'realistic: wire-to-wire p50 ≤ 2× the floor',
      value: `${round(ratio, 2)}× (${us(sys.latencyUs.p50)} vs ${us(floor.latencyUs.p50)})`,
      met: ratio <= 2,
    });
  }
  return aims;
}

export function evaluateAims(r: BenchResult): BenchResult['aims'] {
  const aims: BenchResult['aims'] = [...realisticAims(r)];
  const find = (prefix: string): WireResult | undefined =>
    r.wire.find((w) => w.name.startsWith(prefix) && w.measured > 0);
  const def = find('system default (wait), 1 listener') ?? find('system default (wait)');
  const floor = find('floor relay (wait), full feed') ?? find('floor relay (wait)');
  const peer = find('peer');
  if (def !== undefined && floor !== undefined) {
    const ratio = def.latencyUs.p50 / floor.latencyUs.p50;
    aims.push({
      aim: 'hot: wire-to-wire p50 ≤ 2× the floor (default mode)',
      value: `${round(ratio, 2)}× (${us(def.latencyUs.p50)} vs ${us(floor.latencyUs.p50)})`,
      met: ratio <= 2,
    });
  } else
    aims.push({
      aim: 'hot: wire-to-wire p50 ≤ 2× the floor (default mode)',
      value: 'not measured',
      met: null,
    });
  if (def !== undefined)
    aims.push({
      aim: 'hot: wire-to-wire p99 under 1 ms (default mode)',
      value: us(def.latencyUs.p99),
      met: def.latencyUs.p99 < 1000,
    });
  if (def !== undefined && peer !== undefined) {
    const ratio = peer.latencyUs.p50 / def.latencyUs.p50;
    aims.push({
      aim: 'at least 10× lower p50 than the peer',
      value: `${round(ratio, 1)}× (${us(def.latencyUs.p50)} vs ${us(peer.latencyUs.p50)})`,
      met: ratio >= 10,
    });
  } else aims.push({ aim: 'at least 10× lower p50 than the peer', value: 'peer not measured', met: null });
  const parse = r.micro?.find((m) => m.name.startsWith('parse: SpreadScanner.scan'));
  if (parse !== undefined)
    aims.push({
      aim: 'parse ≤ 150 ns per spread frame (bit-identical to parseFloat)',
      value: `${parse.nsPerOp} ns (best batch ${parse.bestNsPerOp})`,
      met: parse.nsPerOp <= 150,
    });
  if (r.throughput !== null) {
    const t = r.throughput;
    const tested = t.steps[t.steps.length - 1]?.rate ?? 0;
    aims.push({
      aim: 'at least 100,000 updates/s sustained (520 coins)',
      value: `${t.sustained.toLocaleString('en')} /s with lag p99 ≤ 1 ms${t.steps.every((s) => s.pass) ? ` (highest tried: ${tested.toLocaleString('en')})` : ''}; keeps up (p50 ≤ 1 ms) to ${t.keptUp.toLocaleString('en')} /s using ${round(t.keptUpCores, 2)} cores`,
      met: t.sustained >= 100_000,
    });
  }
  if (r.memory !== null) {
    const m = r.memory;
    aims.push({
      aim: 'RSS flat and under 300 MB',
      value: `max ${m.rssMaxMb} MB, slope ${m.rssSlopeMbPerMin} MB/min over ${m.durationS} s${m.grows ? ' (grows)' : ''}`,
      met: Number.isFinite(m.rssMaxMb) ? m.rssMaxMb < 300 && !m.grows : null,
    });
  }
  return aims;
}

export function renderMarkdown(r: BenchResult): string {
  const L: string[] = [];
  L.push(`# Benchmark ${r.startedAt}${r.quick ? ' (--quick)' : ''}`);
  L.push('');
  L.push(
    `Machine: ${r.machine.cpus} × ${r.machine.model}, Node ${r.machine.node}, load average at start ${r.machine.loadavg.map((x) => round(x, 2)).join(' / ')}. Run took ${round(r.durationS, 0)} s.${r.machine.simulator === undefined ? '' : ` Simulator in the wire-to-wire runs: ${r.machine.simulator}.`}`,
  );
  L.push('');
  L.push('## Aims');
  L.push('');
  L.push('| aim | measured | met |');
  L.push('|---|---|---|');
  for (const a of r.aims)
    L.push(`| ${a.aim} | ${a.value} | ${a.met === null ? '–' : a.met ? 'yes' : '**no**'} |`);
  L.push('');
  renderRealistic(r, L);
  L.push('## Hot regime: wire-to-wire (a dislocation every 20 ms, no pause; frame written → order arrived)');
  L.push('');
  L.push('| run | measured | missed | p50 | p90 | p99 | p99.9 | max | CPU (cores) |');
  L.push('|---|---|---|---|---|---|---|---|---|');
  for (const w of r.wire) {
    if (w.error !== undefined) {
      L.push(`| ${w.name} | error: ${w.error.replace(/\|/g, '/').slice(0, 160)} | | | | | | | |`);
      continue;
    }
    const d = w.latencyUs;
    L.push(
      `| ${w.name} | ${d.n} | ${w.missed} | ${us(d.p50)} | ${us(d.p90)} | ${us(d.p99)} | ${us(d.p999)} | ${us(d.max)} | ${round(w.cpuCores, 2)} |`,
    );
  }
  L.push('');
  L.push(
    '"missed": dislocations opened in the measured window that no order took (the trader was busy with the previous trade, or the detection was dropped).',
  );
  const withBreakdown = r.wire.filter((w) => w.breakdown !== undefined && w.breakdown.matched > 0);
  if (withBreakdown.length > 0) {
    L.push('');
    L.push(
      "Where the system's time goes (its trade journal's stamps matched to the simulator's; p50 / p90 / p99: the wire-to-wire tail is found in the p99s):",
    );
    L.push('');
    const names = (withBreakdown[0]?.breakdown?.stages ?? []).map((s) => s.name);
    L.push(`| run | matched | ${names.join(' | ')} |`);
    L.push(`|---|---|${names.map(() => '---|').join('')}`);
    for (const w of withBreakdown) {
      const b = w.breakdown as NonNullable<WireResult['breakdown']>;
      L.push(
        `| ${w.name} | ${b.matched} | ${b.stages.map((s) => `${us(s.p50)} / ${us(s.p90)} / ${us(s.p99)}`).join(' | ')} |`,
      );
    }
  }
  renderWake(r, L);
  if (r.micro !== null) {
    L.push('');
    L.push('## Micro (ns per operation, this process, median of 5 batches / best batch)');
    L.push('');
    L.push('| operation | ns/op | best | bytes/op | GCs per 1M ops |');
    L.push('|---|---|---|---|---|');
    for (const m of r.micro)
      L.push(
        `| ${m.name} | ${m.nsPerOp} | ${m.bestNsPerOp} | ${m.bytesPerOp ?? 'GC in batch'} | ${m.gcsPerMillionOps} |`,
      );
  }
  if (r.throughput !== null) {
    L.push('');
    L.push(
      `## Throughput (evaluation mode, ${r.throughput.steps[0]?.listeners ?? '?'} listeners, ${r.throughput.coins} coins)`,
    );
    L.push('');
    L.push(
      '| feed rate /s | sim changes /s | processed /s | lag samples /s | lag p50 | lag p99 | lag max | sim skipped | system CPU | sim CPU | pass |',
    );
    L.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of r.throughput.steps)
      L.push(
        `| ${s.rate.toLocaleString('en')} | ${s.simChangesPerSecond.toLocaleString('en')} | ${s.processedPerSecond.toLocaleString('en')} | ${s.sampledPerSecond.toLocaleString('en')} | ${us(s.lagUs.p50)} | ${us(s.lagUs.p99)} | ${us(s.lagUs.max)} | ${s.simSkipped} | ${s.systemCores} | ${s.simCores} | ${s.pass ? 'yes' : s.keepsUp ? 'p99 over, keeps up' : `**no**${s.error !== undefined ? ` (${s.error.slice(0, 80)})` : ''}`} |`,
      );
  }
  if (r.throughput !== null) {
    L.push('');
    L.push(
      "processed /s: spread updates the listeners stored and evaluated (run summary, averaged from ready to stop; a spread frame is sent only when a top of book changes, so it is below the change rate). lag: simulator write → listener read, from the system's own ingestion records (a sample). sim skipped: updates the simulator could not generate on time.",
    );
  }
  if (r.memory !== null) {
    const m = r.memory;
    L.push('');
    L.push(
      `## Memory (${m.rate.toLocaleString('en')} updates/s for ${m.durationS} s, evaluation mode, ${m.listeners} listener${m.listeners > 1 ? 's' : ''})`,
    );
    L.push('');
    if (m.error !== undefined) L.push(`error: ${m.error}`);
    L.push(
      `RSS start ${m.rssStartMb} MB, end ${m.rssEndMb} MB, max ${m.rssMaxMb} MB; second-half slope ${m.rssSlopeMbPerMin} MB/min (RSS), ${m.heapSlopeMbPerMin ?? '–'} MB/min (JS heap after GC, all isolates) → ${m.grows ? '**grows**' : 'flat'}.`,
    );
    L.push('');
    L.push('| t (s) | RSS MB | heap MB |');
    L.push('|---|---|---|');
    const step = Math.max(1, Math.ceil(m.samples.length / 12));
    for (let i = 0; i < m.samples.length; i += step) {
      const s = m.samples[i];
      if (s !== undefined) L.push(`| ${s.tS} | ${s.rssMb} | ${s.heapMb ?? '–'} |`);
    }
  }
  if (r.errors.length > 0) {
    L.push('');
    L.push('## Errors');
    for (const e of r.errors) L.push(`- ${e}`);
  }
  L.push('');
  return L.join('\n');
}

/** The headline table: the regime users live in, with its stage split and stale drops. */
function renderRealistic(r: BenchResult, L: string[]): void {
  if (r.realistic.length === 0) return;
  L.push('## Realistic regime (dislocations seconds apart, shipped settings; frame written → order arrived)');
  L.push('');
  L.push(
    '| run | measured | missed | p50 | p90 | p99 | max | receipt → sent p50 / p99 | stale at the trader |',
  );
  L.push('|---|---|---|---|---|---|---|---|---|');
  for (const w of r.realistic) {
    if (w.error !== undefined) {
      L.push(`| ${w.name} | error: ${w.error.replace(/\|/g, '/').slice(0, 160)} | | | | | | | |`);
      continue;
    }
    const d = w.latencyUs;
    const own = w.breakdown?.receiptToSent;
    L.push(
      `| ${w.name} | ${d.n} | ${w.missed} | ${us(d.p50)} | ${us(d.p90)} | ${us(d.p99)} | ${us(d.max)} | ${own === undefined ? '–' : `${us(own.p50)} / ${us(own.p99)}`} | ${w.stale === undefined ? '–' : w.stale.atTrader} |`,
    );
  }
  for (const sys of r.realistic) {
    if (sys.breakdown === undefined || sys.breakdown.matched === 0) continue;
    L.push('');
    L.push(`Stage split of "${sys.name}" (${sys.breakdown.matched} trades matched; p50 / p90 / p99):`);
    L.push('');
    L.push('| stage | p50 | p90 | p99 |');
    L.push('|---|---|---|---|');
    for (const s of sys.breakdown.stages)
      L.push(`| ${s.name} | ${us(s.p50)} | ${us(s.p90)} | ${us(s.p99)} |`);
  }
  renderHandoffLines(r, L);
  L.push('');
  L.push(
    '"missed" includes the dislocations the system saw and dropped as stale (the drops are part of the result, not filtered out).',
  );
  L.push('');
}

/** Each stale drop at the trader and each slow hand-off, with where its time went, from the program's log. */
function renderHandoffLines(r: BenchResult, L: string[]): void {
  const runs = r.realistic.filter((w) => (w.stale?.handoffs.length ?? 0) > 0);
  if (runs.length === 0) return;
  L.push('');
  L.push(
    "Opportunities dropped stale at the trader, or traded after a hand-off over half the freshness budget, from the program's log. The hand-off (evaluated → taken) is split at the listener's publish stamp; then how long the trader had been out of its park when it took (long: busy in an event-loop turn), its GC pauses in the hand-off, and how long it was runnable but off its CPU in the window named:",
  );
  L.push('');
  L.push(
    '| run | outcome | receipt → evaluated | evaluated → taken | evaluated → published | published → taken | unparked → taken | GC pauses (µs) | run-queue wait / window |',
  );
  L.push('|---|---|---|---|---|---|---|---|---|');
  const opt = (v: number | undefined): string => (v === undefined ? '–' : us(v));
  for (const w of runs)
    for (const s of w.stale?.handoffs ?? [])
      L.push(
        `| ${w.name} | ${s.dropped ? 'dropped stale' : 'traded'} | ${us(s.receiptToEvaluatedUs)} | ${us(s.evaluatedToTakenUs)} | ${opt(s.evaluatedToPublishedUs)} | ${opt(s.publishedToTakenUs)} | ${opt(s.unparkedToTakenUs)} | ${s.gcPauses ?? '–'} (${opt(s.gcPausedUs)}) | ${opt(s.runQueueWaitUs)} / ${opt(s.runQueueWindowUs)} |`,
      );
}

/** Why the fetcher runs under SCHED_IDLE: the trader's wake behind a busy thread on its CPU. */
function renderWake(r: BenchResult, L: string[]): void {
  if (r.wake === undefined || r.wake === null) return;
  L.push('');
  L.push(
    `## A parked thread woken while another thread on its CPU is busy (${BURST_MS} ms of work every ${PERIOD_MS} ms; the trader and the fetcher share a CPU)`,
  );
  L.push('');
  L.push('| busy thread | wakes | p50 | p99 | max | wakes during a burst | their p50 | p99 | max |');
  L.push('|---|---|---|---|---|---|---|---|---|');
  for (const v of r.wake)
    L.push(
      `| ${v.variant} | ${v.wakes} | ${us(v.all.p50)} | ${us(v.all.p99)} | ${us(v.all.max)} | ${v.inBurst.n} | ${us(v.inBurst.p50)} | ${us(v.inBurst.p99)} | ${us(v.inBurst.max)} |`,
    );
}
