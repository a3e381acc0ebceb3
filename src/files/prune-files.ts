/**
 * Keeps a directory of rotated files (logs, metrics) within a total size and an age: files older
 * than `maxAgeMs` go, then the oldest while all of them together exceed `maxTotalBytes`. Files in
 * use are never deleted. Files of earlier runs count too, so a restart does not reset the bound.
 */
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface PruneRule {
  readonly dir: string;
  /** Which names are this kind of file (the rest of the directory is not touched). */
  readonly matches: (name: string) => boolean;
  readonly maxTotalBytes: number;
  readonly maxAgeMs: number;
  /** Full paths never deleted (the file being written). */
  readonly inUse?: ReadonlySet<string>;
  readonly nowMs?: number;
}

export interface PruneResult {
  readonly deleted: readonly string[];
  /** Bytes of the matching files left. */
  readonly keptBytes: number;
  readonly errors: readonly string[];
}

interface Entry {
  path: string;
  size: number;
  mtimeMs: number;
}

function listMatching(rule: PruneRule, errors: string[]): Entry[] {
  const entries: Entry[] = [];
  let names: string[];
  try {
    names = readdirSync(rule.dir);
  } catch (err) {
    errors.push(`${rule.dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return entries;
  }
  for (const name of names) {
    if (!rule.matches(name)) continue;
    const path = join(rule.dir, name);
    try {
      const st = statSync(path);
      if (st.isFile()) entries.push({ path, size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // deleted meanwhile (another run pruning): nothing to count
    }
  }
  // Oldest first; names (which carry a timestamp) break ties.
  return entries.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : 1));
}

export function pruneFiles(rule: PruneRule): PruneResult {
  const errors: string[] = [];
  const deleted: string[] = [];
  const now = rule.nowMs ?? Date.now();
  const entries = listMatching(rule, errors);
  let total = entries.reduce((sum, e) => sum + e.size, 0);
  const remove = (e: Entry): void => {
    try {
      unlinkSync(e.path);
      deleted.push(e.path);
      total -= e.size;
    } catch (err) {
      errors.push(`${e.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  const removable = entries.filter((e) => rule.inUse?.has(e.path) !== true);
  for (const e of removable) if (now - e.mtimeMs > rule.maxAgeMs) remove(e);
  for (const e of removable) {
    if (total <= rule.maxTotalBytes) break;
    if (!deleted.includes(e.path)) remove(e);
  }
  return { deleted, keptBytes: total, errors };
}
