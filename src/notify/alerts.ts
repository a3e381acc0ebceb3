/**
 * The catalogue of every alert kraken-arb raises: each alert's dedupe key, severity and text are
 * built here and only here, so an operator's list of what can arrive is this file. Texts are plain
 * (Telegram gets them without parse_mode) and carry no secrets: callers pass error codes and
 * messages that are already redacted.
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

export function workerRestartAlert(worker: string, reason: string, restarts: number): Alert {
  return {
    key: `worker-restart:${worker}`,
    severity: 'warning',
    text: `worker ${worker} restarted (${reason}); ${restarts} restart(s) so far`,
  };
}

// ── Feeds and sockets ──

/** A listener's public feed went offline (`status` is its FEED_* name). */
export function feedDownAlert(listener: number, name: string, status: string): Alert {
  return { key: `feed-${listener}`, severity: 'warning', text: `${name}: feed ${status}` };
}

export function feedRecoveredAlert(listener: number, name: string, downMs: number): Alert {
  return {
    key: `feed-${listener}`,
    severity: 'info',
    text: `${name}: feed recovered after ${downMs} ms`,
    resolves: true,
  };
}

export function privateSocketClosedAlert(reason: string): Alert {
  return { key: 'private-socket', severity: 'warning', text: `Private socket closed (${reason})` };
}

/** The private socket open again after a close that was alerted: orders can go out once it has a token. */
export function privateSocketReopenedAlert(downMs: number): Alert {
  return {
    key: 'private-socket',
    severity: 'info',
    text: `Private socket open again, after ${downMs} ms`,
    resolves: true,
  };
}

/**
 * The private socket is open but its WebSocket token cannot be fetched: no order can be sent. Its own
 * key: failures follow a reconnect, and under the socket's key this would wait out the closed alert's
 * dedupe window (a minute) before an operator saw it.
 */
export function privateTokenFailingAlert(failures: number, error: string): Alert {
  return {
    key: 'private-token',
    severity: 'warning',
    text: `Private socket has no token: ${failures} fetches failed in a row (${error}); retrying`,
  };
}

/** A token was fetched after a run of failures that was alerted: orders can be sent again. */
export function privateTokenRecoveredAlert(failures: number): Alert {
  return {
    key: 'private-token',
    severity: 'info',
    text: `Private socket has a token again, after ${failures} failed fetches`,
    resolves: true,
  };
}

// ── REST polling (fetcher) ──

export function balanceFetchFailingAlert(error: string): Alert {
  return { key: 'fetch-balance', severity: 'warning', text: `Balance fetch failing: ${error}` };
}

export function balanceFetchRecoveredAlert(): Alert {
  return { key: 'fetch-balance', severity: 'info', text: 'Balance fetch recovered', resolves: true };
}

/** The balances in shared memory are old (the fetcher failing, hung or held off its CPU). */
export function balancesAgingAlert(ageS: number, refusedFromS: number): Alert {
  return {
    key: 'balances-age',
    severity: 'warning',
    text: `Balances not refreshed for ${ageS} s: from ${refusedFromS} s every opportunity is refused until fresh ones come`,
  };
}

export function balancesFreshAlert(gapS: number): Alert {
  return {
    key: 'balances-age',
    severity: 'info',
    text: `Balances fresh again, after a gap of ${gapS} s`,
    resolves: true,
  };
}

export function feeFetchFailingAlert(error: string): Alert {
  return { key: 'fetch-fees', severity: 'warning', text: `Fee fetch failing: ${error}` };
}

export function feeFetchRecoveredAlert(): Alert {
  return { key: 'fetch-fees', severity: 'info', text: 'Fee fetch recovered', resolves: true };
}

// ── Trading ──

export function tradeCrashAlert(error: string): Alert {
  return {
    key: 'trade-crash',
    severity: 'critical',
    text: `Trade failed unexpectedly, trading stopped: ${error}`,
  };
}

export function riskStopAlert(reason: string): Alert {
  return {
    key: 'risk-stop',
    severity: 'critical',
    text: `Risk limit reached (${reason}): trading stopped, evaluation continues`,
  };
}

/** `order` names the order: its txid, else `userref <n>`; `lastError` is '' when there is none. */
export function orderInDoubtAlert(
  leg: string,
  order: string,
  pair: string,
  seconds: number,
  lastError: string,
): Alert {
  return {
    // One key per order: a second order in doubt is its own message, not a "repeated" line.
    key: `order-in-doubt:${order}`,
    severity: 'critical',
    text: `${leg} order ${order} on ${pair} in doubt for ${seconds} s; trading waits for Kraken${lastError ? `: ${lastError}` : ''}`,
  };
}

// ── Restart recovery ──

export function recoveryFailedAlert(interrupted: number, error: string): Alert {
  return {
    key: 'recover',
    severity: 'critical',
    text: `${interrupted} interrupted trade(s) could not be reconciled with Kraken (${error}); the next start tries again`,
  };
}

/** An interrupted trade whose order is still open at Kraken cannot be settled yet. */
export function recoveryOrderOpenAlert(tradeId: string, txids: readonly string[]): Alert {
  return {
    key: `recover:${tradeId}`,
    severity: 'critical',
    text: `Interrupted trade ${tradeId} has an order still open at Kraken: ${txids.join(', ')}`,
  };
}

export function recoveredStrandedAlert(
  tradeId: string,
  volume: number,
  asset: string,
  valueUsd: number,
): Alert {
  return {
    // One key per trade: each stranded coin is named in its own message, at once (the operator must
    // sell each one); under one key a third would only be a count in the second's summary.
    key: `recover-stranded:${tradeId}`,
    severity: 'critical',
    text: `Interrupted trade ${tradeId}: ${volume} ${asset} bought and not sold (≈ ${valueUsd.toFixed(2)} USD at the decision's bid); sell it yourself`,
  };
}

// ── Journal and disk ──

export function journalFailingAlert(error: string, held: number): Alert {
  return {
    key: 'journal-failing',
    severity: 'critical',
    text: `Journal write failing (${error}): ${held} record(s) held in memory; the trade in flight is closed out, no new trade until the journal writes again`,
  };
}

export function journalRecoveredAlert(written: number): Alert {
  return {
    key: 'journal-failing',
    severity: 'info',
    text: `Journal writing again (${written} held records written)`,
    resolves: true,
  };
}

/** `setting` names the directory's setting; `where` is the setting and the path. */
export function diskAlmostFullAlert(setting: string, where: string, freeMb: number): Alert {
  return {
    key: `disk:${setting}`,
    severity: 'critical',
    text: `Disk almost full (${freeMb} MB free for ${where}): trading stopped, the trade in flight finishes`,
  };
}

export function diskLowAlert(setting: string, where: string, freeMb: number): Alert {
  return {
    key: `disk:${setting}`,
    severity: 'warning',
    text: `Disk space low: ${freeMb} MB free for ${where}`,
  };
}

/** Free space back above the warning level; `stillStopped` when the disk-space stop it set still holds. */
export function diskSpaceOkAlert(
  setting: string,
  where: string,
  freeMb: number,
  stillStopped: boolean,
): Alert {
  return {
    key: `disk:${setting}`,
    severity: 'info',
    text: `Disk space back above the warning level: ${freeMb} MB free for ${where}${stillStopped ? '; trading stays stopped for this run (restart with --clear-risk-stop to trade)' : ''}`,
    resolves: true,
  };
}

// ── Venue and operator ──

/** Pairs whose AssetPairs status changed, e.g. `XBT/USD: online → cancel_only`. */
export function pairStatusAlert(changed: readonly string[]): Alert {
  return {
    key: 'pair-status',
    severity: 'warning',
    text: `Pair status changed (not online = not traded): ${changed.slice(0, 10).join(', ')}${changed.length > 10 ? ` and ${changed.length - 10} more` : ''}`,
  };
}

/** Trading stopped or resumed from the dashboard or a signal (a Telegram command is answered in its chat). */
export function operatorChangeAlert(change: string, message: string): Alert {
  return { key: `operator-${change}`, severity: 'warning', text: message };
}

/** The answer to an operator's Telegram command. */
export function commandReplyAlert(key: string, text: string): Alert {
  return { key, severity: 'info', text };
}
