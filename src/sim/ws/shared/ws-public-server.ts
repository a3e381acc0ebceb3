/**
 * What the public servers (v1 and v2) add to the skeleton: the stall fault (no data frames and no
 * heartbeats until `faults.stallUntilMs`) and the garbage fault (malformed frames to every
 * connection, from this server's own share of `faults.garbageFrames`), and the 1 s tick.
 */
import type { SimMarket, SystemStatus } from '../../contracts.js';
import type { SimFaultsControl, GarbageShare } from '../../faults.js';
import { WsServer, type WsServerOptions, type WsSession } from './ws-server.js';

/** What a public server (either version) is built from. */
export interface PublicServerDeps {
  market: SimMarket;
  faults: SimFaultsControl;
  systemStatus: () => SystemStatus;
  /** Monotonic ms clock that `faults.stallUntilMs` is expressed in. */
  nowMs: () => number;
  maxBufferedBytes?: number;
  onDislocationFrameWritten?: (id: number, ns: bigint) => void;
}

export interface WsPublicOptions extends WsServerOptions, Pick<PublicServerDeps, 'faults' | 'nowMs'> {
  /** Malformed frames the garbage fault sends, in this API's shapes. */
  garbageFrames: readonly string[];
}

export abstract class WsPublicServer<S extends WsSession> extends WsServer<S> {
  garbageSent = 0;
  private readonly garbage: GarbageShare;

  constructor(private readonly pub: WsPublicOptions) {
    super(pub);
    this.garbage = pub.faults.garbageShare();
  }

  stalled(): boolean {
    return this.pub.faults.stallUntilMs > 0 && this.pub.nowMs() < this.pub.faults.stallUntilMs;
  }

  protected override heartbeatsPaused(): boolean {
    return this.stalled();
  }

  /** The 1 s tick; a version with periodic data adds it here. */
  tick(): void {
    this.heartbeat();
  }

  /** Sends this server's pending garbage frames to every connection. */
  injectGarbageIfAsked(): void {
    const n = this.garbage.take();
    if (!(n > 0)) return;
    const frames = this.pub.garbageFrames;
    for (const s of this.sessions) {
      for (let i = 0; i < n; i++)
        if (this.out.send(s.conn, frames[i % frames.length] as string)) this.garbageSent++;
    }
  }

  override async close(): Promise<void> {
    this.garbage.close();
    await super.close();
  }
}
