/**
 * Parses the params of a v2 public subscribe/unsubscribe (docs/kraken-protocol.md §3.2, §3.5–§3.7) into one
 * typed request, or the error string its single error ack carries. Request-level problems (no
 * params, unknown channel, bad depth/event_trigger/snapshot, symbol not a non-empty string array)
 * reject the whole request; per-symbol problems are judged later, one ack per symbol.
 */
import { V2_BOOK_DEPTHS, V2_DEFAULT_BOOK_DEPTH, type V2TickerTrigger } from './public-feed.js';
import { V2_ERRORS } from './wire.js';

/** Channels served only by the private endpoint. */
const PRIVATE_CHANNELS = new Set(['executions', 'balances', 'level3']);

export type V2PublicSub =
  | { channel: 'instrument'; snapshot: boolean }
  | { channel: 'ticker'; symbols: string[]; trigger: V2TickerTrigger; snapshot: boolean }
  | { channel: 'book'; symbols: string[]; depth: number; snapshot: boolean };

export function parsePublicSubscription(
  params: Record<string, unknown> | null,
): V2PublicSub | { error: string } {
  if (params === null) return { error: V2_ERRORS.params };
  const channel = params['channel'];
  if (typeof channel !== 'string') return { error: V2_ERRORS.channel };
  if (PRIVATE_CHANNELS.has(channel)) return { error: V2_ERRORS.privateOnPublic };
  const snap = params['snapshot'];
  if (snap !== undefined && typeof snap !== 'boolean') return { error: V2_ERRORS.snapshot };
  const snapshot = snap !== false;
  if (channel === 'instrument') return { channel, snapshot };
  if (channel !== 'ticker' && channel !== 'book') return { error: V2_ERRORS.channel };
  const symbols = params['symbol'];
  if (!Array.isArray(symbols) || symbols.length === 0 || symbols.some((s) => typeof s !== 'string')) {
    return { error: V2_ERRORS.symbol };
  }
  if (channel === 'ticker') {
    const t = params['event_trigger'];
    if (t !== undefined && t !== 'bbo' && t !== 'trades') return { error: V2_ERRORS.eventTrigger };
    return { channel, symbols: symbols as string[], trigger: t ?? 'trades', snapshot };
  }
  const d = params['depth'];
  if (d !== undefined && (typeof d !== 'number' || !V2_BOOK_DEPTHS.includes(d)))
    return { error: V2_ERRORS.depth };
  return { channel, symbols: symbols as string[], depth: d ?? V2_DEFAULT_BOOK_DEPTH, snapshot };
}
