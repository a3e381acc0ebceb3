/**
 * Pins the CALLING thread (call it from inside each worker) to one CPU and names it, trying in
 * order: the project's N-API addon (native/affinity, sched_setaffinity(0, …) = this thread), then
 * `taskset -p -c <cpu> <tid>` with the tid from /proc/thread-self (≈4 ms, fine at start-up;
 * docs/node-latency.md §4.3), then nothing. Never throws for an environment that cannot pin (macOS,
 * containers without the syscall, fewer cores): it says why in `reason`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type PinMethod = 'addon' | 'taskset' | 'none';
export interface PinResult {
  readonly pinned: boolean;
  readonly method: PinMethod;
  readonly reason?: string;
}

/** The addon's functions (native/affinity/affinity.c). */
export interface AffinityAddon {
  setAffinity(cpus: number[]): void;
  getAffinity(): number[];
  gettid(): number;
  getcpu(): number;
  setThreadName(name: string): void;
}

const TASKSET_TIMEOUT_MS = 5_000;
/** Linux thread names hold 15 bytes plus the NUL. */
const THREAD_NAME_MAX = 15;

function projectRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return undefined;
}

let addonCache: { addon?: AffinityAddon; reason?: string } | undefined;

/** Loads the addon once per thread; `reason` says why it is unavailable. */
export function loadAffinityAddon(): { addon?: AffinityAddon; reason?: string } {
  if (addonCache !== undefined) return addonCache;
  const root = projectRoot();
  const path =
    root === undefined ? undefined : join(root, 'native', 'affinity', 'build', 'Release', 'affinity.node');
  if (path === undefined || !existsSync(path)) {
    addonCache = { reason: 'addon not built (run node scripts/build-affinity.mjs)' };
  } else {
    try {
      addonCache = { addon: createRequire(import.meta.url)(path) as AffinityAddon };
    } catch (e) {
      addonCache = { reason: `addon failed to load: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return addonCache;
}

/** Parses a kernel CPU list such as `0-3,6,8-9`. */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.trim().split(',')) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m === null) return [];
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let c = lo; c <= hi && out.length < 4096; c++) out.push(c);
  }
  return out;
}

/**
 * CPUs the calling thread may run on (Linux: its affinity mask; elsewhere 0..n-1). Call it on the
 * main thread at start-up (never pinned by us) and give the result to planCpus.
 */
export function availableCpus(): number[] {
  if (process.platform === 'linux') {
    const fromProc = readCpusAllowed();
    if (fromProc.length > 0) return fromProc;
  }
  return Array.from({ length: availableParallelism() }, (_, i) => i);
}

/** Cpus_allowed_list of the calling thread from /proc/thread-self/status ([] when unreadable). */
export function readCpusAllowed(): number[] {
  try {
    return cpusAllowedIn(readFileSync('/proc/thread-self/status', 'utf8')) ?? [];
  } catch {
    // Not Linux-like /proc (container without it, sandbox): the caller treats [] as "unknown".
    return [];
  }
}

/** The CPUs a thread's /proc status text allows it (Cpus_allowed_list); null when it has none. */
function cpusAllowedIn(status: string): number[] | null {
  const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(status);
  return m?.[1] === undefined ? null : parseCpuList(m[1]);
}

function errText(e: unknown): string {
  return e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e);
}

/** The calling thread's kernel task id (Linux, from /proc/thread-self); null when it cannot be read. */
export function ownThreadId(): number | null {
  try {
    // Synchronous fs runs on the calling thread, so this is the worker's own task id.
    const tid = readlinkSync('/proc/thread-self').split('/').pop() ?? '';
    return /^\d+$/.test(tid) ? Number(tid) : null;
  } catch {
    return null;
  }
}

function pinWithTaskset(cpu: number, name: string): PinResult {
  const tid = ownThreadId();
  if (tid === null)
    return { pinned: false, method: 'none', reason: 'cannot read own thread id (/proc/thread-self)' };
  try {
    execFileSync('taskset', ['-p', '-c', String(cpu), String(tid)], {
      stdio: 'pipe',
      timeout: TASKSET_TIMEOUT_MS,
    });
  } catch (e) {
    return { pinned: false, method: 'none', reason: `taskset failed: ${errText(e)}` };
  }
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, THREAD_NAME_MAX));
  } catch {
    // Naming is cosmetic (top -H); pinning already succeeded, so this is not worth failing for.
  }
  const now = readCpusAllowed();
  if (now.length !== 1 || now[0] !== cpu)
    return { pinned: false, method: 'none', reason: `taskset ran but mask is ${now.join(',')}` };
  return { pinned: true, method: 'taskset' };
}

export interface PinOptions {
  /** Methods to try, in order (default addon then taskset). Tests force one. */
  readonly methods?: ReadonlyArray<Exclude<PinMethod, 'none'>>;
}

/** Pins the calling thread to `cpu` and names it `name` (≤15 bytes shown). Never throws. */
export function pinCurrentThread(cpu: number, name: string, options: PinOptions = {}): PinResult {
  if (process.platform !== 'linux')
    return { pinned: false, method: 'none', reason: `thread pinning is Linux-only (${process.platform})` };
  if (!Number.isInteger(cpu) || cpu < 0)
    return { pinned: false, method: 'none', reason: `invalid CPU ${cpu}` };
  // No pre-check against the current mask: a thread started under `taskset -c 0` may still move
  // itself to CPU 1 (the kernel checks the cpuset). The mask is only quoted when pinning fails.
  const reasons: string[] = [];
  for (const method of options.methods ?? ['addon', 'taskset']) {
    if (method === 'taskset') {
      const r = pinWithTaskset(cpu, name);
      if (r.pinned) return r;
      reasons.push(r.reason ?? 'taskset failed');
      continue;
    }
    const { addon, reason } = loadAffinityAddon();
    if (addon === undefined) {
      reasons.push(reason ?? 'addon unavailable');
      continue;
    }
    try {
      addon.setAffinity([cpu]);
    } catch (e) {
      reasons.push(`addon: ${errText(e)}`);
      continue;
    }
    try {
      addon.setThreadName(name.slice(0, THREAD_NAME_MAX));
    } catch {
      // Cosmetic, as above.
    }
    return { pinned: true, method: 'addon' };
  }
  const mask = availableCpus();
  const hint = mask.includes(cpu) ? '' : ` (CPU ${cpu} is not in this thread's mask ${mask.join(',')})`;
  return { pinned: false, method: 'none', reason: reasons.join('; ') + hint };
}

/** What moving the process's other threads off the trader's CPU did, for the start-up log. */
export interface HousekeepingPlacement {
  readonly moved: boolean;
  /** The CPUs the process's threads may now use (the trader's CPU excluded), or why nothing moved. */
  readonly summary: string;
}

/**
 * Moves every thread the process has now (the main thread, V8's compiler and GC helpers, libuv's
 * pool) off `traderCpu`; threads started later inherit the narrower set, and each pinned worker
 * then moves itself to its own CPU. Without this they may run on the trader's CPU and delay its
 * wake-up by a scheduler slice: the bench saw the simulator do exactly that (bench/README.md).
 * `taskset -a -p` (about 4 ms, once at start-up, docs/node-latency.md §4.3) acts on every thread
 * of the process; the addon acts only on the calling one. Never throws.
 */
export function keepHousekeepingOff(
  traderCpu: number | null,
  cpus: readonly number[],
): HousekeepingPlacement {
  if (process.platform !== 'linux')
    return { moved: false, summary: `not moved: Linux only (${process.platform})` };
  if (traderCpu === null) return { moved: false, summary: 'not moved: no trader CPU to keep free' };
  const others = cpus.filter((c) => c !== traderCpu);
  if (others.length === 0) return { moved: false, summary: "not moved: no CPU besides the trader's" };
  try {
    execFileSync('taskset', ['-a', '-p', '-c', others.join(','), String(process.pid)], {
      stdio: 'pipe',
      timeout: TASKSET_TIMEOUT_MS,
    });
  } catch (e) {
    return { moved: false, summary: `not moved: taskset failed: ${errText(e)}` };
  }
  const left = threadsAllowedOn(traderCpu);
  if (left < 0) return { moved: false, summary: 'taskset ran, but /proc/self/task cannot show the result' };
  if (left > 0)
    return {
      moved: false,
      summary: `not moved: taskset ran but ${left} threads may still use CPU ${traderCpu}`,
    };
  return { moved: true, summary: `main thread and helpers on CPUs ${others.join(',')}` };
}

/** This process's threads whose mask includes `cpu`; -1 when /proc cannot tell. */
function threadsAllowedOn(cpu: number): number {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return -1;
  }
  let n = 0;
  for (const tid of tids) {
    try {
      const allowed = cpusAllowedIn(readFileSync(`/proc/self/task/${tid}/status`, 'utf8'));
      if (allowed === null) return -1;
      if (allowed.includes(cpu)) n++;
    } catch {
      // The thread ended since the listing: nothing left to move.
    }
  }
  return n;
}
