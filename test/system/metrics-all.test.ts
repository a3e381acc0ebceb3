/**
 * Every measurement src/metrics/measurements.ts names reaches a real InfluxDB 1.x from the running
 * program, with its tags and fields. The program trades against the simulator while the test
 * provokes what the rarer measurements record: a sell that keeps failing (stranded inventory),
 * dropped sockets (reconnects), a rate-limited REST API (fetch failures), a killed listener (worker
 * restart), and an InfluxDB that refuses some points (points dropped: its `max-values-per-tag`
 * limit, which a busy installation meets, is set to 3, so once opportunities on three coins are
 * stored, those on a fourth coin are refused, and counted). No other tag here needs more than
 * three values, and InfluxDB checks the limit against what it held before each write.
 *
 * The list of measurements comes from measurements.ts itself: a measurement added there without
 * wiring it into the program, or without saying here what it carries, fails this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as measurements from '../../src/metrics/measurements.js';
import { rows, startInfluxd } from '../helpers/influxd.js';
import type { VenueEvent } from '../../src/sim/contracts.js';
import { startSystem, type SystemRun } from './harness.js';
import { EXIT_DEADLINE_MS, only } from './checks.js';

const DB = 'arb_all_measurements';
const LISTENERS = 2;
const MAX_VALUES_PER_TAG = 3;

interface Expected {
  readonly tags: readonly string[];
  readonly fields: readonly string[];
  /** Tag values that must all be present. */
  readonly tagValues?: Readonly<Record<string, readonly (string | RegExp)[]>>;
}

const EXPECTED: Readonly<Record<string, Expected>> = {
  kraken_ingestion_latency: { tags: ['listener', 'pair'], fields: ['kraken_ts', 'ingestion_ts', 'latency'] },
  arbitrage_evaluation_speed: { tags: ['listener'], fields: ['duration'] },
  listener_loop_speed: { tags: ['listener'], fields: ['duration'], tagValues: { listener: ['0', '1'] } },
  trade_message_receive_speed: {
    tags: ['listener'],
    fields: ['duration'],
    tagValues: { listener: ['trader'] },
  },
  arbitrage_opportunity: {
    tags: ['pair1', 'pair2', 'direction', 'listener'],
    fields: ['roi', 'pair1_ask', 'pair2_bid', 'usdt_usd_bid', 'usdt_eur_ask', 'limiting_volume', 'fee'],
  },
  arbitrage_opportunity_dropped: { tags: ['reason', 'listener'], fields: ['count'] },
  trade: {
    tags: ['status', 'buy_pair', 'sell_pair', 'mode'],
    fields: ['trade_id', 'bought_volume', 'sold_volume', 'pnl_usd', 'pnl_eur', 'decision_to_send', 'reason'],
    tagValues: { status: ['sold', 'stranded'], mode: ['trade'] },
  },
  stranded_inventory: { tags: ['asset'], fields: ['volume', 'trade_id'] },
  websocket_reconnect: {
    tags: ['socket'],
    fields: ['count', 'downtime'],
    tagValues: { socket: ['private', /^listener-\d$/] },
  },
  worker_restart: {
    tags: ['worker', 'reason'],
    fields: ['count', 'exit_code'],
    tagValues: { worker: ['listener-0'] },
  },
  fetch_failure: {
    tags: ['endpoint', 'code'],
    fields: ['count'],
    tagValues: { endpoint: ['BalanceEx'], code: [/Rate limit/] },
  },
  metric_points_dropped: {
    tags: ['sink', 'reason'],
    fields: ['count'],
    tagValues: { sink: ['influx'], reason: ['rejected'] },
  },
};

const logCount = (run: SystemRun, msg: string): number =>
  run.logRecords().filter((r) => r['msg'] === msg).length;

/** A sold trade, then one whose only sell is refused (SELL_RETRIES=0): stranded. */
async function soldThenStranded(run: SystemRun): Promise<string> {
  const sold = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 10_000);
  assert.equal(only(await run.waitOutcome(sold.tradeId, 8_000), 'outcome')['status'], 'sold');
  let armed = true;
  const off = run.sim.venue.onEvent((ev: VenueEvent) => {
    if (armed && ev.kind === 'trade' && ev.trade.type === 'buy') {
      armed = false;
      run.sim.faults.rejectNextOrder = 'EService:Unavailable';
    }
  });
  try {
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 10_000);
    const rec = await run.waitOutcome(intent.tradeId, 8_000);
    assert.equal(only(rec, 'outcome')['status'], 'stranded');
    return String(intent['base']);
  } finally {
    off();
  }
}

/** Opportunities on one new coin after another until the program logs a write InfluxDB refused. */
async function untilPointsRefused(run: SystemRun): Promise<void> {
  const refused = (): true | undefined =>
    run.logHas((r) => /refused a metrics batch of \d+ lines/.test(String(r['msg']))) ? true : undefined;
  await run.dislocateUntil(
    { direction: 'usd-to-eur', leg: 'buy' },
    refused,
    30_000,
    'a refused metrics write',
  );
}

/** The venue's count of one private REST method's calls. */
async function privateCallCount(run: SystemRun, method: string): Promise<number> {
  const counters = (await run.control('/counters'))['counters'] as Record<string, number>;
  return counters[`rest.private.${method}`] ?? 0;
}

async function dropSockets(run: SystemRun): Promise<void> {
  const feeds = logCount(run, 'feed online');
  const privateOpens = logCount(run, 'private socket open');
  const tokens = await privateCallCount(run, 'GetWebSocketsToken');
  await run.faults({ dropConnections: 'all' });
  await run.waitFor(
    async () =>
      logCount(run, 'feed online') >= feeds + LISTENERS &&
      logCount(run, 'private socket open') > privateOpens &&
      // The socket opens before its token is asked for: a token call still to come would meet the
      // rate limit of the next step, fill the shared call counter and keep the balance poll waiting.
      (await privateCallCount(run, 'GetWebSocketsToken')) > tokens,
    15_000,
    'every socket back after the drop, the private one with a new token',
  );
}

async function rateLimitRest(run: SystemRun): Promise<void> {
  const failures = logCount(run, 'balance fetch failed');
  const errorsSince = (): string[] =>
    run
      .logRecords()
      .filter((r) => r['msg'] === 'balance fetch failed')
      .slice(failures)
      .map((r) => String(r['error']));
  const privateCalls = async (): Promise<string> => {
    const counters = (await run.control('/counters'))['counters'] as Record<string, number>;
    return JSON.stringify(Object.entries(counters).filter(([k]) => k.startsWith('rest.private.')));
  };
  const callsBefore = await privateCalls();
  run.sim.faults.rateLimited = true;
  try {
    // A poll gives up at the fetcher's deadline (10 s, FETCH_DEADLINE_MS) with Kraken's last answer,
    // however long the shared call counter kept it waiting; 45 s is ample.
    await run
      .waitFor(() => errorsSince().length > 0, 45_000, 'a failed balance fetch')
      .catch(async (err: unknown) => {
        throw new Error(
          `${String(err)}\nprivate REST calls before: ${callsBefore}\nafter: ${await privateCalls()}`,
        );
      });
    // Only the fetcher calls in this window (trading is stopped, the token is fetched), so its poll
    // reaches Kraken and fails with Kraken's answer. Once in CI (ddf6f3e) it failed with none
    // (FETCH_DEADLINE), which a token call still due after the drop explains; what the venue saw
    // meanwhile tells whether another caller kept the counter full.
    const first = errorsSince()[0] ?? '';
    assert.match(
      first,
      /Rate limit/,
      `the poll failed without Kraken's answer; private REST calls before: ${callsBefore}, after: ${await privateCalls()}`,
    );
  } finally {
    run.sim.faults.rateLimited = false;
  }
}

test('every named measurement reaches InfluxDB from the running program, with its tags and fields', async (t) => {
  const influx = await startInfluxd({ maxValuesPerTag: MAX_VALUES_PER_TAG });
  t.after(() => influx.dispose());
  await influx.query(`CREATE DATABASE ${DB}`, { method: 'POST' });
  const run = await startSystem(t, {
    args: ['--trade'],
    env: {
      INFLUXDB_HOST: influx.host,
      INFLUXDB_PORT: String(influx.port),
      DB_NAME: DB,
      SELL_RETRIES: '0',
      // Balances every 2 s, so the rate-limited window sees a poll soon.
      KRAKEN_API_TIER: 'pro',
    },
  });
  await run.waitReady(LISTENERS, true);
  const strandedAsset = await soldThenStranded(run);
  await untilPointsRefused(run);
  await dropSockets(run);
  await rateLimitRest(run);
  run.child.kill('SIGUSR2');
  await run.waitFor(
    () => run.logHas((r) => r['msg'] === 'worker died; restarting'),
    10_000,
    'the killed listener restarted',
  );
  await run.waitFor(
    () => logCount(run, 'feed online') >= 2 * LISTENERS + 1,
    10_000,
    'the restarted feed online',
  );
  run.child.kill('SIGTERM');
  const exit = await run.waitExit(EXIT_DEADLINE_MS);
  assert.deepEqual(exit, { code: 0, signal: null }, run.describe());

  const named = Object.entries(measurements)
    .filter(([k, v]) => k.startsWith('M_') && typeof v === 'string')
    .map(([, v]) => v as string);
  assert.ok(named.length >= 12, `measurements named: ${named.join(', ')}`);
  const keys = async (statement: string, column: string): Promise<string[]> =>
    rows(await influx.query(statement, { db: DB })).map((r) => String(r[column]));
  for (const m of named) {
    const want = EXPECTED[m];
    assert.ok(
      want !== undefined,
      `${m} is named in measurements.ts but this test does not say what it carries`,
    );
    const counts = rows(await influx.query(`SELECT count(*) FROM "${m}"`, { db: DB }))[0] ?? {};
    const n = Math.max(0, ...Object.values(counts).map((v) => (typeof v === 'number' ? v : 0)));
    assert.ok(n > 0, `no ${m} points in InfluxDB${run.describe()}`);
    const tags = await keys(`SHOW TAG KEYS FROM "${m}"`, 'tagKey');
    for (const tag of want.tags)
      assert.ok(tags.includes(tag), `${m}: tag ${tag} missing (has ${tags.join(',')})`);
    const fields = await keys(`SHOW FIELD KEYS FROM "${m}"`, 'fieldKey');
    for (const f of want.fields)
      assert.ok(fields.includes(f), `${m}: field ${f} missing (has ${fields.join(',')})`);
    for (const [tag, values] of Object.entries(want.tagValues ?? {})) {
      const seen = await keys(`SHOW TAG VALUES FROM "${m}" WITH KEY = "${tag}"`, 'value');
      for (const v of values)
        assert.ok(
          seen.some((s) => (typeof v === 'string' ? s === v : v.test(s))),
          `${m}: no ${tag}=${String(v)} (seen ${seen.join(',')})`,
        );
    }
  }
  // Drop reasons are drops, never counts of work done.
  const reasons = await keys(
    'SHOW TAG VALUES FROM "arbitrage_opportunity_dropped" WITH KEY = "reason"',
    'value',
  );
  assert.ok(!reasons.some((r) => ['updates', 'published', 'reconnects'].includes(r)), reasons.join(','));
  const stranded = rows(await influx.query('SELECT * FROM "stranded_inventory"', { db: DB }));
  assert.ok(
    stranded.some((r) => r['asset'] === strandedAsset && Number(r['volume']) > 0),
    JSON.stringify(stranded),
  );
  // The summary still ends the run as every system test expects (SIGTERM instead of --duration).
  assert.match(run.stdout, /Run summary \(trade mode/);
});
