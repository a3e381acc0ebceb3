/**
 * Structured logs: one JSON object per line in logs/arbitrage_log_<timestamp>.log.
 * Writes go through a stream (buffered, asynchronous), so logging never blocks a trading path on disk.
 * Known secret values are scrubbed from every line before it is written.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from '../files/ensure-dir.js';

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

export function timestampForFileName(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\..+$/, '').replace('T', '_');
}

export class FileLogger implements Logger {
  readonly path: string;
  private readonly stream: WriteStream;
  private closed = false;

  constructor(
    dir: string,
    readonly level: LogLevel,
    private readonly redact: (text: string) => string,
    private readonly echo: ((line: string, level: LogLevel) => void) | null = null,
    startedAt: Date = new Date(),
  ) {
    ensureDir(dir);
    this.path = join(dir, `arbitrage_log_${timestampForFileName(startedAt)}.log`);
    this.stream = createWriteStream(this.path, { flags: 'a' });
    this.stream.on('error', (err) => {
      // A full disk must not take trading down; say so once on stderr.
      if (!this.closed) process.stderr.write(`log file error: ${err.message}\n`);
    });
  }

  write(record: LogRecord): void {
    if (this.closed || LEVEL_RANK[record.level] < LEVEL_RANK[this.level]) return;
    let line: string;
    try {
      line = JSON.stringify({
        ts: new Date(record.ts ?? Date.now()).toISOString(),
        level: record.level,
        thread: record.thread ?? 'main',
        msg: record.msg,
        ...record.fields,
      });
    } catch {
      line = JSON.stringify({
        ts: new Date().toISOString(),
        level: record.level,
        msg: record.msg,
        note: 'fields not serialisable',
      });
    }
    line = this.redact(line);
    this.stream.write(line + '\n');
    this.echo?.(line, record.level);
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
