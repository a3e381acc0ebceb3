/**
 * The capacity-1 opportunity slot: many listeners publish, one trader takes. A full slot drops
 * (never queues): an opportunity that cannot be traded now is worthless by the time it could be.
 *
 * State machine on one Int32 taken by compare-and-swap (docs/node-latency.md §3):
 *   EMPTY --publisher CAS--> WRITING --store--> FULL --trader CAS--> READING --store--> EMPTY
 * Why it is race-free under the JS memory model: the publisher's plain payload stores precede its
 * SeqCst `Atomics.store(FULL)` in agent order; that store synchronizes-with the trader's CAS that
 * reads FULL; the CAS precedes the payload reads. WRITING keeps two publishers from interleaving,
 * READING keeps a publisher from overwriting while the trader copies.
 *
 * Nothing here allocates per publish or take (measured costs in docs/node-latency.md: CAS ≈10 ns,
 * notify without waiters ≈35 ns). The payload layout belongs to src/core/opportunity.ts; this file
 * only knows its length.
 */
import { alignUp, CACHE_LINE_BYTES } from './shared-layout.js';
import { AppError } from '../../core/app-error.js';

export const SLOT_EMPTY = 0;
export const SLOT_WRITING = 1;
export const SLOT_FULL = 2;
export const SLOT_READING = 3;
export type SlotState = typeof SLOT_EMPTY | typeof SLOT_WRITING | typeof SLOT_FULL | typeof SLOT_READING;

/** tryPublish's answers: published, or why not (the listener counts each refusal by its reason). */
export const PUBLISHED = 0;
/** Another opportunity is in the slot, or a listener is writing one. */
export const REFUSED_SLOT_FULL = 1;
/** The taker is busy with what it took last, or is taking it now. */
export const REFUSED_TAKER_BUSY = 2;
export type PublishResult = typeof PUBLISHED | typeof REFUSED_SLOT_FULL | typeof REFUSED_TAKER_BUSY;

/** What a wait ended with: 'full' = something may be there now (call tryTake); 'timed-out' = nothing came. */
export type SlotWaitResult = 'full' | 'timed-out';

type WaitAsyncResult =
  { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
type WaitAsyncFn = (ta: Int32Array, index: number, value: number, timeoutMs?: number) => WaitAsyncResult;
// Node 20 has Atomics.waitAsync (V8 11.3), but TypeScript's ES2023 lib does not declare it.
const waitAsync: WaitAsyncFn | undefined = (Atomics as unknown as { waitAsync?: WaitAsyncFn }).waitAsync;

// Preallocated settled promises: the synchronous wait outcomes cost no allocation.
const FULL_NOW: Promise<SlotWaitResult> = Promise.resolve('full');
const TIMED_OUT_NOW: Promise<SlotWaitResult> = Promise.resolve('timed-out');
const toWaitResult = (v: 'ok' | 'timed-out'): SlotWaitResult => (v === 'ok' ? 'full' : 'timed-out');

export class SlotError extends AppError {
  readonly kind = 'internal';
  constructor(
    readonly code: 'E_SLOT_PAYLOAD_LENGTH' | 'E_SLOT_NO_WAITASYNC' | 'E_SLOT_LAYOUT',
    message: string,
  ) {
    super(message);
    this.name = 'SlotError';
  }
}

/** A slot found not EMPTY: the trader reading it is busy; FULL or WRITING holds another opportunity. */
function refusal(state: number): PublishResult {
  return state === SLOT_READING ? REFUSED_TAKER_BUSY : REFUSED_SLOT_FULL;
}

export class OpportunitySlot {
  /** Bytes this slot occupies in the shared buffer (state on its own cache line, then the payload). */
  static byteLength(fields: number): number {
    return CACHE_LINE_BYTES + alignUp(fields * 8, CACHE_LINE_BYTES);
  }

  private readonly state: Int32Array;
  private readonly payload: Float64Array;

  constructor(
    buffer: SharedArrayBuffer,
    byteOffset: number,
    readonly fields: number,
    /**
     * A flag every take sets before the slot empties (SharedState: the trader's busy flag). Without
     * it, a listener's next publish, often the same market tick's other leg a few µs later, found the
     * slot empty before the trader said busy, and sat there through the whole trade and its pause
     * to be dropped as stale (one of two stale drops of the 2026-12-05 full bench run).
     */
    private readonly busyOnTake: { readonly flags: Int32Array; readonly index: number } | null = null,
  ) {
    if (!Number.isInteger(fields) || fields < 1 || byteOffset % CACHE_LINE_BYTES !== 0) {
      throw new SlotError('E_SLOT_LAYOUT', `bad slot layout: fields=${fields} offset=${byteOffset}`);
    }
    this.state = new Int32Array(buffer, byteOffset, 1);
    this.payload = new Float64Array(buffer, byteOffset + CACHE_LINE_BYTES, fields);
  }

  /**
   * Publisher side (listeners). Never blocks: copies `fields` values of `src` and answers PUBLISHED,
   * or refuses when the slot is full or being written by another listener (REFUSED_SLOT_FULL), or
   * when the taker is reading the slot or busy with what it took last (REFUSED_TAKER_BUSY).
   */
  tryPublish(src: Float64Array): PublishResult {
    const n = this.fields;
    if (src.length < n)
      throw new SlotError('E_SLOT_PAYLOAD_LENGTH', `payload has ${src.length} fields, slot needs ${n}`);
    const st = this.state;
    // Plain load first: a failed CAS costs a cache-line write; most drops are "slot full".
    const seen = Atomics.load(st, 0);
    if (seen !== SLOT_EMPTY) return refusal(seen);
    const raced = Atomics.compareExchange(st, 0, SLOT_EMPTY, SLOT_WRITING);
    if (raced !== SLOT_EMPTY) return refusal(raced);
    // The publisher checked the busy flag before it decided to publish, but a take can fall between
    // that check and this write (the same tick's other leg, a few µs after the first was published:
    // 1 of 33 opportunities in a 30-trade realistic run sat 507 ms in the slot through the trade and
    // its pause, then was dropped as stale). A take sets the flag before it empties the slot, so a
    // publisher that found the slot empty sees the flag here.
    const busy = this.busyOnTake;
    if (busy !== null && Atomics.load(busy.flags, busy.index) !== 0) {
      Atomics.store(st, 0, SLOT_EMPTY);
      return REFUSED_TAKER_BUSY;
    }
    const p = this.payload;
    for (let i = 0; i < n; i++) p[i] = src[i] as number;
    Atomics.store(st, 0, SLOT_FULL);
    Atomics.notify(st, 0, 1);
    return PUBLISHED;
  }

  /**
   * Consumer side (the one trader). Copies the payload into `dst`, sets the busy flag (if the slot has
   * one; the taker clears it when done) and empties the slot; false when not FULL.
   */
  tryTake(dst: Float64Array): boolean {
    const n = this.fields;
    if (dst.length < n)
      throw new SlotError('E_SLOT_PAYLOAD_LENGTH', `destination has ${dst.length} fields, slot needs ${n}`);
    const st = this.state;
    if (Atomics.compareExchange(st, 0, SLOT_FULL, SLOT_READING) !== SLOT_FULL) return false;
    const p = this.payload;
    for (let i = 0; i < n; i++) dst[i] = p[i] as number;
    const busy = this.busyOnTake;
    if (busy !== null) Atomics.store(busy.flags, busy.index, 1);
    Atomics.store(st, 0, SLOT_EMPTY);
    return true;
  }

  /**
   * Publisher side, just before a publish that is about to be tried: wakes the taker parked in
   * waitForPublish(Sync), so that its wake-up (tens of µs on a VM) overlaps the publisher's remaining
   * work instead of following it. The woken taker finds the slot not yet FULL and spins on it for a
   * bounded while (the trader's park), or waits again; with nobody waiting it costs ~35 ns.
   */
  wakeTaker(): void {
    Atomics.notify(this.state, 0, 1);
  }

  /** Current state (for diagnostics and tests; racy by nature). */
  currentState(): SlotState {
    return Atomics.load(this.state, 0) as SlotState;
  }

  /**
   * Busy-poll mode (trader on a dedicated core): spin up to `maxSpins` loads waiting for FULL,
   * then take. Bounded so the caller can return to its event loop (e.g. one batch per setImmediate)
   * and keep its private socket serviced.
   */
  spinTake(dst: Float64Array, maxSpins: number): boolean {
    const st = this.state;
    for (let i = 0; i < maxSpins; i++) {
      if (Atomics.load(st, 0) === SLOT_FULL && this.tryTake(dst)) return true;
    }
    return false;
  }

  /**
   * Event-loop friendly wait (default trader mode): resolves 'full' when a publish may have happened
   * (or the slot already is FULL), 'timed-out' after `timeoutMs`. Always follow with tryTake.
   *
   * Caveat (docs/node-latency.md §3): a pending Atomics.waitAsync does NOT keep the event loop alive.
   * The trader normally holds its private socket; otherwise hold a handle (holdEventLoop()).
   * It waits on the state it saw: every transition into FULL notifies, so no wake-up is lost
   * whether it saw EMPTY or WRITING.
   */
  waitForPublish(timeoutMs: number): Promise<SlotWaitResult> {
    if (waitAsync === undefined) {
      throw new SlotError('E_SLOT_NO_WAITASYNC', 'Atomics.waitAsync is not available in this runtime');
    }
    const s = Atomics.load(this.state, 0);
    if (s === SLOT_FULL) return FULL_NOW;
    const r = waitAsync(this.state, 0, s, timeoutMs);
    if (!r.async) return r.value === 'timed-out' ? TIMED_OUT_NOW : FULL_NOW;
    return r.value.then(toWaitResult);
  }

  /**
   * Blocking wait (Atomics.wait): it stops the whole thread, sockets included, so a thread that owns
   * one parks only in short slices (the trader: 1 ms, then an event-loop turn). Returns like
   * waitForPublish. Not for listeners, ever.
   */
  waitForPublishSync(timeoutMs: number): SlotWaitResult {
    const s = Atomics.load(this.state, 0);
    if (s === SLOT_FULL) return 'full';
    return Atomics.wait(this.state, 0, s, timeoutMs) === 'timed-out' ? 'timed-out' : 'full';
  }
}

/**
 * Keeps the calling thread's event loop alive while it waits only on waitForPublish (which does not).
 * Returns the release function. A long no-op interval is the cheapest ref'd handle.
 */
export function holdEventLoop(): () => void {
  const keepAliveIntervalMs = 1 << 30;
  const t = setInterval(() => undefined, keepAliveIntervalMs);
  return () => clearInterval(t);
}
