// MetricsRecorder (worker side) → transfer → MetricsHub (main side) → line protocol in a sink.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsHub } from '../../src/metrics/metrics-hub.js';
import { MetricsRecorder, TRADER_RECORDER_SOURCE, type RecorderBatch } from '../../src/metrics/recorder.js';
import { createMetricsSink } from '../../src/metrics/create-sink.js';
import { InfluxWriter } from '../../src/metrics/influx-writer.js';
import { FileSink } from '../../src/metrics/file-sink.js';
import type { Precision } from '../../src/metrics/line-protocol.js';
import type { MetricsSink, MetricsSinkStats } from '../../src/metrics/sink.js';
import {
  DIR_EUR_TO_USD,
  LIMIT_BALANCE,
  OPP_BUY_ASK,
  OPP_BUY_PAIR,
  OPP_DIRECTION,
  OPP_EVAL_NOW_US,
  OPP_LIMITED_BY,
  OPP_LISTENER,
  OPP_ROI,
  OPP_SELL_BID,
  OPP_SELL_PAIR,
  OPP_VOLUME,
  OPPORTUNITY_FIELDS,
} from '../../src/core/opportunity.js';

class MemorySink implements MetricsSink {
  readonly kind = 'influx' as const;
  readonly lines: string[] = [];
  dropped = { buffer_full: 0, rejected: 0, shutdown: 0 };
  constructor(readonly precision: Precision = 'u') {}
  write(line: string): void {
    this.lines.push(line);
  }
  async flush(): Promise<void> {}
  async close(): Promise<MetricsSinkStats> {
    return this.stats();
  }
  stats(): MetricsSinkStats {
    return {
      accepted: this.lines.length,
      written: this.lines.length,
      dropped: this.dropped,
      retries: 0,
      pending: 0,
      lastError: null,
    };
  }
}

const names = ['USDT/USD', 'USDT/EUR', 'SOL/USD', 'SOL/EUR', 'A B,C=D'];
const pairName = (i: number): string | undefined => names[i];
const t0 = 1_750_000_000_000_000;

describe('MetricsRecorder → MetricsHub', () => {
  test("records cross a MessageChannel as one transferred buffer and become the original system's measurements", async () => {
    const rec = new MetricsRecorder({ source: 2 });
    rec.ingestion(2, (t0 - 1500) / 1e6, t0); // 1.5 ms behind Kraken's clock
    rec.ingestion(4, (t0 + 1000) / 1e6 - 0.0002, t0 + 1000);
    rec.evaluationFrom(Float64Array.of(t0 + 10, 3.5), 0);
    rec.loopSampleFrom(Float64Array.of(t0 + 20, 12), 0);
    rec.tradeMessageReceive(t0 + 30, 40);
    const payload = new Float64Array(OPPORTUNITY_FIELDS + 5);
    const off = 5;
    payload[off + OPP_DIRECTION] = DIR_EUR_TO_USD;
    payload[off + OPP_BUY_PAIR] = 3;
    payload[off + OPP_SELL_PAIR] = 2;
    payload[off + OPP_ROI] = 1.0042;
    payload[off + OPP_VOLUME] = 1.25;
    payload[off + OPP_LIMITED_BY] = LIMIT_BALANCE;
    payload[off + OPP_BUY_ASK] = 150.5;
    payload[off + OPP_SELL_BID] = 170.25;
    payload[off + OPP_EVAL_NOW_US] = t0 + 40;
    payload[off + OPP_LISTENER] = 2;
    rec.opportunity(payload, off);
    assert.equal(rec.pending, 6);

    const batch = rec.takeBatch();
    assert.ok(batch !== null);
    assert.equal(rec.pending, 0);
    assert.equal(rec.takeBatch(), null);
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<unknown>((r) => port2.once('message', r));
    port1.postMessage({ type: 'metrics', batch }, [batch.data.buffer]);
    assert.equal(batch.data.length, 0); // transferred, not copied
    const msg = (await received) as { batch: RecorderBatch };
    port1.close();
    port2.close();

    const sink = new MemorySink();
    const hub = new MetricsHub({ sink, pairName, reportIntervalMs: 3_600_000 });
    hub.acceptBatch(msg.batch);
    await hub.close();
    const [ing1, ing2, ev, loop, trade, opp] = sink.lines;
    assert.equal(
      ing1,
      `kraken_ingestion_latency,listener=2,pair=SOL/USD ingestion_ts=1750000000,kraken_ts=1749999999.9985,latency=0.0015 ${t0}`,
    );
    assert.match(
      ing2 ?? '',
      /^kraken_ingestion_latency,listener=2,pair=A\\ B\\,C\\=D ingestion_ts=1750000000.001,kraken_ts=[\d.]+,latency=0\.000[12]\d* 1750000000001000$/,
    );
    assert.equal(ev, `arbitrage_evaluation_speed,listener=2 duration=0.0000035 ${t0 + 10}`);
    assert.equal(loop, `listener_loop_speed,listener=2 duration=0.000012 ${t0 + 20}`);
    assert.equal(trade, `trade_message_receive_speed,listener=2 duration=0.00004 ${t0 + 30}`);
    assert.match(
      opp ?? '',
      /^arbitrage_opportunity,direction=eur_to_usd,listener=2,pair1=SOL\/EUR,pair2=SOL\/USD /,
    );
    assert.match(opp ?? '', /[ ,]pair1_ask=150\.5[, ]/);
    assert.match(opp ?? '', /[ ,]pair2_bid=170\.25[, ]/);
    assert.match(opp ?? '', /[ ,]roi=1\.0042[, ]/);
    assert.match(opp ?? '', /[ ,]limiting_volume=1\.25[, ]/);
    assert.match(opp ?? '', /[ ,]volume_limited_by_balance=t[, ]/);
    assert.ok(opp?.endsWith(` ${t0 + 40}`));
  });

  test('a full section drops the newest records and the count is reported as metric_points_dropped', async () => {
    const rec = new MetricsRecorder({ source: 0, speedCapacity: 4, evaluationSampleEvery: 1 });
    for (let i = 0; i < 10; i++) rec.evaluationFrom(Float64Array.of(t0 + i, 1), 0);
    assert.equal(rec.droppedTotal, 6);
    const sink = new MemorySink();
    const hub = new MetricsHub({ sink, pairName, reportIntervalMs: 3_600_000, nowUs: () => t0 });
    hub.acceptBatch(rec.takeBatch());
    sink.dropped.buffer_full = 3;
    hub.reportDrops();
    hub.reportDrops(); // nothing new: nothing written
    assert.equal(sink.lines.filter((l) => l.startsWith('arbitrage_evaluation_speed')).length, 4);
    const drops = sink.lines.filter((l) => l.startsWith('metric_points_dropped'));
    assert.deepEqual(drops.sort(), [
      `metric_points_dropped,reason=buffer_full,sink=influx count=3i ${t0}`,
      `metric_points_dropped,reason=recorder_full,sink=recorder count=6i ${t0}`,
    ]);
    await hub.close();
  });

  test('sampling keeps one in N', () => {
    const rec = new MetricsRecorder({ source: 0, evaluationSampleEvery: 10, loopSampleEvery: 5 });
    for (let i = 0; i < 100; i++) {
      rec.evaluationFrom(Float64Array.of(t0 + i, 1), 0);
      if (rec.loopDue()) rec.loopSampleFrom(Float64Array.of(t0 + i, 1), 0);
    }
    assert.equal(rec.pending, 10 + 20);
  });

  test('loopDue() picks one loop in N; loopSampleFrom() records it from a typed array', () => {
    const rec = new MetricsRecorder({ source: 1, loopSampleEvery: 4 });
    const due = Array.from({ length: 12 }, () => rec.loopDue());
    assert.deepEqual(
      due.map((d, i) => (d ? i : -1)).filter((i) => i >= 0),
      [3, 7, 11],
    );
    rec.loopSampleFrom(Float64Array.of(0, t0 + 5, 17), 1);
    const sink = new MemorySink();
    const hub = new MetricsHub({ sink, pairName, reportIntervalMs: 3_600_000 });
    hub.acceptBatch(rec.takeBatch());
    assert.deepEqual(sink.lines, [`listener_loop_speed,listener=1 duration=0.000017 ${t0 + 5}`]);
  });

  test("the trader's recorder tags its hand-off timings listener=trader", () => {
    const rec = new MetricsRecorder({ source: TRADER_RECORDER_SOURCE });
    rec.tradeMessageReceive(t0, 42);
    const sink = new MemorySink();
    const hub = new MetricsHub({ sink, pairName, reportIntervalMs: 3_600_000 });
    hub.acceptBatch(rec.takeBatch());
    assert.deepEqual(sink.lines, [`trade_message_receive_speed,listener=trader duration=0.000042 ${t0}`]);
  });

  test('the live views see every ingestion latency and opportunity the hub encodes', () => {
    const seen: number[] = [];
    const rois: number[] = [];
    const sink = new MemorySink();
    const hub = new MetricsHub({
      sink,
      pairName,
      reportIntervalMs: 3_600_000,
      onIngestion: (us) => seen.push(us),
      onOpportunity: (o) => rois.push(o.roi),
    });
    const rec = new MetricsRecorder({ source: 0 });
    rec.ingestion(2, (t0 - 1500) / 1e6, t0);
    rec.ingestion(99, 1, t0); // unknown pair: invalid, not seen
    const payload = new Float64Array(OPPORTUNITY_FIELDS);
    payload[OPP_BUY_PAIR] = 2;
    payload[OPP_SELL_PAIR] = 3;
    payload[OPP_ROI] = 1.003;
    payload[OPP_EVAL_NOW_US] = t0;
    rec.opportunity(payload, 0);
    hub.acceptBatch(rec.takeBatch());
    assert.equal(seen.length, 1);
    assert.ok(Math.abs((seen[0] ?? 0) - 1500) < 1e-3, String(seen[0]));
    assert.deepEqual(rois, [1.003]);
  });

  test('bad batches and bad records are counted, never thrown', async () => {
    const sink = new MemorySink();
    const hub = new MetricsHub({ sink, pairName, reportIntervalMs: 3_600_000 });
    for (const bad of [
      null,
      42,
      'x',
      {},
      { kind: 'kraken-arb-metrics', data: new Float64Array(3) },
      { kind: 'kraken-arb-metrics', data: new Float64Array([1, 0, 0, 5, 0, 0, 0, 0]) },
    ]) {
      hub.acceptBatch(bad);
    }
    const rec = new MetricsRecorder({ source: 0 });
    rec.ingestion(99, 1, t0); // unknown pair
    rec.evaluationFrom(Float64Array.of(t0, Number.NaN), 0);
    rec.opportunity(new Float64Array(3), 0); // too short: dropped at the recorder
    hub.acceptBatch(rec.takeBatch());
    assert.equal(sink.lines.length, 0);
    assert.equal(hub.droppedCounts().invalid, 6 + 2);
    assert.equal(hub.droppedCounts().recorder_full, 1);
    hub.trade(
      {
        tradeId: 't1',
        status: 'sold',
        buyPair: 'SOL/USD',
        sellPair: 'SOL/EUR',
        boughtVolume: 1,
        soldVolume: 1,
        pnlUsd: 0.12,
        pnlEur: 0,
        strandedVolume: 0,
        strandedAsset: 'SOL',
        strandedValueUsd: 0,
        dustVolume: 0,
        decisionToSendUs: 35,
      },
      t0,
    );
    assert.equal(
      sink.lines[0],
      `trade,buy_pair=SOL/USD,mode=evaluation,sell_pair=SOL/EUR,status=sold trade_id="t1",bought_volume=1,sold_volume=1,pnl_usd=0.12,pnl_eur=0,stranded_volume=0,decision_to_send=0.000035 ${t0}`,
    );
    await hub.close();
  });

  test('createMetricsSink: InfluxDB with a host, files under metrics/ without', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kraken-arb-sink-'));
    try {
      const w = createMetricsSink({ host: '127.0.0.1', port: 1, db: 'd' });
      assert.ok(w instanceof InfluxWriter);
      await w.close(10);
      const f = createMetricsSink({ host: '  ', db: 'd', fileDir: dir });
      assert.ok(f instanceof FileSink);
      f.write('m f=1 1');
      const stats = await f.close();
      assert.equal(stats.written, 1);
      assert.equal(readdirSync(dir).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
