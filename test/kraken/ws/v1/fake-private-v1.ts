/**
 * A small Kraken v1 private endpoint for client tests: systemStatus on connect; a subscribe is
 * acknowledged with an empty snapshot (sequence 1), or refused with `subscribeError(token)`.
 * Records every message the client sends. Not the project's simulator.
 */
import { startServer, type TestServer } from '../helpers.js';

export interface FakeV1 {
  server: TestServer;
  /** Every client message, as sent. */
  sent: string[];
  /** `name:token` per subscribe, in order. */
  subscribes: string[];
  /** Sends a frame to the newest connection. */
  push(text: string): void;
}

export async function startFakePrivateV1(
  subscribeError: (token: string) => string | undefined = () => undefined,
): Promise<FakeV1> {
  const sent: string[] = [];
  const subscribes: string[] = [];
  const server = await startServer((ws) => {
    ws.send('{"connectionID":1,"event":"systemStatus","status":"online","version":"1.9.1"}');
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      sent.push(text);
      const m = JSON.parse(text) as { event: string; subscription?: { name: string; token: string } };
      if (m.event !== 'subscribe' || m.subscription === undefined) return;
      const { name, token } = m.subscription;
      subscribes.push(`${name}:${token}`);
      const error = subscribeError(token);
      if (error !== undefined) {
        ws.send(
          JSON.stringify({
            errorMessage: error,
            event: 'subscriptionStatus',
            status: 'error',
            subscription: { name },
          }),
        );
        return;
      }
      ws.send(
        JSON.stringify({
          channelName: name,
          event: 'subscriptionStatus',
          status: 'subscribed',
          subscription: { name },
        }),
      );
      ws.send(`[[],"${name}",{"sequence":1}]`);
    });
  });
  return {
    server,
    sent,
    subscribes,
    push: (text) => server.sockets[server.sockets.length - 1]?.send(text),
  };
}
