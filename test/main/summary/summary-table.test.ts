/**
 * The exit summary an operator reads: the overview rows, every drop with its explanation split into
 * start-up and after, and a name and explanation for every counter the engine has.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSummaryTable, type SummaryTableInput } from '../../../src/main/summary/summary-table.js';
import { readTotals, TradeLedger, type RunTotals } from '../../../src/main/summary/run-summary.js';
import { DROP_REASONS, INPUT_PROBLEMS, dropReason } from '../../../src/main/summary/drop-reasons.js';
import { evalCodeName, EVAL_CODE_COUNT, EVAL_NONE, EVAL_OPPORTUNITY } from '../../../src/core/eval-codes.js';
import { COUNTER_NAMES } from '../../../src/engine/shared/shared-counters.js';
import { StartupCounters } from '../../../src/main/summary/startup-counters.js';
import { createSharedState } from '../../../src/engine/shared/shared-state.js';
import { DROP_PAIR_OFFLINE } from '../../../src/core/eval-codes.js';
import { CTR_DROP_TRADER_BUSY, CTR_UPDATES } from '../../../src/engine/shared/shared-counters.js';
import type { TraderCounters } from '../../../src/engine/trade/trader.js';
import type { TradeOutcome } from '../../../src/core/trade-outcome.js';

const totals = (over: Partial<RunTotals> = {}): RunTotals => ({
  updates: 40_000,
  opportunitiesUsdToEur: 30,
  opportunitiesEurToUsd: 27,
  listenerCounters: { reconnects: 1, dropTraderBusy: 40, malformed: 0 },
  evaluationDrops: { pair_offline: 523, stale_local: 14 },
  ...over,
});

const outcome = (o: Partial<TradeOutcome>): TradeOutcome => ({
  tradeId: 'T1',
  status: 'sold',
  buyPair: 'ADA/USD',
  sellPair: 'ADA/EUR',
  boughtVolume: 10,
  soldVolume: 10,
  pnlUsd: 1.5,
  pnlEur: 1.38,
  strandedVolume: 0,
  strandedAsset: 'ADA',
  strandedValueUsd: 0,
  dustVolume: 0,
  decisionToSendUs: 250,
  ...o,
});

function input(over: Partial<SummaryTableInput> = {}): SummaryTableInput {
  const ledger = new TradeLedger();
  ledger.add(outcome({ tradeId: 'T1', pnlUsd: 2.25, decisionToSendUs: 200 }));
  ledger.add(outcome({ tradeId: 'T2', status: 'not-filled', pnlUsd: 0, boughtVolume: 0, soldVolume: 0 }));
  ledger.add(
    outcome({
      tradeId: 'T3',
      status: 'stranded',
      soldVolume: 0,
      strandedVolume: 0.5,
      pnlUsd: -3,
      decisionToSendUs: 1500,
    }),
  );
  return {
    mode: 'trade',
    sim: true,
    stoppedBecause: '--duration 20s',
    durationS: 20,
    totals: totals(),
    startup: totals({ listenerCounters: { dropTraderBusy: 0 }, evaluationDrops: { pair_offline: 520 } }),
    traderCounters: { staleAtTrader: 2, taken: 9, trades: 7 },
    ledger,
    cashFlows: { USD: -2737.2133, EUR: 2548.6661 },
    ingestionUs: { count: 40_000, p50: 850, p90: 1200, p99: 4990, max: 433_660 },
    ...over,
  };
}

test('the overview gives mode, duration, rates, trades by outcome, PnL in USD, stranded and latency', () => {
  const text = formatSummaryTable(input());
  const line = (label: string): string => text.split('\n').find((l) => l.trimStart().startsWith(label)) ?? '';
  assert.match(text.split('\n')[0] ?? '', /^Run summary \(trade mode, simulator; stopped: --duration 20s\)$/);
  assert.match(line('Duration'), /20\.0 s/);
  assert.match(line('Updates'), /40,000 \(2,000\/s\)/);
  assert.match(line('Opportunities'), /57: 30 USD→EUR, 27 EUR→USD/);
  assert.match(line('Trades'), /3: 1 sold, 1 not filled, 1 stranded/);
  // 2.25 + 0 − 3: the trades' own USD valuations summed.
  assert.match(line('PnL'), /−0\.75 USD \(each trade valued at its own USDT\/USD and USDT\/EUR rates\)/);
  assert.match(line('Cash flows'), /−2,737\.21 USD, \+2,548\.67 EUR/);
  assert.match(line('Stranded'), /0\.5 ADA/);
  assert.match(line('Decision → send'), /p50 250 µs .* max 1\.50 ms \(3 trades\)/);
  assert.match(line('Ingestion'), /p50 850 µs · p90 1\.20 ms · p99 4\.99 ms · max 433\.66 ms/);
  assert.match(line('Ingestion'), /\(40,000 updates after start-up\)/);
  assert.doesNotMatch(text, /^\s+start-up\s+p50/m, 'a start-up line without start-up samples');
  assert.match(
    text,
    /\n\s+with --sim the simulator runs in this process, on the same CPUs: `npm run bench` measures/,
  );
  assert.doesNotMatch(
    formatSummaryTable(input({ sim: false })),
    /with --sim/,
    'the simulator note on a run against Kraken',
  );
  assert.match(line('Reconnects'), /^\s*Reconnects\s+1$/);
  const withStartup = formatSummaryTable(
    input({ ingestionStartupUs: { count: 900, p50: 310_000, p90: 800_000, p99: 1_000_000, max: 1_070_000 } }),
  );
  assert.match(
    withStartup,
    /\n\s+start-up\s+p50 310\.00 ms · .* max 1\.07 s \(900 updates during start-up, whose first quotes carry each quote's age\)\n/,
  );
});

test('drops are listed by stage with start-up apart from after, each with its explanation', () => {
  const lines = formatSummaryTable(input()).split('\n');
  const row = (label: string): string[] =>
    (lines.find((l) => l.startsWith(`    ${label} `)) ?? '').trim().split(/\s{2,}/);
  assert.deepEqual(row('pair offline').slice(0, 3), ['pair offline', '520', '3']);
  assert.match(row('pair offline')[3] ?? '', /not online: subscribing at start-up/);
  assert.deepEqual(row('stale (our clock)').slice(0, 3), ['stale (our clock)', '0', '14']);
  assert.deepEqual(row('trader busy').slice(0, 3), ['trader busy', '0', '40']);
  // The trader's own drops have no start-up split.
  assert.deepEqual(row('stale at the trader').slice(0, 3), ['stale at the trader', '-', '2']);
  assert.ok(lines.includes('  Updates not evaluated (a leg not ready)'));
  assert.ok(lines.includes('  Opportunities the trader took and did not trade'));
  // Zero counts and non-drops (taken, trades, malformed 0) are not listed.
  assert.ok(!lines.some((l) => /malformed|taken|^ {4}trades/.test(l)), lines.join('\n'));
});

test('an evaluation run says no order was sent and has no trade rows', () => {
  const text = formatSummaryTable(input({ mode: 'evaluate', sim: false }));
  assert.match(text, /^Run summary \(evaluation mode; stopped/);
  assert.match(text, /Trades\s+none \(evaluation mode never sends an order\)/);
  assert.doesNotMatch(text, /PnL|Stranded|Cash flows/);
});

test('nothing dropped reads as such', () => {
  const none = totals({ listenerCounters: {}, evaluationDrops: {} });
  const text = formatSummaryTable(input({ totals: none, startup: none, traderCounters: {} }));
  assert.match(text, /Nothing was dropped\./);
});

test('every counter the engine keeps has an operator name and an explanation', () => {
  const keys = [
    ...Array.from({ length: EVAL_CODE_COUNT }, (_, c) => c)
      .filter((c) => c !== EVAL_NONE && c !== EVAL_OPPORTUNITY)
      .map(evalCodeName),
    ...COUNTER_NAMES.filter(
      (n) => n.startsWith('drop') || n === 'malformed' || n === 'outOfOrder' || n === 'futureTimestamp',
    ),
  ];
  // Every TraderCounters key but the three that count work done, not drops.
  const trader: Record<keyof TraderCounters, true> = {
    taken: true,
    evaluated: true,
    trades: true,
    staleAtTrader: true,
    tradingDisabled: true,
    privateNotReady: true,
    riskRefused: true,
    pairNotOnline: true,
    insufficientBalance: true,
    journalBacklog: true,
  };
  keys.push(...Object.keys(trader).filter((k) => !['taken', 'evaluated', 'trades'].includes(k)));
  const known = new Set([...DROP_REASONS, ...INPUT_PROBLEMS].map((r) => r.key));
  for (const k of keys) {
    assert.ok(known.has(k), `no operator name for counter ${k}`);
    assert.ok(dropReason(k).explanation.length > 20, `no explanation for ${k}`);
  }
});

test('start-up counts are the counts when each listener reported warm; a listener still starting counts whole', () => {
  const shared = createSharedState({
    listeners: 2,
    opportunityFields: 4,
    evalCodes: EVAL_CODE_COUNT,
    pairs: 4,
  });
  const startup = new StartupCounters(shared.counters);
  const offline = shared.counters.evalCodeColumn(DROP_PAIR_OFFLINE);
  const r0 = shared.counters.row(0);
  const r1 = shared.counters.row(1);
  r0[offline] = 500;
  r1[offline] = 20;
  startup.markWarm(0);
  r0[offline] = 503;
  r0[CTR_DROP_TRADER_BUSY] = 7;
  r0[CTR_UPDATES] = 100;
  r1[offline] = 25;
  startup.markWarm(0); // a restarted listener reports again: the first report stands
  assert.equal(startup.warmCount(), 1);
  assert.deepEqual([startup.isWarm(0), startup.isWarm(1), startup.isWarm(7)], [true, false, false]);
  const early = startup.totals();
  // Listener 0: its 500 at warm-up; listener 1 still starting: all of its 25.
  assert.equal(early.evaluationDrops['pair_offline'], 525);
  assert.equal(early.listenerCounters['dropTraderBusy'], 0);
  assert.equal(readTotals(shared.counters).evaluationDrops['pair_offline'], 528);
  startup.markWarm(1);
  r1[offline] = 30;
  assert.equal(startup.totals().evaluationDrops['pair_offline'], 525);
  startup.markWarm(7); // out of range: ignored
  assert.equal(startup.warmCount(), 2);
});
