/**
 * Slow-path classifier for Kraken WebSocket v2 objects that are not ticker data
 * (docs/kraken-protocol.md §3.2–3.4, §3.8–3.9): status, heartbeat, pong, method acks (subscribe,
 * unsubscribe, add_order, cancel_order, …) and channel data (executions). Pure; never throws.
 * These are rare (or, for executions, not latency-critical), so JSON.parse is fine here.
 */
import { MAX_MESSAGE_CHARS, parseJsonFrame, type EventInvalidReason } from '../shared/json-frame.js';

export type KrakenV2Event =
  | { kind: 'status'; system: string; version: string | undefined }
  | { kind: 'heartbeat' }
  | { kind: 'pong'; reqId: number | undefined; error: string | undefined }
  | {
      kind: 'ack';
      method: string;
      success: boolean;
      reqId: number | undefined;
      /** `result` when it is an object (batch methods give arrays: see `resultList`). */
      result: Record<string, unknown> | undefined;
      resultList: unknown[] | undefined;
      /** Kraken's error text when success is false (cut to a sane length). */
      error: string | undefined;
      /** `result.symbol`, else the top-level `symbol` error acks carry. */
      symbol: string | undefined;
      /** `result.channel` (subscribe / unsubscribe acks). */
      channel: string | undefined;
    }
  | {
      kind: 'channel';
      channel: string;
      type: string | undefined;
      data: unknown;
      sequence: number | undefined;
    }
  | { kind: 'error'; error: string };

export type ParsedV2Event = KrakenV2Event | { kind: 'invalid'; reason: EventInvalidReason; detail: string };

export const DEFAULT_MAX_V2_EVENT_BYTES = 64 * 1024;
function invalid(detail: string): ParsedV2Event {
  return { kind: 'invalid', reason: 'bad-field', detail };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Optional text; null reads as absent (live Kraken sends nulls for fields it has no value for). */
function optString(v: unknown): string | undefined | null {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v.slice(0, MAX_MESSAGE_CHARS) : null;
}

/** Classify an already-parsed JSON value as a v2 message. */
export function parseV2Object(value: unknown): ParsedV2Event {
  if (!isRecord(value)) {
    return { kind: 'invalid', reason: 'not-object', detail: Array.isArray(value) ? 'array' : typeof value };
  }
  const o = value;
  const reqRaw = o.req_id ?? undefined;
  if (reqRaw !== undefined && !(typeof reqRaw === 'number' && Number.isSafeInteger(reqRaw)))
    return invalid('req_id is not an integer');
  const reqId = reqRaw;
  const error = optString(o.error);
  if (error === null) return invalid('error is not a string');
  if (typeof o.method === 'string') {
    const method = o.method.slice(0, MAX_MESSAGE_CHARS);
    if (method === 'pong') return { kind: 'pong', reqId, error };
    if (typeof o.success !== 'boolean') return invalid(method + ' ack without boolean success');
    if (!o.success && error === undefined) return invalid(method + ' error ack without error');
    const r = o.result ?? undefined;
    if (r !== undefined && !isRecord(r) && !Array.isArray(r))
      return invalid(method + ' result is not an object');
    const result = isRecord(r) ? r : undefined;
    const symbol = optString(result?.symbol ?? o.symbol);
    const channel = optString(result?.channel);
    if (symbol === null || channel === null) return invalid(method + ' symbol/channel is not a string');
    return {
      kind: 'ack',
      method,
      success: o.success,
      reqId,
      result,
      resultList: Array.isArray(r) ? r : undefined,
      error,
      symbol,
      channel,
    };
  }
  if (o.method !== undefined) return invalid('method is not a string');
  if (typeof o.channel === 'string') {
    const channel = o.channel.slice(0, MAX_MESSAGE_CHARS);
    if (channel === 'heartbeat') return { kind: 'heartbeat' };
    const type = optString(o.type);
    if (type === null) return invalid(channel + ' type is not a string');
    if (channel === 'status') {
      const d = Array.isArray(o.data) ? (o.data[0] as unknown) : undefined;
      if (!isRecord(d) || typeof d.system !== 'string') return invalid('status without data[0].system');
      const version = optString(d.version);
      return { kind: 'status', system: d.system.slice(0, MAX_MESSAGE_CHARS), version: version ?? undefined };
    }
    const seq = o.sequence ?? undefined;
    if (seq !== undefined && !(typeof seq === 'number' && Number.isSafeInteger(seq)))
      return invalid(channel + ' sequence is not an integer');
    return { kind: 'channel', channel, type, data: o.data, sequence: seq };
  }
  if (o.channel !== undefined) return invalid('channel is not a string');
  if (error !== undefined) return { kind: 'error', error };
  return invalid('object without method or channel');
}

/** Bytes → v2 message (JSON.parse + classification). */
export function parseV2Frame(data: Buffer | string, maxBytes = DEFAULT_MAX_V2_EVENT_BYTES): ParsedV2Event {
  const r = parseJsonFrame(data, maxBytes);
  if (!r.ok) return { kind: 'invalid', reason: r.reason, detail: r.detail };
  return parseV2Object(r.value);
}
