/** Pure text rendering of a JournalSummary for the terminal (report-cli.ts). */
import type { FlowTotals, JournalSummary } from './summarize.js';

const money = (v: number | undefined): string => (v ?? 0).toFixed(2);
const amounts = (m: Readonly<Record<string, number>>): string => {
  const e = Object.entries(m);
  return e.length === 0 ? '-' : e.map(([k, v]) => `${k} ${+v.toPrecision(10)}`).join(', ');
};
const isoUs = (us: number | undefined): string =>
  us === undefined ? '-' : new Date(Math.floor(us / 1000)).toISOString();

export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '))
    .join('\n');
}

const HEADER = [
  'route',
  'trades',
  'buy fills',
  'sell fills',
  'PnL USD',
  'PnL EUR',
  'fees USD',
  'fees EUR',
  'rejects',
  'sell fails',
  'unknown',
  'stranded',
];

function row(name: string, t: FlowTotals): string[] {
  return [
    name,
    String(t.trades),
    String(t.buyFills),
    String(t.sellFills),
    money(t.pnl.USD),
    money(t.pnl.EUR),
    money(t.fees.USD),
    money(t.fees.EUR),
    String(t.rejects),
    String(t.sellFailures),
    String(t.unresolvedUnknown),
    amounts(t.stranded),
  ];
}

export function formatSummary(s: JournalSummary, recordCount: number): string {
  if (recordCount === 0) return 'No journal records.';
  const lines = [
    `Journal: ${recordCount} records, ${isoUs(s.firstTs)} .. ${isoUs(s.lastTs)}`,
    '',
    table([HEADER, ...s.routes.map((r) => row(r.route, r)), row('TOTAL', s)]),
    '',
    `PnL: USD ${money(s.pnlUsd)}  EUR ${money(s.pnlEur)}   (net cash flows; other currencies: ${amounts(otherPnl(s.pnl))})`,
    `Stranded inventory: ${amounts(s.stranded)}`,
    `Risk stops: ${s.riskStops}   invalid fill records: ${s.invalidFills}   duplicate fills ignored: ${s.duplicateFills}`,
  ];
  return lines.join('\n');
}

function otherPnl(pnl: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(pnl)) if (k !== 'USD' && k !== 'EUR') out[k] = v;
  return out;
}
