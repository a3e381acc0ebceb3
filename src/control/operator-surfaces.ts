/**
 * What the operator watches and steers the running program through, composed in one place so
 * main.ts only starts, feeds and stops it: the trading control (stop, resume), the live dashboard
 * (--dashboard) with its journal tail, and the Telegram commands (when Telegram is configured).
 * All on the main thread; a dashboard that cannot listen is reported and the program runs on.
 */
import { readFile } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import { readTotals, type TradeLedger } from '../main/summary/run-summary.js';
import { FEED_ONLINE, type SharedState } from '../engine/shared/shared-state.js';
import type { StartupCounters } from '../main/summary/startup-counters.js';
import type { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { Notifier } from '../notify/notifier.js';
import { TelegramCommands } from '../notify/telegram-commands.js';
import { buildSnapshot } from '../dashboard/dashboard-snapshot.js';
import { startDashboard, type DashboardServer } from '../dashboard/dashboard-server.js';
import { JournalTail } from '../dashboard/journal-tail.js';
import type { LiveStatus } from './live-status.js';
import { pnlText, statusText } from './operator-text.js';
import { OperatorStopFile } from './operator-stop-file.js';
import { TradingControl } from './trading-control.js';
import { commandReplyAlert, operatorChangeAlert } from '../notify/alerts.js';

const TAIL_POLL_MS = 250;
/** Trade events within this window go out as one snapshot. */
const PUBLISH_COALESCE_MS = 100;

export interface OperatorDeps {
  readonly config: Config;
  readonly venue: string;
  readonly shared: SharedState;
  readonly ledger: TradeLedger;
  readonly live: LiveStatus;
  readonly startup: StartupCounters;
  readonly ingestionRun: LatencyHistogram;
  readonly traderCounters: () => Readonly<Record<string, number>>;
  readonly pairsPerListener: readonly number[];
  readonly notifier: Notifier;
  readonly log: {
    info(msg: string, f?: Record<string, unknown>): void;
    warn(msg: string, f?: Record<string, unknown>): void;
    error(msg: string, f?: Record<string, unknown>): void;
  };
}

export interface OperatorSurfaces {
  readonly control: TradingControl;
  /** Lines for the start banner (the dashboard's URL, Telegram commands on). */
  readonly bannerLines: readonly string[];
  /** Once a second: a fresh picture to every open dashboard page. */
  publish(): void;
  close(): Promise<void>;
}

async function clientScript(): Promise<string> {
  // Built by src/dashboard/client/tsconfig.json next to the server build (npm run build).
  return readFile(new URL('../../dashboard-client/client/app.js', import.meta.url), 'utf8');
}

/** The dashboard, or null with the banner line saying why not. */
async function startDashboardFor(
  d: OperatorDeps,
  control: TradingControl,
  tail: JournalTail | null,
  bannerLines: string[],
): Promise<DashboardServer | null> {
  const { config } = d;
  const dc = config.dashboard;
  if (dc === null) return null;
  try {
    const dashboard = await startDashboard({
      host: dc.host,
      port: dc.port,
      token: dc.token,
      clientScript: await clientScript(),
      control,
      log: d.log,
      snapshot: () =>
        buildSnapshot({
          mode: config.mode,
          venue: d.venue,
          shared: d.shared,
          ledger: d.ledger,
          live: d.live,
          startup: d.startup,
          control,
          traderCounters: d.traderCounters,
          tail,
          ingestionRun: d.ingestionRun,
          pairsPerListener: d.pairsPerListener,
          risk: config.risk,
        }),
    });
    bannerLines.push(`  dashboard ${dashboard.url}${dc.token === null ? '' : '?token=<DASHBOARD_TOKEN>'}`);
    d.log.info('dashboard listening', { url: dashboard.url });
    return dashboard;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    bannerLines.push(`  dashboard NOT started: cannot listen on ${dc.host}:${dc.port} (${why})`);
    d.log.error('dashboard could not start; running without it', { error: why });
    return null;
  }
}

/** Telegram commands when Telegram is configured, else null. */
function startCommands(d: OperatorDeps, control: TradingControl): TelegramCommands | null {
  const { config, shared } = d;
  if (config.telegram.token === null || config.telegram.chatId === null) return null;
  const commands = new TelegramCommands({
    token: config.telegram.token,
    chatId: config.telegram.chatId,
    apiUrl: config.telegram.apiUrl,
    log: d.log,
    reply: (key, text) => d.notifier.notify(commandReplyAlert(key, text)),
    handlers: {
      status: () =>
        statusText({
          venue: d.venue,
          uptimeS: (Date.now() - d.live.startedMs) / 1000,
          state: control.state(),
          totals: readTotals(shared.counters),
          updatesPerS: d.live.updatesPerSecond(),
          feedsOnline: d.pairsPerListener.filter((_, i) => shared.feedStatus(i) === FEED_ONLINE).length,
          listeners: d.pairsPerListener.length,
          ledger: d.ledger,
        }),
      pnl: () => pnlText(d.ledger, config.mode),
      stop: () => control.stop('telegram').message,
      resume: () => control.resume('telegram').message,
    },
  });
  commands.start();
  return commands;
}

export async function startOperatorSurfaces(d: OperatorDeps): Promise<OperatorSurfaces> {
  const { config, log } = d;
  const control = new TradingControl(d.shared, {
    mode: config.mode,
    store: config.mode === 'trade' ? new OperatorStopFile(config.paths.journalDir) : null,
    onChange: (change, source, message) => {
      log.warn(message, { change, source });
      // A Telegram command is answered in that chat already; a dashboard action is news there.
      if (source !== 'telegram') d.notifier.notify(operatorChangeAlert(change, message));
    },
  });
  const bannerLines: string[] = [];
  let dashboard: DashboardServer | null = null;
  let pending: NodeJS.Timeout | null = null;
  const publishSoon = (): void => {
    pending ??= setTimeout(() => {
      pending = null;
      dashboard?.publish();
    }, PUBLISH_COALESCE_MS);
  };
  const tail = config.mode === 'trade' ? new JournalTail(config.paths.journalDir, publishSoon) : null;
  const tailTimer = tail === null ? null : setInterval(() => void tail.poll(), TAIL_POLL_MS);
  void tail?.poll();
  dashboard = await startDashboardFor(d, control, tail, bannerLines);
  const commands = startCommands(d, control);
  if (commands !== null)
    bannerLines.push('  Telegram commands on: /status /pnl /stop /resume (from the configured chat only)');
  return {
    control,
    bannerLines,
    publish: () => dashboard?.publish(),
    close: async () => {
      if (tailTimer !== null) clearInterval(tailTimer);
      if (pending !== null) clearTimeout(pending);
      await Promise.all([dashboard?.close(), commands?.close()]);
    },
  };
}
