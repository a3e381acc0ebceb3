/**
 * The corpus itself: every file names its source and provenance, every payload is JSON, and the
 * kinds the client depends on are covered — by live captures where one exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpus, corpusFiles, PROVENANCES } from '../helpers/corpus.js';

test('every corpus file names its source and provenance; every entry is labelled JSON', () => {
  const files = corpusFiles();
  assert.ok(files.length >= 5);
  for (const f of files) {
    assert.ok(PROVENANCES.includes(f.provenance), `${f.file}: provenance ${f.provenance}`);
    assert.ok(f.source.url.length > 0 && f.source.repo.length > 0, `${f.file}: source`);
    assert.ok(f.note.length > 20, `${f.file}: note`);
    const perEntry = f.source.url === '(per entry)';
    for (const e of f.entries) {
      assert.ok(e.kind.length > 0 && e.label.length > 0, `${f.file}: ${e.label}`);
      assert.doesNotThrow(() => JSON.parse(e.text), `${f.file}: ${e.label}`);
      if (perEntry) assert.match(e.source ?? '', /^https:\/\//, `${f.file}: ${e.label} names its source`);
    }
  }
});

/** What the issue asks the corpus to cover; `live` when a live capture must be among them. */
const REQUIRED: ReadonlyArray<readonly [string, boolean, (text: string) => boolean]> = [
  ['v1.systemStatus', true, () => true],
  ['v1.subscriptionStatus', true, (t) => t.includes('"subscribed"')],
  ['v1.subscriptionStatus', false, (t) => t.includes('"error"')],
  ['v1.spread', true, () => true],
  ['v1.heartbeat', true, () => true],
  ['v1.book', true, (t) => t.includes('"c":')],
  ['v1.addOrderStatus', true, (t) => t.includes('"ok"')],
  ['v1.addOrderStatus', true, (t) => t.includes('"error"')],
  ['v1.openOrders', true, (t) => t.includes('"sequence":1}') && t.includes('"close":null')],
  ['v1.openOrders', true, (t) => t.includes('"pending"')],
  ['v1.openOrders', true, (t) => t.includes('"open"')],
  ['v1.openOrders', true, (t) => t.includes('"closed"')],
  ['v1.openOrders', true, (t) => t.includes('"canceled"') && t.includes('cancel_reason')],
  ['v1.ownTrades', true, () => true],
  ['v2.ticker', true, (t) => t.includes('"snapshot"')],
  ['v2.ticker', true, (t) => t.includes('"update"')],
  ['v2.ack', true, (t) => t.includes('"add_order"') && t.includes('"success":true')],
  ['v2.ack', true, (t) => t.includes('"add_order"') && t.includes('"success":false')],
  ['v2.ack', true, (t) => t.includes('ESession:Invalid session')],
  ['v2.executions', true, (t) => t.includes('"snapshot"')],
  ['v2.executions', true, (t) => t.includes('"pending_new"')],
  ['v2.executions', true, (t) => t.includes('"exec_type":"new"')],
  ['v2.executions.report', true, (t) => t.includes('"exec_type":"trade"') && t.includes('"filled"')],
  ['v2.executions', true, (t) => t.includes('"canceled"')],
  ['rest.AssetPairs', false, () => true],
  ['rest.BalanceEx', false, () => true],
  ['rest.TradeVolume', false, () => true],
  ['rest.QueryOrders', true, () => true],
  ['rest.OpenOrders', true, () => true],
  ['rest.ClosedOrders', false, () => true],
  ['rest.AddOrder', true, () => true],
  ['error-text', true, (t) => t.includes('EOrder:')],
  ['rest.Time', false, () => true],
  ['rest.SystemStatus', false, () => true],
  ['rest.GetWebSocketsToken', false, () => true],
];

for (const [kind, live, pick] of REQUIRED) {
  test(`the corpus covers ${kind}${live ? ' (live)' : ''}: ${pick.toString().slice(0, 80)}`, () => {
    const found = corpus(kind).filter((e) => pick(e.text) && (!live || e.provenance === 'live'));
    assert.ok(found.length > 0);
  });
}
