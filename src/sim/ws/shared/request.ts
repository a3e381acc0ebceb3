/**
 * What every simulator WebSocket server (v1, v2) does with a client's request the same way: the
 * largest frame accepted, a text frame → a JSON object or null, and the connection id Kraken
 * sends on connect (a 64-bit integer, written as a bare JSON number).
 */
import { randomBytes } from 'node:crypto';
import type { RawData } from 'ws';

/** Largest client request accepted; a bigger frame closes the socket (1009). Real requests are < 4 KiB. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** A request object, or null for anything that is not a JSON object. */
export function parseRequest(data: RawData): Record<string, unknown> | null {
  let text: string;
  if (Buffer.isBuffer(data)) text = data.toString('utf8');
  else if (Array.isArray(data)) text = Buffer.concat(data).toString('utf8');
  else text = Buffer.from(data).toString('utf8');
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    // Not JSON: the caller answers `Malformed request` and counts it.
    return null;
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return null;
  return msg as Record<string, unknown>;
}

/** `connectionID` is a 64-bit integer above 2^53, written as a bare JSON number like Kraken's. */
export function newConnectionId(): string {
  const b = randomBytes(8);
  b[0] = ((b[0] as number) & 0x7f) | 0x40;
  return b.readBigUInt64BE(0).toString();
}
