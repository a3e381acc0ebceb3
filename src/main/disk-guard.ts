/**
 * Free disk space, checked every few seconds on each filesystem the run writes to. Below
 * DISK_WARN_FREE_MB it warns (log and alert) long before anything fills up; below
 * DISK_STOP_FREE_MB on the journal's filesystem in trade mode it stops trading through the same
 * shared flag as the risk limits, with its own stop code, while there is still ample room for the
 * trade in flight to be journaled to its end (a trade writes a few KB). Each change of level is
 * reported once, not on every check.
 */
import { statfsSync } from 'node:fs';
import type { Alert } from '../notify/alert-policy.js';
import { diskAlmostFullAlert, diskLowAlert, diskSpaceOkAlert } from '../notify/alerts.js';

/**
 * The risk-stop code of a disk-space stop (risk limits use 1–3, an unexpected trade failure 99, an
 * operator stop 100). Like a risk stop it holds for the rest of the run: restart once space is freed.
 */
export const DISK_SPACE_STOP_CODE = 10;
export const DISK_CHECK_INTERVAL_MS = 10_000;

export type DiskLevel = 'ok' | 'warn' | 'stop';

export interface WatchedDir {
  /** The setting that names it (LOG_DIR, JOURNAL_DIR, METRICS_DIR). */
  readonly setting: string;
  readonly path: string;
  /** True for the journal in trade mode: below the stop level, trading stops. */
  readonly stopsTrading: boolean;
}

export interface DiskEvent {
  readonly dir: WatchedDir;
  readonly level: DiskLevel;
  readonly freeBytes: number;
}

export interface DiskGuardOptions {
  readonly dirs: readonly WatchedDir[];
  readonly warnFreeBytes: number;
  readonly stopFreeBytes: number;
  /** Called once per change of a directory's level (and for a failed check, with freeBytes NaN). */
  readonly onChange: (event: DiskEvent) => void;
  /** Free bytes for an unprivileged writer; injected for tests. */
  readonly freeBytes?: (path: string) => number;
}

function statfsFree(path: string): number {
  const s = statfsSync(path);
  return Number(s.bavail) * Number(s.bsize);
}

export function diskLevel(freeBytes: number, warnFreeBytes: number, stopFreeBytes: number): DiskLevel {
  if (freeBytes < stopFreeBytes) return 'stop';
  if (freeBytes < warnFreeBytes) return 'warn';
  return 'ok';
}

export class DiskGuard {
  private readonly levels = new Map<string, DiskLevel>();
  private readonly failed = new Set<string>();
  private readonly freeBytes: (path: string) => number;

  constructor(private readonly o: DiskGuardOptions) {
    this.freeBytes = o.freeBytes ?? statfsFree;
  }

  /** Checks every directory now; returns the events of levels that changed. */
  check(): DiskEvent[] {
    const events: DiskEvent[] = [];
    for (const dir of this.o.dirs) {
      let free: number;
      try {
        free = this.freeBytes(dir.path);
        this.failed.delete(dir.path);
      } catch {
        // Cannot tell (the directory went away?): say so once; keep the last level.
        if (!this.failed.has(dir.path))
          events.push({ dir, level: this.levels.get(dir.path) ?? 'ok', freeBytes: NaN });
        this.failed.add(dir.path);
        continue;
      }
      const level = diskLevel(free, this.o.warnFreeBytes, this.o.stopFreeBytes);
      if (level !== (this.levels.get(dir.path) ?? 'ok')) events.push({ dir, level, freeBytes: free });
      this.levels.set(dir.path, level);
    }
    for (const e of events) this.o.onChange(e);
    return events;
  }
}

export interface DiskWatchDeps {
  readonly dirs: readonly WatchedDir[];
  readonly warnFreeBytes: number;
  readonly stopFreeBytes: number;
  /** Stops trading with DISK_SPACE_STOP_CODE (SharedState.riskStop). */
  readonly riskStop: (code: number) => void;
  readonly log: {
    warn(msg: string, fields?: Record<string, unknown>): void;
    error(msg: string, fields?: Record<string, unknown>): void;
    info(msg: string, fields?: Record<string, unknown>): void;
  };
  readonly alert: (a: Alert) => void;
  readonly intervalMs?: number;
  readonly freeBytes?: (path: string) => number;
}

const MB = 1024 * 1024;

export interface DiskWatch {
  /** Checks now (also done at start and every interval). */
  check(): DiskEvent[];
  stop(): void;
}

/** The main thread's watch: checks now and every interval. */
export function startDiskWatch(d: DiskWatchDeps): DiskWatch {
  /** Directories whose level was alerted (warn or stop): their return to 'ok' is alerted too. */
  const alerted = new Set<string>();
  let stoppedTrading = false;
  const guard = new DiskGuard({
    dirs: d.dirs,
    warnFreeBytes: d.warnFreeBytes,
    stopFreeBytes: d.stopFreeBytes,
    freeBytes: d.freeBytes,
    onChange: ({ dir, level, freeBytes }) => {
      const where = `${dir.setting} ${dir.path}`;
      const freeMb = Math.floor(freeBytes / MB);
      const fields = { dir: dir.path, setting: dir.setting, freeMb, level };
      if (Number.isNaN(freeBytes)) {
        d.log.warn('free disk space cannot be read', fields);
      } else if (level === 'stop' && dir.stopsTrading) {
        d.riskStop(DISK_SPACE_STOP_CODE);
        stoppedTrading = true;
        alerted.add(dir.path);
        d.log.error('disk almost full: trading stopped (evaluation continues)', fields);
        d.alert(diskAlmostFullAlert(dir.setting, where, freeMb));
      } else if (level !== 'ok') {
        alerted.add(dir.path);
        d.log[level === 'stop' ? 'error' : 'warn']('disk space low', fields);
        d.alert(diskLowAlert(dir.setting, where, freeMb));
      } else {
        d.log.info('disk space back above the warning level', fields);
        // The stop, like a risk stop, holds for the run (DISK_SPACE_STOP_CODE): the all-clear says so.
        if (alerted.delete(dir.path))
          d.alert(diskSpaceOkAlert(dir.setting, where, freeMb, stoppedTrading && dir.stopsTrading));
      }
    },
  });
  guard.check();
  const timer = setInterval(() => guard.check(), d.intervalMs ?? DISK_CHECK_INTERVAL_MS);
  timer.unref();
  return { check: () => guard.check(), stop: () => clearInterval(timer) };
}
