import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WsConnection, type DisconnectReason } from '../../../../src/kraken/ws/shared/connection.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { deadUrl, startServer, waitFor } from '../helpers.js';

test('connects, delivers frames as Buffers, reconnects after the server drops the socket', async (t) => {
  const server = await startServer((ws) => ws.send('{"event":"heartbeat"}'));
  t.after(() => server.close());
  const frames: Buffer[] = [];
  const reasons: DisconnectReason[] = [];
  let opens = 0;
  const conn = new WsConnection(
    { url: server.url, reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
    { onFrame: (d) => frames.push(d), onOpen: () => opens++, onReconnecting: (_d, r) => reasons.push(r) },
  );
  t.after(() => conn.close());
  conn.start();
  await waitFor(() => frames.length === 1, 'first frame');
  assert.ok(Buffer.isBuffer(frames[0]));
  assert.equal(frames[0]?.toString(), '{"event":"heartbeat"}');
  server.sockets[0]?.terminate();
  await waitFor(() => opens === 2 && frames.length === 2, 'reconnect');
  assert.deepEqual(reasons, ['server-closed']);
  assert.equal(conn.stats.connects, 2);
  assert.equal(conn.stats.disconnects, 1);
  assert.ok(conn.send('{"event":"ping","reqid":1}'));
  await waitFor(() => server.received[1]?.length === 1, 'server got the message');
  conn.close();
  assert.equal(conn.state, 'closed');
  assert.equal(conn.send('x'), false);
  await waitFor(() => server.sockets[1]?.readyState === 3, 'server socket closed');
});

test('idle ping is sent, and the watchdog kills a silent socket and reconnects', async (t) => {
  const server = await startServer(); // accepts, never answers
  t.after(() => server.close());
  const reasons: DisconnectReason[] = [];
  const conn = new WsConnection(
    { url: server.url, watchdogMs: 120, pingIdleMs: 40, reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
    { onFrame: () => undefined, onReconnecting: (_d, r) => reasons.push(r) },
  );
  t.after(() => conn.close());
  conn.start();
  await waitFor(
    () => conn.stats.watchdogKills >= 1 && conn.stats.connects >= 2,
    'watchdog kill and reconnect',
  );
  assert.equal(reasons[0], 'watchdog');
  assert.ok(conn.stats.pingsSent >= 1);
  const ping = server.received[0]?.[0] ?? '';
  assert.match(ping, /^\{"event":"ping","reqid":\d+\}$/);
});

test('a chatty socket is never killed by the watchdog', async (t) => {
  let timer: ReturnType<typeof setInterval> | undefined;
  const server = await startServer((ws) => {
    timer = setInterval(() => ws.send('{"event":"heartbeat"}'), 10);
  });
  t.after(() => {
    clearInterval(timer);
    return server.close();
  });
  const conn = new WsConnection(
    { url: server.url, watchdogMs: 300, pingIdleMs: 200 },
    { onFrame: () => undefined },
  );
  t.after(() => conn.close());
  conn.start();
  await waitFor(() => conn.stats.framesReceived >= 60, '60 heartbeats');
  assert.equal(conn.stats.watchdogKills, 0);
  assert.equal(conn.stats.pingsSent, 0);
});

test('connect failures back off under the attempt budget (fake clock)', async (t) => {
  const url = await deadUrl();
  const timers = new FakeClock();
  const delays: number[] = [];
  const conn = new WsConnection(
    {
      url,
      timers,
      reconnect: { initialDelayMs: 100, maxDelayMs: 400, budgetAttempts: 3, budgetWindowMs: 60_000 },
      random: () => 0,
    },
    {
      onFrame: () => undefined,
      onReconnecting: (d, r) => {
        assert.equal(r, 'connect-failed');
        delays.push(d);
      },
    },
  );
  t.after(() => conn.close());
  conn.start();
  for (let attempt = 1; attempt <= 4; attempt++) {
    timers.fireNext(); // the scheduled attempt
    await waitFor(() => conn.stats.connectFailures === attempt, 'failure ' + attempt);
  }
  assert.equal(conn.stats.attempts, 4);
  // 3 attempts at t=0,50,150: the 4th must wait for the window to pass the first one.
  assert.deepEqual(delays.slice(0, 2), [50, 100]);
  assert.equal(delays[2], 60_000 - 150);
  assert.equal(conn.stats.budgetWaits, 1);
  assert.ok(conn.policy.attemptsInWindow(timers.now()) <= 3);
  conn.close();
  assert.equal(timers.pending.size, 0, 'close() cancels every timer');
});

test('maintenance spaces reconnects ≥ 5 s (fake clock)', async (t) => {
  const url = await deadUrl();
  const timers = new FakeClock();
  const delays: number[] = [];
  const conn = new WsConnection(
    { url, timers, reconnect: { initialDelayMs: 10, maxDelayMs: 10 }, random: () => 0 },
    { onFrame: () => undefined, onReconnecting: (d) => delays.push(d) },
  );
  t.after(() => conn.close());
  conn.setMaintenance(true);
  conn.start();
  timers.fireNext();
  await waitFor(() => conn.stats.connectFailures === 1, 'failure');
  assert.equal(delays[0], 5000);
  assert.equal(conn.stats.maintenanceWaits, 1);
});

test('invalid URLs are refused at construction', () => {
  assert.throws(() => new WsConnection({ url: 'not a url' }, { onFrame: () => undefined }), RangeError);
  assert.throws(
    () => new WsConnection({ url: 'http://127.0.0.1:1' }, { onFrame: () => undefined }),
    RangeError,
  );
});
