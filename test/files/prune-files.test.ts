import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pruneFiles } from '../../src/files/prune-files.js';
import { agedFile, tempDir } from '../helpers/temp-dir.js';

const HOUR_MS = 3_600_000;

function dirWith(t: { after(fn: () => void): void }, files: Array<[string, number, number]>): string {
  const dir = tempDir(t, 'prune');
  for (const [name, bytes, ageHours] of files) agedFile(dir, name, bytes, ageHours * HOUR_MS);
  return dir;
}

test('files older than the age bound go; other names and the file in use stay', (t) => {
  const dir = dirWith(t, [
    ['m-1.lp', 10, 50],
    ['m-2.lp', 10, 30],
    ['m-3.lp', 10, 1],
    ['other.txt', 10, 100],
  ]);
  const r = pruneFiles({
    dir,
    matches: (n) => n.startsWith('m-'),
    maxTotalBytes: 1000,
    maxAgeMs: 24 * HOUR_MS,
    inUse: new Set([join(dir, 'm-2.lp')]),
  });
  assert.deepEqual(r.deleted, [join(dir, 'm-1.lp')]);
  assert.deepEqual(readdirSync(dir).sort(), ['m-2.lp', 'm-3.lp', 'other.txt']);
  assert.equal(r.keptBytes, 20);
});

test('the oldest files go until the total is within the size bound', (t) => {
  const dir = dirWith(t, [
    ['m-a.lp', 400, 5],
    ['m-b.lp', 400, 4],
    ['m-c.lp', 400, 3],
    ['m-d.lp', 400, 2],
  ]);
  const r = pruneFiles({
    dir,
    matches: (n) => n.startsWith('m-'),
    maxTotalBytes: 900,
    maxAgeMs: 100 * HOUR_MS,
  });
  assert.deepEqual(readdirSync(dir).sort(), ['m-c.lp', 'm-d.lp']);
  assert.equal(r.keptBytes, 800);
});

test('a missing directory is an error in the result, not a throw', () => {
  const r = pruneFiles({ dir: '/nonexistent/prune-dir', matches: () => true, maxTotalBytes: 1, maxAgeMs: 1 });
  assert.equal(r.deleted.length, 0);
  assert.equal(r.errors.length, 1);
});
