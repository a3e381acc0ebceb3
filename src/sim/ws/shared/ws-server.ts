/**
 * The skeleton every simulator WebSocket server shares (v1 and v2, public and private): a `ws`
 * server in noServer mode (the upgrade router hands it sockets), connection bookkeeping, the status
 * frame on connect and on every change, heartbeats on idle subscribed connections, the drop fault
 * and close(). A subclass supplies its session state and its wire format.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type ServerOptions, type WebSocket } from 'ws';
import type { SystemStatus } from '../../contracts.js';
import { WsConn, WsOutput, type WsOutputOptions } from './ws-output.js';
import { newConnectionId } from './request.js';

/** What the skeleton needs from one connection's state. */
export interface WsSession {
  readonly conn: WsConn;
  readonly connectionId: string;
}

export interface WsServerOptions extends WsOutputOptions {
  /** Largest request frame accepted (bigger closes the socket, 1009); default `ws`'s own. */
  maxPayload?: number;
  heartbeatFrame: string;
  statusFrame: (connectionId: string, status: SystemStatus) => string;
  systemStatus: () => SystemStatus;
}

export abstract class WsServer<S extends WsSession> {
  readonly wss: WebSocketServer;
  readonly out: WsOutput;
  readonly sessions = new Set<S>();
  badInput = 0;
  connectionsTotal = 0;
  private nextConnId = 1;

  constructor(private readonly skeleton: WsServerOptions) {
    // Deflate off: frames go out as built (latency), and clients are told nothing else.
    const options: ServerOptions = { noServer: true, perMessageDeflate: false, clientTracking: false };
    if (skeleton.maxPayload !== undefined) options.maxPayload = skeleton.maxPayload;
    this.wss = new WebSocketServer(options);
    this.out = new WsOutput(skeleton);
  }

  /** The state of a new connection. */
  protected abstract openSession(conn: WsConn, connectionId: string): S;
  /** One client frame; `arrivedNs` is the monotonic ns it was read at (order-arrival timing). */
  protected abstract onMessage(s: S, data: RawData, isBinary: boolean, arrivedNs: bigint): void;
  /** The connection closed: release what it subscribed to. */
  protected onSessionClosed(_s: S): void {}
  /** True while heartbeats must not flow (the public stall fault). */
  protected heartbeatsPaused(): boolean {
    return false;
  }

  handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, socket));
  };

  private onConnection(ws: WebSocket, socket: Duplex): void {
    const s = this.openSession(new WsConn(ws, this.nextConnId++, socket), newConnectionId());
    this.sessions.add(s);
    this.connectionsTotal++;
    ws.on('message', (data, isBinary) => this.onMessage(s, data, isBinary, process.hrtime.bigint()));
    ws.on('close', () => {
      this.sessions.delete(s);
      this.onSessionClosed(s);
    });
    ws.on('error', () => {
      // 'close' follows and cleans up; the error itself is the peer's fault.
      this.badInput++;
    });
    this.out.send(s.conn, this.skeleton.statusFrame(s.connectionId, this.skeleton.systemStatus()));
  }

  /** Every connection hears the new status (maintenance, online...). */
  announceStatus(status: SystemStatus): void {
    for (const s of this.sessions) this.out.send(s.conn, this.skeleton.statusFrame(s.connectionId, status));
  }

  /** Heartbeat tick: connections with subscriptions that got nothing since the last tick. */
  heartbeat(): void {
    if (this.heartbeatsPaused()) return;
    for (const s of this.sessions) {
      const c = s.conn;
      // Held frames (a delayed ack) are traffic already on its way: not an idle connection.
      if (c.subCount > 0 && !c.sentSinceTick && c.held.length === 0)
        this.out.send(c, this.skeleton.heartbeatFrame);
      c.sentSinceTick = false;
    }
  }

  dropAll(): void {
    for (const s of this.sessions) s.conn.ws.terminate();
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.conn.ws.terminate();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
