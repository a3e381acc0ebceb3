/** The lines the run starts with: mode, venue, endpoints, pairs per listener, cores, log, a held risk stop. */
import type { Config } from '../config/config.js';
import type { KrakenEndpoints } from '../kraken/endpoints.js';
import type { ListenerPairs, PairUniverse } from '../core/pair-universe.js';
import type { HeldStop } from '../journal/risk-from-journal.js';
import { OperatorStopFile, type SavedOperatorStop } from '../control/operator-stop-file.js';

export interface BannerFacts {
  readonly config: Config;
  readonly simulated: boolean;
  readonly endpoints: KrakenEndpoints;
  readonly universe: PairUniverse;
  readonly subsets: readonly ListenerPairs[];
  readonly corePlan: string;
  readonly logPath: string;
  readonly heldStop: HeldStop | null;
  readonly operatorStop: SavedOperatorStop | null;
  /** The operator surfaces' own lines (dashboard address...). */
  readonly operatorLines: readonly string[];
}

export function bannerLines(f: BannerFacts): string[] {
  const { config, endpoints, heldStop } = f;
  const trade = config.mode === 'trade';
  return [
    `kraken-arb — ${trade ? 'TRADE MODE (orders are sent)' : 'evaluation mode (no order is ever sent)'}${f.simulated ? ' against the built-in simulator' : ''}`,
    `  REST ${endpoints.rest} | public WS ${endpoints.wsPublic} | private WS ${trade ? endpoints.wsPrivate : '(not opened)'} | API ${config.wsApi}`,
    `  ${f.universe.coins.length} coins (${f.universe.pairs.length} pairs) over ${f.subsets.length} listeners: ${f.subsets.map((s) => s.pairs.length).join(', ')} pairs each${config.traderHostsListener ? '; the first listener runs in the trader thread (TRADER_HOSTS_LISTENER)' : ''}`,
    `  ${f.corePlan}`,
    `  log ${f.logPath}`,
    ...(heldStop !== null
      ? [
          `  TRADING STOPPED: risk limit ${heldStop.reason} reached ${new Date(heldStop.sinceMs).toISOString()} (journaled); evaluation runs. Clear it deliberately with --clear-risk-stop`,
        ]
      : []),
    ...(f.operatorStop !== null
      ? [operatorStopLine(f.operatorStop, new OperatorStopFile(config.paths.journalDir).path)]
      : []),
    ...f.operatorLines,
  ];
}

function operatorStopLine(stop: SavedOperatorStop, path: string): string {
  const since =
    stop.unreadable !== undefined
      ? `(${path} exists but ${stop.unreadable}: read as stopped)`
      : `since ${new Date(stop.sinceMs).toISOString()} (${stop.source}, saved in ${path})`;
  return `  TRADING STOPPED by the operator ${since}; evaluation runs. Resume from the dashboard or Telegram (/resume), or remove the file before starting`;
}
