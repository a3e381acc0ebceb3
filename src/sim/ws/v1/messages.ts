/**
 * v1 control messages (JSON objects with an `event` key, docs/kraken-protocol.md §1.2–§1.5) for the
 * public and private servers. Control traffic is rare, so these use
 * JSON.stringify; the data hot path lives in public-feed.ts.
 */
import type { SystemStatus } from '../../contracts.js';

export const V1_VERSION = '1.9.2';
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

/** `reqid` is echoed only when it is an integer, as Kraken documents it. */
export function reqidOf(msg: Record<string, unknown> | null): number | undefined {
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
