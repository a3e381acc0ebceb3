/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
/**
 * The v2 side of the test client, written only from docs/kraken-protocol.md §3: predicates for v2 frames, and
 * the pieces a client needs to check a v2 book: apply updates, truncate, checksum (docs/kraken-protocol.md §3.6) with
 * its own CRC32, levels re-padded with the instrument's precisions.
 */
import type { Pred } from '../shared/recording-client.js';

/** The recording client shared with the v1 tests, under its v2 name. */
export { RecordingClient as V2Client, WAIT_MS, type Pred } from '../shared/recording-client.js';

export const isAck =
  (method: string, extra: (m: any) => boolean = () => true): Pred =>
  (m) =>
    m !== null && typeof m === 'object' && m.method === method && typeof m.success === 'boolean' && extra(m);

export const isChannel =
  (channel: string, type?: string, symbol?: string): Pred =>
  (m) =>
    m !== null &&
    typeof m === 'object' &&
    m.channel === channel &&
    (type === undefined || m.type === type) &&
    (symbol === undefined || (Array.isArray(m.data) && m.data[0]?.symbol === symbol));

/** RFC3339 with microseconds, as docs/kraken-protocol.md §3.1 shows (`2021-05-11T19:47:09.896860Z`). */
export const RFC3339_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

// ---- book checking, from docs/kraken-protocol.md §3.6

const CRC_TABLE = (() => {
  const t: number[] = [];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t.push(c >>> 0);
  }
  return t;
})();

export function crc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) c = (CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface Level {
  price: number;
  qty: number;
}

export class LocalBook {
  bids: Level[] = [];
  asks: Level[] = [];
  constructor(
    readonly depth: number,
    readonly pricePrecision: number,
    readonly qtyPrecision: number,
  ) {}

  snapshot(d: { bids: Level[]; asks: Level[] }): void {
    this.bids = d.bids.map((l) => ({ ...l }));
    this.asks = d.asks.map((l) => ({ ...l }));
  }

  /** Apply in order; qty 0 deletes; then truncate to depth (docs/kraken-protocol.md §3.6). */
  update(d: { bids: Level[]; asks: Level[] }): void {
    for (const l of d.bids) apply(this.bids, l, false);
    for (const l of d.asks) apply(this.asks, l, true);
    this.bids.length = Math.min(this.bids.length, this.depth);
    this.asks.length = Math.min(this.asks.length, this.depth);
  }

  checksum(): number {
    const part = (l: Level): string =>
      strip(l.price.toFixed(this.pricePrecision)) + strip(l.qty.toFixed(this.qtyPrecision));
    let s = '';
    for (const l of this.asks.slice(0, 10)) s += part(l);
    for (const l of this.bids.slice(0, 10)) s += part(l);
    return crc32(s);
  }
}

const strip = (x: string): string => x.replace('.', '').replace(/^0+/, '');

function apply(side: Level[], l: Level, ascending: boolean): void {
  const i = side.findIndex((x) => x.price === l.price);
  if (i !== -1) side.splice(i, 1);
  if (l.qty === 0) return;
  side.push({ price: l.price, qty: l.qty });
  side.sort((a, b) => (ascending ? a.price - b.price : b.price - a.price));
}

/** Every `"key":number` in a raw frame: the number texts as sent. */
export function numberTexts(raw: string, key: string): string[] {
  const re = new RegExp(`"${key}":(-?[0-9.eE+-]+)`, 'g');
  return [...raw.matchAll(re)].map((m) => m[1] as string);
}

export const decimalsOf = (text: string): number =>
  text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
