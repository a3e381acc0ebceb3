/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../../../src/sim/simulator.js';
import { LocalBook, V2Client, isAck, isChannel } from './v2-client.js';

const DEADLINE_MS = 20_000;

test('startSimulator serves WS v2 at urls.wsPublicV2 / urls.wsPrivateV2 over the real market', async (t) => {
  const sim = await startSimulator({ seed: 3, coins: 2, updatesPerSecond: 200 });
  const clients: V2Client[] = [];
  t.after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sim.stop();
  });
  assert.equal(sim.urls.wsPublicV2, `ws://127.0.0.1:${sim.port}/ws/v2/public`);
  assert.equal(sim.urls.wsPrivateV2, `ws://127.0.0.1:${sim.port}/ws/v2/private`);
  const pub = await V2Client.open(sim.urls.wsPublicV2);
  clients.push(pub);
  assert.equal((await pub.next(isChannel('status'), 'status')).data[0].system, 'online');
  pub.send({ method: 'subscribe', params: { channel: 'instrument' } });
  const inst = await pub.next(isChannel('instrument', 'snapshot'), 'instrument');
  assert.equal(inst.data.pairs.length, sim.market.pairs.length);
  const p = inst.data.pairs[0];
  assert.equal(p.symbol, sim.market.pairs[0]?.symbol);
  pub.send({ method: 'subscribe', params: { channel: 'book', symbol: [p.symbol], depth: 25 }, req_id: 2 });
  const book = new LocalBook(25, p.price_precision, p.qty_precision);
  const snap = await pub.next(isChannel('book', 'snapshot', p.symbol), 'book snapshot');
  book.snapshot(snap.data[0]);
  assert.ok(book.bids.length > 0 && book.asks.length > 0);
  assert.equal(snap.data[0].checksum, book.checksum());
  for (let i = 0; i < 3; i++) {
    const u = await pub.next(isChannel('book', 'update', p.symbol), `update ${i}`);
    book.update(u.data[0]);
    assert.equal(u.data[0].checksum, book.checksum(), `update ${i}`);
  }

  const priv = await V2Client.open(sim.urls.wsPrivateV2);
  clients.push(priv);
  await priv.next(isChannel('status'), 'private status');
  const token = sim.venue.issueToken(sim.apiKey).token;
  priv.send({ method: 'subscribe', params: { channel: 'executions', token }, req_id: 1 });
  assert.equal((await priv.next(isAck('subscribe'), 'executions ack')).success, true);
  assert.equal((await priv.next(isChannel('executions', 'snapshot'), 'snapshot')).sequence, 1);
  const stats = (await (await fetch(`${sim.urls.control}/state`)).json()) as { ws: { v2: any } };
  assert.equal(stats.ws.v2?.public?.connections, 1, 'v2 stats in the control API');

  // The garbage fault reaches v1 AND v2 clients (v1 consumes the field; v2 taps its writes).
  const v1 = await V2Client.open(sim.urls.wsPublic);
  clients.push(v1);
  await v1.next((m) => m?.event === 'systemStatus', 'v1 status');
  const res = await fetch(`${sim.urls.control}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ garbageFrames: 2 }),
  });
  assert.equal(res.status, 200);
  const garbage = (c: V2Client): number => c.msgs.filter((m) => m?.unparsable !== undefined).length;
  await pub.until(() => garbage(pub) >= 2, 'garbage on v2');
  await v1.until(() => garbage(v1) >= 2, 'garbage on v1');
});

// Works from the sources (tsx) and from dist/test/sim/ws/v2/ (compiled): same relative place.
const fromTs = import.meta.url.endsWith('.ts');
const cliPath = fileURLToPath(new URL(`../../../../src/sim/cli.${fromTs ? 'ts' : 'js'}`, import.meta.url));

test('the CLI ready line names the v2 endpoints, and they answer', async (t) => {
  const args = [
    ...(fromTs ? ['--import', 'tsx'] : []),
    cliPath,
    '--port',
    '0',
    '--seed',
    '4',
    '--coins',
    '2',
    '--rate',
    '20',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const kill = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  const clients: V2Client[] = [];
  t.after(async () => {
    clearTimeout(kill);
    await Promise.all(clients.map((c) => c.close()));
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const end = Date.now() + DEADLINE_MS;
  while (!out.includes('\n')) {
    if (child.exitCode !== null) throw new Error(`CLI exited early: ${err}`);
    if (Date.now() > end) throw new Error('CLI did not print its line');
    await new Promise((r) => setTimeout(r, 20));
  }
  const info = JSON.parse(out.slice(0, out.indexOf('\n'))) as Record<string, string>;
  assert.deepEqual(Object.keys(info), [
    'rest',
    'wsPublic',
    'wsPrivate',
    'wsPublicV2',
    'wsPrivateV2',
    'apiKey',
    'apiSecret',
  ]);
  assert.match(info['wsPublicV2'] ?? '', /^ws:\/\/127\.0\.0\.1:\d+\/ws\/v2\/public$/);
  assert.match(info['wsPrivateV2'] ?? '', /^ws:\/\/127\.0\.0\.1:\d+\/ws\/v2\/private$/);
  for (const url of [info['wsPublicV2'], info['wsPrivateV2']]) {
    const c = await V2Client.open(url ?? '');
    clients.push(c);
    assert.equal((await c.next(isChannel('status'), `status from ${url}`)).data[0].api_version, 'v2');
    await c.close();
  }
  child.kill('SIGTERM');
  assert.equal(await exit, 0);
});
