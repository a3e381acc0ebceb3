/**
 * Where every worker's messages land on the main thread (logs, alerts, metrics, trades, recorded
 * frames...) and what an unexpected worker exit sets off (log, metric, alert; the supervisor restarts it).
 */
import type { WriteStream } from 'node:fs';
import type { WorkerToMain } from '../engine/threads/messages.js';
import type { FileLogger } from '../log/logger.js';
import type { Notifier } from '../notify/notifier.js';
import { tradeAlert, workerRestartAlert } from '../notify/alerts.js';
import type { MetricsHub } from '../metrics/metrics-hub.js';
import type { LiveStatus } from '../control/live-status.js';
import type { TradeLedger, TraderStats } from './summary/run-summary.js';
import type { StartupCounters } from './summary/startup-counters.js';
import type { WorkerHandlers } from './run-workers.js';

export interface WorkerHubDeps {
  readonly log: FileLogger;
  readonly notifier: Notifier;
  readonly metrics: MetricsHub;
  readonly live: LiveStatus;
  readonly ledger: TradeLedger;
  readonly startup: StartupCounters;
  readonly traderStats: TraderStats;
  /** The `--record` file; null without it. */
  readonly recorder: WriteStream | null;
  say(line: string): void;
}

export function workerHub(d: WorkerHubDeps): WorkerHandlers {
  return { onMessage: (m, name) => onWorkerMessage(d, m, name), onExit: (info) => onWorkerExit(d, info) };
}

function onWorkerMessage(d: WorkerHubDeps, m: WorkerToMain, name: string): void {
  switch (m.type) {
    case 'log':
      d.log.write({ ...m.record, thread: m.record.thread ?? name });
      break;
    case 'alert':
      d.notifier.notify(m.alert);
      break;
    case 'metrics':
      d.metrics.acceptBatch(m.batch);
      break;
    case 'trade':
      onTrade(d, m);
      break;
    case 'trader-stats':
      d.traderStats.counters = m.counters;
      d.traderStats.sendPathWarmth = m.sendPathWarmth;
      break;
    case 'frames':
      if (d.recorder) {
        for (let i = 0; i < m.text.length; i++)
          d.recorder.write(`{"t":${m.recvUs[i]},"l":${m.listener},"f":${JSON.stringify(m.text[i])}}\n`);
      }
      break;
    case 'ready':
      d.log.debug('worker ready', { worker: name, ...m.detail });
      break;
    case 'reconnect':
      d.metrics.reconnect(m.socket, m.attempts, m.downtimeMs * 1000);
      break;
    case 'fetch-failure':
      d.metrics.fetchFailure(m.endpoint, m.code);
      break;
    case 'feed-warm':
      d.startup.markWarm(m.listener);
      d.log.info('listener start-up over', { worker: name, pairsNotReady: m.pairsWaiting });
      break;
  }
}

function onTrade(d: WorkerHubDeps, m: Extract<WorkerToMain, { type: 'trade' }>): void {
  const o = m.outcome;
  d.ledger.add(o);
  d.live.onTrade(o);
  d.metrics.trade(o);
  // A trade that never bought anything is not news; everything else is.
  if (o.status !== 'not-filled') d.notifier.notify(tradeAlert(o));
  d.say(
    `trade ${o.tradeId} ${o.buyPair}→${o.sellPair}: ${o.status}, bought ${o.boughtVolume} sold ${o.soldVolume}, PnL ${o.pnlUsd.toFixed(4)} USD` +
      (o.reason ? ` (${o.reason})` : ''),
  );
}

function onWorkerExit(d: WorkerHubDeps, info: Parameters<WorkerHandlers['onExit']>[0]): void {
  if (!info.restarting) return;
  const reason = info.error ? info.error.message : `exit code ${info.code}`;
  d.log.error('worker died; restarting', { worker: info.name, reason, restarts: info.restarts + 1 });
  d.metrics.workerRestart(info.name, reason, info.code);
  d.notifier.notify(workerRestartAlert(info.name, reason, info.restarts + 1));
}
