/**
 * Zero-allocation helpers shared by the v2 byte scanners: whitespace, key comparison, and a
 * validating skip over any JSON value (for the keys a scanner does not need). Negative results
 * are -TickerReject codes.
 */
import { skipJsonNumber } from './json-number.js';
import { TickerReject } from './ticker-reject.js';

/** Nesting allowed inside a skipped value; deeper is hostile (and would cost stack). */
export const MAX_SKIP_DEPTH = 16;

export const QUOTE = 0x22,
  COMMA = 0x2c,
  COLON = 0x3a,
  BACKSLASH = 0x5c,
  LBRACKET = 0x5b,
  RBRACKET = 0x5d,
  LBRACE = 0x7b,
  RBRACE = 0x7d;

const TRUE = Uint8Array.from([0x74, 0x72, 0x75, 0x65]);
const FALSE = Uint8Array.from([0x66, 0x61, 0x6c, 0x73, 0x65]);
const NULL = Uint8Array.from([0x6e, 0x75, 0x6c, 0x6c]);

export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export function skipWs(buf: Uint8Array, i: number, n: number): number {
  while (i < n && isWs(buf[i] as number)) i++;
  return i;
}

/** ASCII bytes of a key or value, for byte comparison. */
export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

/** buf[s, e) equals `key`. */
export function bytesEqual(buf: Uint8Array, s: number, e: number, key: Uint8Array): boolean {
  if (e - s !== key.length) return false;
  for (let j = 0; j < key.length; j++) if (buf[s + j] !== key[j]) return false;
  return true;
}

/**
 * String body starting after the opening quote: index of the closing quote, or -reason.
 * `escapes` (optional out flag) is not needed by callers: a key with escapes never equals a
 * plain key, which is the conservative outcome.
 */
export function stringEnd(buf: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = buf[i] as number;
    if (c === QUOTE) return i;
    if (c === BACKSLASH) i += 2;
    else if (c < 0x20) return -TickerReject.BAD_SYNTAX;
    else i++;
  }
  return -TickerReject.TRUNCATED;
}

function literal(buf: Uint8Array, i: number, n: number, lit: Uint8Array): number {
  if (n - i < lit.length) return -TickerReject.TRUNCATED;
  for (let j = 0; j < lit.length; j++) if (buf[i + j] !== lit[j]) return -TickerReject.BAD_SYNTAX;
  return i + lit.length;
}

/** Skip the JSON value starting at buf[i] (no leading whitespace). Index after it, or -reason. */
export function skipValue(buf: Uint8Array, i: number, n: number, depth: number): number {
  if (i >= n) return -TickerReject.TRUNCATED;
  const c = buf[i] as number;
  if (c === QUOTE) {
    const e = stringEnd(buf, i + 1, n);
    return e < 0 ? e : e + 1;
  }
  if (c === LBRACE || c === LBRACKET) {
    if (depth >= MAX_SKIP_DEPTH) return -TickerReject.TOO_DEEP;
    const close = c === LBRACE ? RBRACE : RBRACKET;
    i = skipWs(buf, i + 1, n);
    if (i >= n) return -TickerReject.TRUNCATED;
    if ((buf[i] as number) === close) return i + 1;
    for (;;) {
      if (i >= n) return -TickerReject.TRUNCATED;
      if (c === LBRACE) {
        if ((buf[i] as number) !== QUOTE) return -TickerReject.BAD_SYNTAX;
        const ke = stringEnd(buf, i + 1, n);
        if (ke < 0) return ke;
        i = skipWs(buf, ke + 1, n);
        if (i >= n) return -TickerReject.TRUNCATED;
        if ((buf[i] as number) !== COLON) return -TickerReject.BAD_SYNTAX;
        i = skipWs(buf, i + 1, n);
      }
      i = skipValue(buf, i, n, depth + 1);
      if (i < 0) return i;
      i = skipWs(buf, i, n);
      if (i >= n) return -TickerReject.TRUNCATED;
      const d = buf[i] as number;
      if (d === close) return i + 1;
      if (d !== COMMA) return -TickerReject.BAD_SYNTAX;
      i = skipWs(buf, i + 1, n);
    }
  }
  if (c === 0x74) return literal(buf, i, n, TRUE);
  if (c === 0x66) return literal(buf, i, n, FALSE);
  if (c === 0x6e) return literal(buf, i, n, NULL);
  return skipJsonNumber(buf, i, n);
}
