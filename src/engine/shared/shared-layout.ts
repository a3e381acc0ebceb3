/**
 * Byte-layout helpers for the one SharedArrayBuffer every thread shares. Each block starts on its
 * own cache line so a hot field (the slot state every listener CASes) does not falsely share a line
 * with fields other threads only read (flags, balances).
 */
export const CACHE_LINE_BYTES = 64;

export function alignUp(bytes: number, to: number): number {
  return Math.ceil(bytes / to) * to;
}
