/**
 * The simulator's fault switches (contracts.ts SimFaults), shared by the venue, the REST server and
 * the WebSocket servers of one simulator. Plain fields so servers read them without a call on their
 * hot path; one-shot faults are consumed through the `take*` helpers so nobody forgets to clear them.
 */
import type { SimFaults } from './contracts.js';

export type DropTarget = 'public' | 'private' | 'all';

export interface SimFaultsControl extends SimFaults {
  /** WS servers register here to implement `dropConnections`; returns an unsubscribe function. */
  onDrop(listener: (which: DropTarget) => void): () => void;
  /** Returns and clears `rejectNextOrder`. */
  takeRejectNextOrder(): string | null;
  /** Returns and clears `delayNextOrderMs`. */
  takeDelayNextOrderMs(): number;
  /** Every switch back to normal. */
  reset(): void;
}

export function createFaults(): SimFaultsControl {
  const dropListeners = new Set<(which: DropTarget) => void>();
  const faults: SimFaultsControl = {
    stallUntilMs: 0,
    garbageFrames: 0,
    rejectNextOrder: null,
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
    reset() {
      faults.stallUntilMs = 0;
      faults.garbageFrames = 0;
      faults.rejectNextOrder = null;
      faults.delayNextOrderMs = 0;
      faults.ackDelayMs = 0;
      faults.rateLimited = false;
      faults.restDelayMs = 0;
    },
  };
  return faults;
}
