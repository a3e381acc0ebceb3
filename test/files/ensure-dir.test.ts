import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirError, ensureDir, ensureWritableDir } from '../../src/files/ensure-dir.js';
import { tempDir } from '../helpers/temp-dir.js';

test('ensureDir creates missing parents and accepts an existing directory', (t) => {
  const root = tempDir(t, 'ensure-dir');
  const deep = join(root, 'a', 'b', 'c');
  ensureDir(deep);
  assert.ok(statSync(deep).isDirectory());
  ensureDir(deep);
});

test('ensureDir under /proc fails at once with the code instead of looping (mkdir -p hangs there)', () => {
  if (!existsSync('/proc/self')) return; // Linux only
  assert.throws(
    () => ensureDir('/proc/nope/deeper'),
    (e: unknown) => e instanceof DirError && e.code === 'ENOENT' && e.message.includes('/proc/nope'),
  );
});

test('ensureDir through a file is ENOTDIR, naming the file', (t) => {
  const root = tempDir(t, 'ensure-dir');
  const file = join(root, 'plain-file');
  writeFileSync(file, 'x');
  assert.throws(
    () => ensureDir(join(file, 'sub')),
    (e: unknown) => e instanceof DirError && e.code === 'ENOTDIR' && e.message.includes(file),
  );
});

test('ensureWritableDir leaves nothing behind and refuses a path that is a file', (t) => {
  const root = tempDir(t, 'ensure-dir');
  ensureWritableDir(join(root, 'logs'));
  assert.deepEqual(readdirSync(join(root, 'logs')), []);
  const file = join(root, 'f');
  writeFileSync(file, 'x');
  assert.throws(() => ensureWritableDir(file), DirError);
});
