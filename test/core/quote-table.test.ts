import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  QuoteTable,
  UPDATE_ACCEPTED,
  UPDATE_BAD_INDEX,
  UPDATE_FUTURE,
  UPDATE_INVALID,
  UPDATE_STALE,
} from '../../src/core/quote-table.js';
import { QUOTE_BID, QUOTE_FIELDS } from '../../src/core/quote-layout.js';

const TS = 1_542_057_299.545897;
const RECV = 1_700_000_000_000_000;

function online(size: number): QuoteTable {
  const t = new QuoteTable(size);
  t.feedOnline = true;
  t.setAllOnline(true);
  return t;
}

describe('QuoteTable.update', () => {
  test('stores a good update and marks the row usable', () => {
    const t = online(2);
    assert.equal(t.update(1, 5698.4, 5700, TS, 1.01234567, 0.98765432, RECV), UPDATE_ACCEPTED);
    assert.equal(t.bid[1], 5698.4);
    assert.equal(t.ask[1], 5700);
    assert.equal(t.bidVol[1], 1.01234567);
    assert.equal(t.askVol[1], 0.98765432);
    assert.equal(t.exchTs[1], TS);
    assert.equal(t.recvUs[1], RECV);
    assert.ok(t.isUsable(1));
    assert.ok(!t.isUsable(0), 'no quote yet');
    assert.equal(t.acceptedCount, 1);
  });

  test('older Kraken timestamp is ignored; equal timestamp is applied in order', () => {
    const t = online(1);
    t.update(0, 10, 11, TS, 1, 1, RECV);
    assert.equal(t.update(0, 9, 12, TS - 0.000001, 1, 1, RECV + 1), UPDATE_STALE);
    assert.equal(t.bid[0], 10);
    assert.equal(t.staleCount, 1);
    assert.equal(t.update(0, 10.5, 11, TS, 1, 1, RECV + 2), UPDATE_ACCEPTED);
    assert.equal(t.bid[0], 10.5);
  });

  const hostile: Array<[string, number[]]> = [
    ['NaN bid', [NaN, 11, TS, 1, 1, RECV]],
    ['NaN ask', [10, NaN, TS, 1, 1, RECV]],
    ['Infinity ask', [10, Infinity, TS, 1, 1, RECV]],
    ['-Infinity bid', [-Infinity, 11, TS, 1, 1, RECV]],
    ['zero bid', [0, 11, TS, 1, 1, RECV]],
    ['negative bid', [-10, 11, TS, 1, 1, RECV]],
    ['negative ask', [10, -11, TS, 1, 1, RECV]],
    ['crossed', [12, 11, TS, 1, 1, RECV]],
    ['locked (bid = ask)', [11, 11, TS, 1, 1, RECV]],
    ['NaN timestamp', [10, 11, NaN, 1, 1, RECV]],
    ['zero timestamp', [10, 11, 0, 1, 1, RECV]],
    ['Infinity timestamp', [10, 11, Infinity, 1, 1, RECV]],
    ['NaN receive time', [10, 11, TS, 1, 1, NaN]],
    ['negative volume', [10, 11, TS, -1, 1, RECV]],
    ['Infinity volume', [10, 11, TS, 1, Infinity, RECV]],
  ];
  for (const [name, args] of hostile) {
    test(`hostile: ${name} → invalid, counted, row unusable until a good update`, () => {
      const t = online(1);
      t.update(0, 10, 11, TS - 1, 2, 3, RECV - 1);
      assert.ok(t.isUsable(0));
      const [b, a, ts, bv, av, r] = args as [number, number, number, number, number, number];
      assert.equal(t.update(0, b, a, ts, bv, av, r), UPDATE_INVALID);
      assert.equal(t.invalidCount, 1);
      assert.ok(!t.isUsable(0));
      assert.equal(t.bid[0], 10, 'stored prices untouched');
      assert.equal(t.update(0, 10, 11, TS, 2, 3, RECV), UPDATE_ACCEPTED);
      assert.ok(t.isUsable(0));
    });
  }

  test('updateFrom reads the six fields from an array at an offset', () => {
    const t = online(1);
    const src = new Float64Array(2 + QUOTE_FIELDS);
    src.set([10, 11, TS, 1.5, 2.5, RECV], 2);
    assert.equal(t.updateFrom(0, src, 2), UPDATE_ACCEPTED);
    assert.deepEqual(
      [t.bid[0], t.ask[0], t.exchTs[0], t.bidVol[0], t.askVol[0], t.recvUs[0]],
      [10, 11, TS, 1.5, 2.5, RECV],
    );
    src[2 + QUOTE_BID] = NaN;
    assert.equal(t.updateFrom(0, src, 2), UPDATE_INVALID);
  });

  test('missing volumes (3-field spread) are stored as 0, the quote still counts', () => {
    const t = online(1);
    assert.equal(t.update(0, 10, 11, TS, NaN, NaN, RECV), UPDATE_ACCEPTED);
    assert.equal(t.bidVol[0], 0);
    assert.equal(t.askVol[0], 0);
    assert.ok(t.isUsable(0));
  });

  test('bad indices are counted and never write', () => {
    const t = online(2);
    for (const i of [-1, 2, 1.5, NaN, 1e9])
      assert.equal(t.update(i, 10, 11, TS, 1, 1, RECV), UPDATE_BAD_INDEX);
    assert.equal(t.badIndexCount, 5);
    assert.equal(t.acceptedCount, 0);
  });

  test('usable needs feed online, pair online and a good quote', () => {
    const t = new QuoteTable(1);
    t.update(0, 10, 11, TS, 1, 1, RECV);
    assert.ok(!t.isUsable(0));
    t.feedOnline = true;
    assert.ok(!t.isUsable(0));
    t.setOnline(0, true);
    assert.ok(t.isUsable(0));
    t.setOnline(0, false);
    assert.ok(!t.isUsable(0));
    t.setOnline(5, true); // out of range: ignored, no throw
  });

  test('invalidateAll clears usability and timestamps so post-reconnect updates are accepted', () => {
    const t = online(1);
    t.update(0, 10, 11, TS, 1, 1, RECV);
    t.invalidateAll();
    assert.ok(!t.isUsable(0));
    assert.equal(t.feedOnline, false);
    t.feedOnline = true;
    t.setOnline(0, true);
    assert.equal(t.update(0, 10, 11, TS - 5, 1, 1, RECV), UPDATE_ACCEPTED);
  });

  test('bad size is a coded RangeError', () => {
    assert.throws(() => new QuoteTable(-1), /E_QUOTE_TABLE_SIZE/);
  });
});

test('a quote dated further ahead of the receive time than the tolerance is refused and counted; the stored quote stays', () => {
  const t = new QuoteTable(1);
  const recvUs = 1_700_000_000_000_000;
  assert.equal(t.update(0, 100, 101, recvUs / 1e6, 1, 1, recvUs), UPDATE_ACCEPTED);
  assert.equal(t.update(0, 103, 104, recvUs / 1e6 + 86_400, 1, 1, recvUs + 10), UPDATE_FUTURE);
  assert.equal(t.futureCount, 1);
  assert.equal(t.bid[0], 100, 'the bogus quote was not stored');
  // The next real update is not "older" than a frozen future timestamp: it is accepted.
  assert.equal(t.update(0, 100.5, 101, recvUs / 1e6 + 0.001, 1, 1, recvUs + 1000), UPDATE_ACCEPTED);
  // Within the tolerance (clock skew, latency) a slightly-ahead timestamp is fine.
  assert.equal(t.update(0, 100.6, 101, recvUs / 1e6 + 0.5, 1, 1, recvUs + 2000), UPDATE_ACCEPTED);
});
