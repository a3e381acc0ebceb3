// Builds the optional thread-pinning addon (native/affinity). NEVER fails the install or build:
// without the addon, src/engine/threads/affinity.ts falls back to taskset or runs unpinned.
// Offline-friendly: uses npm's bundled node-gyp and the headers installed next to this node binary.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const BUILD_TIMEOUT_MS = 120_000;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const addonDir = join(root, 'native', 'affinity');
const note = (msg) => console.log(`build-affinity: ${msg}`);

function findNodeGyp() {
  const prefix = dirname(dirname(process.execPath));
  const candidates = [
    process.env.npm_config_node_gyp,
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  ];
  return candidates.find((p) => p !== undefined && p !== '' && existsSync(p));
}

function main() {
  if (process.platform !== 'linux')
    return note(`skipped on ${process.platform}: thread pinning is Linux-only`);
  if (process.env.KRAKEN_ARB_SKIP_NATIVE === '1') return note('skipped (KRAKEN_ARB_SKIP_NATIVE=1)');
  const gyp = findNodeGyp();
  if (gyp === undefined) return note('node-gyp not found; pinning will use the taskset fallback');
  const args = [gyp, 'rebuild'];
  // Headers next to this node binary avoid a download (offline machines).
  const prefix = dirname(dirname(process.execPath));
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h')))
    args.push(`--nodedir=${prefix}`);
  const r = spawnSync(process.execPath, args, { cwd: addonDir, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS });
  if (r.status === 0 && existsSync(join(addonDir, 'build', 'Release', 'affinity.node')))
    return note('built native/affinity/build/Release/affinity.node');
  const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
  note(
    `build failed (${r.error ? r.error.message : `exit ${r.status}`}); pinning will use the taskset fallback.\n${tail}`,
  );
}

try {
  main();
} catch (e) {
  note(`unexpected error, continuing without the addon: ${e instanceof Error ? e.message : String(e)}`);
}
process.exit(0);
