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
  const dropListeners = new Set<(which: DropTarget) => void>();
  const garbageShares = new Set<{ pending: number }>();
  let garbageFrames = 0;
  const faults: SimFaultsControl = {
    stallUntilMs: 0,
    get garbageFrames() {
      return garbageFrames;
    },
    set garbageFrames(n: number) {
      garbageFrames = n;
      if (n > 0) for (const share of garbageShares) share.pending += n;
    },
    rejectNextOrder: null,
    fillCapNextOrder: null,
    delayNextOrderMs: 0,
    ackDelayMs: 0,
    rateLimited: false,
    restDelayMs: 0,
    dropConnections(which) {
      for (const l of [...dropListeners]) l(which);
    },
    onDrop(listener) {
      dropListeners.add(listener);
      return () => {
        dropListeners.delete(listener);
      };
    },
    takeRejectNextOrder() {
      const e = faults.rejectNextOrder;
      faults.rejectNextOrder = null;
      return e;
    },
    takeDelayNextOrderMs() {
      const ms = faults.delayNextOrderMs;
      faults.delayNextOrderMs = 0;
      return ms;
    },
    garbageShare() {
      const share = { pending: garbageFrames > 0 ? garbageFrames : 0 };
      garbageShares.add(share);
      return {
        take() {
          const n = share.pending;
          share.pending = 0;
          if (n > 0 && [...garbageShares].every((x) => x.pending === 0)) garbageFrames = 0;
          return n;
        },
        close() {
          garbageShares.delete(share);
        },
      };
    },
    reset() {
      faults.stallUntilMs = 0;
      garbageFrames = 0;
      for (const share of garbageShares) share.pending = 0;
      faults.rejectNextOrder = null;
      faults.fillCapNextOrder = null;
      faults.delayNextOrderMs = 0;
      faults.ackDelayMs = 0;
      faults.rateLimited = false;
      faults.restDelayMs = 0;
    },
  };
  return faults;
}
