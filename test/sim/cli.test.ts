import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Works from the sources (tsx) and from dist/test/sim/ (compiled): the CLI sits at the same
// relative place in both trees.
const fromTs = import.meta.url.endsWith('.ts');
const cliPath = fileURLToPath(new URL(`../../src/sim/cli.${fromTs ? 'ts' : 'js'}`, import.meta.url));
const nodeArgs = fromTs ? ['--import', 'tsx', cliPath] : [cliPath];
const DEADLINE_MS = 20_000;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

function killOnTimeout(r: Run): () => void {
  const t = setTimeout(() => r.child.kill('SIGKILL'), DEADLINE_MS);
  return () => clearTimeout(t);
}

async function firstLine(r: Run): Promise<string> {
  const end = Date.now() + DEADLINE_MS;
  while (!r.stdout().includes('\n')) {
    if (r.child.exitCode !== null) throw new Error(`CLI exited early: ${r.stderr()}`);
    if (Date.now() > end) throw new Error('CLI did not print its line');
    await new Promise((res) => setTimeout(res, 20));
  }
  return r.stdout().slice(0, r.stdout().indexOf('\n'));
}

test('npm run sim: one JSON line, serves REST, stops cleanly on SIGTERM', async (t) => {
  const r = run(['--port', '0', '--seed', '5', '--coins', '3', '--rate', '20']);
  const cancel = killOnTimeout(r);
  t.after(() => {
    cancel();
    if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });
  const line = await firstLine(r);
  const info = JSON.parse(line) as Record<string, string>;
  assert.deepEqual(Object.keys(info), [
    'rest',
    'wsPublic',
    'wsPrivate',
    'wsPublicV2',
    'wsPrivateV2',
    'apiKey',
    'apiSecret',
  ]);
  const time = (await (await fetch(`${info['rest']}/0/public/Time`)).json()) as {
    error: string[];
    result: { unixtime: number };
  };
  assert.deepEqual(time.error, []);
  assert.ok(time.result.unixtime > 0);
  r.child.kill('SIGTERM');
  const { code } = await r.exit;
  assert.equal(code, 0);
  assert.equal(r.stdout(), `${line}\n`, 'nothing else on stdout');
});

test('--help documents every option; bad options exit 2', async (t) => {
  const h = run(['--help']);
  const cancelH = killOnTimeout(h);
  t.after(cancelH);
  assert.equal((await h.exit).code, 0);
  for (const opt of [
    '--port',
    '--seed',
    '--coins',
    '--rate',
    '--dislocations',
    '--dislocation-bps',
    '--dislocation-ms',
    '--replay',
    '--help',
  ]) {
    assert.ok(h.stdout().includes(opt), `help mentions ${opt}`);
  }
  for (const bad of [['--port', 'abc'], ['--bogus'], ['--coins', '0'], ['--seed']]) {
    const b = run(bad);
    const cancel = killOnTimeout(b);
    t.after(cancel);
    assert.equal((await b.exit).code, 2, bad.join(' '));
    assert.equal(b.stdout(), '');
    assert.match(b.stderr(), /sim: /);
  }
});
