/**
 * `--duration` beyond setTimeout's range (2^31−1 ms ≈ 24.8 days): the program runs, rather than
 * stopping after 1 ms as it did, and still stops cleanly on SIGTERM. Beyond the documented
 * range (10 years) it is a configuration error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram } from '../helpers/run-program.js';

test('--duration 2200000 (25.5 days) keeps running until its first status line, then stops on SIGTERM', async (t) => {
  let stoppedEarly = false;
  const run = await runProgram(
    t,
    ['--sim', '--sim-coins', '8', '--sim-rate', '50', '--listeners', '1', '--duration', '2200000'],
    {},
    {
      deadlineMs: 60_000,
      onSpawn: (child) => {
        let out = '';
        let termSent = false;
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('stopping (--duration')) stoppedEarly = true;
          // The first periodic status line proves the run is past start-up and still going.
          if (!termSent && /^evaluate \| /m.test(out)) {
            termSent = true;
            child.kill('SIGTERM');
          }
        });
      },
    },
  );
  assert.equal(stoppedEarly, false, `stopped by --duration at once:\n${run.stdout}`);
  assert.equal(run.timedOut, false);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /stopping \(SIGTERM\)/);
});

test('--duration beyond 10 years is refused with its range', async (t) => {
  const run = await runProgram(t, ['--duration', '400000000'], {}, { deadlineMs: 10_000 });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--duration must be more than 0 and at most 315360000 seconds/);
});
