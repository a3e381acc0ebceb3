/**
 * Append-only, durable journal writer. Each append is one JSON line written with a synchronous
 * write and, by default, fdatasync before append() returns: the trader journals an order BEFORE it
 * sends it (order-sent) and every reply AS it arrives, so a crash never loses a record of something
 * Kraken knows about. The trader is off the listener hot path; a few ms per fsync is acceptable.
 *
 * One file per UTC day (`trades-YYYYMMDD.jsonl`), switched when a record's day changes. `seq`
 * continues from the highest seq already in the directory, across restarts. A torn last line left
 * by a crash is fenced off with a newline so the next record starts clean (the reader skips it).
 *
 * A failing disk (full, read-only, gone) never throws into the trade path: money comes first, so a
 * trade whose buy filled must still be sold. The record is kept in memory, in order, `onFailure`
 * is told (the trader alerts and takes no new trade while `backlog` > 0), and every later append or
 * `flushBacklog()` writes the backlog first. Only a programming error (bad kind, reserved field,
 * unserialisable value) throws.
 */
import { closeSync, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from '../files/ensure-dir.js';
import { fsyncDir } from '../files/fsync-dir.js';
import { readJournal, type JournalWarning } from './journal-reader.js';
import {
  journalFileName,
  JournalError,
  isJournalKind,
  RESERVED_FIELDS,
  type JournalKind,
  type JournalRecord,
} from './journal-record.js';
import { epochMicros } from '../clock/clock.js';

export interface JournalWriterOptions {
  /** Directory of the journal (created if missing). */
  readonly dir: string;
  /** Epoch µs; default epochMicros() floored (src/clock/clock.ts). */
  readonly nowUs?: () => number;
  /** Warnings from recovering the existing journal (torn tail etc.); default stderr. */
  readonly onWarning?: (w: JournalWarning) => void;
  /** A write failed: the record is held in memory (`held` records in all). Called once per episode. */
  readonly onFailure?: (error: string, held: number) => void;
  /** The records held in memory have all been written. */
  readonly onRecovered?: (written: number) => void;
}

export interface AppendOptions {
  /** fdatasync before returning (default true). false only for records nothing depends on. */
  readonly durable?: boolean;
}

const defaultNowUs = (): number => Math.floor(epochMicros());

interface HeldRecord {
  readonly ts: number;
  readonly line: string;
  readonly durable: boolean;
}

export class JournalWriter {
  private fd: number | undefined;
  private fileName = '';
  private nextSeq: number;
  private closed = false;
  private readonly nowUs: () => number;
  /** Records not yet on disk because a write failed, oldest first. */
  private readonly held: HeldRecord[] = [];
  /** In a failure episode (onFailure said, onRecovered not yet). */
  private failing = false;

  private constructor(
    readonly dir: string,
    nowUs: () => number,
    lastSeq: number,
    private readonly events: Pick<JournalWriterOptions, 'onFailure' | 'onRecovered'>,
  ) {
    this.nowUs = nowUs;
    this.nextSeq = lastSeq + 1;
  }

  /** Opens (creating the directory) and recovers `seq` from the records already there. */
  static open(options: JournalWriterOptions): JournalWriter {
    try {
      ensureDir(options.dir); // never mkdir -p: it can loop for ever (ensure-dir.ts)
    } catch (e) {
      throw new JournalError(
        'E_JOURNAL_DIR',
        `cannot create journal directory ${options.dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      );
    }
    const existing = readJournal(
      options.dir,
      options.onWarning === undefined ? {} : { onWarning: options.onWarning },
    );
    let lastSeq = 0;
    for (const r of existing) if (r.seq > lastSeq) lastSeq = r.seq;
    return new JournalWriter(options.dir, options.nowUs ?? defaultNowUs, lastSeq, options);
  }

  /** Path of the file the last record went to ('' before the first append). */
  get currentFile(): string {
    return this.fileName === '' ? '' : join(this.dir, this.fileName);
  }

  /** Records held in memory because the disk refused them (0 when the journal is healthy). */
  get backlog(): number {
    return this.held.length;
  }

  /**
   * Writes one record and (by default) syncs it to disk before returning it. Throws JournalError
   * on a bad kind, a reserved field name or an unserialisable field (programming errors). An I/O
   * failure does not throw: the record is held in memory (see the file comment).
   */
  append(
    kind: JournalKind,
    tradeId: string,
    fields: Readonly<Record<string, unknown>> = {},
    options: AppendOptions = {},
  ): JournalRecord {
    if (this.closed) throw new JournalError('E_JOURNAL_CLOSED', 'journal is closed');
    if (!isJournalKind(kind))
      throw new JournalError('E_JOURNAL_KIND', `unknown journal kind ${String(kind)}`);
    for (const k of Object.keys(fields)) {
      if (RESERVED_FIELDS.has(k))
        throw new JournalError('E_JOURNAL_RESERVED_FIELD', `field "${k}" is set by the journal`);
    }
    const ts = this.nowUs();
    const record: JournalRecord = { ts, seq: this.nextSeq, kind, tradeId, ...fields };
    let line: string;
    try {
      line = JSON.stringify(record) + '\n';
    } catch (e) {
      throw new JournalError(
        'E_JOURNAL_SERIALIZE',
        `record ${kind} for trade ${tradeId} is not serialisable: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    this.nextSeq++;
    this.held.push({ ts, line, durable: options.durable !== false });
    this.flushBacklog();
    return record;
  }

  /**
   * Writes the records held in memory, oldest first, stopping at the first failure. Returns how
   * many are still held. The trader calls it on a timer while the backlog is not empty.
   */
  flushBacklog(): number {
    const before = this.held.length;
    while (this.held.length > 0) {
      const r = this.held[0] as HeldRecord;
      try {
        const fd = this.fileFor(r.ts);
        writeAll(fd, Buffer.from(r.line, 'utf8'));
        if (r.durable || this.held.length > 1) fdatasyncSync(fd);
      } catch (e) {
        // Drop the handle: the next try reopens the file and fences off any partial line.
        this.dropFd();
        if (!this.failing) {
          this.failing = true;
          const code =
            e instanceof JournalError ? e.message : ((e as NodeJS.ErrnoException).code ?? String(e));
          this.events.onFailure?.(`journal write failed: ${code}`, this.held.length);
        }
        return this.held.length;
      }
      this.held.shift();
    }
    if (this.failing) {
      this.failing = false;
      this.events.onRecovered?.(before);
    }
    return 0;
  }

  /**
   * Syncs and closes. Idempotent. Records still held after a last flush go to stderr, whole, so
   * they survive in the terminal or the service log: the next start reconciles the trades anyway.
   */
  close(): void {
    if (this.closed) return;
    if (this.flushBacklog() > 0) {
      process.stderr.write(`journal: ${this.held.length} records could not be written to ${this.dir}:\n`);
      for (const r of this.held) process.stderr.write(r.line);
    }
    this.closed = true;
    if (this.fd !== undefined) {
      try {
        fdatasyncSync(this.fd);
        closeSync(this.fd);
      } catch (e) {
        console.warn(`journal: closing failed: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      this.fd = undefined;
    }
  }

  private dropFd(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch (e) {
      console.warn(
        `journal: closing after a failed write also failed: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      );
    }
  }

  private fileFor(tsUs: number): number {
    const name = journalFileName(tsUs);
    if (this.fd !== undefined && name === this.fileName) return this.fd;
    if (this.fd !== undefined) {
      fdatasyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
    }
    try {
      const fd = openSync(join(this.dir, name), 'a');
      const size = fstatSync(fd).size;
      if (size > 0 && lastByte(join(this.dir, name), size) !== 0x0a) {
        // A crash left a torn line: end it so our first record is a line of its own.
        writeAll(fd, Buffer.from('\n'));
        fdatasyncSync(fd);
      }
      if (size === 0) fsyncDir(this.dir); // a new file: its name must be durable too
      this.fd = fd;
      this.fileName = name;
      return fd;
    } catch (e) {
      throw new JournalError(
        'E_JOURNAL_WRITE',
        `cannot open journal file ${name}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      );
    }
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    const n = writeSync(fd, buf, off, buf.length - off);
    if (n <= 0) throw new JournalError('E_JOURNAL_WRITE', 'journal write made no progress');
    off += n;
  }
}

function lastByte(path: string, size: number): number {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0] ?? -1;
  } finally {
    closeSync(fd);
  }
}
