// scripts/setup_influxdb.sh against a real InfluxDB 1.x with auth on: idempotent, env beats .env,
// RP_NAME becomes the default, and the continuous queries aggregate what the writer writes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxWriter } from '../../src/metrics/influx-writer.js';
import { MetricsHub } from '../../src/metrics/metrics-hub.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { latencyMeasurements } from '../../src/metrics/measurements.js';
import { rows, startInfluxd, type InfluxdServer } from '../helpers/influxd.js';
import { requireProgram } from '../helpers/prerequisites.js';

const script = join(process.cwd(), 'scripts', 'setup_influxdb.sh');
const admin = { user: 'arb_admin', password: 'adm\'in "pw" $x' };
const regular = { user: 'arb_user', password: 'us er&pw=1' };
let srv: InfluxdServer;
let dir: string;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    INFLUXDB_HOST: '127.0.0.1',
    INFLUXDB_PORT: String(srv.port),
    DB_NAME: 'arb_env',
    DB_ADMIN_USER: admin.user,
    DB_ADMIN_PASSWORD: admin.password,
    DB_USER: regular.user,
    DB_PASSWORD: regular.password,
    ...extra,
  };
}

function runSetup(args: string[], e: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const r = spawnSync('bash', [script, '--env-file', join(dir, '.env'), ...args], {
    encoding: 'utf8',
    env: e,
    timeout: 60_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

before(async () => {
  // The script talks to InfluxDB with curl.
  requireProgram('curl');
  srv = await startInfluxd({ auth: true });
  dir = mkdtempSync(join(tmpdir(), 'kraken-arb-setup-'));
  // The file says arb_file and 1d; the environment's DB_NAME must win, RP_* come from the file.
  writeFileSync(
    join(dir, '.env'),
    ['# settings', 'DB_NAME=arb_file', 'RP_NAME="arb_rp"', "RP_DURATION='7d'", ''].join('\n'),
  );
});
after(async () => {
  await srv?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const A = (): { user: string; password: string } => admin;

describe('setup_influxdb.sh', () => {
  test('runs twice cleanly; env wins over .env; users, default RP and CQs exist; no password printed', async () => {
    const first = runSetup([], env());
    assert.equal(first.status, 0, first.out);
    const second = runSetup([], env());
    assert.equal(second.status, 0, second.out);
    for (const out of [first.out, second.out]) {
      assert.ok(!out.includes(admin.password) && !out.includes(regular.password), out);
    }
    const dbs = rows(await srv.query('SHOW DATABASES', A())).map((r) => r.name);
    assert.ok(dbs.includes('arb_env'));
    assert.ok(!dbs.includes('arb_file'));
    const users = rows(await srv.query('SHOW USERS', A()));
    assert.deepEqual(users.find((u) => u.user === admin.user)?.admin, true);
    assert.deepEqual(users.find((u) => u.user === regular.user)?.admin, false);
    const grants = rows(await srv.query(`SHOW GRANTS FOR "${regular.user}"`, A()));
    assert.deepEqual(grants, [{ database: 'arb_env', privilege: 'ALL PRIVILEGES' }]);
    const rps = rows(await srv.query('SHOW RETENTION POLICIES ON arb_env', A()));
    const rp = rps.find((r) => r.name === 'arb_rp');
    assert.equal(rp?.default, true);
    assert.equal(rp?.duration, '168h0m0s');
    const cqs = rows(await srv.query('SHOW CONTINUOUS QUERIES', A())).filter(
      (r) => typeof r.name === 'string',
    );
    const names = cqs.map((r) => r.name).sort();
    assert.deepEqual(names, latencyMeasurements.map((m) => `cq_${m.measurement}_aggregates`).sort());
    for (const m of latencyMeasurements) {
      // InfluxDB quotes keywords such as "duration" in what it shows; compare without quotes.
      const q = String(cqs.find((r) => r.name === `cq_${m.measurement}_aggregates`)?.query).replace(/"/g, '');
      assert.ok(q.includes(`FROM arb_env.arb_rp.${m.measurement}`), q);
      assert.ok(q.includes(`INTO arb_env.arb_rp.${m.measurement}_aggregates`), q);
      assert.ok(q.includes(`percentile(${m.field}, 99) AS p99_${m.field}`), q);
      assert.ok(q.includes(`count(${m.field}) AS count_${m.field}`), q);
      assert.ok(q.endsWith(m.groupBy ? `GROUP BY time(5m), ${m.groupBy} END` : 'GROUP BY time(5m) END'), q);
    }
  });

  test('wrong admin password fails clearly without printing it', () => {
    const r = runSetup([], env({ DB_ADMIN_PASSWORD: 'wrong-secret-pw' }));
    assert.notEqual(r.status, 0);
    assert.match(r.out, /authenticating as arb_admin/);
    assert.ok(!r.out.includes('wrong-secret-pw'));
  });

  test('missing settings are all named at once', () => {
    const r = runSetup([], { PATH: process.env.PATH, INFLUXDB_PORT: String(srv.port) });
    assert.equal(r.status, 2);
    // DB_NAME comes from the .env file here
    assert.match(r.out, /missing settings: DB_ADMIN_USER DB_ADMIN_PASSWORD DB_USER DB_PASSWORD/);
  });

  test('the regular user writes through the hub into the default RP; the CQ query aggregates it', async () => {
    // The writer sets no rp: points land in the database's DEFAULT policy, which must be RP_NAME.
    const sink = new InfluxWriter({ host: '127.0.0.1', port: srv.port, db: 'arb_env', ...regular });
    const hub = new MetricsHub({ sink, pairName: (i) => ['USDT/USD', 'USDT/EUR', 'XBT/USD', 'XBT/EUR'][i] });
    const rec = new MetricsRecorder({ source: 3 });
    const windowUs = 5 * 60 * 1e6;
    const startUs = (Math.floor((Date.now() * 1e3) / windowUs) - 2) * windowUs; // a whole, recent 5-minute window
    for (let i = 1; i <= 100; i++) {
      rec.ingestion(2, (startUs + i * 1000) / 1e6 - i / 1e4, startUs + i * 1000); // latency i×100 µs
      rec.evaluationFrom(Float64Array.of(startUs + i * 1000, i), 0); // i µs
    }
    hub.acceptBatch(rec.takeBatch());
    const stats = await hub.close();
    assert.equal(stats.written, 200, stats.lastError ?? '');
    const raw = rows(
      await srv.query('SELECT count(latency) FROM arb_env.arb_rp.kraken_ingestion_latency', {
        db: 'arb_env',
        ...regular,
      }),
    );
    assert.equal(raw[0]?.count, 100);

    // Backfill runs the CQs' own SELECT … INTO over existing data (a CQ would only run at the next 5-minute boundary).
    const r = runSetup(['--backfill', '1d'], env());
    assert.equal(r.status, 0, r.out);
    const agg = rows(
      await srv.query('SELECT * FROM arb_env.arb_rp.kraken_ingestion_latency_aggregates', {
        db: 'arb_env',
        ...regular,
      }),
    );
    assert.equal(agg.length, 1);
    const a = agg[0] as Record<string, number | string>;
    assert.equal(a.pair, 'XBT/USD');
    assert.equal(a.count_latency, 100);
    // Kraken's timestamps are epoch seconds in a double: about 0.2 µs of rounding in each latency.
    const near = (v: unknown, want: number): void =>
      assert.ok(Math.abs((v as number) - want) < 1e-6, `${String(v)} vs ${want}`);
    near(a.min_latency, 1e-4);
    near(a.max_latency, 1e-2);
    near(a.mean_latency, 50.5e-4);
    near(a.p01_latency, 1e-4);
    near(a.p50_latency, 50e-4);
    near(a.p99_latency, 99e-4);
    assert.equal(a.time, startUs);
    const ev = rows(
      await srv.query('SELECT * FROM arb_env.arb_rp.arbitrage_evaluation_speed_aggregates', {
        db: 'arb_env',
        ...regular,
      }),
    );
    assert.equal(ev[0]?.count_duration, 100);
    assert.ok(Math.abs((ev[0]?.p90_duration as number) - 90e-6) < 1e-12);
  });

  test('the stored continuous query itself, run over a time range, aggregates listener_loop_speed', async () => {
    const sink = new InfluxWriter({ host: '127.0.0.1', port: srv.port, db: 'arb_env', ...regular });
    const hub = new MetricsHub({ sink, pairName: () => undefined });
    const rec = new MetricsRecorder({ source: 1 });
    const windowUs = 5 * 60 * 1e6;
    const startUs = (Math.floor((Date.now() * 1e3) / windowUs) - 3) * windowUs;
    for (let i = 1; i <= 10; i++) rec.loopSampleFrom(Float64Array.of(startUs + i, i * 10), 0); // 10…100 µs
    hub.acceptBatch(rec.takeBatch());
    assert.equal((await hub.close()).written, 10);
    const cq = rows(await srv.query('SHOW CONTINUOUS QUERIES', A())).find(
      (r) => r.name === 'cq_listener_loop_speed_aggregates',
    );
    const body = /BEGIN (.*) END$/.exec(String(cq?.query))?.[1] ?? '';
    const at = body.indexOf(' GROUP BY ');
    assert.ok(at > 0, body);
    // What InfluxDB does when the CQ fires for that window: the same SELECT … INTO bounded to it.
    const ranged = `${body.slice(0, at)} WHERE time >= ${startUs}u AND time < ${startUs + windowUs}u${body.slice(at)}`;
    const res = await srv.query(ranged, { db: 'arb_env', ...A() });
    assert.equal(res[0]?.error, undefined);
    const agg = rows(
      await srv.query('SELECT * FROM arb_env.arb_rp.listener_loop_speed_aggregates', {
        db: 'arb_env',
        ...regular,
      }),
    );
    assert.equal(agg.length, 1);
    assert.equal(agg[0]?.count_duration, 10);
    assert.ok(Math.abs((agg[0]?.min_duration as number) - 10e-6) < 1e-12);
    assert.ok(Math.abs((agg[0]?.max_duration as number) - 100e-6) < 1e-12);
    assert.ok(Math.abs((agg[0]?.p50_duration as number) - 50e-6) < 1e-12);
  });

  test('a duration that is not InfluxQL is refused before anything runs', () => {
    const r = runSetup([], env({ RP_DURATION: '30d; DROP DATABASE x' }));
    assert.equal(r.status, 2);
    assert.match(r.out, /RP_DURATION must be an InfluxQL duration/);
  });

  test('--drop-database drops the data; without it the data stays', async () => {
    assert.equal(runSetup([], env()).status, 0);
    assert.equal(
      rows(
        await srv.query('SELECT count(latency) FROM kraken_ingestion_latency', { db: 'arb_env', ...A() }),
      )[0]?.count,
      100,
    );
    const r = runSetup(['--drop-database'], env());
    assert.equal(r.status, 0, r.out);
    assert.equal(
      rows(await srv.query('SELECT count(latency) FROM kraken_ingestion_latency', { db: 'arb_env', ...A() }))
        .length,
      0,
    );
    assert.equal(
      rows(await srv.query('SHOW CONTINUOUS QUERIES', A())).filter((x) => typeof x.name === 'string').length,
      latencyMeasurements.length,
    );
  });
});
