/**
 * The HTTP server of the WS server tests: 127.0.0.1, port 0, every plain HTTP request answered 404,
 * with the WS servers `attach` puts on it; close() stops both and drops open sockets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer<W> {
  server: Server;
  ws: W;
  port: number;
  close(): Promise<void>;
}

export async function listenWithWs<W extends { close(): Promise<void> }>(
  attach: (server: Server) => W,
): Promise<LoopbackServer<W>> {
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const ws = attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    ws,
    port: (server.address() as AddressInfo).port,
    async close() {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
