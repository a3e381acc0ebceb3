import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isFresh, legsInSync } from '../../src/core/guards.js';
import {
  copyOpportunity,
  OPPORTUNITY_FIELDS,
  readOpportunity,
  writeOpportunity,
} from '../../src/core/opportunity.js';

describe('isFresh (local clock only)', () => {
  const table: Array<[number, number, number, boolean]> = [
    [1000, 2500, 1500, true], // exactly the limit
    [1000, 2501, 1500, false],
    [1000, 900, 1500, true], // stamped a hair after now by another thread
    [NaN, 2000, 1500, false],
    [1000, NaN, 1500, false],
    [1000, 2000, NaN, false],
  ];
  for (const [recv, now, max, want] of table)
    test(`isFresh(${recv}, ${now}, ${max}) = ${want}`, () => assert.equal(isFresh(recv, now, max), want));
});

describe('legsInSync (Kraken clock only)', () => {
  test('table', () => {
    assert.equal(legsInSync(100.0099, 100.0, 100.0, 10), true); // exact-boundary equality is not meaningful on epoch-second doubles
    assert.equal(legsInSync(100.0105, 100.0, 100.0, 10), false);
    assert.equal(
      legsInSync(100.0, 100.0, 100.0099, 10),
      true,
      'another leg newer than the trigger, within the gap',
    );
    assert.equal(legsInSync(NaN, 100, 100, 10), false);
    assert.equal(legsInSync(100, 50, 100, Infinity), true);
  });
  test('a leg further ahead of the trigger than the gap (a future-dated quote, or a stale trigger) is out of sync', () => {
    assert.equal(legsInSync(100.0, 100.0, 100.5, 10), false);
    assert.equal(legsInSync(100.0, 100.0, 100 + 86_400, 10_000), false, 'one day ahead');
    assert.equal(legsInSync(100, 100, NaN, 10), false);
  });
});

describe('opportunity payload', () => {
  test('copy moves every field between offsets', () => {
    const src = new Float64Array(OPPORTUNITY_FIELDS + 2);
    for (let i = 0; i < src.length; i++) src[i] = i + 0.5;
    const dst = new Float64Array(OPPORTUNITY_FIELDS + 5);
    copyOpportunity(src, 2, dst, 5);
    assert.deepEqual(readOpportunity(dst, 5), readOpportunity(src, 2));
    assert.equal(dst[4], 0);
  });

  test('write then read gives back the same object, every field distinct', () => {
    const src = new Float64Array(OPPORTUNITY_FIELDS);
    for (let i = 0; i < src.length; i++) src[i] = i + 0.25;
    src[1] = 1; // direction must be 0 or 1
    const o = readOpportunity(src, 0);
    const buf = new Float64Array(OPPORTUNITY_FIELDS + 1);
    writeOpportunity(buf, 1, o);
    assert.deepEqual(readOpportunity(buf, 1), o);
    assert.deepEqual([...buf.subarray(1)], [...src]);
  });
});
