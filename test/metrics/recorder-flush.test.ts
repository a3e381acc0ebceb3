import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { startRecorderFlush, type MetricsMessage } from '../../src/metrics/recorder-flush.js';
import { CounterDeltas } from '../../src/metrics/counter-deltas.js';
import { waitFor } from '../helpers/influxd.js';

describe('startRecorderFlush', () => {
  test('posts batches from its timer with the buffer in the transfer list, and once more on stop', async () => {
    const rec = new MetricsRecorder({ source: 1 });
    const posted: { m: MetricsMessage; t: ArrayBuffer[] }[] = [];
    const stop = startRecorderFlush(rec, (m, t) => void posted.push({ m, t }), 10);
    rec.evaluationFrom(Float64Array.of(1, 2), 0);
    await waitFor(() => posted.length === 1, 5000, 'a timed flush');
    rec.loopSampleFrom(Float64Array.of(3, 4), 0);
    stop();
    stop();
    assert.equal(posted.length, 2);
    for (const p of posted) {
      assert.equal(p.m.type, 'metrics');
      assert.equal(p.t[0], p.m.batch.data.buffer);
    }
  });
});

describe('CounterDeltas', () => {
  test('reports growth by name, skips zero, restarts after a reset', () => {
    const d = new CounterDeltas(['slot_full', 'trader_busy'], [6, 7]);
    const row = new Float64Array(10);
    row[6] = 5;
    assert.deepEqual(d.take(row), { slot_full: 5 });
    row[6] = 5;
    row[7] = 2;
    assert.deepEqual(d.take(row), { trader_busy: 2 });
    row[6] = 1; // worker restarted with a fresh row
    assert.deepEqual(d.take(row), { slot_full: 1 });
    assert.deepEqual(d.take(row), {});
  });
});
