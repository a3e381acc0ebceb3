/**
 * One WebSocket connection of the simulator's servers (v1 and v2), and the single place frames are
 * written: counts frames, drops frames for sockets whose send buffer is over the limit (a slow reader
 * must not make the simulator queue without bound), keeps per-connection FIFO holds (a delayed order
 * ack holds everything behind it so order stays realistic), and stamps the dislocation timing right
 * after the first frame carrying a dislocation is written.
 */
import { WebSocket } from 'ws';

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
  constructor(
    readonly ws: WebSocket,
    readonly id: number,
  ) {}
}

export interface WsOutputOptions {
  maxBufferedBytes?: number;
  onDislocationFrameWritten?: (id: number, ns: bigint) => void;
}

export class WsOutput {
  framesSent = 0;
  /** Frames not written because the socket's buffer was over the limit. */
  framesDropped = 0;
  private readonly maxBuffered: number;
  private readonly onDislocation: ((id: number, ns: bigint) => void) | undefined;
  /** Dislocation id carried by the change being broadcast; -1 when none or already stamped. */
  private pendingDislocation = -1;

  constructor(options: WsOutputOptions = {}) {
    this.maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
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
    ws.send(frame);
    this.framesSent++;
    conn.sentSinceTick = true;
    if (this.pendingDislocation >= 0) {
      const ns = process.hrtime.bigint();
      const id = this.pendingDislocation;
      this.pendingDislocation = -1;
      if (this.onDislocation !== undefined) this.onDislocation(id, ns);
    }
    return true;
  }
}
