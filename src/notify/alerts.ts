/**
 * The alerts kraken-arb raises, as Alert values with stable dedupe keys. Texts are plain (Telegram
 * gets them without parse_mode) and carry no secrets: callers pass error codes and messages that are
 * already redacted.
 */
import type { TradeOutcome } from '../core/trade-outcome.js';
import type { Alert } from './alert-policy.js';

export function startAlert(mode: string, detail = ''): Alert {
  return { key: 'start', severity: 'info', text: `started in ${mode} mode${detail ? `\n${detail}` : ''}` };
}

/** `summary` is the run's summary text (trades, PnL, drops), already formatted. */
export function stopAlert(reason: string, summary: string): Alert {
  return { key: 'stop', severity: 'info', text: `stopped (${reason})${summary ? `\n${summary}` : ''}` };
}

/** A socket closed or errored; repeats within the dedupe window become one message with a count. */
export function socketFailureAlert(socket: string, error: string): Alert {
  return { key: `socket-failed:${socket}`, severity: 'warning', text: `${socket} socket failed: ${error}` };
}

export function socketGaveUpAlert(socket: string, attempts: number, error: string): Alert {
  return {
    key: `socket-gave-up:${socket}`,
    severity: 'critical',
    text: `${socket} socket: giving up after ${attempts} failed connects: ${error}`,
  };
}

export function socketRecoveredAlert(socket: string, downMs: number): Alert {
  return {
    key: `socket-recovered:${socket}`,
    severity: 'info',
    text: `${socket} socket recovered after ${(downMs / 1000).toFixed(1)} s`,
  };
}

/** Final result of one trade (src/core/trade-outcome.ts). */
export type TradeAlertInput = Omit<TradeOutcome, 'decisionToSendUs'>;

export function tradeAlert(t: TradeAlertInput): Alert {
  const stranded = t.strandedVolume > 0;
  const bad = stranded || t.status === 'failed' || t.status === 'unknown';
  const lines = [
    `trade ${t.tradeId} ${t.status}: bought ${t.boughtVolume} ${t.buyPair}, sold ${t.soldVolume} ${t.sellPair}`,
    `PnL ${t.pnlUsd.toFixed(2)} USD / ${t.pnlEur.toFixed(2)} EUR`,
  ];
  if (stranded)
    lines.push(
      `STRANDED ${t.strandedVolume} ${t.strandedAsset} (≈ ${t.strandedValueUsd.toFixed(2)} USD at the bid): needs attention`,
    );
  // Dust (below the sell pair's minimum) is recorded and valued in the journal, never a failure.
  if (t.dustVolume > 0) lines.push(`dust kept: ${t.dustVolume} ${t.strandedAsset} (below the sell minimum)`);
  if (t.reason) lines.push(`reason: ${t.reason}`);
  return {
    key: `trade:${t.tradeId}`,
    severity: stranded ? 'critical' : bad ? 'warning' : 'info',
    text: lines.join('\n'),
  };
}

export function riskLimitAlert(limit: string, detail: string): Alert {
  return {
    key: `risk-limit:${limit}`,
    severity: 'critical',
    text: `risk limit reached (${limit}): ${detail}; trading stopped`,
  };
}

export function workerRestartAlert(worker: string, reason: string, restarts: number): Alert {
  return {
    key: `worker-restart:${worker}`,
    severity: 'warning',
    text: `worker ${worker} restarted (${reason}); ${restarts} restart(s) so far`,
  };
}

export function fetchFailingAlert(endpoint: string, failures: number, error: string): Alert {
  return {
    key: `fetch-failing:${endpoint}`,
    severity: 'warning',
    text: `${endpoint} fetch failing (${failures} in a row): ${error}`,
  };
}

export function fetchRecoveredAlert(endpoint: string): Alert {
  return { key: `fetch-recovered:${endpoint}`, severity: 'info', text: `${endpoint} fetch recovered` };
}
