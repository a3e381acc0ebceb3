import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from '../../src/journal/summarize.js';
import type { JournalKind, JournalRecord } from '../../src/journal/journal-record.js';

let seq = 0;
const rec = (kind: JournalKind, tradeId: string, fields: Record<string, unknown> = {}): JournalRecord => ({
  ts: 1_764_000_000_000_000 + ++seq * 1000,
  seq,
  kind,
  tradeId,
  ...fields,
});

/** Hand-computed trades (numbers below are worked out in the comments). */
function sampleRecords(): JournalRecord[] {
  seq = 0;
  return [
    // A: USD→EUR on XBT. Buys: 0.5 @ 100 fee 0.2 → −50.20 USD; 0.25 @ 101 fee 0.1 → −25.35 USD.
    //    Sell 0.75 @ 95 fee 0.25 → +71.00 EUR. Nothing stranded.
    rec('intent', 'A', { buyPair: 'XBT/USD', sellPair: 'XBT/EUR', base: 'XBT', volume: 0.75 }),
    rec('order-sent', 'A'),
    rec('fill', 'A', { pair: 'XBT/USD', price: 100, volume: 0.5, fee: 0.2, fillId: 'TA1' }),
    rec('fill', 'A', { pair: 'XBT/USD', price: 101, volume: 0.25, fee: 0.1, fillId: 'TA2' }),
    rec('sell-fill', 'A', { pair: 'XBT/EUR', price: 95, volume: 0.75, fee: 0.25, fillId: 'TA3' }),
    rec('outcome', 'A', { status: 'done' }),
    // B: EUR→USD on ETH. Buy 2 @ 20 fee 0.1 → −40.10 EUR (seen twice: counted once); sell fails → 2 ETH stranded.
    rec('intent', 'B', { buyPair: 'ETH/EUR', sellPair: 'ETH/USD', base: 'ETH' }),
    rec('fill', 'B', {
      pair: 'ETH/EUR',
      base: 'ETH',
      quote: 'EUR',
      price: 20,
      volume: 2,
      fee: 0.1,
      fillId: 'TB1',
    }),
    rec('fill', 'B', { pair: 'ETH/EUR', price: 20, volume: 2, fee: 0.1, fillId: 'TB1' }),
    rec('sell-failed', 'B', { reason: 'EOrder:Insufficient funds' }),
    rec('stranded', 'B', { base: 'ETH', volume: 2 }),
    // C: rejected; a malformed fill record; an unknown later reconciled.
    rec('intent', 'C', { buyPair: 'SOL/USD', sellPair: 'SOL/EUR' }),
    rec('reject', 'C', { reason: 'EOrder:Insufficient funds' }),
    rec('fill', 'C', { pair: 'SOL/USD', price: 10 }),
    rec('unknown', 'C'),
    rec('reconciled', 'C'),
    // D: unknown, never reconciled.
    rec('intent', 'D', { buyPair: 'SOL/USD', sellPair: 'SOL/EUR' }),
    rec('unknown', 'D', { reason: 'socket lost' }),
    rec('risk-stop', '', { reason: 'unknown order' }),
  ];
}

const close = (actual: number | undefined, expected: number, what: string): void =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

describe('summarize', () => {
  test('totals match the hand-computed trades', () => {
    const s = summarize(sampleRecords());
    close(s.pnlUsd, -75.55, 'USD');
    close(s.pnlEur, 30.9, 'EUR');
    close(s.fees.USD, 0.3, 'USD fees');
    close(s.fees.EUR, 0.35, 'EUR fees');
    assert.deepEqual(s.stranded, { ETH: 2 });
    assert.equal(s.trades, 4);
    assert.equal(s.buyFills, 3);
    assert.equal(s.sellFills, 1);
    assert.equal(s.rejects, 1);
    assert.equal(s.sellFailures, 1);
    assert.equal(s.unresolvedUnknown, 1);
    assert.equal(s.duplicateFills, 1);
    assert.equal(s.invalidFills, 1);
    assert.equal(s.riskStops, 1);
    assert.equal(s.firstTs, 1_764_000_000_001_000);
  });

  test('per route: each route carries only its own trades', () => {
    const s = summarize(sampleRecords());
    assert.deepEqual(
      s.routes.map((r) => [r.route, r.trades]),
      [
        ['ETH/EUR>ETH/USD', 1],
        ['SOL/USD>SOL/EUR', 2],
        ['XBT/USD>XBT/EUR', 1],
      ],
    );
    const xbt = s.routes[2];
    close(xbt?.pnl.USD, -75.55, 'XBT USD');
    close(xbt?.pnl.EUR, 71, 'XBT EUR');
    assert.deepEqual(xbt?.stranded, {});
    assert.deepEqual(s.routes[0]?.stranded, { ETH: 2 });
    assert.equal(s.routes[1]?.unresolvedUnknown, 1);
  });

  test('an empty journal sums to zero', () => {
    const s = summarize([]);
    assert.equal(s.pnlUsd, 0);
    assert.equal(s.trades, 0);
    assert.deepEqual(s.routes, []);
    assert.equal(s.firstTs, undefined);
  });
});

describe('report CLI', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  // From dist/test/journal/ the compiled CLI is dist/src/journal/report-cli.js; under tsx run the source.
  const underTsx = import.meta.url.endsWith('.ts');
  const cli = fileURLToPath(
    new URL(`../../src/journal/report-cli.${underTsx ? 'ts' : 'js'}`, import.meta.url),
  );
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [...(underTsx ? ['--import', 'tsx'] : []), cli, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });

  test('prints the table for a journal directory and exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
    dirs.push(dir);
    const text =
      sampleRecords()
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n{"torn';
    writeFileSync(join(dir, 'trades-20251124.jsonl'), text);
    const r = run('--dir', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /XBT\/USD>XBT\/EUR/);
    assert.match(r.stdout, /TOTAL\s+4\s+3\s+1\s+-75\.55\s+30\.90/);
    assert.match(r.stdout, /Stranded inventory: ETH 2/);
    assert.match(r.stderr, /E_JOURNAL_TORN_TAIL/);
  });

  test('a missing directory exits 2 with a clear message; an empty one exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
    dirs.push(dir);
    const bad = run('--dir', join(dir, 'nope'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /E_JOURNAL_DIR: cannot read journal directory/);
    const badArg = run('--bogus');
    assert.equal(badArg.status, 2);
    assert.match(badArg.stderr, /unknown argument/);
    const empty = run('--dir', dir);
    assert.equal(empty.status, 0, empty.stderr);
    assert.match(empty.stdout, /No journal records/);
  });
});

test('fees are kept per asset: a buy fee taken in the coin leaves the inventory, not the cash', () => {
  const recs: JournalRecord[] = [
    rec('intent', 'T1', {
      buyPair: 'ABC/USD',
      sellPair: 'ABC/EUR',
      baseAsset: 'ABC',
      buyQuoteAsset: 'ZUSD',
      sellQuoteAsset: 'ZEUR',
    }),
    rec('fill', 'T1', {
      pair: 'ABC/USD',
      price: 100,
      volume: 2,
      cost: 200,
      fee: 0.8,
      fees: [{ asset: 'ABC', qty: 0.008 }],
      fillId: 'F1',
    }),
    rec('sell-fill', 'T1', {
      pair: 'ABC/EUR',
      price: 93,
      volume: 1.992,
      cost: 185.256,
      fee: 0.741,
      fillId: 'F2',
    }),
  ];
  const s = summarize(recs);
  assert.equal(s.pnl['USD'], -200);
  assert.ok(Math.abs((s.pnl['EUR'] ?? 0) - (185.256 - 0.741)) < 1e-9);
  assert.equal(s.stranded['ABC'] ?? 0, 0, 'the fee coins are not stranded inventory');
  assert.ok(Math.abs(s.balanceChange['ABC'] ?? 1) < 1e-12);
  assert.equal(s.balanceChange['ZUSD'], -200);
  assert.equal(s.fees['ABC'], 0.008);
});
