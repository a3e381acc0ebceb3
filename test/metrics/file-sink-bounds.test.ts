/**
 * The metrics file sink is bounded by default: earlier runs' files beyond 2 GB in total or older
 * than 7 days are deleted (it used to keep every file for ever: ~25 GB a day at the demo's rate).
 * Big files are made sparse (truncate), so the test uses no real disk space.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetricsSink } from '../../src/metrics/create-sink.js';
import { FileSink, metricsFilePrefix } from '../../src/metrics/file-sink.js';
import { agedFile, tempDir } from '../helpers/temp-dir.js';

const GB = 1024 ** 3;
const DAY_MS = 86_400_000;

function oldFile(dir: string, stamp: string, bytes: number, ageMs: number): string {
  const name = `${metricsFilePrefix}${stamp}-0000.lp`;
  agedFile(dir, name, bytes, ageMs);
  return name;
}

test('the default file sink deletes metrics files beyond 2 GB in total and older than 7 days', async (t) => {
  const dir = tempDir(t, 'metrics-bounds');
  const ancient = oldFile(dir, '2020-01-01T00-00-00-000Z', 1000, 8 * DAY_MS);
  const big1 = oldFile(dir, '2020-01-02T00-00-00-000Z', GB, 3 * 3_600_000);
  const big2 = oldFile(dir, '2020-01-03T00-00-00-000Z', GB, 2 * 3_600_000);
  const big3 = oldFile(dir, '2020-01-04T00-00-00-000Z', GB, 1 * 3_600_000);
  writeFileSync(join(dir, 'notes.txt'), 'not a metrics file');
  const sink = createMetricsSink({ db: 'kraken_arb', fileDir: dir });
  sink.write('m f=1i 1');
  await sink.close();
  const left = readdirSync(dir);
  assert.ok(!left.includes(ancient), 'a file older than 7 days was kept');
  assert.ok(
    !left.includes(big1) && !left.includes(big2),
    `the oldest big files were kept: ${left.join(', ')}`,
  );
  assert.ok(left.includes(big3), 'the newest earlier file fits the bound and stays');
  assert.ok(left.includes('notes.txt'), 'a file that is not a metrics file was touched');
  assert.equal(left.filter((n) => n.startsWith(metricsFilePrefix)).length, 2);
});

test('a metrics file is closed after maxFileAgeMs, so age pruning has whole files to drop', async (t) => {
  const dir = tempDir(t, 'metrics-bounds');
  let now = Date.parse('2026-01-01T00:00:00Z');
  const sink = new FileSink({ dir, db: 'd', maxFileAgeMs: 60_000, nowMs: () => now });
  sink.write('m f=1i 1');
  await sink.flush();
  now += 61_000;
  sink.write('m f=2i 2');
  await sink.flush();
  await sink.close();
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 2, files.join(', '));
  assert.ok(readFileSync(join(dir, files[1] as string), 'utf8').includes('m f=2i 2'));
});
