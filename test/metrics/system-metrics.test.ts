/**
 * The running program's metrics land in a real InfluxDB 1.x: the original system's measurements
 * (docs/design-decisions.md §1) with their
 * tags, written by the real binary in trade mode against the simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rows, startInfluxd } from '../helpers/influxd.js';
import { runDemo } from '../helpers/run-demo.js';

const DB = 'arb_system_test';
const RUN_SECONDS = 10;

test('the running system writes its measurements, tagged, to InfluxDB', async (t) => {
  const influx = await startInfluxd();
  t.after(() => influx.dispose());
  await influx.query(`CREATE DATABASE ${DB}`, { method: 'POST' });
  const { code, output: out } = await runDemo(t, RUN_SECONDS, {
    INFLUXDB_HOST: influx.host,
    INFLUXDB_PORT: String(influx.port),
    DB_NAME: DB,
  });
  assert.equal(code, 0, out.slice(-2000));

  const count = async (measurement: string): Promise<number> => {
    const r = rows(await influx.query(`SELECT count(*) FROM "${measurement}"`, { db: DB }));
    const first = r[0] ?? {};
    return Math.max(
      0,
      ...Object.entries(first)
        .filter(([k]) => k.startsWith('count_'))
        .map(([, v]) => Number(v)),
    );
  };
  assert.ok((await count('kraken_ingestion_latency')) > 100, 'ingestion latency points');
  assert.ok((await count('arbitrage_evaluation_speed')) > 0, 'evaluation speed points');
  assert.ok((await count('arbitrage_opportunity')) > 0, 'opportunity points');
  assert.ok((await count('trade')) > 0, `trade points (program output: ${out.slice(-500)})`);

  const pairs = rows(
    await influx.query('SHOW TAG VALUES FROM "kraken_ingestion_latency" WITH KEY = "pair"', { db: DB }),
  ).map((r) => r.value);
  assert.ok(
    pairs.includes('USDT/USD') && pairs.includes('USDT/EUR'),
    `pair tags: ${pairs.slice(0, 10).join(',')}`,
  );
  const opp = rows(await influx.query('SELECT * FROM "arbitrage_opportunity" LIMIT 1', { db: DB }))[0] ?? {};
  assert.match(String(opp.pair1), /\/(USD|EUR)$/);
  assert.match(String(opp.pair2), /\/(USD|EUR)$/);
  assert.ok(Number(opp.roi) > 1, `roi ${String(opp.roi)}`);
  const lat =
    rows(await influx.query('SELECT * FROM "kraken_ingestion_latency" LIMIT 1', { db: DB }))[0] ?? {};
  assert.ok(
    Number.isFinite(Number(lat.latency)) &&
      Number.isFinite(Number(lat.kraken_ts)) &&
      Number.isFinite(Number(lat.ingestion_ts)),
  );
});
