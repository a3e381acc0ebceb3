// InfluxWriter and FileSink against a real InfluxDB 1.x server (started here on a free port).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxWriter } from '../../src/metrics/influx-writer.js';
import { FileSink } from '../../src/metrics/file-sink.js';
import fc from 'fast-check';
import { encodePoint, int } from '../../src/metrics/line-protocol.js';
import { rows, startInfluxd, waitFor, type InfluxdServer } from '../helpers/influxd.js';
import { requireProgram } from '../helpers/prerequisites.js';

const admin = { user: 'admin', password: 'adm p&ss=?' };
const writerUser = { user: 'writer', password: 'wr#te p@ss/' };
const baseUs = 1_750_000_000_000_000;

let srv: InfluxdServer;
const logs: string[] = [];
const log = (level: string, msg: string): void => void logs.push(`${level} ${msg}`);

async function count(db: string, measurement: string): Promise<number> {
  const r = rows(await srv.query(`SELECT count(*) FROM "${measurement}"`, { db, ...admin }));
  const first = r[0];
  if (first === undefined) return 0;
  const v = Object.entries(first).find(([k]) => k.startsWith('count_'))?.[1];
  return typeof v === 'number' ? v : 0;
}

async function createDb(db: string): Promise<void> {
  await srv.query(`CREATE DATABASE "${db}"`, admin);
  await srv.query(`GRANT ALL ON "${db}" TO "${writerUser.user}"`, admin);
}

before(async () => {
  srv = await startInfluxd({ auth: true });
  await srv.query(`CREATE USER "${admin.user}" WITH PASSWORD '${admin.password}' WITH ALL PRIVILEGES`);
  await srv.query(`CREATE USER "${writerUser.user}" WITH PASSWORD '${writerUser.password}'`, admin);
});
after(async () => {
  await srv?.dispose();
});

describe('InfluxWriter against InfluxDB 1.x', () => {
  test('points are queryable with their tags and values, hostile names survive', async () => {
    await createDb('t1');
    const w = new InfluxWriter(
      { host: '127.0.0.1', port: srv.port, db: 't1', ...writerUser, precision: 'ns' },
      { log },
    );
    const hostile = ['XBT/USD', 'a b', 'c,d', 'e=f', 'g"h', "i'j", 'ü€', 'k\\l', 'm\\ n', 'o\np', 'q\\'];
    // InfluxDB 1.x cannot hold a newline in a tag, nor a backslash before a separator or at the end:
    // those are the documented, deliberate changes; everything else arrives exactly.
    const stored = ['XBT/USD', 'a b', 'c,d', 'e=f', 'g"h', "i'j", 'ü€', 'k\\l', 'm n', 'o p', 'q'];
    hostile.forEach((pair, i) =>
      w.write(
        encodePoint(
          {
            measurement: 'kraken_ingestion_latency',
            tags: { pair, listener: '0' },
            fields: {
              kraken_ts: 1750000000.5,
              ingestion_ts: 1750000000.5002,
              latency: 0.0002,
              seq: int(i),
              note: `q"\\${pair}`,
            },
            timestampUs: baseUs + i,
          },
          'ns',
        ),
      ),
    );
    await w.flush();
    const stats = await w.close();
    assert.equal(stats.written, hostile.length);
    assert.equal(stats.lastError, null);
    const r = rows(
      await srv.query('SELECT * FROM kraken_ingestion_latency ORDER BY time', { db: 't1', ...admin }),
    );
    assert.equal(r.length, hostile.length);
    r.forEach((row, i) => {
      assert.equal(row.pair, stored[i]);
      assert.equal(row.listener, '0');
      assert.equal(row.latency, 0.0002);
      assert.equal(row.seq, i);
      assert.equal(row.note, `q"\\${hostile[i]}`);
      assert.equal(row.time, baseUs + i);
    });
  });

  test('random Unicode names, tags and strings round-trip through InfluxDB as documented', async () => {
    await createDb('t6');
    // The documented changes for names and tags (line-protocol.ts); string fields must come back exactly.
    const tagAsStored = (v: string): string => v.replace(/[\r\n]/g, ' ').replace(/\\+(?=[,= ]|$)/g, '');
    // Biased towards the characters line protocol treats specially, mixed with any Unicode.
    const nasty = (c: { minLength?: number; maxLength: number }): fc.Arbitrary<string> =>
      fc.stringOf(
        fc.oneof(
          fc.constantFrom(',', '=', ' ', '\\', '"', '\n', '\r', "'", '#', '\t', 'é'),
          fc.fullUnicode(),
        ),
        c,
      );
    const samples = fc.sample(
      fc.record({ tag: nasty({ minLength: 1, maxLength: 12 }), text: nasty({ maxLength: 20 }) }),
      { numRuns: 150, seed: 20261125 },
    );
    const usable = samples.filter(
      (x) => tagAsStored(x.tag).length > 0 && !x.tag.includes('\0') && !x.text.includes('\0'),
    );
    const w = new InfluxWriter({ host: '127.0.0.1', port: srv.port, db: 't6', ...writerUser }, { log });
    usable.forEach((x, i) =>
      w.write(
        encodePoint(
          {
            measurement: 'rt',
            tags: { t: x.tag },
            fields: { s: x.text, i: int(i) },
            timestampUs: baseUs + i,
          },
          'u',
        ),
      ),
    );
    await w.flush();
    const stats = await w.close();
    assert.equal(stats.written, usable.length, stats.lastError ?? '');
    assert.equal(stats.dropped.rejected, 0, stats.lastError ?? '');
    const r = rows(await srv.query('SELECT * FROM rt ORDER BY time', { db: 't6', ...admin }));
    assert.equal(r.length, usable.length);
    for (const row of r) {
      const x = usable[row.i as number];
      assert.ok(x !== undefined);
      assert.equal(row.t, tagAsStored(x.tag), JSON.stringify(x.tag));
      assert.equal(row.s, x.text, JSON.stringify(x.text));
    }
  });

  test('batches of 2,500: 6,001 lines arrive whole', async () => {
    await createDb('t2');
    const w = new InfluxWriter({ host: '127.0.0.1', port: srv.port, db: 't2', ...writerUser }, { log });
    for (let i = 0; i < 6001; i++) w.write(`listener_loop_speed,listener=1 duration=${i} ${baseUs + i}`);
    await waitFor(() => w.stats().pending === 0, 20_000, 'writer to drain');
    const stats = await w.close();
    assert.equal(stats.written, 6001);
    assert.equal(await count('t2', 'listener_loop_speed'), 6001);
  });

  test('InfluxDB stopped mid-run: bounded drops, counted, then it catches up', async () => {
    await createDb('t3');
    const cap = 1500;
    const w = new InfluxWriter(
      { host: '127.0.0.1', port: srv.port, db: 't3', ...writerUser },
      {
        log,
        batchSize: 500,
        maxBufferedLines: cap,
        retryBaseMs: 20,
        retryMaxMs: 200,
        flushIntervalMs: 50,
        requestTimeoutMs: 2000,
      },
    );
    let n = 0;
    const writeSome = (k: number): void => {
      for (let i = 0; i < k; i++, n++) w.write(`arbitrage_evaluation_speed duration=${n} ${baseUs + n}`);
    };
    writeSome(1000);
    await waitFor(() => w.stats().written === 1000, 10_000, 'first 1000 written');
    await srv.stop();
    writeSome(500);
    await waitFor(() => w.stats().retries > 0, 10_000, 'a failed, retried write');
    writeSome(3000); // more than the buffer holds while InfluxDB is away
    const during = w.stats();
    assert.ok(during.pending <= cap + 500, `pending ${during.pending} must stay bounded`);
    assert.ok(during.dropped.buffer_full > 0);
    assert.ok(during.lastError !== null && !during.lastError.includes(writerUser.password));
    await srv.start();
    await waitFor(() => w.stats().pending === 0, 20_000, 'writer to catch up');
    const stats = await w.close();
    const dropped = stats.dropped.buffer_full + stats.dropped.rejected + stats.dropped.shutdown;
    assert.equal(stats.accepted, 4500);
    assert.equal(stats.written + dropped, 4500);
    assert.equal(await count('t3', 'arbitrage_evaluation_speed'), stats.written);
    assert.ok(logs.some((l) => l.startsWith('warn') && l.includes('failing')));
    assert.ok(logs.some((l) => l.startsWith('info') && l.includes('recovered')));
  });

  test('wrong password: batch rejected and counted, password never in errors or logs', async () => {
    const bad = 'not-the-password s3cr3t';
    const mine: string[] = [];
    const w = new InfluxWriter(
      { host: '127.0.0.1', port: srv.port, db: 't1', user: 'writer', password: bad },
      { log: (l, m) => void mine.push(`${l} ${m}`) },
    );
    w.write('m f=1');
    await w.flush();
    const stats = await w.close();
    assert.equal(stats.dropped.rejected, 1);
    assert.match(stats.lastError ?? '', /HTTP 401/);
    for (const text of [stats.lastError ?? '', ...mine]) {
      assert.ok(!text.includes(bad) && !text.includes(encodeURIComponent(bad)), text);
    }
  });

  test('a bad line in a batch: the good lines land, the bad one is counted', async () => {
    await createDb('t4');
    const w = new InfluxWriter({ host: '127.0.0.1', port: srv.port, db: 't4', ...writerUser }, { log });
    w.write('good f=1 1');
    w.write('bad line here');
    w.write('good f=2 2');
    await w.flush();
    const stats = await w.close();
    assert.equal(stats.dropped.rejected, 1);
    assert.equal(stats.written, 2);
    assert.equal(await count('t4', 'good'), 2);
  });
});

describe('FileSink', () => {
  test('rotating files that influx -import loads', async () => {
    requireProgram('influx');
    const dir = mkdtempSync(join(tmpdir(), 'kraken-arb-metrics-'));
    try {
      await createDb('t5');
      const sink = new FileSink({ dir, db: 't5', precision: 'u', maxFileBytes: 4096, batchSize: 100 });
      for (let i = 0; i < 500; i++) {
        sink.write(
          encodePoint(
            {
              measurement: 'trade_message_receive_speed',
              tags: { note: 'x y' },
              fields: { duration: i / 1e6 },
              timestampUs: baseUs + i,
            },
            'u',
          ),
        );
      }
      const stats = await sink.close();
      assert.equal(stats.written, 500);
      const files = readdirSync(dir).sort();
      assert.ok(files.length > 1, `expected rotation, got ${files.length} file(s)`);
      for (const f of files) {
        const text = readFileSync(join(dir, f), 'utf8');
        assert.ok(text.startsWith('# DML\n# CONTEXT-DATABASE: t5\n'), f);
        const r = spawnSync(
          'influx',
          [
            '-host',
            '127.0.0.1',
            '-port',
            String(srv.port),
            '-import',
            '-path',
            join(dir, f),
            '-precision',
            'u',
          ],
          {
            encoding: 'utf8',
            env: { ...process.env, INFLUX_USERNAME: admin.user, INFLUX_PASSWORD: admin.password },
          },
        );
        assert.equal(r.status, 0, `influx -import ${f}: ${r.stdout} ${r.stderr}`);
      }
      assert.equal(await count('t5', 'trade_message_receive_speed'), 500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
