// Runs every compiled test file with node's test runner, then the system tests a second time over
// WebSocket API v2 (SYSTEM_TEST_WS_API=v2), so every system guarantee is checked in both modes.
// Fails when no test file is found, so a broken build can never pass as "0 tests, 0 failures".
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

function run(files, env) {
  const r = spawnSync(
    process.execPath,
    ['--test', '--test-concurrency=2', '--test-timeout=180000', ...files],
    {
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  return r.status ?? 1;
}

const filter = process.argv.slice(2);
let files = [...find('dist/test', []), ...find('dist/src', [])].sort();
if (filter.length > 0) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('run-tests: no compiled test files found under dist/ (did the build run?)');
  process.exit(1);
}
const systemFiles = files.filter((f) => f.includes(`${join('test', 'system')}`));
let status = run(files, { SYSTEM_TEST_WS_API: 'v1' });
if (systemFiles.length > 0) {
  console.log(`\nrun-tests: the ${systemFiles.length} system test files again, over WebSocket API v2\n`);
  const v2 = run(systemFiles, { SYSTEM_TEST_WS_API: 'v2' });
  if (status === 0) status = v2;
}
process.exit(status);
