/** Test helpers: a loopback ws server on port 0, condition waits with deadlines, a manual clock. */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { TimerHandle, Timers } from '../../../src/kraken/ws/shared/timers.js';

export interface TestServer {
  url: string;
  wss: WebSocketServer;
  /** Sockets in accept order (closed ones stay). */
  sockets: WebSocket[];
  /** Text of every message received from clients, per connection index. */
  received: string[][];
  close(): Promise<void>;
}

export async function startServer(
  onConnection?: (ws: WebSocket, index: number) => void,
): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const sockets: WebSocket[] = [];
  const received: string[][] = [];
  wss.on('connection', (ws) => {
    const index = sockets.length;
    sockets.push(ws);
    received.push([]);
    ws.on('message', (data: Buffer) => received[index]?.push(data.toString('utf8')));
    onConnection?.(ws, index);
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    wss,
    sockets,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound then released). */
export async function deadUrl(): Promise<string> {
  const s = await startServer();
  const url = s.url;
  await s.close();
  return url;
}

/** Poll a condition every few ms until it holds or the deadline passes (no fixed sleeps). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for: ' + what);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Fake clock: timers fire only when the test advances time. */
export class ManualTimers implements Timers {
  nowMs = 0;
  private seq = 0;
  readonly pending = new Map<number, { due: number; fn: () => void; delay: number }>();
  now(): number {
    return this.nowMs;
  }
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const id = ++this.seq;
    this.pending.set(id, { due: this.nowMs + delayMs, fn, delay: delayMs });
    return id;
  }
  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }
  /** Advance to the earliest timer and run it; returns its delay, or -1 if none. */
  fireNext(): number {
    let best: number | undefined;
    for (const [id, t] of this.pending)
      if (best === undefined || t.due < (this.pending.get(best)?.due ?? Infinity)) best = id;
    if (best === undefined) return -1;
    const t = this.pending.get(best);
    this.pending.delete(best);
    if (t === undefined) return -1;
    this.nowMs = Math.max(this.nowMs, t.due);
    t.fn();
    return t.delay;
  }
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      let next: [number, { due: number; fn: () => void }] | undefined;
      for (const e of this.pending)
        if (e[1].due <= target && (next === undefined || e[1].due < next[1].due)) next = e;
      if (next === undefined) break;
      this.pending.delete(next[0]);
      this.nowMs = next[1].due;
      next[1].fn();
    }
    this.nowMs = target;
  }
}
