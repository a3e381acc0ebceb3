/**
 * The garbage fault for v2 without stealing it from v1. `faults.garbageFrames` is a plain field
 * that the v1 server consumes (reads, then sets to 0), so a second consumer would race it and one
 * of the two APIs would never see the fault. Instead we tap the field's writes: every positive
 * value written (control API, tests) is also added to the v2 server's own pending count, while the
 * field itself keeps behaving as before for v1 and for readers (control API state, reset()).
 */
import type { SimFaults } from '../contracts.js';

export interface GarbageTap {
  /** Takes (and clears) the frames the v2 server still has to inject. */
  take(): number;
  /** Restores the field as it was (a plain data property keeps its current value). */
  close(): void;
}

export function tapGarbageFrames(faults: SimFaults): GarbageTap {
  let pending = faults.garbageFrames > 0 ? faults.garbageFrames : 0;
  const take = (): number => {
    const n = pending;
    pending = 0;
    return n;
  };
  const desc = Object.getOwnPropertyDescriptor(faults, 'garbageFrames');
  if (desc === undefined || desc.configurable !== true) {
    // Cannot tap (frozen or inherited field): share the field with v1, first reader consumes it.
    return {
      take: () => {
        const n = faults.garbageFrames;
        if (!(n > 0)) return take();
        faults.garbageFrames = 0;
        return n + take();
      },
      close: () => {},
    };
  }
  let value: number = desc.get === undefined ? (desc.value as number) : 0;
  const read = (): number => (desc.get !== undefined ? (desc.get.call(faults) as number) : value);
  Object.defineProperty(faults, 'garbageFrames', {
    configurable: true,
    enumerable: desc.enumerable ?? true,
    get: read,
    set(n: number) {
      if (desc.set !== undefined) desc.set.call(faults, n);
      else value = n;
      if (typeof n === 'number' && n > 0) pending += n;
    },
  });
  return {
    take,
    close() {
      if (desc.get !== undefined || desc.set !== undefined)
        Object.defineProperty(faults, 'garbageFrames', desc);
      else Object.defineProperty(faults, 'garbageFrames', { ...desc, value: read() });
    },
  };
}
