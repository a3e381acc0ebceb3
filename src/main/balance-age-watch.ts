/**
 * Watches, from the main thread, how old the balances in shared memory are. The fetcher alerts its
 * own failed polls, but it cannot say that it is not running: under SCHED_IDLE on the trader's CPU
 * (run-workers.ts) any ordinary busy thread there holds it off, and a poll can hang. Past
 * MAX_BALANCE_AGE_US (30 s, listener.ts) every opportunity is refused for want of balances, which
 * the summary only counts; the owner hears of it here first, and again when fresh ones come.
 */
import type { AlertEvent } from '../engine/threads/messages.js';
import type { SharedState } from '../engine/shared/shared-state.js';
import { BALANCE_FIELDS } from '../engine/shared/shared-state.js';
import { SEQ_READ_CONTENDED, SEQ_READ_OK } from '../engine/shared/seqlock.js';
import { MAX_BALANCE_AGE_US } from '../engine/listener.js';
import { balancesAgingAlert, balancesFreshAlert } from '../notify/alerts.js';

/**
 * Balances this old are alerted. Polls come every 2 s (every ~6 s at the starter tier's call
 * counter) and one that gets no answer gives up after 10 s (fetcher.ts): a single slow poll stays
 * under it, two in a row do not, and the owner still has 10 s before trading stops.
 */
export const BALANCE_AGE_ALERT_MS = 20_000;
const CHECK_EVERY_MS = 1_000;

export interface BalanceAgeWatchOptions {
  shared: Pick<SharedState, 'balances'>;
  /** Epoch µs, the timebase the fetcher stamps its writes with. */
  nowUs: () => number;
  log: {
    info(msg: string, f?: Record<string, unknown>): void;
    warn(msg: string, f?: Record<string, unknown>): void;
  };
  alert: (a: AlertEvent) => void;
}

export class BalanceAgeWatch {
  private readonly buf = new Float64Array(BALANCE_FIELDS);
  /** Before the first balances, their age counts from the watch's start. */
  private readonly startUs: number;
  /** While alerted: the stamp of the last balances before the gap (or the start); null otherwise. */
  private gapFromUs: number | null = null;

  constructor(private readonly o: BalanceAgeWatchOptions) {
    this.startUs = o.nowUs();
  }

  /** One look: alerts when the balances grow old, and once more when fresh ones come. */
  check(): void {
    const lock = this.o.shared.balances;
    const status = lock.read(this.buf);
    // The fetcher is writing right now: alive, and the next look reads it.
    if (status === SEQ_READ_CONTENDED) return;
    const nowUs = this.o.nowUs();
    const since = status === SEQ_READ_OK ? Math.max(lock.updatedAtUs, this.startUs) : this.startUs;
    const ageMs = (nowUs - since) / 1000;
    const tooOld = ageMs >= BALANCE_AGE_ALERT_MS;
    if (tooOld && this.gapFromUs === null) {
      this.gapFromUs = since;
      const ageS = Math.floor(ageMs / 1000);
      const stopAtS = MAX_BALANCE_AGE_US / 1e6;
      this.o.log.warn('balances not refreshed', {
        ageS,
        refusedFromS: stopAtS,
        everFetched: status === SEQ_READ_OK,
      });
      this.o.alert(balancesAgingAlert(ageS, stopAtS));
    } else if (!tooOld && this.gapFromUs !== null) {
      // The gap itself: from the last balances before it to the first after it.
      const gapS = Math.round((since - this.gapFromUs) / 1e6);
      this.gapFromUs = null;
      this.o.log.info('balances fresh again', { gapS });
      this.o.alert(balancesFreshAlert(gapS));
    }
  }
}

/** Looks every second until the returned function is called. */
export function watchBalanceAge(o: BalanceAgeWatchOptions): () => void {
  const watch = new BalanceAgeWatch(o);
  const timer = setInterval(() => watch.check(), CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
