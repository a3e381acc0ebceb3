/**
 * How long a parked thread takes to run after it is woken, when another thread pinned to the same
 * CPU is busy: the trader and the fetcher share a CPU (src/engine/threads/cpu-plan.ts), and the
 * fetcher's balance poll is a burst of work every 2 s. On Linux 6.6+ (EEVDF) a woken ordinary
 * thread may wait for the busy one's slice; against a SCHED_IDLE one it runs at once. This measures
 * both, with stand-ins and nothing else of the program, so the effect is seen apart from the noise
 * of a whole system run:
 *  - "parked": pinned to the last CPU, parks in 1 ms Atomics.wait slices as the trader does, and
 *    stamps when it sees the wake;
 *  - "busy": pinned to the same CPU, burns BURST_MS of CPU every PERIOD_MS (a fetcher whose poll
 *    runs long: the real one is shorter and rarer, so this makes the rare case common), ordinary
 *    or SCHED_IDLE;
 *  - "waker", on the first CPU, wakes the parked thread at random moments and measures.
 * All three are worker threads: the calling thread keeps its CPUs (the bench's later sections
 * start processes that would inherit them).
 *
 *   node dist/bench/co-pinned-wake.js [wakes per variant, default 400]
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { availableCpus, pinCurrentThread } from '../src/engine/threads/affinity.js';
import { setIdlePriority } from '../src/engine/threads/thread-priority.js';
import { distribution } from './lib/stats.js';

export const BURST_MS = 4;
export const PERIOD_MS = 10;
/** Random gap between wakes, ms: never in step with the busy thread's period. */
const GAP_MS: [number, number] = [3, 17];

// Shared layout (Int32 / BigInt64 views of one buffer).
const WAKE = 0; // Int32: 1 = woken, not yet seen
const STOP = 1; // Int32: 1 = the workers end
const BUSY = 2; // Int32: 1 = the busy thread is in a burst
const READY = 3; // Int32: workers up and pinned
const SEEN_NS = 1; // BigInt64 index (byte 8): when the parked thread saw the wake

interface Role {
  role: 'parked' | 'busy' | 'waker';
  sab: SharedArrayBuffer;
  cpu: number;
  idle: boolean;
}

const nowNs = (): bigint => process.hrtime.bigint();

function parked(r: Role): void {
  const i32 = new Int32Array(r.sab, 0, 4);
  const i64 = new BigInt64Array(r.sab, 16, 2);
  pinCurrentThread(r.cpu, 'parked');
  Atomics.add(i32, READY, 1);
  while (Atomics.load(i32, STOP) === 0) {
    Atomics.wait(i32, WAKE, 0, 1);
    if (Atomics.load(i32, WAKE) === 1) {
      i64[SEEN_NS] = nowNs();
      Atomics.store(i32, WAKE, 0);
      Atomics.notify(i32, WAKE);
    }
  }
}

function busy(r: Role): void {
  const i32 = new Int32Array(r.sab, 0, 4);
  pinCurrentThread(r.cpu, 'busy');
  if (r.idle && !setIdlePriority().set) throw new Error('SCHED_IDLE refused');
  Atomics.add(i32, READY, 1);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (Atomics.load(i32, STOP) === 0) {
    Atomics.store(i32, BUSY, 1);
    const until = nowNs() + BigInt(BURST_MS * 1e6);
    while (nowNs() < until) {
      // burning the CPU, as a poll's TLS, signing and JSON parsing would
    }
    Atomics.store(i32, BUSY, 0);
    Atomics.wait(nap, 0, 0, PERIOD_MS - BURST_MS);
  }
}

export interface CoPinnedWake {
  variant: string;
  wakes: number;
  /** µs from the wake to the parked thread running, all wakes. */
  all: { p50: number; p99: number; max: number };
  /** The same, for the wakes that fell in a burst of the busy thread. */
  inBurst: { n: number; p50: number; p99: number; max: number };
}

/** The measuring thread, on the first CPU: wakes the parked thread at random moments. */
function waker(r: Role & { wakes: number }): void {
  const i32 = new Int32Array(r.sab, 0, 4);
  const i64 = new BigInt64Array(r.sab, 16, 2);
  pinCurrentThread(r.cpu, 'waker');
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 500 && Atomics.load(i32, READY) < 2; i++) Atomics.wait(nap, 0, 0, 10);
  if (Atomics.load(i32, READY) < 2) throw new Error('the stand-in threads did not start');
  const all: number[] = [];
  const inBurst: number[] = [];
  for (let n = 0; n < r.wakes; n++) {
    Atomics.wait(nap, 0, 0, GAP_MS[0] + Math.random() * (GAP_MS[1] - GAP_MS[0]));
    const during = Atomics.load(i32, BUSY) === 1;
    const t0 = nowNs();
    Atomics.store(i32, WAKE, 1);
    Atomics.notify(i32, WAKE);
    // Bounded: a parked thread is seen within its 1 ms slice plus any wait for its CPU.
    Atomics.wait(i32, WAKE, 1, 1_000);
    const us = Number((i64[SEEN_NS] as bigint) - t0) / 1000;
    all.push(us);
    if (during) inBurst.push(us);
  }
  Atomics.store(i32, STOP, 1);
  parentPort?.postMessage({ all, inBurst });
}

async function variant(idle: boolean, wakes: number, cpus: number[]): Promise<CoPinnedWake> {
  const sab = new SharedArrayBuffer(32);
  const last = cpus[cpus.length - 1] as number;
  const url = new URL(import.meta.url);
  const start = (role: Role['role'], cpu: number): Worker =>
    new Worker(url, { workerData: { role, sab, cpu, idle, wakes } satisfies Role & { wakes: number } });
  const stand = [start('parked', last), start('busy', last)];
  const w = start('waker', cpus[0] as number);
  const answered = new Promise<{ all: number[]; inBurst: number[] }>((res, rej) => {
    w.once('message', res);
    w.once('error', rej);
    for (const t of stand) t.once('error', rej);
  });
  let result: { all: number[]; inBurst: number[] };
  try {
    result = await answered;
  } finally {
    // Whatever failed, the stand-ins stop: a thread left parking would keep the bench alive.
    Atomics.store(new Int32Array(sab, 0, 4), STOP, 1);
    await Promise.all([...stand, w].map((t) => t.terminate()));
  }
  const { all, inBurst } = result;
  const d = distribution(all);
  const b = distribution(inBurst);
  const r = (x: number): number => Math.round(x);
  return {
    variant: idle ? 'busy thread under SCHED_IDLE' : 'busy thread at ordinary priority',
    wakes,
    all: { p50: r(d.p50), p99: r(d.p99), max: r(d.max) },
    inBurst: { n: inBurst.length, p50: r(b.p50), p99: r(b.p99), max: r(b.max) },
  };
}

export async function measureCoPinnedWake(wakes: number): Promise<CoPinnedWake[]> {
  const cpus = availableCpus();
  if (cpus.length < 2) throw new Error(`needs two CPUs, has ${cpus.length}`);
  return [await variant(false, wakes, cpus), await variant(true, wakes, cpus)];
}

if (
  isMainThread &&
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')
) {
  const wakes = Number(process.argv[2] ?? 400);
  const out = await measureCoPinnedWake(wakes);
  console.log(
    `parked thread's wake with a busy thread on its CPU (${BURST_MS} ms of work every ${PERIOD_MS} ms); µs:`,
  );
  console.log('| busy thread | wakes | p50 | p99 | max | wakes in a burst | their p50 | p99 | max |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const v of out)
    console.log(
      `| ${v.variant} | ${v.wakes} | ${v.all.p50} | ${v.all.p99} | ${v.all.max} | ${v.inBurst.n} | ${v.inBurst.p50} | ${v.inBurst.p99} | ${v.inBurst.max} |`,
    );
} else if (!isMainThread) {
  const r = workerData as Role & { wakes: number };
  if (r.role === 'parked') parked(r);
  else if (r.role === 'busy') busy(r);
  else waker(r);
}
