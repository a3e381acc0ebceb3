/**
 * Slow-path parser for Kraken WebSocket v1 event objects (docs/kraken-protocol.md §1.2–1.5, §2.2–2.3):
 * systemStatus, subscriptionStatus, heartbeat, pong, error, the throttle object
 * `{"Error":"Exceeded msg rate"}`, addOrderStatus, cancelOrderStatus. Pure; never throws.
 * Events are rare (status, acks), so JSON.parse is fine here; the spread hot path never gets here.
 */
import { MAX_MESSAGE_CHARS, parseJsonFrame, type EventInvalidReason } from '../shared/json-frame.js';

export type SubscriptionState = 'subscribed' | 'unsubscribed' | 'error' | 'ok';

export type KrakenV1Event =
  | { kind: 'systemStatus'; status: string; version: string | undefined }
  | {
      kind: 'subscriptionStatus';
      status: SubscriptionState;
      /** `subscription.name` (e.g. `spread`, `ownTrades`) when present. */
      name: string | undefined;
      channelName: string | undefined;
      pair: string | undefined;
      reqid: number | undefined;
      errorMessage: string | undefined;
    }
  | { kind: 'heartbeat' }
  | { kind: 'pong'; reqid: number | undefined }
  | { kind: 'error'; errorMessage: string; reqid: number | undefined }
  | { kind: 'rateLimited'; message: string }
  | {
      kind: 'addOrderStatus';
      status: 'ok' | 'error';
      reqid: number | undefined;
      txid: string | undefined;
      descr: string | undefined;
      errorMessage: string | undefined;
    }
  | {
      kind: 'cancelOrderStatus';
      status: 'ok' | 'error';
      reqid: number | undefined;
      errorMessage: string | undefined;
    }
  | { kind: 'unknownEvent'; event: string };

export type ParsedEvent = KrakenV1Event | { kind: 'invalid'; reason: EventInvalidReason; detail: string };

export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024;

function invalid(detail: string): ParsedEvent {
  return { kind: 'invalid', reason: 'bad-field', detail };
}

// Optional fields sent as null read as absent (live Kraken sends nulls; docs/kraken-protocol.md).
function optReqid(o: Record<string, unknown>): number | undefined | null {
  const r = o.reqid;
  if (r === undefined || r === null) return undefined;
  return typeof r === 'number' && Number.isSafeInteger(r) ? r : null;
}

function optString(o: Record<string, unknown>, key: string): string | undefined | null {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v.slice(0, MAX_MESSAGE_CHARS) : null;
}

function parseSubscriptionStatus(
  o: Record<string, unknown>,
  reqid: number | undefined,
  errorMessage: string | undefined,
): ParsedEvent {
  const st = o.status;
  if (st !== 'subscribed' && st !== 'unsubscribed' && st !== 'error' && st !== 'ok')
    return invalid('subscriptionStatus.status is invalid');
  const pair = optString(o, 'pair');
  const channelName = optString(o, 'channelName');
  if (pair === null || channelName === null)
    return invalid('subscriptionStatus pair/channelName is not a string');
  let name: string | undefined;
  const sub = o.subscription;
  if (sub !== undefined && sub !== null) {
    if (typeof sub !== 'object' || sub === null) return invalid('subscription is not an object');
    const n = (sub as Record<string, unknown>).name;
    if (n !== undefined && n !== null && typeof n !== 'string')
      return invalid('subscription.name is not a string');
    name = n ?? undefined;
  }
  if (st === 'error' && errorMessage === undefined)
    return invalid('subscriptionStatus error without errorMessage');
  return { kind: 'subscriptionStatus', status: st, name, channelName, pair, reqid, errorMessage };
}

function parseAddOrderStatus(
  o: Record<string, unknown>,
  reqid: number | undefined,
  errorMessage: string | undefined,
): ParsedEvent {
  const st = o.status;
  const txid = optString(o, 'txid');
  const descr = optString(o, 'descr');
  if (st !== 'ok' && st !== 'error') return invalid('addOrderStatus.status is invalid');
  if (txid === null || descr === null) return invalid('addOrderStatus txid/descr is not a string');
  if (st === 'ok' && (txid === undefined || txid.length === 0))
    return invalid('addOrderStatus ok without txid');
  if (st === 'error' && errorMessage === undefined)
    return invalid('addOrderStatus error without errorMessage');
  return { kind: 'addOrderStatus', status: st, reqid, txid, descr, errorMessage };
}

/** Classify an already-parsed JSON object as a v1 event. */
export function parseEventObject(value: unknown): ParsedEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', reason: 'not-object', detail: Array.isArray(value) ? 'array' : typeof value };
  }
  const o = value as Record<string, unknown>;
  const ev = o.event;
  if (ev === undefined) {
    if (typeof o.Error === 'string')
      return { kind: 'rateLimited', message: o.Error.slice(0, MAX_MESSAGE_CHARS) };
    return invalid('object without event');
  }
  if (typeof ev !== 'string') return invalid('event is not a string');
  const reqid = optReqid(o);
  if (reqid === null) return invalid('reqid is not an integer');
  const errorMessage = optString(o, 'errorMessage');
  if (errorMessage === null) return invalid('errorMessage is not a string');
  switch (ev) {
    case 'heartbeat':
      return { kind: 'heartbeat' };
    case 'pong':
      return { kind: 'pong', reqid };
    case 'systemStatus': {
      const version = optString(o, 'version');
      if (typeof o.status !== 'string' || version === null)
        return invalid('systemStatus.status is not a string');
      return { kind: 'systemStatus', status: o.status, version };
    }
    case 'subscriptionStatus':
      return parseSubscriptionStatus(o, reqid, errorMessage);
    case 'error':
      return { kind: 'error', errorMessage: errorMessage ?? '(no errorMessage)', reqid };
    case 'addOrderStatus':
      return parseAddOrderStatus(o, reqid, errorMessage);
    case 'cancelOrderStatus': {
      const st = o.status;
      if (st !== 'ok' && st !== 'error') return invalid('cancelOrderStatus.status is invalid');
      return { kind: 'cancelOrderStatus', status: st, reqid, errorMessage };
    }
    default:
      return { kind: 'unknownEvent', event: ev.slice(0, MAX_MESSAGE_CHARS) };
  }
}

/** Bytes → event (JSON.parse + classification). */
export function parseEventFrame(data: Buffer | string, maxBytes = DEFAULT_MAX_EVENT_BYTES): ParsedEvent {
  const r = parseJsonFrame(data, maxBytes);
  if (!r.ok) return { kind: 'invalid', reason: r.reason, detail: r.detail };
  return parseEventObject(r.value);
}
