/**
 * Directories the program writes to, made and proven writable without ever hanging.
 *
 * Why not `mkdirSync(dir, { recursive: true })`: on Node 20 it loops for ever on a path under a
 * pseudo-filesystem that refuses mkdir with ENOENT (e.g. `/proc/nope`): it keeps re-creating the
 * parent that already exists. Here each missing component is created once, without `recursive`,
 * so the work is bounded by the number of components and every failure is an error with its code.
 */
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppError } from '../core/app-error.js';

export class DirError extends AppError {
  readonly kind = 'io';
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DirError';
  }
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}

function isDirectory(path: string): boolean | null {
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    // ENOTDIR: a parent is a file; walking up finds it and says so.
    if (codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR') return null;
    throw new DirError(path, codeOf(err), `${path} cannot be examined (${codeOf(err)})`);
  }
}

/** Creates `dir` and any missing parents. Throws DirError (never hangs) when it cannot. */
export function ensureDir(dir: string): void {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  // Walk up to the deepest existing ancestor; the loop ends at the root, whose dirname is itself.
  for (;;) {
    const exists = isDirectory(at);
    if (exists === true) break;
    if (exists === false) {
      throw new DirError(dir, 'ENOTDIR', `${dir} cannot be created: ${at} is not a directory`);
    }
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    const path = missing[i] as string;
    try {
      mkdirSync(path);
    } catch (err) {
      // Another process may have made it meanwhile: that is fine if it is a directory now.
      if (codeOf(err) === 'EEXIST' && isDirectory(path) === true) continue;
      throw new DirError(dir, codeOf(err), `${dir} cannot be created (${codeOf(err)} at ${path})`);
    }
  }
}

/**
 * Creates `dir` if needed and proves a file can be created, written and removed in it, so a
 * read-only or full filesystem is found at start-up rather than at the first trade.
 */
export function ensureWritableDir(dir: string): void {
  ensureDir(dir);
  const probe = resolve(dir, `.write-check-${process.pid}-${Date.now()}`);
  let fd: number | null = null;
  try {
    fd = openSync(probe, 'wx');
    writeSync(fd, 'ok\n');
  } catch (err) {
    throw new DirError(dir, codeOf(err), `${dir} is not writable (${codeOf(err)})`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
  try {
    unlinkSync(probe);
  } catch (err) {
    throw new DirError(dir, codeOf(err), `${dir}: a file written there cannot be removed (${codeOf(err)})`);
  }
}
