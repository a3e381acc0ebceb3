/**
 * The log is bounded: a run's file is split past maxFileBytes, files of every run are pruned by
 * total size and age, and identical warnings/errors within a minute are written once, then
 * summarised with their count (a wrong password used to log one line per attempt for ever).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileLogger } from '../../src/log/logger.js';
import { RepeatFilter } from '../../src/log/repeat-filter.js';
import { agedFile, tempDir } from '../helpers/temp-dir.js';

const GB = 1024 ** 3;
const DAY_MS = 86_400_000;

function lines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('a run past LOG_FILE_MAX_MB goes on in .2.log, .3.log …, each file near the bound', async (t) => {
  const dir = tempDir(t, 'log-bounds');
  const log = new FileLogger(dir, 'info', (s) => s, null, new Date('2026-01-02T03:04:05Z'), {
    maxFileBytes: 4096,
  });
  for (let i = 0; i < 200; i++) log.info('status', { i, pad: 'x'.repeat(40) });
  await log.close();
  const files = readdirSync(dir).sort();
  assert.ok(files.includes('arbitrage_log_20260102_030405.log'));
  assert.ok(files.includes('arbitrage_log_20260102_030405.2.log'), files.join(', '));
  for (const f of files) assert.ok(statSync(join(dir, f)).size < 4096 + 200, `${f} too big`);
  const all = files.flatMap((f) => lines(join(dir, f)));
  assert.equal(all.length, 200, 'a line was lost across the split');
});

test("earlier runs' logs beyond the total size or the age bound are deleted at start", async (t) => {
  const dir = tempDir(t, 'log-bounds');
  const old = (name: string, bytes: number, ageMs: number): string => agedFile(dir, name, bytes, ageMs);
  old('arbitrage_log_20200101_000000.log', 100, 31 * DAY_MS);
  old('arbitrage_log_20200101_000000.summary.json', 100, 31 * DAY_MS);
  old('arbitrage_log_20200102_000000.log', GB, 2 * DAY_MS);
  old('arbitrage_log_20200103_000000.log', GB / 2, DAY_MS);
  writeFileSync(join(dir, 'keep-me.txt'), 'not a log');
  // Defaults: 1 GB in total, 30 days.
  const log = new FileLogger(dir, 'info', (s) => s);
  log.info('start');
  await log.close();
  const left = readdirSync(dir).sort();
  assert.deepEqual(
    left.filter((n) => n.startsWith('arbitrage_log_2020')),
    ['arbitrage_log_20200103_000000.log'],
    left.join(', '),
  );
  assert.ok(left.includes('keep-me.txt'));
  assert.ok(left.includes(log.path.slice(dir.length + 1)));
});

test('identical errors within a minute: one line, then one summary with the count', async (t) => {
  const dir = tempDir(t, 'log-bounds');
  const echoed: string[] = [];
  const log = new FileLogger(
    dir,
    'info',
    (s) => s,
    (line) => echoed.push(line),
  );
  for (let i = 0; i < 40; i++) log.error('metrics write refused', { status: 401 });
  log.error('metrics write refused', { status: 500 });
  log.info('status', { n: 1 });
  log.info('status', { n: 1 });
  await log.close();
  const recs = lines(log.path);
  const refused = recs.filter((r) => String(r['msg']).startsWith('metrics write refused'));
  assert.equal(refused.length, 3, JSON.stringify(refused));
  const summary = refused.find((r) => r['repeated'] === 39);
  assert.ok(summary, 'no summary line with the count');
  assert.equal(summary['status'], 401);
  assert.match(String(summary['msg']), /repeated 39 more times in the last minute/);
  // Info lines are not filtered.
  assert.equal(recs.filter((r) => r['msg'] === 'status').length, 2);
  assert.equal(echoed.length, recs.length);
});

test('the repeat filter forgets at the end of each window and bounds what it tracks', () => {
  let now = 0;
  const f = new RepeatFilter(60_000, 2, () => now);
  assert.equal(f.admit('a'), true);
  assert.equal(f.admit('a'), false);
  assert.equal(f.admit('b'), true);
  assert.equal(f.admit('c'), true, 'beyond maxKeys lines are written');
  assert.equal(f.admit('c'), true);
  assert.equal(f.windowEnded(), false);
  now = 60_000;
  assert.equal(f.windowEnded(), true);
  assert.deepEqual(f.drain(), [{ key: 'a', count: 1 }]);
  assert.equal(f.admit('a'), true);
});
