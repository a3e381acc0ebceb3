/**
 * Structured logs: one JSON object per line in logs/arbitrage_log_<timestamp>.log.
 * Writes go through a stream (buffered, asynchronous), so logging never blocks a trading path on disk.
 * Known secret values are scrubbed from every line before it is written.
 *
 * Bounded for runs of weeks: past `maxFileBytes` the run goes on in `arbitrage_log_<timestamp>.2.log`
 * (then .3, …); log files and summaries of every run are pruned to `maxTotalBytes` and `maxAgeMs`
 * (prune-files.ts); identical warnings and errors within a minute are written once and then
 * summarised with their count (repeat-filter.ts).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from '../files/ensure-dir.js';
import { pruneFiles } from '../files/prune-files.js';
import { RepeatFilter } from './repeat-filter.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  readonly level: LogLevel;
}

export interface LogRecord {
  level: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
  /** Thread that logged (main, listener-2, trader, ...). */
  thread?: string;
  /** Epoch ms. */
  ts?: number;
}

/** Replaces every occurrence of each secret (and nothing else) with `[redacted]`. */
export function makeRedactor(secrets: ReadonlyArray<string | null | undefined>): (text: string) => string {
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  if (values.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const s of values) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  };
}

export interface LogBounds {
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
  readonly maxAgeMs: number;
}

export const DEFAULT_LOG_BOUNDS: LogBounds = {
  maxFileBytes: 64 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxAgeMs: 30 * 24 * 3_600_000,
};

export const LOG_FILE_PREFIX = 'arbitrage_log_';
const PRUNE_INTERVAL_MS = 3_600_000;

export function timestampForFileName(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\..+$/, '').replace('T', '_');
}

export class FileLogger implements Logger {
  /** The run's first log file; later parts and the summary are named after it. */
  readonly path: string;
  private stream: WriteStream;
  private currentPath: string;
  private fileBytes = 0;
  private part = 1;
  private closed = false;
  private readonly bounds: LogBounds;
  private readonly repeats = new RepeatFilter();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly dir: string,
    readonly level: LogLevel,
    private readonly redact: (text: string) => string,
    private readonly echo: ((line: string, level: LogLevel) => void) | null = null,
    startedAt: Date = new Date(),
    bounds: Partial<LogBounds> = {},
  ) {
    this.bounds = { ...DEFAULT_LOG_BOUNDS, ...bounds };
    ensureDir(dir);
    this.path = join(dir, `${LOG_FILE_PREFIX}${timestampForFileName(startedAt)}.log`);
    this.currentPath = this.path;
    this.stream = this.open(this.path);
    this.prune();
    // Repeat summaries are due each minute even when nothing else is logged; pruning each hour.
    let ticks = 0;
    this.timer = setInterval(() => {
      this.flushRepeats();
      if (++ticks % Math.round(PRUNE_INTERVAL_MS / this.repeats.windowMs) === 0) this.prune();
    }, this.repeats.windowMs);
    this.timer.unref();
  }

  /** The file being written now (the run's first file until it passes maxFileBytes). */
  get currentFile(): string {
    return this.currentPath;
  }

  write(record: LogRecord): void {
    if (this.closed || LEVEL_RANK[record.level] < LEVEL_RANK[this.level]) return;
    let body: string;
    try {
      body = JSON.stringify({
        level: record.level,
        thread: record.thread ?? 'main',
        msg: record.msg,
        ...record.fields,
      });
    } catch {
      body = JSON.stringify({ level: record.level, msg: record.msg, note: 'fields not serialisable' });
    }
    if (LEVEL_RANK[record.level] >= LEVEL_RANK.warn) {
      if (this.repeats.windowEnded()) this.flushRepeats();
      if (!this.repeats.admit(body)) return;
    }
    this.emit(body, record.level, record.ts);
  }

  /** Writes one line: the time first, then the body (a JSON object's text). */
  private emit(body: string, level: LogLevel, ts?: number): void {
    const line = this.redact(`{"ts":"${new Date(ts ?? Date.now()).toISOString()}",${body.slice(1)}`);
    this.stream.write(line + '\n');
    this.fileBytes += Buffer.byteLength(line) + 1;
    this.echo?.(line, level);
    if (this.fileBytes >= this.bounds.maxFileBytes) this.rotate();
  }

  private flushRepeats(): void {
    for (const { key, count } of this.repeats.drain()) {
      const r = JSON.parse(key) as Record<string, unknown>;
      const body = JSON.stringify({
        ...r,
        msg: `${String(r['msg'])} (repeated ${count} more times in the last minute)`,
        repeated: count,
      });
      this.emit(body, (r['level'] as LogLevel | undefined) ?? 'warn');
    }
  }

  private open(path: string): WriteStream {
    const stream = createWriteStream(path, { flags: 'a' });
    stream.on('error', (err) => {
      // A full disk must not take trading down; say so on stderr.
      if (!this.closed) process.stderr.write(`log file error: ${err.message}\n`);
    });
    return stream;
  }

  private rotate(): void {
    this.stream.end();
    this.part++;
    this.currentPath = this.path.replace(/\.log$/, `.${this.part}.log`);
    this.fileBytes = 0;
    this.stream = this.open(this.currentPath);
    this.prune();
  }

  private prune(): void {
    const r = pruneFiles({
      dir: this.dir,
      matches: (n) => n.startsWith(LOG_FILE_PREFIX),
      maxTotalBytes: this.bounds.maxTotalBytes,
      maxAgeMs: this.bounds.maxAgeMs,
      inUse: new Set([this.currentPath]),
    });
    for (const e of r.errors) process.stderr.write(`could not prune old log files: ${e}\n`);
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write({ level: 'debug', msg, fields });
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.write({ level: 'info', msg, fields });
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write({ level: 'warn', msg, fields });
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write({ level: 'error', msg, fields });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    clearInterval(this.timer);
    this.flushRepeats();
    this.closed = true;
    return new Promise((resolve) => this.stream.end(resolve));
  }
}

/** A logger for worker threads: records go to the main thread, which owns the file. */
export class ForwardingLogger implements Logger {
  constructor(
    readonly level: LogLevel,
    private readonly thread: string,
    private readonly post: (record: LogRecord) => void,
  ) {}
  private send(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[this.level]) return;
    this.post({ level, msg, fields, thread: this.thread, ts: Date.now() });
  }
  debug(msg: string, fields?: Record<string, unknown>): void {
    this.send('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.send('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.send('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.send('error', msg, fields);
  }
}
