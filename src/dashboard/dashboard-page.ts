/**
 * The dashboard page's markup and style. The panels are empty here; the script (client/app.ts)
 * fills them from the server's event stream. No external resource: it works on a machine without
 * internet access.
 */

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function pageHtml(csrf: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${esc(csrf)}">
<title>kraken-arb dashboard</title>
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<header>
  <h1>kraken-arb</h1>
  <span id="mode" class="pill">connecting…</span>
  <span id="connection" class="pill warn">not connected</span>
  <span id="uptime"></span>
</header>
<main>
  <section id="risk-panel" class="wide">
    <h2>Risk state</h2>
    <div id="risk"></div>
    <div class="controls">
      <button id="stop-trading" type="button" class="danger">Stop trading</button>
      <button id="resume-trading" type="button">Resume trading</button>
      <span id="control-message" role="status"></span>
    </div>
    <dialog id="confirm-stop">
      <p>Stop trading? No new trade starts; a trade in flight finishes. Evaluation goes on.
      Trading stays off until it is resumed here or with /resume in Telegram.</p>
      <button id="confirm-stop-yes" type="button" class="danger">Yes, stop trading</button>
      <button id="confirm-stop-no" type="button">Cancel</button>
    </dialog>
  </section>
  <section class="wide"><h2>Feeds</h2><div id="feeds"></div></section>
  <section><h2>Opportunities</h2><div id="opportunities"></div><div id="roi-histogram"></div></section>
  <section><h2>PnL over time (USD)</h2><div id="pnl"></div><div id="pnl-chart"></div></section>
  <section><h2>Latency</h2><div id="latency"></div></section>
  <section><h2>Stranded inventory</h2><div id="stranded"></div></section>
  <section class="wide"><h2>Trades</h2><div id="trades"></div></section>
  <section class="wide"><h2>Went no further, and why</h2><div id="drops"></div></section>
</main>
</body>
</html>
`;
}

export const PAGE_CSS = `
:root { font-family: system-ui, sans-serif; font-size: 14px; color: #1f2328; background: #f6f8fa; }
body { margin: 0; }
header { display: flex; gap: 12px; align-items: center; padding: 10px 16px; background: #24292f; color: #fff; }
header h1 { font-size: 18px; margin: 0 12px 0 0; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 12px; padding: 12px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; overflow-x: auto; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 15px; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pill { padding: 2px 8px; border-radius: 10px; background: #57606a; color: #fff; font-size: 12px; }
.ok { background: #1a7f37; color: #fff; }
.warn { background: #9a6700; color: #fff; }
.bad { background: #cf222e; color: #fff; }
.muted { color: #57606a; }
.pos { color: #1a7f37; }
.neg { color: #cf222e; }
.controls { margin-top: 10px; display: flex; gap: 10px; align-items: center; }
button { font-size: 14px; padding: 6px 14px; border-radius: 6px; border: 1px solid #d0d7de; background: #f6f8fa; cursor: pointer; }
button.danger { background: #cf222e; color: #fff; border-color: #a40e26; }
button:disabled { opacity: 0.5; cursor: default; }
.trade { border-top: 1px solid #eaeef2; padding: 6px 0; }
.trade .legs { margin-left: 16px; font-size: 13px; }
svg { display: block; margin-top: 6px; }
`;
