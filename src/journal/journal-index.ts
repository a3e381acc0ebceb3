/**
 * The journal's daily index, `INDEX.json` next to the day files: for each `trades-YYYYMMDD.jsonl`,
 * its size, records, seq and time range, trades begun, and a SHA-256 of its bytes. Journal files
 * are never deleted (they are the record of the money); the index says what each day holds without
 * reading them all, and lets an operator check a day file is the one indexed.
 *
 * Written by the main thread (at start, every hour, at shutdown), never by the trader: indexing
 * must not sit between a decision and its order. A day file whose size has not changed keeps its
 * entry; the others are read again. The file is replaced atomically (write, then rename).
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listJournalFiles, parseJournalText } from './journal-reader.js';

export const JOURNAL_INDEX_FILE = 'INDEX.json';
export const JOURNAL_INDEX_INTERVAL_MS = 3_600_000;

export interface JournalDayEntry {
  readonly file: string;
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly bytes: number;
  readonly records: number;
  /** Lines that could not be read (a torn tail after a crash); see journal-reader.ts. */
  readonly skippedLines: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  /** ISO times of the first and last record. */
  readonly firstTime: string | null;
  readonly lastTime: string | null;
  /** Trades whose intent is in this file. */
  readonly trades: number;
  readonly sha256: string;
}

export interface JournalIndex {
  readonly version: 1;
  readonly updated: string;
  readonly days: readonly JournalDayEntry[];
}

export function readJournalIndex(dir: string): JournalIndex | null {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, JOURNAL_INDEX_FILE), 'utf8')) as JournalIndex;
    return parsed.version === 1 && Array.isArray(parsed.days) ? parsed : null;
  } catch {
    return null;
  }
}

function indexDay(dir: string, file: string): JournalDayEntry {
  const bytes = readFileSync(join(dir, file));
  let skippedLines = 0;
  const records = parseJournalText(bytes.toString('utf8'), file, () => skippedLines++);
  const first = records[0];
  const last = records[records.length - 1];
  const iso = (tsUs: number | undefined): string | null =>
    tsUs === undefined ? null : new Date(Math.floor(tsUs / 1000)).toISOString();
  const m = /^trades-(\d{4})(\d{2})(\d{2})\.jsonl$/.exec(file);
  return {
    file,
    day: m === null ? '' : `${m[1]}-${m[2]}-${m[3]}`,
    bytes: bytes.length,
    records: records.length,
    skippedLines,
    firstSeq: first?.seq ?? null,
    lastSeq: last?.seq ?? null,
    firstTime: iso(first?.ts),
    lastTime: iso(last?.ts),
    trades: records.filter((r) => r.kind === 'intent').length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Brings INDEX.json up to date with the day files of `dir`; returns the index written. */
export function updateJournalIndex(dir: string, now: Date = new Date()): JournalIndex {
  const known = new Map((readJournalIndex(dir)?.days ?? []).map((d) => [d.file, d]));
  const days: JournalDayEntry[] = [];
  for (const file of listJournalFiles(dir)) {
    const entry = known.get(file);
    const size = statSync(join(dir, file)).size;
    days.push(entry !== undefined && entry.bytes === size ? entry : indexDay(dir, file));
  }
  const index: JournalIndex = { version: 1, updated: now.toISOString(), days };
  const path = join(dir, JOURNAL_INDEX_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(index, null, 1) + '\n');
  renameSync(tmp, path);
  return index;
}
