/**
 * Which CPU each engine thread is pinned to. Pure: the caller passes the CPUs the process may use
 * (availableCpus() in affinity.ts) and pins each thread from inside itself (pinCurrentThread).
 *
 * Plan (the original system ran 6 listeners round-robin on cores 0–2 and trader + fetchers on
 * core 3: docs/design-decisions.md §1):
 *  - ≥ 3 CPUs: the LAST CPU for the trader and the fetcher (unless the trader spins, the fetcher
 *    runs there under SCHED_IDLE, so the trader woken for an opportunity preempts a balance poll at
 *    once: fetcher-worker.ts); listeners round-robin over all the others.
 *  - 2 CPUs: listeners share the first, trader + fetcher the second: a listener burst never
 *    preempts the trader mid-order.
 *  - 0–1 CPU: nothing pinned (one core: pinning only forbids the scheduler nothing).
 * The main thread, V8's GC helpers and the libuv pool are not pinned to one CPU: in trade mode
 * main.ts moves them (and the --sim child) off the trader's CPU at start-up (affinity.ts
 * keepHousekeepingOff), so they share the listeners' CPUs. Starting the process under `taskset -c`
 * does not keep them off the listeners: this plan is made over the CPUs the process starts with.
 * On a VM pinning can make blocking hand-offs slower (docs/node-latency.md §3): it stays a config choice.
 */
export interface CpuPlan {
  /** CPU per listener index, or null when that listener is not pinned. */
  readonly listeners: ReadonlyArray<number | null>;
  readonly trader: number | null;
  readonly fetcher: number | null;
  /** One line saying what was decided and why, for the start-up log. */
  readonly summary: string;
}

export function planCpus(threads: { readonly listeners: number }, availableCpus: readonly number[]): CpuPlan {
  const n = Math.max(0, Math.floor(threads.listeners));
  const cpus = [...new Set(availableCpus.filter((c) => Number.isInteger(c) && c >= 0))].sort((a, b) => a - b);
  if (cpus.length < 2) {
    return {
      listeners: new Array<number | null>(n).fill(null),
      trader: null,
      fetcher: null,
      summary: `not pinning: ${cpus.length} CPU available`,
    };
  }
  const traderCpu = cpus[cpus.length - 1] as number;
  const listenerCpus = cpus.slice(0, -1);
  const listeners = Array.from({ length: n }, (_, i) => listenerCpus[i % listenerCpus.length] as number);
  return {
    listeners,
    trader: traderCpu,
    fetcher: traderCpu,
    summary: `listeners ×${n} round-robin on CPUs ${listenerCpus.join(',')}; trader + fetcher on CPU ${traderCpu}`,
  };
}
