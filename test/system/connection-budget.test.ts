/**
 * System: Kraken's connection limit is per IP, so it is held for the whole process. With the feed
 * refusing every WebSocket and 8 listeners, the real program makes no more attempts than
 * KRAKEN_CONNECTION_BUDGET (5 here) and logs, per socket, that it is waiting on the budget. It used
 * to give each socket its own 20, so more listeners meant more attempts (16 made 230 in 3 minutes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSystem } from './harness.js';

test('8 listeners against a feed that refuses: attempts stay within the process budget', async (t) => {
  let upgrades = 0;
  const refusing = createServer((_req, res) => res.writeHead(503).end());
  refusing.on('upgrade', (_req, socket) => {
    upgrades++;
    socket.destroy();
  });
  await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => refusing.close(() => r())));
  const port = (refusing.address() as AddressInfo).port;

  const run = await startSystem(t, {
    args: ['--duration', '60'],
    credentials: false,
    env: { LISTENERS: '8', KRAKEN_CONNECTION_BUDGET: '5', KRAKEN_WS_URL: `ws://127.0.0.1:${port}/ws` },
  });
  const waiting = (): Set<unknown> =>
    new Set(
      run
        .logRecords()
        .filter((r) => r['msg'] === 'waiting on the Kraken connection budget')
        .map((r) => r['thread']),
    );
  // Every listener gets to the point of waiting on the budget (the first five after their refusal).
  await run.waitFor(() => waiting().size === 8, 30_000, 'all 8 listeners waiting on the budget');
  assert.equal(upgrades, 5, `connection attempts beyond the budget of 5${run.describe()}`);
  const rec = run.logRecords().find((r) => r['msg'] === 'waiting on the Kraken connection budget');
  assert.equal(rec?.['budget'], 5);
  assert.ok(Number(rec?.['waitMs']) > 500_000, 'the wait is the rest of the 10-minute window');
});

test('trade mode: the WebSocket-token request takes from the same budget as the sockets', async (t) => {
  // Budget 3: the two listeners' sockets and the private socket take all of it; the token waits.
  const run = await startSystem(t, {
    args: ['--trade', '--duration', '60'],
    env: { LISTENERS: '2', KRAKEN_CONNECTION_BUDGET: '3' },
  });
  await run.waitFor(
    () =>
      run.logHas(
        (r) =>
          r['msg'] === 'waiting on the Kraken connection budget' && r['who'] === 'websocket-token request',
      ),
    30_000,
    'the token request waiting on the budget',
  );
  const counters = (await run.control('/counters'))['counters'] as Record<string, number>;
  assert.equal(
    counters['rest.private.GetWebSocketsToken'] ?? 0,
    0,
    'a token was requested beyond the budget',
  );
  const ws = await run.wsStats();
  assert.equal(ws.public.connectionsTotal + ws.private.connectionsTotal, 3);
});
