/** The dashboard's live trades: what the trader journals from now on, leg by leg, fill by fill. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalTail } from '../../src/dashboard/journal-tail.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
let seq = 0;
const line = (kind: string, tradeId: string, f: Record<string, unknown> = {}): string =>
  JSON.stringify({ ts: 1_764_000_000_000_000 + ++seq * 1000, seq, kind, tradeId, ...f }) + '\n';

test('history is skipped; new trades appear with every leg and fill; a torn line waits for its end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tail-'));
  dirs.push(dir);
  const day1 = join(dir, 'trades-20251124.jsonl');
  writeFileSync(day1, line('intent', 'OLD', { buyPair: 'X/USD', sellPair: 'X/EUR' }));
  let changes = 0;
  const tail = new JournalTail(dir, () => changes++);
  await tail.poll(); // marks where the journal ends now
  assert.deepEqual(tail.view(), []);
  appendFileSync(
    day1,
    line('intent', 'T1', { buyPair: 'ADA/USD', sellPair: 'ADA/EUR', direction: 'USD->EUR' }),
  );
  appendFileSync(day1, line('order-sent', 'T1'));
  appendFileSync(day1, line('fill', 'T1', { pair: 'ADA/USD', price: 0.5, volume: 100, fee: 0.2 }));
  const torn = line('sell-sent', 'T1', { pair: 'ADA/EUR' });
  appendFileSync(day1, torn.slice(0, 10));
  await tail.poll();
  assert.equal(changes, 1);
  let [t] = tail.view();
  assert.equal(t?.status, 'in progress');
  assert.deepEqual(
    t?.legs.map((l) => [l.side, l.pair, l.orders, l.fills.length]),
    [
      ['buy', 'ADA/USD', 1, 1],
      ['sell', 'ADA/EUR', 0, 0],
    ],
  );
  appendFileSync(day1, torn.slice(10));
  // The next UTC day's file carries on.
  const day2 = join(dir, 'trades-20251125.jsonl');
  appendFileSync(day2, line('sell-fill', 'T1', { pair: 'ADA/EUR', price: 0.46, volume: 60, fee: 0.1 }));
  appendFileSync(day2, line('sell-fill', 'T1', { pair: 'ADA/EUR', price: 0.46, volume: 40, fee: 0.07 }));
  appendFileSync(day2, line('outcome', 'T1', { status: 'sold', pnlUsd: 1.25 }));
  appendFileSync(day2, 'not json\n' + line('fill', 'UNKNOWN-TRADE', { price: 1, volume: 1 }));
  await tail.poll();
  [t] = tail.view();
  assert.equal(t?.status, 'sold');
  assert.equal(t?.pnlUsd, 1.25);
  assert.deepEqual(
    t?.legs[1]?.fills.map((f) => f.volume),
    [60, 40],
  );
  assert.equal(t?.legs[1]?.orders, 1);
  assert.deepEqual(
    tail.view().map((x) => x.tradeId),
    ['T1'],
  );
});

test('a missing journal directory is no error; the newest 30 trades are kept, newest first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tail-'));
  dirs.push(dir);
  const tail = new JournalTail(join(dir, 'journal'), () => undefined);
  await tail.poll();
  await tail.poll();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'journal'));
  const f = join(dir, 'journal', 'trades-20251124.jsonl');
  for (let i = 0; i < 35; i++)
    appendFileSync(f, line('intent', `T${i}`, { buyPair: 'A/USD', sellPair: 'A/EUR' }));
  await tail.poll();
  const ids = tail.view().map((t) => t.tradeId);
  assert.equal(ids.length, 30);
  assert.equal(ids[0], 'T34');
  assert.equal(ids[29], 'T5');
});
