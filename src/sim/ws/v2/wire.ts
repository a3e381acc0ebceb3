/**
 * WS API v2 wire basics shared by the public and private servers (docs/kraken-protocol.md §3.1–§3.4):
 * JSON numbers printed from grid values, RFC3339 µs timestamps, the request/ack envelope, the
 * `status` frame and the heartbeat. Control traffic is rare, so acks use JSON.stringify; data
 * frames are assembled from strings in the feeds.
 *
 * Numbers: v2 sends JSON numbers. We print each value with formatDecimal at the pair's decimals
 * (exact digits, never exponent notation) and then strip trailing zeros, so the text never has
 * more decimals than the pair allows and reads back as the same grid value. Kraken's own frames
 * drop trailing zeros the same way, which is why clients re-pad with the instrument precisions
 * before checksumming (docs/kraken-protocol.md §3.6).
 */
import { formatDecimal } from '../../../core/decimals.js';
import type { SystemStatus } from '../../contracts.js';
import { epochMs } from '../../../clock/clock.js';

/** The `version` in the status frame. */
export const V2_VERSION = '2.0.9';
export const V2_HEARTBEAT_FRAME = '{"channel":"heartbeat"}';

/** Error strings of the v2 servers (Kraken's where known; see README.md for the choices). */
export const V2_ERRORS = {
  malformed: 'Malformed request',
  methodNotFound: 'Method not found',
  params: 'EGeneral:Invalid arguments:params',
  channel: 'EGeneral:Invalid arguments:channel',
  symbol: 'EGeneral:Invalid arguments:symbol',
  depth: 'EGeneral:Invalid arguments:depth',
  eventTrigger: 'EGeneral:Invalid arguments:event_trigger',
  snapshot: 'EGeneral:Invalid arguments:snapshot',
  alreadySubscribed: 'Already subscribed',
  subscriptionNotFound: 'Subscription Not Found',
  privateOnPublic: 'Private data and trading are unavailable on this endpoint. Try ws-auth.kraken.com/v2',
  publicOnPrivate: 'Public market data subscriptions are unavailable on this endpoint. Try ws.kraken.com/v2',
  /** No token, or a token that is not a string. */
  tokenMissing: 'EGeneral:Invalid arguments:token',
  /** A token the venue does not know or that expired. */
  tokenInvalid: 'ESession:Invalid session',
  internal: 'EGeneral:Internal error',
} as const;

export const pairNotSupported = (symbol: string): string => `Currency pair not supported ${symbol}`;

/**
 * `value` as JSON number text with at most `decimals` decimals (trailing zeros removed).
 * Throws DecimalFormatError (E_DECIMAL_FORMAT) on a non-finite value: a market bug, never sent.
 */
export function v2Num(value: number, decimals: number): string {
  const s = formatDecimal(value, decimals);
  if (decimals === 0) return s;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 48) end--; // trailing '0'
  if (s.charCodeAt(end - 1) === 46) end--; // a bare '.'
  return end === s.length ? s : s.slice(0, end);
}

/** The date-time prefix of the last whole second formatted: frames of one second reuse it. */
let cachedSec = NaN;
let cachedPrefix = '';

/** RFC3339 with microseconds, e.g. `2023-10-06T17:35:55.440295Z`, from epoch seconds (µs precision). */
export function rfc3339(epochSec: number): string {
  let sec = Math.floor(epochSec);
  let us = Math.round((epochSec - sec) * 1e6);
  if (us >= 1_000_000) {
    sec += 1;
    us -= 1_000_000;
  }
  if (sec !== cachedSec) {
    cachedSec = sec;
    cachedPrefix = new Date(sec * 1000).toISOString().slice(0, 19);
  }
  return `${cachedPrefix}.${String(us).padStart(6, '0')}Z`;
}

/** Wall clock in epoch seconds with µs resolution. */
export const nowEpochSec = (): number => epochMs() / 1000;

/** `req_id` is echoed only when it is an integer (Kraken documents an integer). */
export function reqIdOf(msg: Record<string, unknown> | null): number | undefined {
  const r = msg?.['req_id'];
  return typeof r === 'number' && Number.isInteger(r) ? r : undefined;
}

/** A successful ack: `{method, req_id?, result?, success:true, time_in, time_out}`. */
export function ackOk(method: string, result: unknown, reqId: number | undefined, timeIn: string): string {
  const o: Record<string, unknown> = { method };
  if (reqId !== undefined) o['req_id'] = reqId;
  if (result !== undefined) o['result'] = result;
  o['success'] = true;
  o['time_in'] = timeIn;
  o['time_out'] = rfc3339(nowEpochSec());
  return JSON.stringify(o);
}

/** A failed ack: `{error, method?, req_id?, success:false, ...extra, time_in, time_out}`. */
export function ackError(
  method: string | undefined,
  error: string,
  reqId: number | undefined,
  timeIn: string,
  extra?: Record<string, unknown>,
): string {
  const o: Record<string, unknown> = { error };
  if (method !== undefined) o['method'] = method;
  if (reqId !== undefined) o['req_id'] = reqId;
  o['success'] = false;
  if (extra !== undefined) Object.assign(o, extra);
  o['time_in'] = timeIn;
  o['time_out'] = rfc3339(nowEpochSec());
  return JSON.stringify(o);
}

export function pongFrame(reqId: number | undefined, timeIn: string): string {
  return ackOk('pong', undefined, reqId, timeIn);
}

/** `connection_id` is a 64-bit integer above 2^53, written as a bare JSON number like Kraken's. */
export function statusFrame(connectionId: string, status: SystemStatus): string {
  return (
    `{"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":${connectionId},` +
    `"system":"${status}","version":"${V2_VERSION}"}]}`
  );
}

/** The params object of a request, or null when absent / not an object. */
export function paramsOf(msg: Record<string, unknown>): Record<string, unknown> | null {
  const p = msg['params'];
  return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : null;
}
