import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { planCpus } from '../../../src/engine/threads/cpu-plan.js';
import {
  parseCpuList,
  pinCurrentThread,
  readCpusAllowed,
  loadAffinityAddon,
  type PinResult,
} from '../../../src/engine/threads/affinity.js';
import { fixtureResult } from '../../helpers/start-fixture.js';

describe('planCpus (pure)', () => {
  test('seed layout: 4 CPUs, 6 listeners round-robin on 0–2, trader + fetcher on 3', () => {
    const p = planCpus({ listeners: 6 }, [0, 1, 2, 3]);
    assert.deepEqual(p.listeners, [0, 1, 2, 0, 1, 2]);
    assert.equal(p.trader, 3);
    assert.equal(p.fetcher, 3);
  });
  test('2 CPUs: listeners share the first, trader + fetcher get the second', () => {
    const p = planCpus({ listeners: 3 }, [1, 0]);
    assert.deepEqual(p.listeners, [0, 0, 0]);
    assert.equal(p.trader, 1);
  });
  test('one CPU or none: nothing pinned, with a reason', () => {
    for (const cpus of [[5], []]) {
      const p = planCpus({ listeners: 2 }, cpus);
      assert.deepEqual(p.listeners, [null, null]);
      assert.equal(p.trader, null);
      assert.match(p.summary, /not pinning/);
    }
  });
  test('non-contiguous sets, duplicates and junk are handled', () => {
    const p = planCpus({ listeners: 3 }, [8, 2, 2, -1, 1.5, 4]);
    assert.deepEqual(p.listeners, [2, 4, 2]);
    assert.equal(p.trader, 8);
  });
  test('parseCpuList reads kernel lists and refuses junk', () => {
    assert.deepEqual(parseCpuList('0-3,6,8-9\n'), [0, 1, 2, 3, 6, 8, 9]);
    assert.deepEqual(parseCpuList('x'), []);
  });
});

describe('pinCurrentThread', () => {
  const linux = process.platform === 'linux';
  const cpu0 = linux && readCpusAllowed().includes(0);
  const skip = !linux ? 'Linux only' : !cpu0 ? 'CPU 0 not in this process affinity mask' : false;

  test('refuses an unavailable CPU without throwing', () => {
    const r = pinCurrentThread(100_000, 'nope');
    assert.equal(r.pinned, false);
    assert.equal(r.method, 'none');
    assert.ok(r.reason !== undefined && r.reason.length > 0);
  });

  // CPU 0, then CPU 1 when this process may use it: a pinned thread can move itself again.
  const targets = readCpusAllowed().includes(1) ? [0, 1] : [0];
  const pinIn = async (methods: Array<'addon' | 'taskset'>, name: string) => {
    const before = readCpusAllowed();
    const m = await fixtureResult<{ results: PinResult[]; allowedAfter: number[][]; threadName: string }>(
      'pin-worker',
      { cpus: targets, name, methods },
    );
    assert.deepEqual(readCpusAllowed(), before, 'the main thread keeps its mask');
    return m;
  };

  const addonSkip =
    skip ||
    (loadAffinityAddon().addon === undefined ? `addon not built: ${loadAffinityAddon().reason}` : false);
  test('addon: a worker pins itself to CPU 0 (then 1) and is named', { skip: addonSkip }, async () => {
    const m = await pinIn(['addon'], 'listener-0');
    assert.deepEqual(
      m.results,
      targets.map(() => ({ pinned: true, method: 'addon' })),
    );
    assert.deepEqual(
      m.allowedAfter,
      targets.map((c) => [c]),
    );
    assert.equal(m.threadName, 'listener-0');
  });

  test('taskset fallback: a worker pins itself to CPU 0 (then 1)', { skip }, async (t) => {
    const m = await pinIn(['taskset'], 'trader');
    const first = m.results[0];
    if (first !== undefined && !first.pinned && /taskset failed/.test(first.reason ?? '')) {
      t.skip(`taskset unusable here: ${first.reason}`);
      return;
    }
    assert.deepEqual(
      m.results,
      targets.map(() => ({ pinned: true, method: 'taskset' })),
    );
    assert.deepEqual(
      m.allowedAfter,
      targets.map((c) => [c]),
    );
    assert.equal(m.threadName, 'trader');
  });
});
