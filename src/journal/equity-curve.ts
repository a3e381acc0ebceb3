/**
 * The equity curve as a standalone SVG: cumulative PnL in USD after each trade against time, a zero
 * line, the axes' extremes labelled. `equityHtml` wraps it in a page with the per-day and per-coin
 * tables. No script, no external resource: it opens anywhere, offline. Text builders are pure;
 * writeEquityCurve writes the file.
 */
import { writeFileSync } from 'node:fs';
import { equityPoints, type PnlGroup, type UsdPnl } from './trade-pnl.js';

const W = 900;
const H = 360;
const PAD = { left: 90, right: 20, top: 40, bottom: 50 };

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const usd = (v: number): string => `${v < 0 ? '−' : ''}${Math.abs(v).toFixed(2)} USD`;
const when = (us: number): string =>
  new Date(Math.floor(us / 1000)).toISOString().replace('T', ' ').slice(0, 19);

export function equitySvg(p: UsdPnl, title = 'Equity curve: cumulative PnL in USD'): string {
  const pts = equityPoints(p);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`;
  const titleEl = `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`;
  if (pts.length === 0)
    return `${head}${titleEl}<text x="${W / 2}" y="${H / 2}" text-anchor="middle">No valued trades in the journal.</text></svg>\n`;
  const t0 = (pts[0] as readonly [number, number])[0];
  const t1 = (pts[pts.length - 1] as readonly [number, number])[0];
  const values = [0, ...pts.map(([, v]) => v)];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const x = (t: number): number =>
    PAD.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number): number => PAD.top + (1 - (v - lo) / span) * (H - PAD.top - PAD.bottom);
  // A step line from 0 at the first trade: equity changes when a trade ends.
  let d = `M${x(t0).toFixed(1)},${y(0).toFixed(1)}`;
  let prev = 0;
  for (const [t, v] of pts) {
    d += ` L${x(t).toFixed(1)},${y(prev).toFixed(1)} L${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    prev = v;
  }
  const last = pts[pts.length - 1] as readonly [number, number];
  const bottom = H - PAD.bottom;
  return [
    head,
    titleEl,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${bottom - PAD.top}" fill="none" stroke="#ccc"/>`,
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<path d="${d}" fill="none" stroke="${last[1] >= 0 ? '#1a7f37' : '#cf222e'}" stroke-width="2"/>`,
    `<text x="${PAD.left - 6}" y="${y(hi) + 4}" text-anchor="end">${esc(usd(hi))}</text>`,
    `<text x="${PAD.left - 6}" y="${y(lo) + 4}" text-anchor="end">${esc(usd(lo))}</text>`,
    `<text x="${PAD.left}" y="${bottom + 18}">${esc(when(t0))} UTC</text>`,
    `<text x="${W - PAD.right}" y="${bottom + 18}" text-anchor="end">${esc(when(t1))} UTC</text>`,
    `<text x="${W / 2}" y="${bottom + 38}" text-anchor="middle">${pts.length} trades · total ${esc(usd(last[1]))} (each trade valued at its own USDT rates)</text>`,
    '</svg>\n',
  ].join('\n');
}

function groupTable(caption: string, groups: readonly PnlGroup[]): string {
  const rows = groups
    .map((g) => `<tr><td>${esc(g.key)}</td><td>${g.trades}</td><td>${esc(usd(g.pnlUsd))}</td></tr>`)
    .join('');
  return `<table><caption>${esc(caption)}</caption><tr><th></th><th>trades</th><th>PnL</th></tr>${rows}</table>`;
}

export function equityHtml(p: UsdPnl): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kraken-arb equity curve</title>',
    '<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse;margin:16px 24px 0 0;display:inline-table;vertical-align:top}td,th{border:1px solid #ddd;padding:3px 10px;text-align:right}td:first-child{text-align:left}caption{text-align:left;font-weight:bold;padding-bottom:4px}</style>',
    '</head><body>',
    equitySvg(p),
    groupTable('PnL per UTC day', p.byDay),
    groupTable('PnL per coin', p.byCoin),
    '</body></html>\n',
  ].join('\n');
}

/** Writes the curve: HTML (with the tables) for a .html/.htm name, else SVG. */
export function writeEquityCurve(file: string, p: UsdPnl): void {
  writeFileSync(file, /\.html?$/i.test(file) ? equityHtml(p) : equitySvg(p));
}
