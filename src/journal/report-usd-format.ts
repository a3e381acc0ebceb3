/** Text rendering of the journal's PnL in USD per day and per coin, for `npm run report` (pure). */
import { table } from './report-format.js';
import type { PnlGroup, UsdPnl } from './trade-pnl.js';

const usd = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;

function groupTable(title: string, groups: readonly PnlGroup[]): string {
  return table([
    [title, 'trades', 'PnL USD'],
    ...groups.map((g) => [g.key, String(g.trades), usd(g.pnlUsd)]),
  ]);
}

const ids = (list: readonly string[]): string =>
  list.slice(0, 10).join(', ') + (list.length > 10 ? `, … (${list.length - 10} more)` : '');

export function formatUsdPnl(p: UsdPnl): string {
  const lines = [
    `PnL in USD: ${usd(p.totalUsd)} over ${p.trades.length} trades (each trade valued at its own USDT/USD and USDT/EUR rates)`,
  ];
  if (p.trades.length > 0) {
    lines.push('', groupTable('per UTC day', p.byDay), '', groupTable('per coin', p.byCoin));
  }
  if (p.unvalued.length > 0)
    lines.push(
      '',
      `Not valued in USD: ${p.unvalued.length} finished trades whose outcome has no valuation (closed by the start-up recovery); their cash flows are in the table above: ${ids(p.unvalued)}`,
    );
  if (p.open.length > 0)
    lines.push(
      '',
      `No outcome yet: ${p.open.length} trades (in flight, or interrupted and not yet recovered): ${ids(p.open)}`,
    );
  return lines.join('\n');
}
