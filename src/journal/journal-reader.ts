/**
 * Reads every journal file of a directory back into records, oldest file first. Survives a crash
 * mid-write: a torn last line (no newline, unparsable) is skipped with a warning; so is any other
 * bad line (a torn line from an earlier crash, hand edits). Never throws for bad content; throws
 * JournalError E_JOURNAL_DIR when the directory itself cannot be read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asJournalRecord, JOURNAL_FILE_PATTERN, JournalError, type JournalRecord } from './journal-record.js';

export interface JournalWarning {
  readonly code: 'E_JOURNAL_TORN_TAIL' | 'E_JOURNAL_BAD_LINE' | 'E_JOURNAL_BAD_RECORD';
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  readonly message: string;
}

export interface ReadJournalOptions {
  /** Called for each skipped line; default: one line on stderr. */
  readonly onWarning?: (w: JournalWarning) => void;
}

const defaultWarn = (w: JournalWarning): void => {
  console.warn(`journal: ${w.code} ${w.file}:${w.line}: ${w.message}`);
};

/** Journal files of `dir`, sorted (names sort by day). */
export function listJournalFiles(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new JournalError('E_JOURNAL_DIR', `not a directory: ${dir}`);
    names = readdirSync(dir);
  } catch (e) {
    if (e instanceof JournalError) throw e;
    throw new JournalError(
      'E_JOURNAL_DIR',
      `cannot read journal directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  return names.filter((n) => JOURNAL_FILE_PATTERN.test(n)).sort();
}

/** Parses one file's text; exported for recovery of a single file. */
export function parseJournalText(
  text: string,
  file: string,
  onWarning: (w: JournalWarning) => void,
): JournalRecord[] {
  const out: JournalRecord[] = [];
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const isTail = i === lines.length - 1 && !endsWithNewline;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      onWarning({
        code: isTail ? 'E_JOURNAL_TORN_TAIL' : 'E_JOURNAL_BAD_LINE',
        file,
        line: i + 1,
        message: isTail
          ? 'partly written last line skipped (crash during a write)'
          : 'unparsable line skipped',
      });
      continue;
    }
    const rec = asJournalRecord(parsed);
    if (rec === undefined) {
      onWarning({
        code: 'E_JOURNAL_BAD_RECORD',
        file,
        line: i + 1,
        message: 'line lacks ts/seq/kind/tradeId; skipped',
      });
      continue;
    }
    out.push(rec);
  }
  return out;
}

/** All records of the journal directory, in file order then line order. */
export function readJournal(dir: string, options: ReadJournalOptions = {}): JournalRecord[] {
  const warn = options.onWarning ?? defaultWarn;
  const out: JournalRecord[] = [];
  for (const name of listJournalFiles(dir)) {
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new JournalError(
        'E_JOURNAL_DIR',
        `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      );
    }
    for (const r of parseJournalText(text, name, warn)) out.push(r);
  }
  return out;
}
