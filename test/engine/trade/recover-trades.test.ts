import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalWriter } from '../../../src/journal/journal-writer.js';
import { readJournal } from '../../../src/journal/journal-reader.js';
import { summarize } from '../../../src/journal/summarize.js';
import { recoverUnfinishedTrades } from '../../../src/engine/trade/recover-trades.js';
import type { KrakenRestClient } from '../../../src/kraken/rest.js';
import { RestOrderLookup } from '../../../src/kraken/exec/rest-order-lookup.js';
import type { OrderInfo } from '../../../src/kraken/order-parse.js';
import type { RecoveryDeps } from '../../../src/engine/trade/recover-trades.js';
import { testPair } from '../../helpers/test-pair.js';
import { silent } from './trader-fixture.js';

function order(txid: string, type: 'buy' | 'sell', vol: number, price: number, userref: number): OrderInfo {
  return {
    txid,
    userref,
    clOrdId: undefined,
    status: 'closed',
    reason: undefined,
    pair: 'ABCUSD',
    type,
    ordertype: type === 'buy' ? 'limit' : 'market',
    limitPrice: price,
    volume: vol,
    volumeExecuted: vol,
    cost: vol * price,
    fee: vol * price * 0.004,
    avgPrice: price,
    opentm: Date.now() / 1000,
    closetm: Date.now() / 1000,
    oflags: '',
    misc: '',
    description: '',
    tradeIds: [],
  };
}

const SELL = testPair('ABC/EUR', 4, 0.01);

/** Recovery deps over a scripted REST: `closed` is what ClosedOrders lists, `open` OpenOrders. */
function deps(
  w: JournalWriter,
  listing: { open?: OrderInfo[]; closed?: OrderInfo[] } | Error,
  now = { ms: Date.now() },
): { d: RecoveryDeps; alerts: string[]; slept: number[]; asked: string[] } {
  const alerts: string[] = [];
  const slept: number[] = [];
  const asked: string[] = [];
  const byTxid = (l: OrderInfo[] = []): Record<string, OrderInfo> =>
    Object.fromEntries(l.map((o) => [o.txid, o]));
  const rest = {
    openOrders: async () => {
      asked.push('OpenOrders');
      if (listing instanceof Error) throw listing;
      return byTxid(listing.open);
    },
    closedOrders: async () => {
      asked.push('ClosedOrders');
      if (listing instanceof Error) throw listing;
      return { count: listing.closed?.length ?? 0, orders: byTxid(listing.closed) };
    },
  } as unknown as KrakenRestClient;
  const d: RecoveryDeps = {
    journal: w,
    orderLookup: new RestOrderLookup(rest),
    log: silent,
    alert: (a) => alerts.push(a.text),
    pairByWsname: (n) => (n === 'ABC/EUR' ? SELL : undefined),
    nowMs: () => now.ms,
    sleep: async (ms) => {
      slept.push(ms);
      now.ms += ms;
    },
    deadlineMarginMs: 2000,
    orderDeadlineMs: 3000,
    pairs: [testPair('ABC/USD', 4, 0.01), SELL],
  };
  return { d, alerts, slept, asked };
}

function tempJournal(t: { after(fn: () => void): void }): { dir: string; w: JournalWriter } {
  const dir = mkdtempSync(join(tmpdir(), 'recover-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, w: JournalWriter.open({ dir }) };
}

const INTENT = {
  buyPair: 'ABC/USD',
  sellPair: 'ABC/EUR',
  base: 'ABC',
  volume: 2,
  expectedSellPrice: 93,
  eurUsd: 1.08,
};

test('a trade interrupted after a partly journaled buy is completed from Kraken and recorded stranded', async (t) => {
  const { dir, w } = tempJournal(t);
  w.append('intent', 'T1', { ...INTENT, userref: 77 });
  w.append('order-sent', 'T1', { pair: 'ABC/USD', userref: 77, deadlineMs: 1 });
  w.append('ack', 'T1', { txid: 'OBUY', userref: 77 });
  w.append('fill', 'T1', { pair: 'ABC/USD', price: 100, volume: 0.5, fee: 0.2, fillId: 'F1', txid: 'OBUY' });
  // A finished trade must be left alone.
  w.append('intent', 'T2', { ...INTENT, volume: 1, userref: 78 });
  w.append('outcome', 'T2', { status: 'not-filled' });
  const { d, alerts } = deps(w, { closed: [order('OBUY', 'buy', 2, 100, 77)] });
  const r = await recoverUnfinishedTrades(dir, d);
  w.close();
  assert.deepEqual(
    { ...r, outcomes: r.outcomes.length },
    { unfinished: 1, recovered: 1, stranded: 1, failed: 0, outcomes: 1 },
  );
  assert.equal(r.outcomes[0]?.status, 'stranded');
  assert.equal(r.outcomes[0]?.strandedVolume, 2);
  const records = readJournal(dir).filter((x) => x.tradeId === 'T1');
  const recovered = records.find((x) => x.fillId === 'OBUY:recovered');
  assert.equal(recovered?.volume, 1.5);
  assert.equal(records.at(-1)?.kind, 'outcome');
  assert.equal(records.at(-1)?.status, 'stranded');
  const stranded = records.find((x) => x.kind === 'stranded');
  assert.equal(stranded?.volume, 2);
  assert.ok(Math.abs((stranded?.valueUsd as number) - 2 * 93 * 1.08) < 1e-9, 'valued at the bid in USD');
  assert.equal(alerts.length, 1);
  assert.match(alerts[0] ?? '', /2 ABC bought and not sold/);
  // The journal now accounts for the whole buy: 2 ABC bought, none sold.
  assert.equal(summarize(readJournal(dir)).stranded['ABC'], 2);
  // Running again finds nothing left to do.
  const w2 = JournalWriter.open({ dir });
  const again = await recoverUnfinishedTrades(dir, deps(w2, {}).d);
  w2.close();
  assert.equal(again.unfinished, 0);
});

test('an order whose deadline has not passed is waited for before Kraken is asked', async (t) => {
  const { dir, w } = tempJournal(t);
  const now = { ms: 1_000_000 };
  w.append('intent', 'T1', { ...INTENT, userref: 5 });
  w.append('order-sent', 'T1', { userref: 5, deadlineMs: now.ms + 3000 });
  w.append('unknown', 'T1', { leg: 'buy', reason: 'socket lost' });
  const { d, slept, asked } = deps(w, { closed: [order('OB', 'buy', 2, 100, 5)] }, now);
  const r = await recoverUnfinishedTrades(dir, d);
  w.close();
  assert.deepEqual(slept, [5000], 'deadline 3 s ahead + 2 s margin');
  assert.deepEqual(asked, ['OpenOrders', 'ClosedOrders']);
  assert.equal(r.outcomes[0]?.boughtVolume, 2);
});

test('a trade left unknown (an order in doubt at shutdown) is settled at the next start with a new outcome', async (t) => {
  const { dir, w } = tempJournal(t);
  w.append('intent', 'T1', { ...INTENT, userref: 11 });
  w.append('order-sent', 'T1', { userref: 11, deadlineMs: 1 });
  w.append('ack', 'T1', { txid: 'OB', userref: 11 });
  w.append('fill', 'T1', { pair: 'ABC/USD', price: 100, volume: 2, fee: 0.8, fillId: 'F1', txid: 'OB' });
  w.append('sell-sent', 'T1', { userref: 12, deadlineMs: 1 });
  w.append('unknown', 'T1', { leg: 'sell', reason: 'shutting down with the order in doubt' });
  w.append('outcome', 'T1', { status: 'unknown', bought: 2, sold: 0 });
  const sell = { ...order('OS', 'sell', 2, 93, 12), pair: 'ABCEUR' };
  const { d } = deps(w, { closed: [order('OB', 'buy', 2, 100, 11), sell] });
  const r = await recoverUnfinishedTrades(dir, d);
  w.close();
  assert.equal(r.outcomes[0]?.status, 'sold');
  const outcomes = readJournal(dir).filter((x) => x.kind === 'outcome');
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['unknown', 'sold'],
    'a new record, never a rewrite',
  );
  const last = outcomes.at(-1);
  // Spent 200 + 0.8 USD, received 186 − 0.744 EUR at 1.08 USD/EUR.
  assert.ok(Math.abs((last?.pnlUsd as number) - ((186 - 0.744) * 1.08 - 200.8)) < 1e-9);
  const s = summarize(readJournal(dir));
  assert.equal(s.stranded['ABC'] ?? 0, 0);
});

test("each order attempt is matched by its own userref: another attempt's order is never taken for it", async (t) => {
  const { dir, w } = tempJournal(t);
  w.append('intent', 'T1', { ...INTENT, userref: 21 });
  w.append('order-sent', 'T1', { userref: 21, deadlineMs: 1 });
  w.append('ack', 'T1', { txid: 'OB', userref: 21 });
  w.append('fill', 'T1', { pair: 'ABC/USD', price: 100, volume: 2, fee: 0.8, fillId: 'F1', txid: 'OB' });
  w.append('sell-sent', 'T1', { userref: 22, deadlineMs: 1 });
  // An unrelated sell of the same coin by another trade (its own userref) is in the listing too.
  const other = order('OX', 'sell', 2, 93, 99);
  const { d } = deps(w, { closed: [order('OB', 'buy', 2, 100, 21), other] });
  const r = await recoverUnfinishedTrades(dir, d);
  w.close();
  assert.equal(r.outcomes[0]?.status, 'stranded', 'the sell attempt (userref 22) never executed');
  assert.equal(r.outcomes[0]?.soldVolume, 0);
});

test('a leftover below the sell pair minimum is dust: recorded and valued, not stranded, not alerted', async (t) => {
  const { dir, w } = tempJournal(t);
  w.append('intent', 'T1', { ...INTENT, userref: 31 });
  w.append('order-sent', 'T1', { userref: 31, deadlineMs: 1 });
  const { d, alerts } = deps(w, { closed: [order('OB', 'buy', 0.005, 100, 31)] });
  const r = await recoverUnfinishedTrades(dir, d);
  w.close();
  assert.equal(r.outcomes[0]?.status, 'dust');
  assert.equal(r.stranded, 0);
  assert.equal(alerts.length, 0);
  const dust = readJournal(dir).find((x) => x.kind === 'stranded');
  assert.equal(dust?.dust, true);
});

test('REST unreachable: the interrupted trade stays open in the journal and a critical alert goes out', async (t) => {
  const { dir, w } = tempJournal(t);
  w.append('intent', 'T1', { ...INTENT, userref: 5 });
  const { d, alerts } = deps(w, new Error('ECONNREFUSED'));
  const r = await recoverUnfinishedTrades(dir, d);
  w.close();
  assert.equal(r.failed, 1);
  assert.equal(alerts.length, 1);
  assert.equal(
    readJournal(dir).some((x) => x.kind === 'outcome'),
    false,
  );
});

test('a reservation no intent claims: the buy sent just before a crash is found by its userref and recorded', async (t) => {
  const { dir, w } = tempJournal(t);
  const now = { ms: 1_000_000 };
  w.append('reserve', '', { userref: 41 });
  const buy = { ...order('OB', 'buy', 2, 100, 41), pair: 'ABCUSD' };
  const { d, slept } = deps(w, { closed: [buy] }, now);
  const r = await recoverUnfinishedTrades(dir, d);
  w.close();
  assert.deepEqual(slept, [5000], 'it waits out the deadline the buy could still have (3 s + 2 s margin)');
  assert.equal(r.outcomes.length, 1);
  assert.equal(r.outcomes[0]?.status, 'stranded');
  assert.equal(r.outcomes[0]?.buyPair, 'ABC/USD');
  assert.equal(r.outcomes[0]?.sellPair, 'ABC/EUR');
  const records = readJournal(dir);
  const intent = records.find((x) => x.kind === 'intent');
  assert.equal(intent?.userref, 41);
  assert.equal(records.find((x) => x.fillId === 'OB:recovered')?.volume, 2);
  assert.equal(summarize(records).stranded['ABC'], 2);
  // Settled: nothing left for the next start.
  const w2 = JournalWriter.open({ dir });
  const again = await recoverUnfinishedTrades(dir, deps(w2, { closed: [buy] }).d);
  w2.close();
  assert.equal(again.unfinished, 0);
});

test('a reservation Kraken knows no order for is released; a released or claimed one is never checked', async (t) => {
  const { dir, w } = tempJournal(t);
  w.append('reserve', '', { userref: 51 });
  w.append('reserve', '', { userref: 52 });
  w.append('release', '', { userref: 52 });
  w.append('reserve', '', { userref: 53 });
  w.append('intent', 'T1', { ...INTENT, userref: 53 });
  w.append('outcome', 'T1', { status: 'not-filled' });
  const { d, asked } = deps(w, {});
  const r = await recoverUnfinishedTrades(dir, d);
  w.close();
  assert.equal(r.unfinished, 1);
  assert.equal(r.outcomes.length, 0);
  assert.deepEqual(asked, ['OpenOrders', 'ClosedOrders']);
  const released = readJournal(dir).filter((x) => x.kind === 'release');
  assert.deepEqual(
    released.map((x) => x.userref),
    [52, 51],
  );
});
