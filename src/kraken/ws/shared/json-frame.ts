/**
 * What the v1 and v2 slow-path event parsers share: a JSON text (Buffer or string) → a value,
 * bounded in size, never throwing; and the length Kraken's texts are cut to before they reach logs.
 * Events are rare (status, acks), so JSON.parse is fine here; the quote hot path never gets here.
 */

export type EventInvalidReason = 'bad-json' | 'not-object' | 'bad-field' | 'oversized';

/** Kraken error messages are short; longer ones are cut before they reach logs. */
export const MAX_MESSAGE_CHARS = 200;

/** Parse a JSON text (Buffer or string) as a JSON value, or an invalid result. */
export function parseJsonFrame(
  data: Buffer | string,
  maxBytes: number,
): { ok: true; value: unknown } | { ok: false; reason: EventInvalidReason; detail: string } {
  if (data.length > maxBytes)
    return { ok: false, reason: 'oversized', detail: `${data.length} bytes > ${maxBytes}` };
  try {
    return {
      ok: true,
      value: JSON.parse(typeof data === 'string' ? data : data.toString('utf8')) as unknown,
    };
  } catch (err) {
    return { ok: false, reason: 'bad-json', detail: (err as Error).message.slice(0, MAX_MESSAGE_CHARS) };
  }
}
