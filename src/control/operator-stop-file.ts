/**
 * The operator's stop, kept on disk so that it outlives the process. A stop given from the dashboard
 * or Telegram is a decision about money ("something looks wrong: no new trades"); a crash, a
 * supervisor's restart or a reboot must not undo it. It holds until the operator resumes.
 *
 * One small file next to the journal (trade mode's durable state), `operator-stop.json`, replaced
 * atomically: written to a temporary name, flushed to disk, renamed, and the directory flushed, so
 * that after a power cut it is either the old state or the new one. Main thread only, never on the
 * trading path.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { fsyncDir } from '../files/fsync-dir.js';

export const OPERATOR_STOP_FILE = 'operator-stop.json';

/** A stop the file holds. `unreadable` is set when the file exists but cannot be read as one. */
export interface SavedOperatorStop {
  readonly sinceMs: number;
  readonly source: string;
  readonly unreadable?: string;
}

/** What TradingControl needs: save and clear, each throwing on failure. */
export interface OperatorStopStore {
  readonly path: string;
  save(stop: SavedOperatorStop): void;
  clear(): void;
}

/**
 * The file was replaced or removed, and only the flush of its directory failed: the change holds
 * for a restart, but a power cut could still undo it. Not the same as "not saved".
 */
export class DirectoryNotFlushedError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: unknown,
  ) {
    super(`${dir} could not be flushed: ${fileErrorText(reason)}`);
    this.name = 'DirectoryNotFlushedError';
  }
}

/** A file operation's failure as an operator reads it: its errno code, else its message. */
export function fileErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? (err instanceof Error ? err.message : String(err));
}

export class OperatorStopFile implements OperatorStopStore {
  readonly path: string;

  constructor(
    private readonly dir: string,
    /** Flushes the directory after a rename or unlink (tests make it fail). */
    private readonly flushDir: (dir: string) => void = fsyncDir,
  ) {
    this.path = join(dir, OPERATOR_STOP_FILE);
  }

  save(stop: SavedOperatorStop): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify({ sinceMs: stop.sinceMs, source: stop.source }) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.syncDir();
  }

  clear(): void {
    try {
      unlinkSync(this.path);
    } catch (err) {
      // Already gone, perhaps by an earlier clear whose directory flush failed: flush it now, so
      // the removal outlasts a power cut either way.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.syncDir();
  }

  /**
   * The stop the file holds, or null when there is none. A file that exists but cannot be read or
   * parsed still means stopped: the safe reading of a damaged record of "do not trade".
   */
  load(): SavedOperatorStop | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return { sinceMs: Number.NaN, source: 'unknown', unreadable: `cannot read it: ${fileErrorText(err)}` };
    }
    try {
      const v = JSON.parse(text) as { sinceMs?: unknown; source?: unknown };
      if (typeof v.sinceMs === 'number' && Number.isFinite(v.sinceMs) && typeof v.source === 'string')
        return { sinceMs: v.sinceMs, source: v.source };
    } catch {
      // reported below, like a record of the wrong shape
    }
    return { sinceMs: Number.NaN, source: 'unknown', unreadable: 'not a saved stop (damaged?)' };
  }

  /** After a rename or unlink: a failure here is DirectoryNotFlushedError, the change itself is made. */
  private syncDir(): void {
    try {
      this.flushDir(this.dir);
    } catch (err) {
      throw new DirectoryNotFlushedError(this.dir, err);
    }
  }
}

/** The stop saved before this start (trade mode only; evaluation never trades). */
export function savedOperatorStop(config: Config): SavedOperatorStop | null {
  if (config.mode !== 'trade') return null;
  return new OperatorStopFile(config.paths.journalDir).load();
}
