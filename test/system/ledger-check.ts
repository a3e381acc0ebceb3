/**
 * Ground truth for the system tests: what the simulator's venue says happened to the account (its
 * orders, fills and balances), compared with what the program journaled and summarized. Amounts are
 * keyed by the wsname codes the journal uses (USD, EUR, XBT...). Only float formatting is tolerated:
 * 1e-9 relative to the larger of the two figures and of the gross flow in that currency.
 */
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../src/sim/simulator.js';
import type { SimOrder, SimTrade } from '../../src/sim/contracts.js';
import type { JournalRecord } from '../../src/journal/journal-record.js';
import { summarize } from '../../src/journal/summarize.js';
import { execFileSync } from 'node:child_process';
import { distPath } from '../helpers/project-root.js';

export const REL_TOL = 1e-9;

/** Asset id (ZUSD, XXBT...) → wsname code (USD, XBT...), from the simulator's pairs. */
export function assetCodes(sim: RunningSimulator): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of sim.market.pairs) {
    m.set(p.baseId, p.base);
    m.set(p.quoteId, p.quote);
  }
  return m;
}

export function balancesByCode(sim: RunningSimulator): Record<string, number> {
  const codes = assetCodes(sim);
  const out: Record<string, number> = {};
  for (const [id, b] of sim.venue.balances(sim.apiKey)) out[codes.get(id) ?? id] = b.balance;
  return out;
}

export function deltas(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)]))
    out[k] = (after[k] ?? 0) - (before[k] ?? 0);
  return out;
}

export interface SimLedger {
  orders: SimOrder[];
  trades: readonly SimTrade[];
  /** Net flow per code from the venue's fills (buy: −cost−fee quote, +vol base; sell: the reverse). */
  flows: Record<string, number>;
  /** Sum of |flow| per code, the scale for the tolerance. */
  gross: Record<string, number>;
}

export function simLedger(sim: RunningSimulator): SimLedger {
  const flows: Record<string, number> = {};
  const gross: Record<string, number> = {};
  const add = (k: string, v: number): void => {
    flows[k] = (flows[k] ?? 0) + v;
    gross[k] = (gross[k] ?? 0) + Math.abs(v);
  };
  const trades = sim.venue.trades(sim.apiKey);
  for (const t of trades) {
    const p = sim.market.pairs[t.pairIndex];
    assert.ok(p, `venue trade on unknown pair ${t.pairIndex}`);
    const buy = t.type === 'buy';
    add(p.quote, buy ? -(t.cost + t.fee) : t.cost - t.fee);
    add(p.base, buy ? t.vol : -t.vol);
  }
  return {
    orders: [...sim.venue.closedOrders(sim.apiKey), ...sim.venue.openOrders(sim.apiKey)],
    trades,
    flows,
    gross,
  };
}

export function close(actual: number, expected: number, scale: number, what: string): void {
  const tol = REL_TOL * Math.max(1, Math.abs(actual), Math.abs(expected), scale);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
}

/** Every key of either record agrees (missing = 0). */
export function assertSameAmounts(
  actual: Record<string, number>,
  expected: Record<string, number>,
  gross: Record<string, number>,
  what: string,
): void {
  for (const k of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
    close(actual[k] ?? 0, expected[k] ?? 0, gross[k] ?? 0, `${what} ${k}`);
  }
}

/** Journal fills of each order (by txid) sum to the venue's executed volume, cost and fee of that order. */
export function assertFillsMatchOrders(journal: readonly JournalRecord[], sim: SimLedger): void {
  const byTxid = new Map<string, { volume: number; cost: number; fee: number }>();
  const seen = new Set<string>();
  for (const r of journal) {
    if (r.kind !== 'fill' && r.kind !== 'sell-fill') continue;
    const key = `${r.kind}:${String(r['fillId'])}`;
    if (seen.has(key)) continue; // summarize() counts a repeated fillId once: so do we
    seen.add(key);
    const txid = String(r['txid']);
    const acc = byTxid.get(txid) ?? { volume: 0, cost: 0, fee: 0 };
    acc.volume += Number(r['volume']);
    acc.cost += Number(r['cost'] ?? Number(r['price']) * Number(r['volume']));
    acc.fee += Number(r['fee'] ?? 0);
    byTxid.set(txid, acc);
  }
  for (const o of sim.orders) {
    if (o.volExec === 0) continue;
    const j = byTxid.get(o.txid);
    assert.ok(j, `venue order ${o.txid} (${o.type} ${o.volExec} executed) has no fill in the journal`);
    close(j.volume, o.volExec, o.volExec, `order ${o.txid} volume`);
    close(j.cost, o.cost, o.cost, `order ${o.txid} cost`);
    close(j.fee, o.fee, o.fee, `order ${o.txid} fee`);
    byTxid.delete(o.txid);
  }
  assert.deepEqual([...byTxid.keys()], [], 'journal fills that the venue never made');
}

/**
 * The full agreement: journal fills = venue orders; journal flows (summarize) = venue fills =
 * balance changes, for USD, EUR and every coin; the program's summary JSON says the same.
 */
export function assertBooksAgree(
  journal: readonly JournalRecord[],
  sim: RunningSimulator,
  balancesBefore: Record<string, number>,
  /** null: a run whose summary does not cover these trades (e.g. recovered after a crash). */
  summary: Record<string, unknown> | null,
  /** The journal's directory, for `npm run report -- --json`. */
  journalDir: string,
): void {
  const ledger = simLedger(sim);
  assert.deepEqual(
    ledger.orders.filter((o) => o.status === 'open' || o.status === 'pending').map((o) => o.txid),
    [],
    'orders left open',
  );
  assertFillsMatchOrders(journal, ledger);
  const balanceDelta = deltas(balancesBefore, balancesByCode(sim));
  assertSameAmounts(balanceDelta, ledger.flows, ledger.gross, 'balance change vs venue fills');
  const s = summarize(journal);
  assert.equal(s.invalidFills, 0, 'journal fills without pair/price/volume');
  assert.equal(s.unresolvedUnknown, 0, 'journal has unknown outcomes never reconciled');
  const journalFlows: Record<string, number> = { ...s.pnl, ...s.stranded };
  assertSameAmounts(
    journalFlows,
    pick(ledger.flows, Object.keys(ledger.flows)),
    ledger.gross,
    'journal vs venue',
  );
  assertReportAgrees(journalDir, sim, balancesBefore, ledger.gross);
  if (summary === null) return;
  // The program's own summary: its cash flows, stranded inventory and trade count.
  const cash = summary['cashFlows'] as
    { pnl: Record<string, number>; stranded: Record<string, number> } | undefined;
  assert.ok(cash, `summary has no cashFlows: ${JSON.stringify(summary)}`);
  assertSameAmounts(
    { ...cash.pnl, ...cash.stranded },
    ledger.flows,
    ledger.gross,
    'summary cashFlows vs venue',
  );
  assertSameAmounts(
    summary['strandedInventory'] as Record<string, number>,
    s.stranded,
    ledger.gross,
    'summary strandedInventory vs journal',
  );
  // Every journaled outcome is counted in the summary under its status ('stale' trades never reach
  // the journal: they are only in notFilled).
  // A trade's outcome is its last outcome record (a later one settles an `unknown`).
  const last = new Map<string, JournalRecord>();
  for (const r of journal) if (r.kind === 'outcome') last.set(r.tradeId, r);
  const outcomes = [...last.values()];
  const counts = summary['trades'] as Record<string, number>;
  const statusKey: Record<string, string> = {
    sold: 'sold',
    dust: 'dust',
    rejected: 'rejected',
    stranded: 'stranded',
    unknown: 'unknown',
    failed: 'failed',
  };
  for (const [status, key] of Object.entries(statusKey)) {
    assert.equal(
      counts[key],
      outcomes.filter((r) => r['status'] === status).length,
      `summary trades.${key} vs journal outcomes`,
    );
  }
  assert.ok(
    (counts['notFilled'] ?? 0) >= outcomes.filter((r) => r['status'] === 'not-filled').length,
    'summary trades.notFilled',
  );
}

function pick(m: Record<string, number>, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, m[k] ?? 0]));
}

/**
 * `npm run report -- --json` (the real CLI) on the journal: its balanceChange, by Kraken asset id,
 * equals the change of the venue's balances, fees included.
 */
export function assertReportAgrees(
  dir: string,
  sim: RunningSimulator,
  balancesBefore: Record<string, number>,
  grossByCode: Record<string, number>,
): void {
  const out = execFileSync(
    process.execPath,
    [distPath('src', 'journal', 'report-cli.js'), '--json', '--dir', dir],
    {
      encoding: 'utf8',
    },
  );
  const report = JSON.parse(out) as { balanceChange: Record<string, number> };
  const codes = assetCodes(sim);
  const byId: Record<string, number> = {};
  for (const [id, b] of sim.venue.balances(sim.apiKey)) byId[id] = b.balance;
  const beforeById: Record<string, number> = {};
  for (const [id, code] of codes) beforeById[id] = balancesBefore[code] ?? 0;
  const venueChange = deltas(beforeById, byId);
  const gross: Record<string, number> = {};
  for (const [id, code] of codes) gross[id] = grossByCode[code] ?? 0;
  assertSameAmounts(
    report.balanceChange,
    venueChange,
    gross,
    'report --json balanceChange vs venue balances',
  );
}
