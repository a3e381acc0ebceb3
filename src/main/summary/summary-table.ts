/**
 * The run summary as the operator reads it at exit: a short table of what happened, then every
 * reason something went no further with its count at start-up and afterwards and a one-line
 * explanation. Pure text from the run's figures; the JSON file beside the log keeps every number.
 */
import type { RunTotals, TradeLedger } from './run-summary.js';
import {
  dropCounts,
  DROP_REASONS,
  DROP_STAGE_TITLES,
  INPUT_PROBLEMS,
  type DropReason,
  type DropStage,
} from './drop-reasons.js';
import type { LatencyPercentiles as Percentiles } from '../../metrics/latency-histogram.js';

export interface SummaryTableInput {
  readonly mode: 'evaluate' | 'trade';
  readonly sim: boolean;
  readonly stoppedBecause: string;
  readonly durationS: number;
  readonly totals: RunTotals;
  /** The start-up share of `totals` (startup-counters.ts); null: no split known. */
  readonly startup: RunTotals | null;
  readonly traderCounters: Readonly<Record<string, number>>;
  readonly ledger: TradeLedger;
  /** Net cash flows per currency from the journal (trade mode), or null. */
  readonly cashFlows: Readonly<Record<string, number>> | null;
  /** Kraken timestamp → received, µs, or null when nothing was measured. */
  /** After each listener's start-up. */
  readonly ingestionUs: Percentiles | null;
  /** During start-up: the first quotes carry how long ago each was set. */
  readonly ingestionStartupUs?: Percentiles | null;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
/** +1,234.56 / −0.42: money with its sign, two decimals. */
export const money = (n: number): string =>
  `${n >= 0 ? '+' : '−'}${Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** 850 → "850 µs", 1234 → "1.23 ms", 2.5e6 → "2.50 s". */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '-';
  if (Math.abs(us) < 1000) return `${Math.round(us)} µs`;
  if (Math.abs(us) < 1e6) return `${(us / 1000).toFixed(2)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

/** `p50 … · p90 … · p99 … · max … (N what)`, or `none measured`. */
export function percentiles(p: Percentiles | null, what: string): string {
  if (p === null || p.count === 0) return 'none measured';
  return `p50 ${formatMicros(p.p50)} · p90 ${formatMicros(p.p90)} · p99 ${formatMicros(p.p99)} · max ${formatMicros(p.max)} (${int(p.count)} ${what})`;
}

/** `0.5 ADA, 2 XBT`, or `none`. */
export function amounts(m: Readonly<Record<string, number>>): string {
  const e = Object.entries(m).filter(([, v]) => v !== 0);
  return e.length === 0 ? 'none' : e.map(([k, v]) => `${+v.toPrecision(8)} ${k}`).join(', ');
}

function cash(m: Readonly<Record<string, number>>): string {
  const e = Object.entries(m);
  return e.length === 0 ? 'none' : e.map(([k, v]) => `${money(v)} ${k}`).join(', ');
}

const OUTCOME_LABELS: ReadonlyArray<[Parameters<TradeLedger['count']>[0], string]> = [
  ['sold', 'sold'],
  ['not-filled', 'not filled'],
  ['rejected', 'rejected'],
  ['stranded', 'stranded'],
  ['unknown', 'unknown'],
  ['failed', 'failed'],
];

/** `12: 9 sold, 2 not filled, 1 stranded`. */
export function tradesLine(ledger: TradeLedger): string {
  const n = ledger.outcomes.length;
  if (n === 0) return '0';
  const parts = OUTCOME_LABELS.map(([s, label]) => [ledger.count(s), label] as const)
    .filter(([c]) => c > 0)
    .map(([c, label]) => `${c} ${label}`);
  return `${n}: ${parts.join(', ')}`;
}

function overview(i: SummaryTableInput): string[][] {
  const t = i.totals;
  const rows: string[][] = [
    ['Duration', `${i.durationS.toFixed(1)} s`],
    ['Updates', `${int(t.updates)} (${int(i.durationS > 0 ? t.updates / i.durationS : 0)}/s)`],
    [
      'Opportunities',
      `${int(t.opportunitiesUsdToEur + t.opportunitiesEurToUsd)}: ${int(t.opportunitiesUsdToEur)} USD→EUR, ${int(t.opportunitiesEurToUsd)} EUR→USD`,
    ],
  ];
  if (i.mode === 'trade') {
    rows.push(['Trades', tradesLine(i.ledger)]);
    rows.push([
      'PnL',
      `${money(i.ledger.pnlUsd)} USD (each trade valued at its own USDT/USD and USDT/EUR rates)`,
    ]);
    if (i.cashFlows !== null)
      rows.push(['Cash flows', `${cash(i.cashFlows)} (what the balances moved by, fees included)`]);
    rows.push(['Stranded', amounts(i.ledger.stranded)]);
    rows.push(['Decision → send', percentiles(i.ledger.decisionToSendPercentiles(), 'trades')]);
  } else {
    rows.push(['Trades', 'none (evaluation mode never sends an order)']);
  }
  rows.push(['Ingestion', percentiles(i.ingestionUs, 'updates after start-up')]);
  if (i.ingestionStartupUs != null && i.ingestionStartupUs.count > 0)
    rows.push([
      '  start-up',
      percentiles(i.ingestionStartupUs, "updates during start-up, whose first quotes carry each quote's age"),
    ]);
  // The demo's numbers are what a newcomer sees first: say they are not the program's own.
  if (i.sim)
    rows.push([
      '',
      'with --sim the simulator runs in this process, on the same CPUs: `npm run bench` measures the program alone (bench/README.md)',
    ]);
  rows.push(['Reconnects', int(t.listenerCounters['reconnects'] ?? 0)]);
  return rows;
}

/** Rows of one stage: label, start-up count, after start-up, explanation (only non-zero reasons). */
function stageRows(i: SummaryTableInput, reasons: readonly DropReason[]): string[][] {
  return dropCounts(reasons, i.totals, i.startup, i.traderCounters).map((c) => [
    `    ${c.reason.label}`,
    c.startup === null ? '-' : int(c.startup),
    int(c.after),
    c.reason.explanation,
  ]);
}

function dropsTable(i: SummaryTableInput): string[] {
  const rows: string[][] = [];
  const stages = Object.keys(DROP_STAGE_TITLES) as DropStage[];
  for (const stage of stages) {
    const r = stageRows(
      i,
      DROP_REASONS.filter((d) => d.stage === stage),
    );
    if (r.length > 0) rows.push([`  ${DROP_STAGE_TITLES[stage]}`, '', '', ''], ...r);
  }
  const input = stageRows(i, INPUT_PROBLEMS);
  if (input.length > 0) rows.push(['  Bad input from the feed', '', '', ''], ...input);
  if (rows.length === 0) return ['Nothing was dropped.'];
  const header = ['Went no further, and why', 'start-up', 'after', ''];
  return [
    ...table([header, ...rows], [false, true, true, false]),
    'start-up: until every pair of a listener was online and quoted once; after: the rest of the run.',
  ];
}

/** Columns padded to their widest cell; `right` aligns numbers. */
function table(rows: string[][], right: readonly boolean[]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, k) => (widths[k] = Math.max(widths[k] ?? 0, [...c].length)));
  return rows.map((r) =>
    r
      .map((c, k) => {
        const pad = (widths[k] ?? 0) - [...c].length;
        if (k === r.length - 1) return c;
        return right[k] === true ? ' '.repeat(pad) + c : c + ' '.repeat(pad);
      })
      .join('  ')
      .trimEnd(),
  );
}

export function formatSummaryTable(i: SummaryTableInput): string {
  const where = i.sim ? ', simulator' : '';
  const title = `Run summary (${i.mode === 'trade' ? 'trade' : 'evaluation'} mode${where}; stopped: ${i.stoppedBecause})`;
  const body = table(
    overview(i).map(([k, v]) => [`  ${k ?? ''}`, v ?? '']),
    [false, false],
  );
  return [title, ...body, '', ...dropsTable(i)].join('\n');
}
