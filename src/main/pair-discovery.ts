/**
 * Pairs: discovered from AssetPairs, never hand-listed (docs/design-decisions.md, defect 10).
 * A failed discovery ends the start: the simulator is stopped and the log closed first.
 */
import type { KrakenRestClient } from '../kraken/rest.js';
import { selectUniverse, type PairUniverse } from '../core/pair-universe.js';
import type { FileLogger, Logger } from '../log/logger.js';
import type { SimProcess } from './sim-process.js';
import { EXIT_START_FAILED, fail } from './exit.js';

/** Excluded coins logged one per line at start; the rest as a count. */
const MAX_EXCLUDED_LOGGED = 50;

export async function discoverPairs(
  rest: KrakenRestClient,
  restUrl: string,
  log: FileLogger,
  sim: SimProcess | null,
): Promise<PairUniverse> {
  try {
    const parsed = await rest.assetPairs();
    if (parsed.rejected.length > 0)
      log.warn('AssetPairs entries skipped', {
        rejected: parsed.rejected.slice(0, 20),
        count: parsed.rejected.length,
      });
    const universe = selectUniverse(parsed.pairs);
    logExcludedCoins(log, universe);
    return universe;
  } catch (err) {
    log.error('pair discovery failed', { error: (err as Error).message });
    await sim?.stop();
    await log.close();
    fail(`Could not discover pairs from ${restUrl}: ${(err as Error).message}`, EXIT_START_FAILED);
  }
}

/** Coins with both legs online that are not traded, each with its reason (stablecoin fee schedule). */
function logExcludedCoins(log: Logger, universe: PairUniverse): void {
  const shown = universe.excluded.slice(0, MAX_EXCLUDED_LOGGED);
  for (const c of shown) log.info('coin excluded', { base: c.base, reason: c.reason });
  if (universe.excluded.length > shown.length)
    log.info('coins excluded (more)', { count: universe.excluded.length - shown.length });
}
