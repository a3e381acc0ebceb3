/**
 * v1 control messages (JSON objects with an `event` key, docs/kraken-protocol.md §1.2–§1.5) and request
 * parsing shared by the public and private servers. Control traffic is rare, so these use
 * JSON.stringify; the data hot path lives in v1-public-feed.ts.
 */
import { randomBytes } from 'node:crypto';
import type { RawData } from 'ws';
import type { SystemStatus } from '../contracts.js';

export const V1_VERSION = '1.9.2';
/** Largest client request accepted; a bigger frame closes the socket (1009). Real requests are < 4 KiB. */
export const MAX_REQUEST_BYTES = 64 * 1024;
export const HEARTBEAT_FRAME = '{"event":"heartbeat"}';

/** Kraken's v1 error strings used by both servers. */
export const V1_ERRORS = {
  malformed: 'Malformed request',
  eventNotFound: 'Event(s) not found',
  nameInvalid: 'Subscription name invalid',
  depthNotSupported: 'Subscription depth not supported',
  pairNotArray: 'Pair field must be an array',
  pairNotFound: 'Pair(s) not found',
  alreadySubscribed: 'Already subscribed',
  subscriptionNotFound: 'Subscription Not Found',
  privateOnPublic: 'Private data and trading are unavailable on this endpoint. Try ws-auth.kraken.com',
  publicOnPrivate: 'Public market data subscriptions are unavailable on this endpoint. Try ws.kraken.com',
  /** No token, or a token field that is not a string. */
  tokenMissing: 'EGeneral:Invalid arguments:token',
  /** A token the venue does not know or that expired. */
  tokenInvalid: 'ESession:Invalid session',
} as const;

export const pairFormatError = (pair: string): string => `Currency pair not in ISO 4217-A3 format ${pair}`;

export type V1Request = Record<string, unknown>;

/** A request object, or null for anything that is not a JSON object. */
export function parseRequest(data: RawData): V1Request | null {
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
  return msg as V1Request;
}

/** `reqid` is echoed only when it is an integer, as Kraken documents it. */
export function reqidOf(msg: V1Request | null): number | undefined {
  const r = msg?.['reqid'];
  return typeof r === 'number' && Number.isInteger(r) ? r : undefined;
}

export function withReqid(obj: Record<string, unknown>, reqid: number | undefined): string {
  if (reqid !== undefined) obj['reqid'] = reqid;
  return JSON.stringify(obj);
}

export const pongFrame = (reqid: number | undefined): string => withReqid({ event: 'pong' }, reqid);

export const errorFrame = (message: string, reqid: number | undefined): string =>
  withReqid({ errorMessage: message, event: 'error' }, reqid);

/** `connectionID` is a 64-bit integer above 2^53, written as a bare JSON number like Kraken's. */
export function newConnectionId(): string {
  const b = randomBytes(8);
  b[0] = ((b[0] as number) & 0x7f) | 0x40;
  return b.readBigUInt64BE(0).toString();
}

export function systemStatusFrame(connectionId: string, status: SystemStatus): string {
  return `{"connectionID":${connectionId},"event":"systemStatus","status":"${status}","version":"${V1_VERSION}"}`;
}

/** A subscriptionStatus error (public and private servers); `pair` when the error is about one pair. */
export function subscriptionErrorFrame(
  message: string,
  sub: unknown,
  reqid: number | undefined,
  pair?: string,
): string {
  const obj: Record<string, unknown> = { errorMessage: message, event: 'subscriptionStatus' };
  if (pair !== undefined) obj['pair'] = pair;
  obj['status'] = 'error';
  obj['subscription'] = echoSubscription(sub);
  return withReqid(obj, reqid);
}

/** The `subscription` object echoed in a subscriptionStatus: only the fields a client sent that we understood. */
export function echoSubscription(sub: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof sub !== 'object' || sub === null) return out;
  const s = sub as Record<string, unknown>;
  for (const k of ['depth', 'interval', 'name', 'snapshot', 'ratecounter', 'consolidate_taker']) {
    const v = s[k];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}
