/**
 * The main thread's one entry point for metrics: turns workers' recorder batches and the main
 * thread's own events into line protocol for the one MetricsSink, and reports what got lost
 * (recorder overflow, invalid input, sink drops) as `metric_points_dropped`. Never throws to callers.
 */
import { DIR_EUR_TO_USD, LIMIT_BALANCE, readOpportunity, type Opportunity } from '../core/opportunity.js';
import type { TradeOutcome } from '../core/trade-outcome.js';
import {
  encodePoint,
  escapeKey,
  escapeMeasurement,
  formatFloat,
  formatTimestamp,
  type Point,
} from './line-protocol.js';
import {
  fetchFailurePoint,
  M_EVALUATION_SPEED,
  M_INGESTION_LATENCY,
  M_LOOP_SPEED,
  M_OPPORTUNITY,
  M_TRADE_MESSAGE_RECEIVE_SPEED,
  opportunityDroppedPoint,
  pointsDroppedPoint,
  reconnectPoint,
  strandedInventoryPoint,
  tradePoint,
  workerRestartPoint,
} from './measurements.js';
import {
  HEADER_DOUBLES,
  recorderBatchKind,
  recorderBatchVersion,
  SEC_EVALUATION,
  SEC_INGESTION,
  SEC_LOOP,
  SEC_OPPORTUNITY,
  SEC_TRADE_RECEIVE,
  SECTION_COUNT,
  sectionStride,
  TRADER_RECORDER_SOURCE,
} from './recorder.js';
import { sinkDropReasons, type MetricsSink, type MetricsSinkStats, type SinkLog } from './sink.js';
import { epochMicros } from '../clock/clock.js';

export interface MetricsHubOptions {
  readonly sink: MetricsSink;
  /** Global pair index → wsname (e.g. `XBT/USD`); undefined for an unknown index. */
  readonly pairName: (globalIndex: number) => string | undefined;
  /** 'evaluation' | 'trade' | 'sim'…: a tag on trades, so simulated and real PnL never mix. */
  readonly mode?: string;
  /** How often drop counts are written as points. */
  readonly reportIntervalMs?: number;
  readonly nowUs?: () => number;
  readonly log?: SinkLog;
  /** Sees every ingestion record (Kraken timestamp → received, µs) as it is encoded: the live views. */
  readonly onIngestion?: (latencyUs: number, listener: number) => void;
  /** Sees every opportunity record as it is encoded. */
  readonly onOpportunity?: (o: Opportunity) => void;
}

export const defaultReportIntervalMs = 10_000;
const usPerSecond = 1e6;
const speedMeasurements: readonly string[] = [
  '',
  M_EVALUATION_SPEED,
  M_LOOP_SPEED,
  M_TRADE_MESSAGE_RECEIVE_SPEED,
];

export type HubDropReason = 'recorder_full' | 'invalid';

export class MetricsHub {
  private readonly sink: MetricsSink;
  private readonly pairName: (i: number) => string | undefined;
  private readonly mode: string;
  private readonly nowUs: () => number;
  private readonly log: SinkLog;
  private readonly timer: NodeJS.Timeout;
  /** `kraken_ingestion_latency,listener=L,pair=P ` per source and pair, escaped once. */
  private readonly ingestionPrefix = new Map<number, string>();
  private readonly speedPrefix = new Map<number, string>();
  private readonly own: Record<HubDropReason, number> = { recorder_full: 0, invalid: 0 };
  private readonly reported = new Map<string, number>();
  private closed = false;
  private readonly onIngestion: (latencyUs: number, listener: number) => void;
  private readonly onOpportunity: (o: Opportunity) => void;

  constructor(opts: MetricsHubOptions) {
    this.onIngestion = opts.onIngestion ?? (() => undefined);
    this.onOpportunity = opts.onOpportunity ?? (() => undefined);
    this.sink = opts.sink;
    this.pairName = opts.pairName;
    this.mode = opts.mode ?? 'evaluation';
    this.nowUs = opts.nowUs ?? epochMicros;
    this.log = opts.log ?? (() => undefined);
    this.timer = setInterval(() => this.reportDrops(), opts.reportIntervalMs ?? defaultReportIntervalMs);
    this.timer.unref();
  }

  /** A worker's `{ type: 'metrics', batch }` payload (from MetricsRecorder.takeBatch). Bad input is counted. */
  acceptBatch(batch: unknown): void {
    const data = validBatch(batch);
    if (data === null) {
      this.own.invalid++;
      this.log('warn', 'metrics: invalid recorder batch ignored');
      return;
    }
    const source = data[1] as number;
    this.own.recorder_full += data[2] as number;
    const precision = this.sink.precision;
    let at = HEADER_DOUBLES;
    for (let s = 0; s < SECTION_COUNT; s++) {
      const n = data[3 + s] as number;
      const stride = sectionStride[s] as number;
      for (let i = 0; i < n; i++, at += stride) {
        let line: string | null = null;
        if (s === SEC_INGESTION) line = this.ingestionLine(source, data, at, precision);
        else if (s === SEC_OPPORTUNITY) {
          const o = readOpportunity(data, at);
          line = this.opportunityLine(o);
          if (line !== null) this.onOpportunity(o);
        } else if (s === SEC_EVALUATION || s === SEC_LOOP || s === SEC_TRADE_RECEIVE)
          line = this.speedLine(s, source, data, at);
        if (line === null) this.own.invalid++;
        else this.sink.write(line);
      }
    }
  }

  trade(t: TradeOutcome, atUs = this.nowUs()): void {
    this.point(tradePoint(t, atUs, this.mode));
    if (t.strandedVolume > 0)
      this.point(strandedInventoryPoint(t.strandedAsset, t.strandedVolume, t.tradeId, atUs));
  }

  /** Counter deltas since the last call, e.g. from the listeners' shared counters, by reason name. */
  opportunityDrops(listener: number, deltas: Readonly<Record<string, number>>, atUs = this.nowUs()): void {
    for (const [reason, n] of Object.entries(deltas))
      if (n > 0) this.point(opportunityDroppedPoint(reason, listener, n, atUs));
  }

  reconnect(socket: string, count = 1, downtimeUs?: number, atUs = this.nowUs()): void {
    this.point(reconnectPoint(socket, count, atUs, downtimeUs));
  }

  workerRestart(worker: string, reason: string, exitCode: number | null, atUs = this.nowUs()): void {
    this.point(workerRestartPoint(worker, reason, exitCode, atUs));
  }

  fetchFailure(endpoint: string, code: string, atUs = this.nowUs()): void {
    this.point(fetchFailurePoint(endpoint, code, atUs));
  }

  /** Any other point (kept for the integrator's own measurements). */
  point(p: Point): void {
    try {
      this.sink.write(encodePoint(p, this.sink.precision));
    } catch (err) {
      this.own.invalid++;
      this.log(
        'warn',
        `metrics: point ${p.measurement} dropped: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /** Drops counted by the hub itself (the sink's are in sink.stats()). */
  droppedCounts(): Readonly<Record<HubDropReason, number>> {
    return { ...this.own };
  }

  /** Writes `metric_points_dropped` for every count that grew since the last report. */
  reportDrops(atUs = this.nowUs()): void {
    const s = this.sink.stats();
    const entries: [string, string, number][] = [
      ...sinkDropReasons.map((r): [string, string, number] => [this.sink.kind, r, s.dropped[r]]),
      ['recorder', 'recorder_full', this.own.recorder_full],
      ['hub', 'invalid', this.own.invalid],
    ];
    for (const [sink, reason, total] of entries) {
      const key = `${sink}/${reason}`;
      const delta = total - (this.reported.get(key) ?? 0);
      if (delta <= 0) continue;
      this.reported.set(key, total);
      this.sink.write(encodePoint(pointsDroppedPoint(sink, reason, delta, atUs), this.sink.precision));
      this.log('warn', `metrics: ${delta} points dropped (${sink}, ${reason})`);
    }
  }

  /** Final drop report, then the sink's close (bounded by timeoutMs). */
  async close(timeoutMs?: number): Promise<MetricsSinkStats> {
    if (!this.closed) {
      this.closed = true;
      clearInterval(this.timer);
      this.reportDrops();
    }
    return this.sink.close(timeoutMs);
  }

  private ingestionLine(
    source: number,
    d: Float64Array,
    at: number,
    precision: MetricsSink['precision'],
  ): string | null {
    const pair = d[at] as number;
    const krakenTs = d[at + 1] as number;
    const recvUs = d[at + 2] as number;
    if (!Number.isFinite(krakenTs) || !Number.isFinite(recvUs) || recvUs <= 0) return null;
    const key = source * 1_000_000 + pair;
    let prefix = this.ingestionPrefix.get(key);
    if (prefix === undefined) {
      const name = this.pairName(pair);
      if (name === undefined) return null;
      prefix = `${M_INGESTION_LATENCY},listener=${escapeKey(String(source))},pair=${escapeKey(name)} `;
      this.ingestionPrefix.set(key, prefix);
    }
    const latencyUs = recvUs - krakenTs * usPerSecond;
    this.onIngestion(latencyUs, source);
    const latency = latencyUs / usPerSecond;
    return `${prefix}ingestion_ts=${recvUs / usPerSecond},kraken_ts=${krakenTs},latency=${latency} ${formatTimestamp(recvUs, precision)}`;
  }

  private speedLine(section: number, source: number, d: Float64Array, at: number): string | null {
    const atUs = d[at] as number;
    const duration = formatFloat((d[at + 1] as number) / usPerSecond);
    if (duration === null || !Number.isFinite(atUs) || atUs <= 0) return null;
    const key = section * 1_000_000 + source;
    let prefix = this.speedPrefix.get(key);
    if (prefix === undefined) {
      const thread = source === TRADER_RECORDER_SOURCE ? 'trader' : String(source);
      prefix = `${escapeMeasurement(speedMeasurements[section] ?? '')},listener=${escapeKey(thread)} `;
      this.speedPrefix.set(key, prefix);
    }
    return `${prefix}duration=${duration} ${formatTimestamp(atUs, this.sink.precision)}`;
  }

  private opportunityLine(o: Opportunity): string | null {
    const pair1 = this.pairName(o.buyPair);
    const pair2 = this.pairName(o.sellPair);
    const atUs = o.evalNowUs > 0 ? o.evalNowUs : o.evalDoneUs;
    if (pair1 === undefined || pair2 === undefined || !Number.isFinite(atUs) || atUs <= 0) return null;
    const q = (prefix: string, s: Opportunity['buyQuote']): Record<string, number> => ({
      [`${prefix}_bid`]: s.bid,
      [`${prefix}_ask`]: s.ask,
      [`${prefix}_bid_volume`]: s.bidVol,
      [`${prefix}_ask_volume`]: s.askVol,
    });
    try {
      return encodePoint(
        {
          measurement: M_OPPORTUNITY,
          tags: {
            pair1,
            pair2,
            direction: o.direction === DIR_EUR_TO_USD ? 'eur_to_usd' : 'usd_to_eur',
            listener: String(o.listener),
          },
          fields: {
            ...q('pair1', o.buyQuote),
            ...q('pair2', o.sellQuote),
            ...q('usdt_usd', o.usdtUsd),
            ...q('usdt_eur', o.usdtEur),
            roi: o.roi,
            limiting_volume: o.volume,
            raw_volume: o.rawVolume,
            pair1_amount_in: o.amountIn,
            volume_limited_by_balance: o.limitedBy === LIMIT_BALANCE,
            buy_price: o.buyPrice,
            sell_price: o.sellPrice,
            fee: o.fee,
          },
          timestampUs: atUs,
        },
        this.sink.precision,
      );
    } catch {
      return null; // counted as invalid by the caller
    }
  }
}

function validBatch(batch: unknown): Float64Array | null {
  if (typeof batch !== 'object' || batch === null) return null;
  const b = batch as { kind?: unknown; data?: unknown };
  if (b.kind !== recorderBatchKind || !(b.data instanceof Float64Array)) return null;
  const d = b.data;
  if (d.length < HEADER_DOUBLES || d[0] !== recorderBatchVersion) return null;
  if (!Number.isInteger(d[1]) || !Number.isInteger(d[2]) || (d[2] as number) < 0) return null;
  let need = HEADER_DOUBLES;
  for (let s = 0; s < SECTION_COUNT; s++) {
    const n = d[3 + s] as number;
    if (!Number.isInteger(n) || n < 0) return null;
    need += n * (sectionStride[s] as number);
  }
  return need === d.length ? d : null;
}
