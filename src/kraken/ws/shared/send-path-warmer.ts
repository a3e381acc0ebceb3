/**
 * Keeps the order socket's send path warm between opportunities: every rehearsal (about once a
 * millisecond, trade mode) the rehearsed order frame — built with a placeholder token, never a
 * secret — is written by the order socket's own send code (connection.ts) to this warmer's client
 * socket, connected to a WebSocket server of our own on 127.0.0.1, in this thread. Nothing reaches
 * Kraken.
 *
 * Why: after seconds without a send, one `ws.send` of an order frame took 250–1,900 µs (p50
 * ≈ 400 µs) on the 2-vCPU VM, against ≈ 30 µs when the thread had sent anything a millisecond
 * earlier; a CPU kept busy without sending did not help (docs/node-latency.md §6). That cold send
 * was most of the realistic regime's "taken → order sent".
 *
 * Best effort: any failure (no loopback, a foreign connection first, an error) switches it off
 * with one log line; the order socket is never affected.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** A rehearsed frame is a few hundred bytes; anything larger is not ours. */
const MAX_PAYLOAD_BYTES = 16 * 1024;

export class SendPathWarmer {
  private server: WebSocketServer | null = null;
  private client: WebSocket | null = null;
  private off = false;
  /** Frames written to it and received (the received count proves the loop works; tests read both). */
  sent = 0;
  received = 0;

  constructor(private readonly onOff: (reason: string) => void = () => undefined) {}

  /** Opens the loopback pair; idempotent. */
  start(): void {
    if (this.server !== null || this.off) return;
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: false,
      maxPayload: MAX_PAYLOAD_BYTES,
    });
    this.server = server;
    server.on('error', (err) => this.switchOff(`loopback server: ${err.message}`));
    server.on('connection', (socket) => {
      // Ours is the only client: one that connects first or as well is not, so it is cut off.
      if (server.clients.size > 1) {
        socket.terminate();
        return;
      }
      socket.on('message', () => {
        this.received++;
      });
      socket.on('error', () => undefined);
    });
    server.on('listening', () => {
      const { port } = server.address() as AddressInfo;
      // The same options as the order socket (connection.ts), so the same code runs.
      const client = new WebSocket(`ws://127.0.0.1:${port}`, {
        perMessageDeflate: false,
        skipUTF8Validation: true,
      });
      this.client = client;
      client.on('error', (err) => this.switchOff(`loopback client: ${err.message}`));
      client.on('close', () => {
        if (this.client === client) this.switchOff('loopback socket closed');
      });
    });
  }

  /** The loopback client socket to write one rehearsed frame to, or null when not open. */
  socketForFrame(): WebSocket | null {
    const client = this.client;
    return client !== null && client.readyState === WebSocket.OPEN ? client : null;
  }

  /** The writer wrote one frame to socketForFrame's socket (counted as sent). */
  frameWritten(): void {
    this.sent++;
  }

  get active(): boolean {
    return !this.off && this.client !== null && this.client.readyState === WebSocket.OPEN;
  }

  /** Closes both ends; the warmer stays off. */
  close(): void {
    this.off = true;
    const client = this.client;
    this.client = null;
    client?.terminate();
    const server = this.server;
    this.server = null;
    if (server !== null) {
      for (const s of server.clients) s.terminate();
      server.close();
    }
  }

  private switchOff(reason: string): void {
    if (this.off) return;
    this.close();
    this.onOff(reason);
  }
}
