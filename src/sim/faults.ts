/**
 * The simulator's fault switches (contracts.ts SimFaults), shared by the venue, the REST server and
 * the WebSocket servers of one simulator. Plain fields so servers read them without a call on their
 * hot path; one-shot faults are consumed through the `take*` helpers so nobody forgets to clear them.
 */
import type { SimFaults } from './contracts.js';

export type DropTarget = 'public' | 'private' | 'all';

/**
 * One WS server's own count of the garbage fault. Several servers (v1, v2) each send the garbage to
 * their own connections, so none of them may consume the shared field for the others.
 */
export interface GarbageShare {
  /** Returns and clears the frames this server still has to send. */
  take(): number;
  /** Stops counting for this server. */
  close(): void;
}

export interface SimFaultsControl extends SimFaults {
  /** WS servers register here to implement `dropConnections`; returns an unsubscribe function. */
  onDrop(listener: (which: DropTarget) => void): () => void;
  /** Returns and clears `rejectNextOrder`. */
  takeRejectNextOrder(): string | null;
  /** Returns and clears `delayNextOrderMs`. */
  takeDelayNextOrderMs(): number;
  /**
   * A new share of the garbage fault: every positive write of `garbageFrames` adds to each share.
   * The field reads back 0 once every share has taken its frames.
   */
  garbageShare(): GarbageShare;
  /** Every switch back to normal. */
  reset(): void;
}

export function createFaults(): SimFaultsControl {
  return new FaultSwitches();
}

class FaultSwitches implements SimFaultsControl {
  stallUntilMs = 0;
  rejectNextOrder: string | null = null;
  fillCapNextOrder: number | null = null;
  delayNextOrderMs = 0;
  ackDelayMs = 0;
  sessionEpoch = 0;
  throttledUntilMs = 0;
  rateLimited = false;
  restDelayMs = 0;
  private readonly dropListeners = new Set<(which: DropTarget) => void>();
  private readonly garbageShares = new Set<{ pending: number }>();
  private garbage = 0;

  get garbageFrames(): number {
    return this.garbage;
  }

  set garbageFrames(n: number) {
    this.garbage = n;
    if (n > 0) for (const share of this.garbageShares) share.pending += n;
  }

  dropConnections(which: DropTarget): void {
    for (const l of [...this.dropListeners]) l(which);
  }

  onDrop(listener: (which: DropTarget) => void): () => void {
    this.dropListeners.add(listener);
    return () => {
      this.dropListeners.delete(listener);
    };
  }

  takeRejectNextOrder(): string | null {
    const e = this.rejectNextOrder;
    this.rejectNextOrder = null;
    return e;
  }

  takeDelayNextOrderMs(): number {
    const ms = this.delayNextOrderMs;
    this.delayNextOrderMs = 0;
    return ms;
  }

  garbageShare(): GarbageShare {
    const share = { pending: this.garbage > 0 ? this.garbage : 0 };
    const shares = this.garbageShares;
    shares.add(share);
    return {
      take: () => {
        const n = share.pending;
        share.pending = 0;
        if (n > 0 && [...shares].every((x) => x.pending === 0)) this.garbage = 0;
        return n;
      },
      close() {
        shares.delete(share);
      },
    };
  }

  reset(): void {
    this.stallUntilMs = 0;
    this.garbage = 0;
    for (const share of this.garbageShares) share.pending = 0;
    this.rejectNextOrder = null;
    this.fillCapNextOrder = null;
    this.delayNextOrderMs = 0;
    this.ackDelayMs = 0;
    this.rateLimited = false;
    this.throttledUntilMs = 0;
    this.restDelayMs = 0;
  }
}
