// Runs every compiled test file with node's test runner; the system tests run once over WebSocket
// API v1 and once over v2 (SYSTEM_TEST_WS_API), so every system guarantee is checked in both modes.
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

// Each file is one test to the runner, so the timeout bounds a whole file. A system test file
// runs its cases one after another against real processes: the longest (orders-in-doubt, eight
// cases) took 175-178.5 s of a 180 s budget in every CI run of two sessions, and was once cut off
// in its eighth case. A hang still ends.
const UNIT_FILE_TIMEOUT_MS = 180_000;
const SYSTEM_FILE_TIMEOUT_MS = 420_000;

function run(files, env, timeoutMs = UNIT_FILE_TIMEOUT_MS) {
  // node --test with no files would search the working directory: never let it.
  if (files.length === 0) return 0;
  const r = spawnSync(
    process.execPath,
    ['--test', '--test-concurrency=2', `--test-timeout=${timeoutMs}`, ...files],
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
const isSystem = (f) => f.includes(join('test', 'system'));
const systemFiles = files.filter(isSystem);
let status = run(
  files.filter((f) => !isSystem(f)),
  {},
);

// The system tests run the real program and the simulator as processes on the same cores as the
// test runner; under load a deadline can pass. A system pass that fails is run once more and the
// retry is announced — a real defect fails both times.
function runSystem(api) {
  if (systemFiles.length === 0) return 0;
  console.log(`\nrun-tests: ${systemFiles.length} system test files over WebSocket API ${api}\n`);
  const first = run(systemFiles, { SYSTEM_TEST_WS_API: api }, SYSTEM_FILE_TIMEOUT_MS);
  if (first === 0) return 0;
  console.log(`\nrun-tests: RETRY — the system tests over ${api} failed once; running them again\n`);
  return run(systemFiles, { SYSTEM_TEST_WS_API: api }, SYSTEM_FILE_TIMEOUT_MS);
}
for (const api of ['v1', 'v2']) {
  const s = runSystem(api);
  if (status === 0) status = s;
}
process.exit(status);
