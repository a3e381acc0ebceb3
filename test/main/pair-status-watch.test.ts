/** Pair status followed while running: a pair that leaves `online` stops being tradable, and comes back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initPairStatus, refreshPairStatus } from '../../src/main/pair-status-watch.js';
import { createSharedState } from '../../src/engine/shared/shared-state.js';
import type { PairInfo, PairStatus } from '../../src/core/pair.js';
import type { AssetPairsParseResult } from '../../src/kraken/asset-pairs.js';
import { testPair } from '../helpers/test-pair.js';

const PAIRS: PairInfo[] = [
  testPair('USDT/USD'),
  testPair('USDT/EUR'),
  testPair('ABC/USD'),
  testPair('ABC/EUR'),
];
const quiet = { info() {}, warn() {} };

function rest(statuses: Record<string, PairStatus | undefined> | Error) {
  return {
    assetPairs: async (): Promise<AssetPairsParseResult> => {
      if (statuses instanceof Error) throw statuses;
      const pairs = PAIRS.filter((p) => statuses[p.id] !== undefined).map((p) => ({
        ...p,
        status: statuses[p.id] as PairStatus,
      }));
      return { pairs, rejected: [], darkPoolSkipped: 0 };
    },
  };
}

test('a pair turning cancel_only (or vanishing) is not tradable until online again; changes are alerted', async () => {
  const shared = createSharedState({ listeners: 1, opportunityFields: 4, evalCodes: 0, pairs: PAIRS.length });
  initPairStatus(PAIRS, shared);
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => shared.isPairTradable(i)),
    [true, true, true, true],
  );
  const alerts: string[] = [];
  const o = { pairs: PAIRS, shared, log: quiet, alert: (a: { text: string }) => alerts.push(a.text) };
  const all = Object.fromEntries(PAIRS.map((p) => [p.id, 'online' as PairStatus]));
  let changed = await refreshPairStatus({
    ...o,
    rest: rest({ ...all, ABCEUR: 'cancel_only', ABCUSD: undefined }),
  });
  assert.deepEqual(changed, ['ABC/USD delisted', 'ABC/EUR cancel_only']);
  assert.deepEqual(
    [2, 3].map((i) => shared.isPairTradable(i)),
    [false, false],
  );
  assert.equal(alerts.length, 1);
  // A failed refresh keeps the last statuses.
  changed = await refreshPairStatus({ ...o, rest: rest(new Error('ECONNRESET')) });
  assert.deepEqual(changed, []);
  assert.equal(shared.isPairTradable(3), false);
  changed = await refreshPairStatus({ ...o, rest: rest(all) });
  assert.deepEqual(changed, ['ABC/USD online', 'ABC/EUR online']);
  assert.equal(shared.isPairTradable(3), true);
});
