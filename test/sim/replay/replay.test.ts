import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import WebSocket from 'ws';
import { parseRecording } from '../../../src/sim/replay/recording.js';
import { startSimulator } from '../../../src/sim/simulator.js';
import { distPath } from '../../helpers/project-root.js';

const line = (t: number, frame: unknown): string => JSON.stringify({ t, l: 0, f: JSON.stringify(frame) });
const spread = (pair: string, bid: string, ask: string, ts: string): unknown[] => [
  42,
  [bid, ask, ts, '1.50000000', '2.25000000'],
  'spread',
  pair,
];

test('a recording keeps spread frames in time order and counts what it skips', () => {
  const text = [
    line(2_000, spread('XBT/USD', '50000.1', '50000.2', '1700000000.000002')),
    line(1_000, spread('XBT/EUR', '46000.1', '46000.3', '1700000000.000001')),
    line(1_500, { event: 'heartbeat' }),
    '{not json',
    JSON.stringify({ t: 'x', f: '[]' }),
    line(3_000, [1, ['NaN', '1', '1', '1', '1'], 'spread', 'XBT/USD']),
    '',
  ].join('\n');
  const r = parseRecording(text);
  assert.deepEqual(
    r.spreads.map((s) => [s.t, s.pair, s.bid]),
    [
      [1_000, 'XBT/EUR', '46000.1'],
      [2_000, 'XBT/USD', '50000.1'],
    ],
  );
  assert.equal(r.badLines, 2);
  assert.equal(r.skippedFrames, 2);
});

test('the simulator serves a recording: pairs inferred, frames replayed to a v1 client', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'rec.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < 50; i++) {
    lines.push(
      line(
        i * 100_000,
        spread('XBT/USD', `${50000 + i}.1`, `${50000 + i}.2`, `1700000000.${String(i).padStart(6, '0')}`),
      ),
    );
    lines.push(
      line(
        i * 100_000 + 50_000,
        spread('USDT/USD', '1.0001', '1.0002', `1700000000.${String(i).padStart(6, '0')}`),
      ),
    );
  }
  writeFileSync(file, lines.join('\n') + '\n');
  const sim = await startSimulator({ replayFile: file, replaySpeed: 5, replayLoop: true, wsAttachers: [] });
  t.after(() => sim.stop());
  assert.deepEqual(sim.market.pairs.map((p) => p.wsname).sort(), ['USDT/USD', 'XBT/USD']);
  const xbt = sim.market.pairs.find((p) => p.wsname === 'XBT/USD');
  assert.equal(xbt?.pairDecimals, 1);
  assert.equal(xbt?.lotDecimals, 8);
  assert.equal(xbt?.symbol, 'BTC/USD');

  const ws = new WebSocket(sim.urls.wsPublic);
  t.after(() => ws.terminate());
  const bids: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${bids.length} spread frames within 10 s`)),
      10_000,
    );
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as unknown;
      if (Array.isArray(msg) && msg[2] === 'spread' && msg[3] === 'XBT/USD') {
        bids.push((msg[1] as string[])[0] as string);
        if (bids.length >= 5) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
  });
  await new Promise<void>((resolve) => ws.once('open', () => resolve()));
  ws.send(JSON.stringify({ event: 'subscribe', pair: ['XBT/USD'], subscription: { name: 'spread' } }));
  await done;
  // Replayed prices are the recorded ones (the recording rises by 1 per frame; it loops).
  const seen = bids.map(Number);
  assert.ok(
    seen.every((b) => b >= 50000.1 && b <= 50049.1 && Math.abs(b - Math.round(b - 0.1) - 0.1) < 1e-9),
  );
  assert.ok(new Set(seen).size >= 4, `replayed bids: ${seen.join(', ')}`);
});

test('--record writes every public frame with its receive time, and the simulator replays that file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'record-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'frames.jsonl');
  const child = spawn(
    process.execPath,
    [
      distPath('src', 'main.js'),
      '--sim',
      '--sim-coins',
      '8',
      '--listeners',
      '2',
      '--record',
      file,
      '--duration',
      '4',
    ],
    {
      cwd: dir,
      env: {
        ...process.env,
        LOG_DIR: join(dir, 'logs'),
        JOURNAL_DIR: join(dir, 'j'),
        METRICS_DIR: join(dir, 'm'),
      },
      stdio: 'ignore',
    },
  );
  t.after(() => child.kill('SIGKILL'));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 0);
  const rec = parseRecording(readFileSync(file, 'utf8'));
  assert.ok(rec.spreads.length > 50, `only ${rec.spreads.length} spreads recorded`);
  assert.equal(rec.badLines, 0);
  const sim = await startSimulator({ replayFile: file, replaySpeed: 20, wsAttachers: [] });
  t.after(() => sim.stop());
  // 8 coins × 2 quotes + the USDT pairs that carry the valuation.
  assert.ok(sim.market.pairs.length >= 10, `${sim.market.pairs.length} pairs inferred`);
});
