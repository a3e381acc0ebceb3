/** Test helpers: a loopback ws server on port 0, condition waits with deadlines, a manual clock. */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

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
