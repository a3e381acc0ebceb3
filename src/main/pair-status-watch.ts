/**
 * Follows Kraken's pair status while running (main thread, off the trading path): AssetPairs is
 * asked again every PAIR_STATUS_INTERVAL_MS and each universe pair's tradable flag in shared memory
 * follows its `status` — a pair that turns `cancel_only`, `limit_only`, `post_only`, `reduce_only`
 * or disappears is no longer traded (listeners drop its opportunities, the trader refuses them)
 * until it is `online` again. A failed refresh keeps the last known statuses.
 */
import type { PairInfo } from '../core/pair.js';
import type { KrakenRestClient } from '../kraken/rest.js';
import type { AlertEvent } from '../engine/threads/messages.js';
import type { SharedState } from '../engine/shared/shared-state.js';
import { errorText } from '../engine/threads/worker-context.js';
import { pairStatusAlert } from '../notify/alerts.js';

/** Public REST is cheap but not free (about 1 call/s per IP): once a minute is plenty for status. */
export const PAIR_STATUS_INTERVAL_MS = 60_000;

export interface PairStatusWatchOptions {
  rest: Pick<KrakenRestClient, 'assetPairs'>;
  /** The universe, by global index. */
  pairs: readonly PairInfo[];
  shared: SharedState;
  log: {
    info(msg: string, f?: Record<string, unknown>): void;
    warn(msg: string, f?: Record<string, unknown>): void;
  };
  alert: (a: AlertEvent) => void;
}

/** Sets every pair's flag from the statuses discovered at start-up. */
export function initPairStatus(pairs: readonly PairInfo[], shared: SharedState): void {
  pairs.forEach((p, i) => shared.setPairTradable(i, p.status === 'online'));
}

/** One refresh; returns the pairs whose tradable flag changed. */
export async function refreshPairStatus(o: PairStatusWatchOptions): Promise<string[]> {
  let fresh: Map<string, string>;
  try {
    const parsed = await o.rest.assetPairs();
    fresh = new Map(parsed.pairs.map((p) => [p.id, p.status]));
  } catch (err) {
    o.log.warn('pair status refresh failed; keeping the last statuses', { error: errorText(err) });
    return [];
  }
  const changed: string[] = [];
  o.pairs.forEach((p, i) => {
    const status = fresh.get(p.id) ?? 'delisted';
    const tradable = status === 'online';
    if (tradable === o.shared.isPairTradable(i)) return;
    o.shared.setPairTradable(i, tradable);
    changed.push(`${p.wsname} ${status}`);
  });
  if (changed.length > 0) {
    o.log.info('pair status changed', { changed });
    o.alert(pairStatusAlert(changed));
  }
  return changed;
}

/** Refreshes on an interval until the returned function is called. */
export function watchPairStatus(o: PairStatusWatchOptions, intervalMs = PAIR_STATUS_INTERVAL_MS): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void refreshPairStatus(o).finally(() => {
      running = false;
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
