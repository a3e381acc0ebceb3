/**
 * A wrong InfluxDB password: the first refusal is logged, the next ones are summarised once a
 * minute ("InfluxDB refused N batches in the last minute: HTTP 401 …"), and sending pauses with a
 * growing backoff (it used to log an error and send a request every second, for ever).
 * A local HTTP server answers like InfluxDB 1.x does with auth on; the clock is the test's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InfluxWriter } from '../../src/metrics/influx-writer.js';

async function authFailingServer(t: {
  after(fn: () => Promise<void>): void;
}): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"authorization failed"}\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, hits: () => hits };
}

test('401: one error line, then a pause that grows, then a summary with the count', async (t) => {
  const srv = await authFailingServer(t);
  const logs: string[] = [];
  let now = 1_000_000;
  const w = new InfluxWriter(
    { host: '127.0.0.1', port: srv.port, db: 'kraken_arb', user: 'writer', password: 'wrong-password' },
    { log: (level, m) => void logs.push(`${level} ${m}`), nowMs: () => now, flushIntervalMs: 60_000 },
  );
  t.after(() => w.close(100).then(() => undefined));
  w.write('m f=1i 1');
  await w.flush();
  assert.equal(srv.hits(), 1);
  assert.equal(logs.filter((l) => l.startsWith('error')).length, 1, logs.join('\n'));
  assert.match(
    logs[0] ?? '',
    /InfluxDB refused a metrics batch of 1 lines, 1 dropped: .*HTTP 401.*no batch for the next 1 s/,
  );
  // Paused: more lines wait in the (bounded) buffer instead of costing a request each.
  w.write('m f=2i 2');
  await w.flush();
  assert.equal(srv.hits(), 1, 'sent again during the pause');
  now += 1_000;
  await w.flush();
  assert.equal(srv.hits(), 2);
  now += 1_000; // the second pause is 2 s
  w.write('m f=3i 3');
  await w.flush();
  assert.equal(srv.hits(), 2, 'the pause did not grow');
  now += 1_000;
  await w.flush();
  assert.equal(srv.hits(), 3);
  assert.equal(logs.filter((l) => l.startsWith('error')).length, 1, 'each refusal was logged');
  // A minute later the next attempt brings the summary of the refusals since the first line.
  now += 60_000;
  w.write('m f=4i 4');
  await w.flush();
  const summary = logs.find((l) => l.includes('batches in the last minute'));
  assert.ok(summary !== undefined, logs.join('\n'));
  assert.match(summary, /^error InfluxDB refused 3 batches in the last minute: .*HTTP 401/);
  for (const l of logs) assert.ok(!l.includes('wrong-password'), l);
});
