/**
 * The dashboard page's script (browser; built by client/tsconfig.json). It listens to the server's
 * event stream and redraws every panel from each snapshot; it never polls. Data goes into the page
 * as text nodes only (never as markup). The stop button asks for confirmation first.
 */
import type { ControlAnswer, DashboardSnapshot, LatencyView, TradeView } from '../snapshot-types.js';

type Child = Node | string;

function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
function s(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el;
}

function fill(id: string, ...children: Child[]): void {
  byId(id).replaceChildren(...children);
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const usd = (n: number): string => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)} USD`;
const micros = (us: number): string =>
  us < 1000
    ? `${Math.round(us)} µs`
    : us < 1e6
      ? `${(us / 1000).toFixed(2)} ms`
      : `${(us / 1e6).toFixed(2)} s`;
const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 23);

function table(head: string[], rows: Child[][], numeric: boolean[] = []): HTMLElement {
  const cls = (k: number): Record<string, string> => (numeric[k] === true ? { class: 'num' } : {});
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...head.map((c, k) => h('th', cls(k), c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, k) => h('td', cls(k), c))))),
  );
}

function latencyRow(name: string, l: LatencyView | null): Child[] {
  if (l === null) return [name, '-', '-', '-', '-', '0'];
  return [name, micros(l.p50), micros(l.p90), micros(l.p99), micros(l.max), int(l.count)];
}

function bars(buckets: DashboardSnapshot['opportunities']['roiHistogram']): SVGElement {
  const w = 360;
  const rowH = 18;
  const svg = s('svg', {
    width: w,
    height: buckets.length * rowH + 4,
    role: 'img',
    'aria-label': 'ROI histogram',
  });
  const max = Math.max(1, ...buckets.map((b) => b.usdToEur + b.eurToUsd));
  buckets.forEach((b, k) => {
    const y = k * rowH + 2;
    const scale = (w - 150) / max;
    const label = s('text', { x: 0, y: y + 13, 'font-size': 12 });
    label.textContent = b.label;
    svg.append(label);
    svg.append(s('rect', { x: 80, y, width: b.usdToEur * scale, height: rowH - 4, fill: '#0969da' }));
    svg.append(
      s('rect', {
        x: 80 + b.usdToEur * scale,
        y,
        width: b.eurToUsd * scale,
        height: rowH - 4,
        fill: '#8250df',
      }),
    );
    const n = s('text', { x: 84 + (b.usdToEur + b.eurToUsd) * scale, y: y + 13, 'font-size': 12 });
    n.textContent = b.usdToEur + b.eurToUsd > 0 ? `${b.usdToEur} / ${b.eurToUsd}` : '';
    svg.append(n);
  });
  return svg;
}

function pnlChart(series: ReadonlyArray<readonly [number, number]>): SVGElement {
  const w = 360;
  const hgt = 120;
  const svg = s('svg', { width: w, height: hgt, role: 'img', 'aria-label': 'PnL over time' });
  if (series.length < 2) return svg;
  const t0 = (series[0] as readonly [number, number])[0];
  const t1 = Math.max(t0 + 1, (series[series.length - 1] as readonly [number, number])[0]);
  const vs = series.map(([, v]) => v);
  const lo = Math.min(0, ...vs);
  const hi = Math.max(0, ...vs);
  const x = (t: number): number => ((t - t0) / (t1 - t0)) * (w - 4) + 2;
  const y = (v: number): number => hgt - 4 - ((v - lo) / (hi - lo || 1)) * (hgt - 8);
  svg.append(s('line', { x1: 0, x2: w, y1: y(0), y2: y(0), stroke: '#8c959f', 'stroke-dasharray': '4 3' }));
  let d = '';
  let prev = 0;
  series.forEach(([t, v], k) => {
    d += k === 0 ? `M${x(t)},${y(v)}` : ` L${x(t)},${y(prev)} L${x(t)},${y(v)}`;
    prev = v;
  });
  svg.append(s('path', { d, fill: 'none', stroke: prev >= 0 ? '#1a7f37' : '#cf222e', 'stroke-width': 2 }));
  return svg;
}

function tradeBlock(t: TradeView): HTMLElement {
  const status = h(
    'span',
    {
      class: `pill ${t.status === 'sold' ? 'ok' : t.status === 'in progress' ? 'warn' : t.status === 'not-filled' ? '' : 'bad'}`,
    },
    t.status,
  );
  const pnl = t.pnlUsd === null ? '' : usd(t.pnlUsd);
  const legs = t.legs.map((l) =>
    h(
      'div',
      {},
      `${l.side} ${l.pair}: ${l.orders} order${l.orders === 1 ? '' : 's'}, ${l.fills.length} fill${l.fills.length === 1 ? '' : 's'}`,
      ...l.fills.map((f) =>
        h('div', { class: 'muted' }, `  ${clock(f.atMs)}  ${f.volume} @ ${f.price}  fee ${f.fee}`),
      ),
    ),
  );
  return h(
    'div',
    { class: 'trade', 'data-trade-id': t.tradeId, 'data-status': t.status },
    h(
      'div',
      {},
      status,
      ` ${clock(t.startedMs)} ${t.tradeId} ${t.buyPair} → ${t.sellPair} ${pnl}`,
      t.reason ? h('span', { class: 'muted' }, ` (${t.reason})`) : '',
    ),
    h('div', { class: 'legs' }, ...legs),
  );
}

function renderRisk(d: DashboardSnapshot): void {
  const r = d.risk;
  const state = h(
    'span',
    { id: 'trading-state', class: `pill ${r.tradingEnabled ? 'ok' : 'bad'}` },
    r.tradingEnabled ? 'trading on' : `trading stopped: ${r.stopReason}`,
  );
  const limits = table(
    ['', 'now', 'limit'],
    [
      ['trades in the last minute', int(r.tradesLastMinute), int(r.limits.maxTradesPerMinute)],
      ['PnL today (UTC)', usd(r.dayPnlUsd), `−${r.limits.maxDailyLoss} USD`],
      ['failures in a row', int(r.failuresInARow), int(r.limits.maxConsecutiveFailures)],
    ],
    [false, true, true],
  );
  fill('risk', state, limits);
  (byId('stop-trading') as HTMLButtonElement).disabled = !r.tradingEnabled || r.shuttingDown;
  (byId('resume-trading') as HTMLButtonElement).disabled = !r.resumable;
}

function renderFeeds(d: DashboardSnapshot): void {
  const rows = d.feeds.map((f) => [
    String(f.listener),
    h('span', { class: `pill ${f.status === 'online' ? 'ok' : 'bad'}` }, f.status),
    int(f.pairs),
    int(f.updatesPerS),
    f.lastUpdateAgeMs === null ? '-' : `${int(f.lastUpdateAgeMs)} ms ago`,
    int(f.reconnects),
    f.warm ? 'done' : 'waiting for quotes',
  ]);
  const head = ['listener', 'status', 'pairs', 'updates/s', 'last update', 'reconnects', 'start-up'];
  fill('feeds', table(head, rows, [false, false, true, true, true, true, false]));
}

function renderMarket(d: DashboardSnapshot): void {
  const o = d.opportunities;
  fill(
    'opportunities',
    `${int(o.usdToEur + o.eurToUsd)} found: ${int(o.usdToEur)} USD→EUR (blue), ${int(o.eurToUsd)} EUR→USD (violet); ROI above 1 in basis points:`,
  );
  fill('roi-histogram', bars(o.roiHistogram));
  const byStatus = Object.entries(d.pnl.tradesByStatus)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  fill(
    'pnl',
    h('strong', { id: 'pnl-usd', class: d.pnl.usd >= 0 ? 'pos' : 'neg' }, usd(d.pnl.usd)),
    ` over ${byStatus || 'no trades'} (each trade valued at its own USDT rates)`,
  );
  fill('pnl-chart', pnlChart(d.pnl.series));
  const l = d.latency;
  const rows = [
    latencyRow('decision → send', l.decisionToSend),
    latencyRow('ingestion, last 10 s', l.ingestionRecent),
    latencyRow('ingestion, after start-up', l.ingestionRun),
  ];
  fill(
    'latency',
    table(['', 'p50', 'p90', 'p99', 'max', 'count'], rows, [false, true, true, true, true, true]),
  );
  const stranded = Object.entries(d.stranded).filter(([, v]) => v !== 0);
  fill(
    'stranded',
    stranded.length === 0
      ? 'none'
      : table(
          ['asset', 'volume'],
          stranded.map(([k, v]) => [k, String(v)]),
          [false, true],
        ),
  );
}

function renderTradesAndDrops(d: DashboardSnapshot): void {
  const none = d.mode === 'trade' ? 'no trade yet' : 'evaluation mode: no trades';
  fill(
    'trades',
    d.trades.length === 0 ? h('span', { class: 'muted' }, none) : '',
    ...d.trades.map(tradeBlock),
  );
  const rows = d.drops.map((x) => [
    x.stageTitle,
    x.label,
    x.startup === null ? '-' : int(x.startup),
    int(x.after),
    x.explanation,
  ]);
  fill(
    'drops',
    rows.length === 0
      ? 'nothing dropped'
      : table(['', 'reason', 'start-up', 'after', 'why'], rows, [false, false, true, true, false]),
  );
}

function render(d: DashboardSnapshot): void {
  byId('mode').textContent = `${d.mode === 'trade' ? 'TRADE MODE' : 'evaluation mode'} · ${d.venue}`;
  byId('uptime').textContent =
    `up ${int(d.uptimeS)} s · ${int(d.updatesPerS)} updates/s · ${int(d.updates)} updates`;
  renderRisk(d);
  renderFeeds(d);
  renderMarket(d);
  renderTradesAndDrops(d);
}

async function control(action: 'stop' | 'resume'): Promise<void> {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const message = byId('control-message');
  try {
    const res = await fetch(`/api/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ confirm: action }),
    });
    const answer = (await res.json()) as ControlAnswer;
    message.textContent = answer.message;
  } catch (err) {
    message.textContent = `${action} failed: ${String(err)}`;
  }
}

function wire(): void {
  const dialog = byId('confirm-stop') as HTMLDialogElement;
  byId('stop-trading').addEventListener('click', () => dialog.showModal());
  byId('confirm-stop-no').addEventListener('click', () => dialog.close());
  byId('confirm-stop-yes').addEventListener('click', () => {
    dialog.close();
    void control('stop');
  });
  byId('resume-trading').addEventListener('click', () => void control('resume'));
  const connection = byId('connection');
  const source = new EventSource('/events');
  source.addEventListener('open', () => {
    connection.textContent = 'live';
    connection.className = 'pill ok';
  });
  source.addEventListener('error', () => {
    connection.textContent = 'reconnecting…';
    connection.className = 'pill warn';
  });
  source.addEventListener('state', (e) =>
    render(JSON.parse((e as MessageEvent<string>).data) as DashboardSnapshot),
  );
}

wire();
