/**
 * The main thread's side of metrics: the sink (InfluxDB, or bounded files), the hub every worker's
 * batches go through, the run's ingestion latency and the live status the operator surfaces show.
 * Ingestion is kept apart for a listener's start-up (until every pair of it is online and quoted
 * once): the first quote of each pair after subscribing carries the time that quote was set,
 * seconds back for a quiet pair, which is the quote's age, not the time it took to arrive.
 */
import type { Config } from '../config/config.js';
import type { PairUniverse } from '../core/pair-universe.js';
import type { SharedState } from '../engine/shared/shared-state.js';
import type { Logger } from '../log/logger.js';
import { createMetricsSink } from '../metrics/create-sink.js';
import { MetricsHub } from '../metrics/metrics-hub.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import { LiveStatus } from '../control/live-status.js';

export interface RunMetrics {
  readonly hub: MetricsHub;
  /** After each listener's start-up. */
  readonly ingestion: LatencyHistogram;
  /** During a listener's start-up. */
  readonly ingestionStartup: LatencyHistogram;
  readonly live: LiveStatus;
}

export function startRunMetrics(
  config: Config,
  simulated: boolean,
  universe: PairUniverse,
  shared: SharedState,
  log: Logger,
  startupOver: (listener: number) => boolean,
): RunMetrics {
  const logAt = (level: string, msg: string): void =>
    log[level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'info'](msg);
  const sink = createMetricsSink(
    {
      host: config.influx.host ?? undefined,
      port: config.influx.port,
      protocol: config.influx.protocol,
      db: config.influx.db,
      user: config.influx.user ?? undefined,
      password: config.influx.password ?? undefined,
      fileDir: config.paths.metricsDir,
      fileBounds: {
        maxFileBytes: config.bounds.metricsFileMaxBytes,
        maxTotalBytes: config.bounds.metricsMaxTotalBytes,
        maxAgeMs: config.bounds.metricsMaxAgeMs,
      },
    },
    { log: logAt },
  );
  const ingestion = new LatencyHistogram();
  const ingestionStartup = new LatencyHistogram();
  const live = new LiveStatus(shared);
  const hub = new MetricsHub({
    sink,
    pairName: (i) => universe.pairs[i]?.wsname,
    mode: `${config.mode}${simulated ? '-sim' : ''}`,
    log: logAt,
    onIngestion: (us, listener) => {
      if (!startupOver(listener)) {
        ingestionStartup.record(us);
        return;
      }
      ingestion.record(us);
      live.onIngestion(us);
    },
    onOpportunity: (o) => live.onOpportunity(o.direction, o.roi),
  });
  return { hub, ingestion, ingestionStartup, live };
}
