/** The live figures behind the dashboard and Telegram: rates, ROI buckets, PnL series, risk figures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSharedState } from '../../src/engine/shared/shared-state.js';
import { CTR_UPDATES } from '../../src/engine/shared/shared-counters.js';
import { LiveStatus } from '../../src/control/live-status.js';
import { DIR_EUR_TO_USD, DIR_USD_TO_EUR } from '../../src/core/opportunity.js';
import type { TradeOutcome } from '../../src/core/trade-outcome.js';

const outcome = (status: TradeOutcome['status'], pnlUsd: number): TradeOutcome => ({
  tradeId: 'T',
  status,
  buyPair: 'A/USD',
  sellPair: 'A/EUR',
  boughtVolume: 1,
  soldVolume: 1,
  pnlUsd,
  pnlEur: pnlUsd,
  strandedVolume: 0,
  strandedAsset: 'A',
  strandedValueUsd: 0,
  dustVolume: 0,
  decisionToSendUs: 100,
});

test('rates per listener from counter deltas; ingestion window rotates every 10 s', () => {
  const shared = createSharedState({ listeners: 2, opportunityFields: 4, evalCodes: 2, pairs: 4 });
  let now = 1_000_000;
  const live = new LiveStatus(shared, () => now);
  shared.counters.row(0)[CTR_UPDATES] = 500;
  shared.counters.row(1)[CTR_UPDATES] = 100;
  now += 500;
  live.tick();
  assert.equal(live.listenerRate(0), 1000);
  assert.equal(live.listenerRate(1), 200);
  assert.equal(live.updatesPerSecond(), 1200);
  live.onIngestion(800);
  assert.equal(live.ingestionRecent()?.count, 1); // the first window, while it is not complete
  now += 10_000;
  live.tick();
  assert.equal(live.ingestionRecent()?.count, 1);
  now += 10_000;
  live.tick();
  assert.equal(live.ingestionRecent(), null); // nothing in the last complete window
});

test('ROI buckets in basis points by direction', () => {
  const live = new LiveStatus(
    createSharedState({ listeners: 1, opportunityFields: 4, evalCodes: 2, pairs: 4 }),
  );
  live.onOpportunity(DIR_USD_TO_EUR, 1.0003); // 3 bp
  live.onOpportunity(DIR_EUR_TO_USD, 1.0012); // 12 bp
  live.onOpportunity(DIR_USD_TO_EUR, 1.05); // 500 bp
  live.onOpportunity(DIR_USD_TO_EUR, Number.NaN);
  const h = live.roiHistogram();
  assert.deepEqual(h[0], { label: '0–5 bp', usdToEur: 1, eurToUsd: 0 });
  assert.deepEqual(h[2], { label: '10–20 bp', usdToEur: 0, eurToUsd: 1 });
  assert.deepEqual(h[h.length - 1], { label: '≥ 200 bp', usdToEur: 1, eurToUsd: 0 });
});

test('PnL over time and the risk figures as this run saw them', () => {
  let now = Date.UTC(2026, 0, 2, 12);
  const live = new LiveStatus(
    createSharedState({ listeners: 1, opportunityFields: 4, evalCodes: 2, pairs: 4 }),
    () => now,
  );
  live.onTrade(outcome('sold', 2));
  now += 30_000;
  live.onTrade(outcome('stranded', -5));
  now += 40_000;
  live.onTrade(outcome('rejected', 0));
  assert.deepEqual(
    live.pnlSeries().map(([, v]) => v),
    [0, 2, -3, -3],
  );
  assert.deepEqual(live.riskFigures(), { tradesLastMinute: 2, dayPnlUsd: -3, failuresInARow: 2 });
  for (let i = 0; i < 5000; i++) live.onTrade(outcome('sold', 0));
  assert.ok(live.pnlSeries().length <= 2000, String(live.pnlSeries().length));
});
