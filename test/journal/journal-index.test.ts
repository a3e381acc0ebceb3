/**
 * The journal's daily index: one entry per day file with its records, seq and time range, trades
 * and SHA-256; unchanged days are kept as they are, a day that grew is read again, and the reader
 * ignores the index file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { readJournal } from '../../src/journal/journal-reader.js';
import { readJournalIndex, updateJournalIndex } from '../../src/journal/journal-index.js';
import { tempDir } from '../helpers/temp-dir.js';

const DAY1_US = Date.UTC(2026, 10, 25, 23, 59, 59) * 1000;

test('one entry per UTC day with what it holds, and the file hash', (t) => {
  const dir = tempDir(t, 'journal-index');
  let now = DAY1_US;
  const w = JournalWriter.open({ dir, nowUs: () => (now += 400_000) });
  w.append('intent', 't1');
  w.append('outcome', 't1', { status: 'sold' });
  w.append('intent', 't2'); // crosses midnight: the next day's file
  w.append('outcome', 't2', { status: 'not-filled' });
  w.close();
  const index = updateJournalIndex(dir, new Date('2026-11-27T00:00:00Z'));
  assert.equal(index.days.length, 2);
  const [d1, d2] = index.days;
  assert.equal(d1?.file, 'trades-20261125.jsonl');
  assert.equal(d1?.day, '2026-11-25');
  assert.deepEqual([d1?.records, d1?.firstSeq, d1?.lastSeq, d1?.trades], [2, 1, 2, 1]);
  assert.equal(d2?.day, '2026-11-26');
  assert.deepEqual([d2?.records, d2?.firstSeq, d2?.lastSeq, d2?.trades], [2, 3, 4, 1]);
  assert.equal(
    d1?.sha256,
    createHash('sha256')
      .update(readFileSync(join(dir, 'trades-20261125.jsonl')))
      .digest('hex'),
  );
  assert.equal(d1?.firstTime, '2026-11-25T23:59:59.400Z');
  assert.deepEqual(readJournalIndex(dir), index);
  // The index is not a journal file.
  assert.equal(readJournal(dir).length, 4);
});

test('an unchanged day keeps its entry; a day that grew (or a torn tail) is indexed again', (t) => {
  const dir = tempDir(t, 'journal-index');
  let now = DAY1_US - 3_600_000_000;
  const w = JournalWriter.open({ dir, nowUs: () => (now += 1000) });
  w.append('intent', 't1');
  w.close();
  const first = updateJournalIndex(dir);
  const again = updateJournalIndex(dir);
  assert.deepEqual(again.days, first.days);
  appendFileSync(join(dir, 'trades-20261125.jsonl'), '{"ts":1,"seq":2,"kind":"ack","tradeId":"t1"}\n{"torn');
  const grown = updateJournalIndex(dir);
  assert.equal(grown.days[0]?.records, 2);
  assert.equal(grown.days[0]?.skippedLines, 1);
  assert.notEqual(grown.days[0]?.sha256, first.days[0]?.sha256);
});

test('an empty or new journal directory gets an empty index', (t) => {
  const dir = tempDir(t, 'journal-index');
  assert.deepEqual(updateJournalIndex(dir).days, []);
});
