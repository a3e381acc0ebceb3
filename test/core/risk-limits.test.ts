import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkBeforeTrade,
  initialRisk,
  recordTradeEnd,
  stopStillHolds,
  tradeEffect,
  recordTradeStart,
} from '../../src/core/risk-limits.js';

const limits = { maxTradesPerMinute: 2, maxDailyLoss: 10, maxConsecutiveFailures: 2 };
const T0 = Date.UTC(2026, 0, 1, 12);

test('trades per minute: the third start within a minute is refused, and allowed again a minute later', () => {
  let s = initialRisk(T0);
  assert.equal(checkBeforeTrade(s, limits, T0), null);
  s = recordTradeStart(s, T0);
  s = recordTradeStart(s, T0 + 1000);
  assert.equal(checkBeforeTrade(s, limits, T0 + 2000), 'max-trades-per-minute');
  assert.equal(checkBeforeTrade(s, limits, T0 + 60_001), null);
});

test('daily loss stops trading and resets on the next UTC day', () => {
  let s = initialRisk(T0);
  const r = recordTradeEnd(s, limits, T0, -10.5, 'success');
  assert.equal(r.stop, 'max-daily-loss');
  s = r.state;
  assert.equal(checkBeforeTrade(s, limits, T0 + 1), 'max-daily-loss');
  assert.equal(checkBeforeTrade(s, limits, T0 + 86_400_000), null);
});

test('consecutive failures stop trading; a success resets the count', () => {
  let s = initialRisk(T0);
  s = recordTradeEnd(s, limits, T0, 0, 'failure').state;
  s = recordTradeEnd(s, limits, T0, 0.1, 'success').state;
  assert.equal(s.consecutiveFailures, 0);
  s = recordTradeEnd(s, limits, T0, 0, 'failure').state;
  const r = recordTradeEnd(s, limits, T0, 0, 'failure');
  assert.equal(r.stop, 'max-consecutive-failures');
});

test('a trade that did not happen (not filled, stale) or left only dust keeps the failure count', () => {
  let s = initialRisk(T0);
  s = recordTradeEnd(s, limits, T0, 0, 'failure').state;
  s = recordTradeEnd(s, limits, T0, 0, tradeEffect('not-filled')).state;
  s = recordTradeEnd(s, limits, T0, 0, tradeEffect('stale')).state;
  s = recordTradeEnd(s, limits, T0, -0.01, tradeEffect('dust')).state;
  assert.equal(s.consecutiveFailures, 1);
  assert.equal(tradeEffect('sold'), 'success');
  for (const f of ['rejected', 'stranded', 'unknown', 'failed']) assert.equal(tradeEffect(f), 'failure', f);
});

test('a daily-loss stop ends with its UTC day; the other stops hold until cleared', () => {
  assert.equal(stopStillHolds('max-daily-loss', T0, T0 + 1000), true);
  assert.equal(stopStillHolds('max-daily-loss', T0, T0 + 86_400_000), false);
  assert.equal(stopStillHolds('max-consecutive-failures', T0, T0 + 30 * 86_400_000), true);
  assert.equal(stopStillHolds('max-trades-per-minute', T0, T0 + 86_400_000), true);
});

test('a NaN PnL never poisons the day total', () => {
  const r = recordTradeEnd(initialRisk(T0), limits, T0, Number.NaN, 'success');
  assert.equal(r.state.dayPnlUsd, 0);
});

test('trades per minute agrees with counting every start of the last minute (random histories)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 30_000 }), { maxLength: 40 }),
      fc.integer({ min: 0, max: 200_000 }),
      fc.integer({ min: 1, max: 8 }),
      (gaps, probeAfter, max) => {
        const lim = { ...limits, maxTradesPerMinute: max };
        let s = initialRisk(T0);
        let t = T0;
        const starts: number[] = [];
        for (const g of gaps) {
          t += g;
          s = recordTradeStart(s, t);
          starts.push(t);
        }
        const probe = t + probeAfter;
        const inLastMinute = starts.filter((x) => probe - x < 60_000).length;
        const want = inLastMinute >= max ? 'max-trades-per-minute' : null;
        assert.equal(checkBeforeTrade(s, lim, probe), want);
      },
    ),
  );
});
