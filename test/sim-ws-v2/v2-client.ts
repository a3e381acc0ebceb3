/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
/**
 * A v2 test client written only from kraken-api.md §3: plain `ws` + JSON.parse, no project client
 * code. Records every frame (raw text and parsed), and waits on conditions with a deadline.
 * Also the pieces a client needs to check a v2 book: apply updates, truncate, checksum (§3.6) with
 * its own CRC32, levels re-padded with the instrument's precisions.
 */
import { WebSocket } from 'ws';

export const WAIT_MS = 4000;

export type Pred = (m: any, raw: string) => boolean;

export class V2Client {
  readonly raw: string[] = [];
  readonly msgs: any[] = [];
  private cursor = 0;
  private waiter: (() => void) | null = null;
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const s = data.toString();
      this.raw.push(s);
      let m: unknown;
      try {
        m = JSON.parse(s);
      } catch {
        m = { unparsable: s };
      }
      this.msgs.push(m);
      this.waiter?.();
    });
    ws.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static open(url: string): Promise<V2Client> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const c = new V2Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  until(cond: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`timed out waiting for ${what}; got:\n${this.raw.slice(-12).join('\n')}`));
      }, ms);
      this.waiter = () => {
        if (cond()) {
          clearTimeout(timer);
          this.waiter = null;
          resolve();
        }
      };
    });
  }

  /** The next message (after the last one returned by `next`) matching `pred`. */
  async next(pred: Pred, what: string, ms = WAIT_MS): Promise<any> {
    let found = -1;
    const scan = (): boolean => {
      for (let i = this.cursor; i < this.msgs.length; i++) {
        if (pred(this.msgs[i], this.raw[i] as string)) {
          found = i;
          return true;
        }
      }
      return false;
    };
    await this.until(scan, what, ms);
    this.cursor = found + 1;
    return this.msgs[found];
  }

  /** Index of the first message matching `pred` (or -1). */
  indexOf(pred: Pred): number {
    return this.msgs.findIndex((m, i) => pred(m, this.raw[i] as string));
  }

  /** The first message matching `pred` (or undefined). */
  first(pred: Pred): any {
    const i = this.indexOf(pred);
    return i === -1 ? undefined : this.msgs[i];
  }

  all(pred: Pred): any[] {
    return this.msgs.filter((m, i) => pred(m, this.raw[i] as string));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.terminate();
    await done;
  }
}

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

/** RFC3339 with microseconds, as §3.1 shows (`2021-05-11T19:47:09.896860Z`). */
export const RFC3339_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

// ---- book checking, from §3.6

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

  /** Apply in order; qty 0 deletes; then truncate to depth (§3.6). */
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
