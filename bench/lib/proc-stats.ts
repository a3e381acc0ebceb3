/** CPU and memory of another process from /proc (Linux), for the whole process (every thread). */
import { readFileSync } from 'node:fs';

const CLK_TCK = 100;

/** User + system CPU seconds so far, or NaN when /proc is not readable. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Resident set size in bytes, or NaN. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? NaN : Number(m[1]) * 1024;
  } catch {
    return NaN;
  }
}

/** Samples a process's CPU over a window: call start(), then stop() for the share of one core used. */
export class CpuWindow {
  private t0 = 0;
  private c0 = 0;
  constructor(private readonly pid: number) {}
  start(): void {
    this.t0 = performance.now();
    this.c0 = cpuSeconds(this.pid);
  }
  /** Cores used on average over the window (1 = one core fully busy). */
  stop(): number {
    const dt = (performance.now() - this.t0) / 1000;
    return (cpuSeconds(this.pid) - this.c0) / dt;
  }
}
