/**
 * Once a second: the live status line (in place on a terminal, every 5 s otherwise), the live
 * views and operator surfaces; every 10 s the listeners' drop counts as metrics and a status log line.
 */
import type { Config } from '../config/config.js';
import type { SharedState } from '../engine/shared/shared-state.js';
import type { Logger } from '../log/logger.js';
import type { MetricsHub } from '../metrics/metrics-hub.js';
import type { LiveStatus } from '../control/live-status.js';
import type { OperatorSurfaces } from '../control/operator-surfaces.js';
import { CounterDeltas } from '../metrics/counter-deltas.js';
import { dropColumns } from './summary/drop-columns.js';
import { readTotals, statusLine, type TradeLedger } from './summary/run-summary.js';

const STATUS_INTERVAL_MS = 1000;
const PLAIN_STATUS_INTERVAL_MS = 5000;
const STATUS_TICKS_PER_REPORT = 10;

export interface StatusTickerDeps {
  readonly mode: Config['mode'];
  readonly listeners: number;
  readonly shared: SharedState;
  readonly metrics: MetricsHub;
  readonly ledger: TradeLedger;
  readonly live: LiveStatus;
  readonly operator: OperatorSurfaces;
  readonly log: Logger;
  readonly isTty: boolean;
}

export interface StatusTicker {
  stop(): void;
  /** The drop counts since the last report, as metrics (also the last window, at shutdown). */
  writeDropDeltas(): void;
}

export function startStatusTicker(d: StatusTickerDeps): StatusTicker {
  const { shared } = d;
  const drops = dropColumns(shared.counters);
  const dropDeltas = Array.from({ length: d.listeners }, () => new CounterDeltas(drops.names, drops.columns));
  const writeDropDeltas = (): void =>
    dropDeltas.forEach((deltas, i) => d.metrics.opportunityDrops(i, deltas.take(shared.counters.row(i))));
  let lastUpdates = 0;
  let lastStatusMs = Date.now();
  let lastPlainStatusMs = 0;
  let statusTicks = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    const totals = readTotals(shared.counters);
    const rate = ((totals.updates - lastUpdates) * 1000) / Math.max(1, now - lastStatusMs);
    lastUpdates = totals.updates;
    lastStatusMs = now;
    const line = statusLine(totals, rate, d.ledger, shared.isTradingEnabled(), d.mode);
    d.live.tick();
    d.operator.publish();
    if (d.isTty) process.stdout.write('\r\x1b[K' + line);
    else if (now - lastPlainStatusMs >= PLAIN_STATUS_INTERVAL_MS) {
      process.stdout.write(line + '\n');
      lastPlainStatusMs = now;
    }
    if (++statusTicks % STATUS_TICKS_PER_REPORT === 0) {
      writeDropDeltas();
      d.log.info('status', { line });
    }
  }, STATUS_INTERVAL_MS);
  return { stop: () => clearInterval(timer), writeDropDeltas };
}
