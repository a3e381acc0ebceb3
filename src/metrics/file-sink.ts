/**
 * The embedded default when INFLUXDB_HOST is not set: line protocol appended to rotating files under
 * metrics/, each a complete `influx -import` file, so nothing is lost and InfluxDB stays optional:
 *
 *   influx -import -path=metrics/<file>.lp -precision=u [-username … -password …]
 *
 * Each file starts with the import header (`# DML`, `# CONTEXT-DATABASE:`, and
 * `# CONTEXT-RETENTION-POLICY:` when one is configured). A new file is started when the current one
 * passes maxFileBytes or maxFileAgeMs, and at every start (files are never appended to across runs).
 * At each new file the directory's metrics files (this run's and earlier ones') are pruned to
 * maxTotalBytes and maxAgeMs, so the default keeps a run of weeks within a few GB (prune-files.ts).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir } from '../files/ensure-dir.js';
import { pruneFiles } from '../files/prune-files.js';
import { BatchingSink, type BatchingOptions, type SendResult } from './batching-sink.js';
import type { Precision } from './line-protocol.js';

export interface FileSinkOptions extends BatchingOptions {
  /** Default 'metrics' (relative to the working directory). */
  readonly dir?: string;
  readonly db: string;
  readonly rp?: string;
  /** Default 'u'; `influx -import` must be given the same -precision. */
  readonly precision?: Precision;
  readonly maxFileBytes?: number;
  /** A file older than this is closed and the next one started (so age pruning has files to drop). */
  readonly maxFileAgeMs?: number;
  /** All metrics files in `dir` together; the oldest are deleted beyond it. */
  readonly maxTotalBytes?: number;
  /** Metrics files older than this are deleted. */
  readonly maxAgeMs?: number;
  /** Injected for tests; default Date.now. */
  readonly nowMs?: () => number;
}

export const defaultMaxFileBytes = 64 * 1024 * 1024;
export const defaultMaxFileAgeMs = 3_600_000;
export const defaultMaxTotalBytes = 2048 * 1024 * 1024;
export const defaultMaxAgeMs = 7 * 24 * 3_600_000;
export const metricsFilePrefix = 'kraken-arb-metrics-';
export const metricsFileSuffix = '.lp';

export function importHeader(db: string, rp?: string): string {
  return `# DML\n# CONTEXT-DATABASE: ${db}\n${rp ? `# CONTEXT-RETENTION-POLICY: ${rp}\n` : ''}`;
}

export class FileSink extends BatchingSink {
  readonly kind = 'file' as const;
  readonly dir: string;
  private readonly db: string;
  private readonly rp: string | undefined;
  private readonly maxFileBytes: number;
  private readonly maxFileAgeMs: number;
  private readonly maxTotalBytes: number;
  private readonly maxAgeMs: number;
  private readonly nowMs: () => number;
  private file: FileHandle | null = null;
  private fileBytes = 0;
  private fileLines = 0;
  private fileOpenedMs = 0;
  private seq = 0;

  constructor(opts: FileSinkOptions) {
    super(opts.precision ?? 'u', opts);
    this.dir = opts.dir ?? 'metrics';
    this.db = opts.db;
    this.rp = opts.rp;
    this.maxFileBytes = opts.maxFileBytes ?? defaultMaxFileBytes;
    this.maxFileAgeMs = opts.maxFileAgeMs ?? defaultMaxFileAgeMs;
    this.maxTotalBytes = opts.maxTotalBytes ?? defaultMaxTotalBytes;
    this.maxAgeMs = opts.maxAgeMs ?? defaultMaxAgeMs;
    this.nowMs = opts.nowMs ?? Date.now;
  }

  protected scrub(text: string): string {
    return text; // file paths and fs errors carry no secrets
  }

  protected async send(lines: readonly string[]): Promise<SendResult> {
    const body = lines.join('\n') + '\n';
    const bytes = Buffer.byteLength(body);
    try {
      const full = this.fileLines > 0 && this.fileBytes + bytes > this.maxFileBytes;
      const old = this.fileLines > 0 && this.nowMs() - this.fileOpenedMs >= this.maxFileAgeMs;
      if (this.file === null || full || old) await this.rotate();
      const f = this.file;
      if (f === null) throw new Error('metrics file not open');
      await f.write(body);
      this.fileBytes += bytes;
      this.fileLines += lines.length;
      return { ok: true };
    } catch (err) {
      // Disk full or unwritable dir: keep the lines buffered (bounded) and retry with backoff.
      // Drop the handle so the next attempt reopens a fresh file rather than appending half a line.
      await this.closeFile();
      return {
        ok: false,
        retry: true,
        rejected: 0,
        error: `metrics file: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }

  protected override async onClose(): Promise<void> {
    await this.closeFile();
  }

  private async closeFile(): Promise<void> {
    const f = this.file;
    this.file = null;
    this.fileBytes = 0;
    this.fileLines = 0;
    if (f !== null) {
      try {
        await f.close();
      } catch (err) {
        this.log('warn', `metrics file close failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private async rotate(): Promise<void> {
    await this.closeFile();
    ensureDir(this.dir);
    const stamp = new Date(this.nowMs()).toISOString().replace(/[:.]/g, '-');
    const path = join(
      this.dir,
      `${metricsFilePrefix}${stamp}-${String(this.seq++).padStart(4, '0')}${metricsFileSuffix}`,
    );
    const f = await open(path, 'wx'); // never append to a file from another run
    this.file = f;
    const header = importHeader(this.db, this.rp);
    await f.write(header);
    this.fileBytes = Buffer.byteLength(header);
    this.fileOpenedMs = this.nowMs();
    this.prune(path);
  }

  /** Older metrics files (any run's) beyond the size and age bounds; never the one being written. */
  private prune(current: string): void {
    const r = pruneFiles({
      dir: this.dir,
      matches: (n) => n.startsWith(metricsFilePrefix) && n.endsWith(metricsFileSuffix),
      maxTotalBytes: this.maxTotalBytes,
      maxAgeMs: this.maxAgeMs,
      inUse: new Set([current]),
      nowMs: this.nowMs(),
    });
    for (const e of r.errors) this.log('warn', `could not prune old metrics files: ${e}`);
  }
}
