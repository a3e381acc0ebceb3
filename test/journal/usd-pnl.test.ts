/**
 * `npm run report` in one currency: each trade's own USD valuation summed per UTC day and per coin,
 * trades without a valuation listed apart, and the equity curve written as SVG or HTML.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { equityPoints, usdPnl, utcDay } from '../../src/journal/trade-pnl.js';
import { formatUsdPnl } from '../../src/journal/report-usd-format.js';
import { equityHtml, equitySvg } from '../../src/journal/equity-curve.js';
import type { JournalKind, JournalRecord } from '../../src/journal/journal-record.js';

const DAY_US = 86_400_000_000;
/** 2025-11-24T00:00:00Z in µs. */
const DAY0 = Date.UTC(2025, 10, 24) * 1000;
let seq = 0;
const rec = (
  ts: number,
  kind: JournalKind,
  tradeId: string,
  f: Record<string, unknown> = {},
): JournalRecord => ({
  ts,
  seq: ++seq,
  kind,
  tradeId,
  ...f,
});

/** A: ADA +2.50 on day 0; B: XBT −1.25 on day 0; C: ADA +0.75 on day 1; D: recovered, no valuation; E: open. */
function journal(): JournalRecord[] {
  seq = 0;
  return [
    rec(DAY0 + 1, 'intent', 'A', { base: 'ADA', buyPair: 'ADA/USD', sellPair: 'ADA/EUR' }),
    rec(DAY0 + 2, 'outcome', 'A', { status: 'sold', pnlUsd: 2.5, pnlEur: 2.3 }),
    rec(DAY0 + 3, 'intent', 'B', { base: 'XBT' }),
    rec(DAY0 + 4, 'outcome', 'B', { status: 'stranded', pnlUsd: -1.25, pnlEur: -1.15 }),
    rec(DAY0 + 5, 'risk-stop', '', { reason: 'max-daily-loss' }),
    rec(DAY0 + DAY_US + 6, 'intent', 'C', { base: 'ADA' }),
    rec(DAY0 + DAY_US + 7, 'outcome', 'C', { status: 'sold', pnlUsd: 0.75 }),
    rec(DAY0 + DAY_US + 8, 'intent', 'D', { base: 'SOL' }),
    rec(DAY0 + DAY_US + 9, 'outcome', 'D', { status: 'sold', reason: 'recovered after a restart' }),
    rec(DAY0 + DAY_US + 10, 'intent', 'E', { base: 'DOT' }),
  ];
}

describe('PnL in USD per day and per coin', () => {
  test('sums each trade’s own valuation; unvalued and open trades are listed, not guessed', () => {
    const p = usdPnl(journal());
    assert.equal(p.totalUsd, 2);
    assert.deepEqual(
      p.byDay.map((g) => [g.key, g.trades, g.pnlUsd]),
      [
        ['2025-11-24', 2, 1.25],
        ['2025-11-25', 1, 0.75],
      ],
    );
    assert.deepEqual(
      p.byCoin.map((g) => [g.key, g.trades, g.pnlUsd]),
      [
        ['ADA', 2, 3.25],
        ['XBT', 1, -1.25],
      ],
    );
    assert.deepEqual(p.unvalued, ['D']);
    assert.deepEqual(p.open, ['E']);
    assert.deepEqual(
      equityPoints(p).map(([, v]) => v),
      [2.5, 1.25, 2],
    );
    assert.equal(utcDay(DAY0 + DAY_US - 1), '2025-11-24');
  });

  test('the text gives the total, the two tables and the trades left out', () => {
    const text = formatUsdPnl(usdPnl(journal()));
    assert.match(
      text,
      /^PnL in USD: \+2\.00 over 3 trades \(each trade valued at its own USDT\/USD and USDT\/EUR rates\)/,
    );
    assert.match(text, /per UTC day\s+trades\s+PnL USD\n2025-11-24\s+2\s+\+1\.25\n2025-11-25\s+1\s+\+0\.75/);
    assert.match(text, /per coin\s+trades\s+PnL USD\nADA\s+2\s+\+3\.25\nXBT\s+1\s+−1\.25/);
    assert.match(text, /Not valued in USD: 1 finished trades .*: D/);
    assert.match(text, /No outcome yet: 1 trades .*: E/);
  });

  test('the equity curve is a standalone SVG, also inside an HTML page with the tables', () => {
    const svg = equitySvg(usdPnl(journal()));
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<path d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){6}" fill="none" stroke="#1a7f37"/);
    assert.match(svg, /3 trades · total 2\.00 USD/);
    assert.doesNotMatch(svg, /<script|href=/);
    const html = equityHtml(usdPnl(journal()));
    assert.match(
      html,
      /<caption>PnL per UTC day<\/caption>.*<td>2025-11-24<\/td><td>2<\/td><td>1\.25 USD<\/td>/s,
    );
    assert.match(html, /<caption>PnL per coin<\/caption>.*<td>XBT<\/td><td>1<\/td><td>−1\.25 USD<\/td>/s);
    assert.match(equitySvg(usdPnl([])), /No valued trades in the journal\./);
  });
});

describe('report CLI: --equity', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const underTsx = import.meta.url.endsWith('.ts');
  const cli = fileURLToPath(
    new URL(`../../src/journal/report-cli.${underTsx ? 'ts' : 'js'}`, import.meta.url),
  );
  const run = (...args: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, [...(underTsx ? ['--import', 'tsx'] : []), cli, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });

  test('prints PnL in USD per day and per coin and writes the curve', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-usd-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'trades-20251124.jsonl'),
      journal()
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const svg = join(dir, 'curve.svg');
    const r = run('--dir', dir, '--equity', svg);
    assert.equal(r.status, 0, String(r.stderr));
    assert.match(String(r.stdout), /PnL in USD: \+2\.00 over 3 trades/);
    assert.match(String(r.stdout), /per coin/);
    assert.match(String(r.stdout), new RegExp(`equity curve written to ${svg}`));
    assert.match(readFileSync(svg, 'utf8'), /^<svg /);
    const html = join(dir, 'curve.html');
    assert.equal(run('--dir', dir, '--equity', html).status, 0);
    assert.match(readFileSync(html, 'utf8'), /^<!doctype html>/);
    const bad = run('--dir', dir, '--equity', join(dir, 'curve.png'));
    assert.equal(bad.status, 2);
    assert.match(String(bad.stderr), /--equity needs a file name ending in \.svg or \.html/);
    const unwritable = run('--dir', dir, '--equity', join(dir, 'no', 'such', 'dir.svg'));
    assert.equal(unwritable.status, 2);
    assert.match(String(unwritable.stderr), /could not write .*dir\.svg/);
  });
});
