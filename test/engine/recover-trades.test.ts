import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { readJournal } from '../../src/journal/journal-reader.js';
import { summarize } from '../../src/journal/summarize.js';
import { recoverUnfinishedTrades } from '../../src/engine/recover-trades.js';
import type { KrakenRestClient } from '../../src/kraken/rest.js';
import type { OrderInfo } from '../../src/kraken/order-parse.js';
import type { Logger } from '../../src/log/logger.js';

const silent: Logger = { level: 'error', debug() {}, info() {}, warn() {}, error() {} };

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

test('a trade interrupted after a partly journaled buy is completed from Kraken and recorded stranded', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'recover-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = JournalWriter.open({ dir });
  w.append('intent', 'T1', { buyPair: 'ABC/USD', sellPair: 'ABC/EUR', base: 'ABC', volume: 2, userref: 77 });
  w.append('order-sent', 'T1', { pair: 'ABC/USD' });
  w.append('ack', 'T1', { txid: 'OBUY' });
  w.append('fill', 'T1', { pair: 'ABC/USD', price: 100, volume: 0.5, fee: 0.2, fillId: 'F1', txid: 'OBUY' });
  // A finished trade must be left alone.
  w.append('intent', 'T2', { buyPair: 'ABC/USD', sellPair: 'ABC/EUR', base: 'ABC', volume: 1, userref: 78 });
  w.append('outcome', 'T2', { status: 'not-filled' });
  const asked: number[] = [];
  const rest = {
    openOrders: async (o: { userref: number }) => (asked.push(o.userref), {}),
    closedOrders: async () => ({ count: 1, orders: { OBUY: order('OBUY', 'buy', 2, 100, 77) } }),
  } as unknown as KrakenRestClient;
  const alerts: string[] = [];
  const r = await recoverUnfinishedTrades(dir, w, rest, silent, (a) => alerts.push(a.text));
  w.close();
  assert.deepEqual(r, { unfinished: 1, recovered: 1, stranded: 1, failed: 0 });
  assert.deepEqual(asked, [77]);
  const records = readJournal(dir).filter((x) => x.tradeId === 'T1');
  const recovered = records.find((x) => x.fillId === 'OBUY:recovered');
  assert.equal(recovered?.volume, 1.5);
  assert.equal(records.at(-1)?.kind, 'outcome');
  assert.equal(records.at(-1)?.status, 'stranded');
  assert.equal(records.find((x) => x.kind === 'stranded')?.volume, 2);
  assert.equal(alerts.length, 1);
  // The journal now accounts for the whole buy: 2 ABC bought, none sold.
  assert.equal(summarize(readJournal(dir)).stranded['ABC'], 2);
  // Running again finds nothing left to do.
  const again = await recoverUnfinishedTrades(
    dir,
    JournalWriter.open({ dir }),
    rest,
    silent,
    () => undefined,
  );
  assert.equal(again.unfinished, 0);
});

test('REST unreachable: the interrupted trade stays open in the journal and a critical alert goes out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'recover-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = JournalWriter.open({ dir });
  w.append('intent', 'T1', { buyPair: 'ABC/USD', sellPair: 'ABC/EUR', base: 'ABC', volume: 2, userref: 5 });
  const rest = {
    openOrders: async () => {
      throw new Error('ECONNREFUSED');
    },
  } as unknown as KrakenRestClient;
  const alerts: string[] = [];
  const r = await recoverUnfinishedTrades(dir, w, rest, silent, (a) => alerts.push(a.text));
  w.close();
  assert.equal(r.failed, 1);
  assert.equal(alerts.length, 1);
  assert.equal(
    readJournal(dir).some((x) => x.kind === 'outcome'),
    false,
  );
});
