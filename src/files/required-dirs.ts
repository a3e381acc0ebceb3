/**
 * The directories a run will write to, checked before anything starts (no simulator, no socket):
 * a directory that cannot be created or written is a clear start-up error, not a trader that
 * crash-loops later while the status line still says "trade".
 */
import { dirname } from 'node:path';
import type { Config } from '../config/config.js';
import { DirError, ensureWritableDir } from './ensure-dir.js';

export interface RequiredDir {
  /** The setting or flag that names it. */
  readonly setting: string;
  readonly path: string;
}

export function requiredDirs(config: Config): RequiredDir[] {
  const dirs: RequiredDir[] = [{ setting: 'LOG_DIR', path: config.paths.logDir }];
  if (config.mode === 'trade') dirs.push({ setting: 'JOURNAL_DIR', path: config.paths.journalDir });
  if (config.influx.host === null) dirs.push({ setting: 'METRICS_DIR', path: config.paths.metricsDir });
  if (config.recordFile !== null) dirs.push({ setting: '--record', path: dirname(config.recordFile) });
  return dirs;
}

/** One problem per directory that cannot be created or written (empty when all are fine). */
export function checkRequiredDirs(dirs: readonly RequiredDir[]): string[] {
  const problems: string[] = [];
  for (const d of dirs) {
    try {
      ensureWritableDir(d.path);
    } catch (err) {
      const detail = err instanceof DirError ? err.message : String(err);
      problems.push(`${d.setting}: ${detail}`);
    }
  }
  return problems;
}
