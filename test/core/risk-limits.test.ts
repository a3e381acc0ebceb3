import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkBeforeTrade,
  initialRisk,
  recordTradeEnd,
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
  const r = recordTradeEnd(s, limits, T0, -10.5, false);
  assert.equal(r.stop, 'max-daily-loss');
  s = r.state;
  assert.equal(checkBeforeTrade(s, limits, T0 + 1), 'max-daily-loss');
  assert.equal(checkBeforeTrade(s, limits, T0 + 86_400_000), null);
});

test('consecutive failures stop trading; a success resets the count', () => {
  let s = initialRisk(T0);
  s = recordTradeEnd(s, limits, T0, 0, true).state;
  s = recordTradeEnd(s, limits, T0, 0.1, false).state;
  assert.equal(s.consecutiveFailures, 0);
  s = recordTradeEnd(s, limits, T0, 0, true).state;
  const r = recordTradeEnd(s, limits, T0, 0, true);
  assert.equal(r.stop, 'max-consecutive-failures');
});

test('a NaN PnL never poisons the day total', () => {
  const r = recordTradeEnd(initialRisk(T0), limits, T0, Number.NaN, false);
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
