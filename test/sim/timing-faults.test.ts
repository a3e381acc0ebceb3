import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTimingRegistry } from '../../src/sim/timing.js';
import { createFaults } from '../../src/sim/faults.js';

describe('dislocation timing registry', () => {
  test('first frame and first matching order win; other pairs, sides and prices do not count', () => {
    const t = createTimingRegistry({ lifetimeMs: 60_000, nowNs: () => 1000n });
    t.registerDislocation(1, 4, 'ask', 100, 10n);
    t.registerDislocation(2, 5, 'bid', 200, 11n);
    t.frameWritten(1, 30n);
    t.frameWritten(1, 20n);
    t.orderArrived(4, 'buy', 99.9, 40n); // limit below the cheap ask: cannot take it
    t.orderArrived(4, 'sell', 100, 41n); // wrong side
    t.orderArrived(3, 'buy', 100, 42n); // wrong pair
    t.orderArrived(4, 'buy', 100, 50n);
    t.orderArrived(4, 'buy', Infinity, 45n); // a market buy arriving earlier (stamped by the server)
    t.orderArrived(5, 'sell', 0, 60n);
    const [a, b] = t.toJSON();
    assert.equal(a?.['firstFrameWrittenNs'], '20');
    assert.equal(a?.['firstOrderArrivedNs'], '45');
    assert.equal(b?.['firstOrderArrivedNs'], '60');
    assert.equal(b?.['firstFrameWrittenNs'], null);
  });

  test('a dislocation older than its lifetime takes no more arrivals', () => {
    let now = 0n;
    const t = createTimingRegistry({ lifetimeMs: 1, nowNs: () => now });
    t.registerDislocation(1, 0, 'ask', 1);
    now = 2_000_000n; // 2 ms later
    t.orderArrived(0, 'buy', 1, now);
    assert.equal(t.records()[0]?.firstOrderArrivedNs, null);
  });

  test('closed dislocations take no more arrivals; records are bounded', () => {
    const t = createTimingRegistry({ lifetimeMs: 60_000, maxRecords: 3, nowNs: () => 1000n });
    t.registerDislocation(1, 0, 'ask', 1, 1n);
    t.closeDislocation(1, 2n);
    t.orderArrived(0, 'buy', 1, 3n);
    assert.equal(t.records()[0]?.firstOrderArrivedNs, null);
    for (let i = 2; i < 10; i++) t.registerDislocation(i, 0, 'ask', 1, BigInt(i));
    assert.deepEqual(
      t.records().map((r) => r.id),
      [7, 8, 9],
    );
  });
});

describe('faults', () => {
  test('one-shot faults are consumed; drop listeners are called and can unsubscribe', () => {
    const f = createFaults();
    f.rejectNextOrder = 'EOrder:Insufficient funds';
    f.delayNextOrderMs = 50;
    assert.equal(f.takeRejectNextOrder(), 'EOrder:Insufficient funds');
    assert.equal(f.takeRejectNextOrder(), null);
    assert.equal(f.takeDelayNextOrderMs(), 50);
    assert.equal(f.takeDelayNextOrderMs(), 0);
    const seen: string[] = [];
    const off = f.onDrop((w) => seen.push(w));
    f.dropConnections('public');
    off();
    f.dropConnections('all');
    assert.deepEqual(seen, ['public']);
    f.rateLimited = true;
    f.restDelayMs = 5;
    f.reset();
    assert.equal(f.rateLimited, false);
    assert.equal(f.restDelayMs, 0);
  });
});
