import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { readJournal, type JournalWarning } from '../../src/journal/journal-reader.js';
import { JournalError, journalFileName } from '../../src/journal/journal-record.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'journal-test-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// 2026-11-25T10:00:00Z in epoch µs, then 1 ms per call.
const DAY1_US = Date.UTC(2026, 10, 25, 10) * 1000;
const clock = (startUs: number) => {
  let t = startUs;
  return () => (t += 1000);
};

describe('journal writer and reader', () => {
  test('round trip: records come back as written, in order, with increasing seq', () => {
    const dir = tempDir();
    const w = JournalWriter.open({ dir, nowUs: clock(DAY1_US) });
    const a = w.append('intent', 't1', { buyPair: 'XBT/USD', sellPair: 'XBT/EUR', volume: 0.5 });
    const b = w.append('order-sent', 't1', { userref: 42 });
    const c = w.append('risk-stop', '', { reason: 'daily loss' }, { durable: false });
    w.close();
    assert.deepEqual([a.seq, b.seq, c.seq], [1, 2, 3]);
    assert.equal(w.currentFile, join(dir, 'trades-20261125.jsonl'));
    const back = readJournal(dir, { onWarning: (x) => assert.fail(`unexpected warning ${x.code}`) });
    assert.deepEqual(back, [a, b, c]);
    assert.equal(back[0]?.ts, DAY1_US + 1000);
    assert.equal(back[0]?.buyPair, 'XBT/USD');
  });

  test('seq continues across a restart and a new UTC day gets a new file', () => {
    const dir = tempDir();
    const w1 = JournalWriter.open({ dir, nowUs: clock(DAY1_US) });
    w1.append('intent', 't1');
    w1.append('ack', 't1');
    w1.close();
    const nextDayUs = DAY1_US + 24 * 3600 * 1e6;
    const w2 = JournalWriter.open({ dir, nowUs: clock(nextDayUs) });
    assert.equal(w2.append('fill', 't1', { pair: 'XBT/USD', price: 1, volume: 1 }).seq, 3);
    w2.close();
    assert.deepEqual(readdirSync(dir).sort(), [journalFileName(DAY1_US), journalFileName(nextDayUs)]);
    assert.deepEqual(
      readJournal(dir).map((r) => r.seq),
      [1, 2, 3],
    );
  });

  test('reserved field names, unknown kinds and writes after close are refused with codes', () => {
    const w = JournalWriter.open({ dir: tempDir(), nowUs: clock(DAY1_US) });
    const code = (c: string) => (e: unknown) => e instanceof JournalError && e.code === c;
    assert.throws(() => w.append('ack', 't', { seq: 9 }), code('E_JOURNAL_RESERVED_FIELD'));
    assert.throws(() => w.append('bogus' as 'ack', 't'), code('E_JOURNAL_KIND'));
    assert.throws(() => w.append('ack', 't', { big: 1n }), code('E_JOURNAL_SERIALIZE'));
    w.close();
    assert.throws(() => w.append('ack', 't'), code('E_JOURNAL_CLOSED'));
  });

  test('a torn last line is skipped with a warning, fenced off on reopen, and later records read fine', () => {
    const dir = tempDir();
    const w1 = JournalWriter.open({ dir, nowUs: clock(DAY1_US) });
    w1.append('intent', 't1');
    w1.append('order-sent', 't1');
    w1.close();
    const file = join(dir, journalFileName(DAY1_US));
    appendFileSync(file, '{"ts":1,"seq":3,"kind":"ack","trad'); // crash mid-write

    const warnings: JournalWarning[] = [];
    const got = readJournal(dir, { onWarning: (x) => warnings.push(x) });
    assert.deepEqual(
      got.map((r) => r.kind),
      ['intent', 'order-sent'],
    );
    assert.deepEqual(
      warnings.map((x) => [x.code, x.line]),
      [['E_JOURNAL_TORN_TAIL', 3]],
    );

    const reopenWarnings: JournalWarning[] = [];
    const w2 = JournalWriter.open({
      dir,
      nowUs: clock(DAY1_US + 10_000),
      onWarning: (x) => reopenWarnings.push(x),
    });
    assert.equal(reopenWarnings.length, 1);
    assert.equal(w2.append('ack', 't1').seq, 3);
    w2.close();
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes('"trad\n{'), 'the torn fragment was ended before the next record');
    const later: JournalWarning[] = [];
    assert.deepEqual(
      readJournal(dir, { onWarning: (x) => later.push(x) }).map((r) => r.kind),
      ['intent', 'order-sent', 'ack'],
    );
    assert.deepEqual(
      later.map((x) => x.code),
      ['E_JOURNAL_BAD_LINE'],
    );
  });

  test('junk lines and records missing required fields are skipped; other files are ignored', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'trades-20261124.jsonl'),
      [
        '{"ts":1,"seq":1,"kind":"intent","tradeId":"a"}',
        '[1,2]',
        '{"ts":2,"seq":2,"kind":"nope","tradeId":"a"}',
        'not json',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'notes.txt'), 'not a journal');
    const warnings: JournalWarning[] = [];
    const got = readJournal(dir, { onWarning: (x) => warnings.push(x) });
    assert.equal(got.length, 1);
    assert.deepEqual(
      warnings.map((x) => x.code),
      ['E_JOURNAL_BAD_RECORD', 'E_JOURNAL_BAD_RECORD', 'E_JOURNAL_BAD_LINE'],
    );
  });

  test('a missing directory is an E_JOURNAL_DIR error', () => {
    assert.throws(
      () => readJournal(join(tempDir(), 'missing')),
      (e: unknown) => e instanceof JournalError && e.code === 'E_JOURNAL_DIR',
    );
  });
});

describe('journal writer on a disk that refuses writes', () => {
  test('records are held in memory, in order, never thrown; written when the disk accepts them again', () => {
    const dir = tempDir();
    const now = clock(DAY1_US);
    const failures: Array<{ error: string; held: number }> = [];
    const recovered: number[] = [];
    const w = JournalWriter.open({
      dir,
      nowUs: now,
      onFailure: (error, held) => failures.push({ error, held }),
      onRecovered: (n) => recovered.push(n),
    });
    // The day's file is /dev/full: every write fails with ENOSPC.
    const file = join(dir, journalFileName(DAY1_US + 1000));
    symlinkSync('/dev/full', file);
    const a = w.append('intent', 'T1', { volume: 1 });
    const b = w.append('fill', 'T1', { volume: 1, price: 2 });
    assert.equal(w.backlog, 2);
    assert.deepEqual(failures.length, 1, 'one alert per failure episode');
    assert.match(failures[0]?.error ?? '', /ENOSPC/);
    assert.equal(w.flushBacklog(), 2, 'still failing');
    unlinkSync(file);
    const c = w.append('outcome', 'T1', { status: 'sold' });
    assert.equal(w.backlog, 0);
    assert.deepEqual(recovered, [3]);
    w.close();
    assert.deepEqual(
      readJournal(dir).map((r) => [r.seq, r.kind]),
      [
        [a.seq, 'intent'],
        [b.seq, 'fill'],
        [c.seq, 'outcome'],
      ],
    );
  });
});
