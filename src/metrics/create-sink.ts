/**
 * Picks the one sink: InfluxDB over HTTP when a host is configured (INFLUXDB_HOST), otherwise the
 * embedded default, line-protocol files under metrics/ that `influx -import` loads later, bounded in
 * size and age.
 */
import { FileSink } from './file-sink.js';
import type { InfluxConfig } from './influx-config.js';
import { InfluxWriter } from './influx-writer.js';
import type { BatchingOptions } from './batching-sink.js';
import type { MetricsSink } from './sink.js';

export interface MetricsSinkConfig extends Omit<InfluxConfig, 'host'> {
  /** Unset or empty: write files instead. */
  readonly host?: string;
  /** Directory for the file sink; default 'metrics'. */
  readonly fileDir?: string;
  /** The file sink's bounds (file-sink.ts defaults when unset). */
  readonly fileBounds?: {
    readonly maxFileBytes: number;
    readonly maxTotalBytes: number;
    readonly maxAgeMs: number;
  };
}

export function createMetricsSink(config: MetricsSinkConfig, opts: BatchingOptions = {}): MetricsSink {
  const host = config.host?.trim();
  if (host) return new InfluxWriter({ ...config, host }, opts);
  return new FileSink({
    ...opts,
    dir: config.fileDir ?? 'metrics',
    ...config.fileBounds,
    db: config.db,
    rp: config.rp,
    precision: config.precision,
  });
}
