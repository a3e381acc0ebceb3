/**
 * The embedded default when INFLUXDB_HOST is not set: line protocol appended to rotating files under
 * metrics/, each a complete `influx -import` file, so nothing is lost and InfluxDB stays optional:
 *
 *   influx -import -path=metrics/<file>.lp -precision=u [-username … -password …]
 *
 * Each file starts with the import header (`# DML`, `# CONTEXT-DATABASE:`, and
 * `# CONTEXT-RETENTION-POLICY:` when one is configured). A new file is started when the current one
 * passes maxFileBytes, and at every start (files are never appended to across runs). Old files are
 * deleted only when maxFiles is set.
 */
import { open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir } from '../files/ensure-dir.js';
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
  /** Keep at most this many files (oldest deleted); 0 = keep all. */
  readonly maxFiles?: number;
  /** Injected for tests; default Date.now. */
  readonly nowMs?: () => number;
}

export const defaultMaxFileBytes = 64 * 1024 * 1024;
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
  private readonly maxFiles: number;
  private readonly nowMs: () => number;
  private file: FileHandle | null = null;
  private fileBytes = 0;
  private fileLines = 0;
  private seq = 0;
  /** Paths of the files this sink created, oldest first. */
  readonly files: string[] = [];

  constructor(opts: FileSinkOptions) {
    super(opts.precision ?? 'u', opts);
    this.dir = opts.dir ?? 'metrics';
    this.db = opts.db;
    this.rp = opts.rp;
    this.maxFileBytes = opts.maxFileBytes ?? defaultMaxFileBytes;
    this.maxFiles = opts.maxFiles ?? 0;
    this.nowMs = opts.nowMs ?? Date.now;
  }

  protected scrub(text: string): string {
    return text; // file paths and fs errors carry no secrets
  }

  protected async send(lines: readonly string[]): Promise<SendResult> {
    const body = lines.join('\n') + '\n';
    const bytes = Buffer.byteLength(body);
    try {
      if (this.file === null || (this.fileLines > 0 && this.fileBytes + bytes > this.maxFileBytes))
        await this.rotate();
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
    this.files.push(path);
    if (this.maxFiles > 0) await this.prune();
  }

  private async prune(): Promise<void> {
    const names = (await readdir(this.dir))
      .filter((n) => n.startsWith(metricsFilePrefix) && n.endsWith(metricsFileSuffix))
      .sort(); // ISO stamps sort by time
    for (const n of names.slice(0, Math.max(0, names.length - this.maxFiles))) {
      try {
        await unlink(join(this.dir, n));
      } catch (err) {
        this.log(
          'warn',
          `could not delete old metrics file ${n}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }
}
