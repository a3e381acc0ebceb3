/**
 * Where the wire-to-wire runs put the simulator: on every CPU but the one the system's CPU plan gives
 * its trader (src/engine/threads/cpu-plan.ts: the last). Against Kraken the exchange is not on the
 * trader's core, and a user keeps that core for the trader. Left to the scheduler, the simulator ran
 * there too: it was woken by the very order the trader wrote and ran before the trader's write
 * returned, so that send "took" 0.6–3 ms in 1 to 5 of every 30 realistic trades (bench/README.md,
 * 2026-12-05). The floor relay and the peer meet the same placement.
 *
 * `taskset` (util-linux, on every Debian) starts the simulator's process with the mask, so all its
 * threads inherit it. Without it, or with fewer than two CPUs, the simulator runs unpinned and the
 * report says so.
 */
import { execFileSync } from 'node:child_process';
import { availableCpus } from '../../src/engine/threads/affinity.js';
import { planCpus } from '../../src/engine/threads/cpu-plan.js';

export interface SimPlacement {
  /** CPUs for the simulator's process; null: unpinned. */
  readonly cpus: readonly number[] | null;
  /** For the report: where it ran and why. */
  readonly summary: string;
}

let cached: SimPlacement | undefined;

export function simPlacement(): SimPlacement {
  cached ??= decide();
  return cached;
}

/** `--sim-cpus`: the operator's choice instead of the default (e.g. a colocated box's housekeeping cores). */
export function placeSimulatorOn(cpus: readonly number[]): void {
  cached = { cpus, summary: `CPU ${cpus.join(',')} (--sim-cpus)` };
}

function decide(): SimPlacement {
  const all = availableCpus();
  const trader = planCpus({ listeners: 1 }, all).trader;
  if (trader === null) return { cpus: null, summary: `unpinned (${all.length} CPU: nothing to keep apart)` };
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
  } catch {
    return { cpus: null, summary: 'unpinned (no taskset on this machine)' };
  }
  const cpus = all.filter((c) => c !== trader);
  return { cpus, summary: `CPU ${cpus.join(',')}, off the trader's CPU ${trader}` };
}
