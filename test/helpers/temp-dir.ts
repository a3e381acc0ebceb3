/** Temporary directories removed after the test, and files made to look old (and large, sparsely). */
import { mkdtempSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(t: { after(fn: () => void): void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A file of `bytes` (sparse beyond its first line: no real disk used) last written `ageMs` ago.
 * Returns its path.
 */
export function agedFile(dir: string, name: string, bytes: number, ageMs: number): string {
  const p = join(dir, name);
  writeFileSync(p, '# x\n');
  truncateSync(p, bytes);
  const when = new Date(Date.now() - ageMs);
  utimesSync(p, when, when);
  return p;
}
