/**
 * The send-path warmer: frames go to its own loopback server and are counted there; a client
 * that is not ours switches it off; close frees every socket (the test's process would otherwise
 * not exit, and node:test reports the open handle).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { SendPathWarmer } from '../../../../src/kraken/ws/shared/send-path-warmer.js';
import { waitFor } from '../helpers.js';

test('frames written to its socket while open arrive at the loopback server and are counted as written; no socket before it opens', async (t) => {
  const w = new SendPathWarmer();
  t.after(() => w.close());
  assert.equal(w.socketForFrame(), null);
  assert.equal(w.sent, 0, 'not open yet: nothing counted');
  w.start();
  w.start(); // idempotent
  await waitFor(() => w.active, 'open');
  for (let i = 0; i < 20; i++) {
    w.socketForFrame()?.send(`{"event":"addOrder","n":${i}}`);
    w.frameWritten();
  }
  await waitFor(() => w.received === 20, 'all 20 received');
  assert.equal(w.sent, 20);
  assert.notEqual(w.socketForFrame(), null);
  assert.equal(w.sent, 20, 'a socket handed out is not a frame written: not counted');
  w.close();
  assert.equal(w.active, false);
  assert.equal(w.socketForFrame(), null, 'closed: no socket');
  assert.equal(w.sent, 20, 'closed: nothing counted');
});

test('a foreign client on the loopback port is cut off and cannot feed the counts', async (t) => {
  const w = new SendPathWarmer();
  t.after(() => w.close());
  w.start();
  await waitFor(() => w.active, 'open');
  const port = (w as unknown as { server: { address(): { port: number } } }).server.address().port;
  const foreign = new WebSocket(`ws://127.0.0.1:${port}`);
  t.after(() => foreign.terminate());
  const closed = new Promise<void>((resolve) => foreign.on('close', () => resolve()));
  foreign.on('open', () => foreign.send('{"not":"ours"}'));
  foreign.on('error', () => undefined);
  await closed;
  assert.equal(w.received, 0, 'the foreign frame was not counted');
  assert.equal(w.active, true, 'ours is unaffected');
});

test('a failure switches it off with one reason, and sending then does nothing', async (t) => {
  const reasons: string[] = [];
  const w = new SendPathWarmer((r) => reasons.push(r));
  t.after(() => w.close());
  w.start();
  await waitFor(() => w.active, 'open');
  // The loopback server goes away under it: the client's close is the failure.
  const server = (w as unknown as { server: { clients: Set<WebSocket> } }).server;
  for (const s of server.clients) s.terminate();
  await waitFor(() => reasons.length === 1, 'switched off');
  assert.match(reasons[0] as string, /closed/);
  assert.equal(w.socketForFrame(), null);
  assert.equal(w.active, false);
  assert.equal(reasons.length, 1);
});
