/**
 * One WebSocket connection of the simulator's servers (v1 and v2), and the single place frames are
 * written: counts frames, drops frames for sockets whose send buffer is over the limit (a slow reader
 * must not make the simulator queue without bound), keeps per-connection FIFO holds (a delayed order
 * ack holds everything behind it so order stays realistic), and stamps the dislocation timing right
 * after the first frame carrying a dislocation is handed to the kernel.
 *
 * Frames written in one synchronous run (a market tick's updates, an order's ack and fills) leave in
 * one write per socket: the socket is corked at its first frame and uncorked in a microtask, once
 * the run is over, or as soon as the batch has been held for MAX_BATCH_HOLD_MS (a market tick at
 * 100,000 updates/s takes ~0.5 ms to generate: its first frame must not wait for the last). One
 * syscall per frame is what capped the feed near 70,000 updates/s; batching is also what an
 * exchange's feed does under load. A quiet feed (one frame per tick) is unaffected.
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** The longest a batch holds its first frame before it is written (ms). */
export const MAX_BATCH_HOLD_MS = 0.05;

/** Default send-buffer limit per socket before frames are dropped for it. */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

interface HeldFrame {
  s: string;
  ready: boolean;
}

export class WsConn {
  /** Frames waiting behind a not-yet-ready frame (delayed ack); empty almost always. */
  readonly held: HeldFrame[] = [];
  /** Something was written since the last heartbeat tick. */
  sentSinceTick = false;
  /** Active subscriptions on this connection (heartbeats only flow when > 0). */
  subCount = 0;
  dropped = 0;
  /** Corked for the current synchronous run (see WsOutput). */
  corked = false;
  constructor(
    readonly ws: WebSocket,
    readonly id: number,
    /** The connection's TCP socket (what `ws` writes to); null: no batching. */
    readonly socket: Duplex | null = null,
  ) {}
}

export interface WsOutputOptions {
  maxBufferedBytes?: number;
  /** Default MAX_BATCH_HOLD_MS. */
  maxBatchHoldMs?: number;
  /** Monotonic ms; default performance.now (tests pass their own). */
  batchClockMs?: () => number;
  onDislocationFrameWritten?: (id: number, ns: bigint) => void;
}

export class WsOutput {
  framesSent = 0;
  /** Frames not written because the socket's buffer was over the limit. */
  framesDropped = 0;
  private readonly maxBuffered: number;
  private readonly maxBatchHoldMs: number;
  private readonly nowMs: () => number;
  private readonly onDislocation: ((id: number, ns: bigint) => void) | undefined;
  /** Dislocation id carried by the change being broadcast; -1 when none or already stamped. */
  private pendingDislocation = -1;
  /** Sockets corked in this synchronous run, uncorked together by a microtask. */
  private readonly corked: WsConn[] = [];
  /** A dislocation's first frame sits in a corked socket: stamped when that socket is uncorked. */
  private stampOnUncork: { conn: WsConn; id: number } | null = null;
  /** performance.now() when the current batch corked its first socket. */
  private batchStartMs = 0;

  constructor(options: WsOutputOptions = {}) {
    this.maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.maxBatchHoldMs = options.maxBatchHoldMs ?? MAX_BATCH_HOLD_MS;
    this.nowMs = options.batchClockMs ?? (() => performance.now());
    this.onDislocation = options.onDislocationFrameWritten;
  }

  /** Marks the frames written until `endChange` as carrying `dislocationId`. */
  beginChange(dislocationId: number | undefined): void {
    this.pendingDislocation = dislocationId ?? -1;
  }

  endChange(): void {
    this.pendingDislocation = -1;
  }

  /** Writes `frame` (or queues it behind a held frame); false when not written now. */
  send(conn: WsConn, frame: string): boolean {
    if (conn.held.length > 0) {
      conn.held.push({ s: frame, ready: true });
      return false;
    }
    return this.write(conn, frame);
  }

  /** Same frame to every connection in `conns`: built once, no per-socket serialization. */
  broadcast(conns: readonly WsConn[], frame: string): void {
    for (let i = 0; i < conns.length; i++) this.send(conns[i] as WsConn, frame);
  }

  /** Queues `frame` and everything sent after it until the returned release function is called. */
  hold(conn: WsConn, frame: string): () => void {
    const item: HeldFrame = { s: frame, ready: false };
    conn.held.push(item);
    return () => {
      item.ready = true;
      this.flush(conn);
    };
  }

  private flush(conn: WsConn): void {
    // Bounded by the queue length: each pass removes one item.
    while (conn.held.length > 0) {
      const head = conn.held[0] as HeldFrame;
      if (!head.ready) return;
      conn.held.shift();
      this.write(conn, head.s);
    }
  }

  private write(conn: WsConn, frame: string): boolean {
    const ws = conn.ws;
    if (ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > this.maxBuffered) {
      this.framesDropped++;
      conn.dropped++;
      return false;
    }
    this.cork(conn);
    ws.send(frame);
    this.framesSent++;
    conn.sentSinceTick = true;
    if (this.pendingDislocation >= 0) {
      const id = this.pendingDislocation;
      this.pendingDislocation = -1;
      if (conn.corked) this.stampOnUncork ??= { conn, id };
      else this.stampDislocation(id);
    }
    if (this.corked.length > 0 && this.nowMs() - this.batchStartMs >= this.maxBatchHoldMs) this.uncorkAll();
    return true;
  }

  private cork(conn: WsConn): void {
    if (conn.corked || conn.socket === null) return;
    conn.socket.cork();
    conn.corked = true;
    this.corked.push(conn);
    if (this.corked.length === 1) {
      this.batchStartMs = this.nowMs();
      queueMicrotask(this.uncorkAll);
    }
  }

  private readonly uncorkAll = (): void => {
    const stamp = this.stampOnUncork;
    this.stampOnUncork = null;
    for (let i = 0; i < this.corked.length; i++) {
      const conn = this.corked[i] as WsConn;
      conn.corked = false;
      conn.socket?.uncork();
      if (stamp !== null && stamp.conn === conn) this.stampDislocation(stamp.id);
    }
    this.corked.length = 0;
  };

  private stampDislocation(id: number): void {
    const ns = process.hrtime.bigint();
    if (this.onDislocation !== undefined) this.onDislocation(id, ns);
  }
}
