/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
/**
 * The WebSocket test client of the v1 and v2 server tests: plain `ws` + JSON.parse (no project
 * client code), records every frame (raw text and parsed; unparsable text as `{unparsable}`), and
 * waits on conditions with a deadline instead of sleeping. Also `waitFor`, the same wait for a
 * server-side condition.
 */
import { WebSocket } from 'ws';

export const WAIT_MS = 4000;
/** Frames quoted in a timeout error, newest last. */
const FRAMES_IN_TIMEOUT_ERROR = 15;

export type Pred = (m: any, raw: string) => boolean;

export class RecordingClient {
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

  static open(url: string): Promise<RecordingClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const c = new RecordingClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** Resolves when `cond()` holds; rejects after the deadline. */
  until(cond: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        const got = this.raw.slice(-FRAMES_IN_TIMEOUT_ERROR).join('\n');
        reject(new Error(`timed out waiting for ${what}; got:\n${got}`));
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

/** Polls a server-side condition every few ms until it holds or the deadline passes. */
export async function waitFor(cond: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const POLL_MS = 5;
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
