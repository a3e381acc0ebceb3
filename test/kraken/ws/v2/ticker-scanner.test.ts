import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  TICKER_TYPE_SNAPSHOT,
  TICKER_TYPE_UPDATE,
  TickerScanner,
} from '../../../../src/kraken/ws/v2/ticker-scanner.js';
import {
  TICKER_REJECT_NAMES,
  TickerReject,
  type TickerRejectCode,
} from '../../../../src/kraken/ws/v2/ticker-reject.js';
import {
  QUOTE_ASK,
  QUOTE_ASK_VOL,
  QUOTE_BID,
  QUOTE_BID_VOL,
  QUOTE_EXCH_TS,
} from '../../../../src/core/quote-layout.js';
import { QUOTE_REJECT_NAMES } from '../../../../src/kraken/ws/shared/quote-reject.js';
import { SCAN_EVENT, SCAN_REJECTED } from '../../../../src/kraken/ws/shared/quote-scanner-base.js';

const PAIRS = ['ALGO/USD', 'BTC/USD', 'BTC/EUR', 'USDT/USD', 'USDT/EUR'];
/** docs/kraken-protocol.md §3.5, verbatim. */
const DOC_TICKER =
  '{"channel":"ticker","type":"snapshot","data":[{"symbol":"ALGO/USD","bid":0.10025,"bid_qty":740.0,' +
  '"ask":0.10036,"ask_qty":1361.44813783,"last":0.10035,"volume":997038.98383185,"vwap":0.10148,' +
  '"low":0.09979,"high":0.10285,"change":-0.00017,"change_pct":-0.17,"timestamp":"2023-09-25T09:04:31.742648Z"}]}';

function scan(sc: TickerScanner, text: string): number {
  return sc.scan(Buffer.from(text, 'utf8'));
}

function entry(fields: Record<string, string>): string {
  return (
    '{' +
    Object.entries(fields)
      .map(([k, v]) => `"${k}":${v}`)
      .join(',') +
    '}'
  );
}

const GOOD: Record<string, string> = {
  symbol: '"BTC/USD"',
  bid: '64000.1',
  bid_qty: '0.5',
  ask: '64000.2',
  ask_qty: '1.25',
  timestamp: '"2024-03-01T00:00:00.000001Z"',
};

function frame(fields: Record<string, string> = GOOD, type = 'update'): string {
  return `{"channel":"ticker","type":"${type}","data":[${entry(fields)}]}`;
}

describe('ticker scanner: documented frames', () => {
  test('docs/kraken-protocol.md §3.5 example: bid, ask, quantities, RFC3339 → epoch seconds exactly', () => {
    const sc = new TickerScanner(PAIRS);
    assert.equal(scan(sc, DOC_TICKER), 0);
    assert.equal(sc.out[QUOTE_BID], 0.10025);
    assert.equal(sc.out[QUOTE_ASK], 0.10036);
    assert.equal(sc.out[QUOTE_BID_VOL], 740);
    assert.equal(sc.out[QUOTE_ASK_VOL], 1361.44813783);
    assert.equal(sc.out[QUOTE_EXCH_TS], 1695632671.742648);
    assert.equal(sc.out[QUOTE_EXCH_TS], parseFloat('1695632671.742648'));
    assert.equal(
      Math.floor((sc.out[QUOTE_EXCH_TS] as number) * 1000),
      Date.parse('2023-09-25T09:04:31.742648Z'),
    );
    assert.equal(sc.lastType, TICKER_TYPE_SNAPSHOT);
    assert.equal(sc.accepted, 1);
    assert.equal(sc.rejected, 0);
    assert.equal(sc.slowConversions, 0);
  });

  test('status, heartbeat, acks, pong and other channels are events for the slow path', () => {
    const sc = new TickerScanner(PAIRS);
    const events = [
      '{"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":13834774380200032777,"system":"online","version":"2.0.0"}]}',
      '{"channel":"heartbeat"}',
      '{"method":"pong","req_id":101,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}',
      '{"method":"subscribe","result":{"channel":"ticker","snapshot":true,"symbol":"ALGO/USD"},"success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}',
      '{"error":"Currency pair not supported XBT/USD","method":"subscribe","success":false,"symbol":"XBT/USD","time_in":"x","time_out":"y"}',
      '{"channel":"book","type":"snapshot","data":[{"symbol":"MATIC/USD","bids":[{"price":0.5666,"qty":4831.75496356}],"asks":[],"checksum":2439117997,"timestamp":"2023-10-06T17:35:55.440295Z"}]}',
      '{"data":[{"a":1}],"channel":"book"}',
      '{}',
    ];
    for (const e of events) assert.equal(scan(sc, e), SCAN_EVENT, e);
    assert.equal(sc.events, events.length);
    assert.equal(sc.rejected, 0);
  });

  test('key order does not matter, unknown keys and nested values are skipped, data before channel', () => {
    const sc = new TickerScanner(PAIRS);
    const reordered =
      '{ "data" : [ {"extra":{"deep":[1,{"x":null}],"s":"a\\"b"},"timestamp":"2024-03-01T00:00:00Z",' +
      '"ask_qty":2,"ask":101.5,"flag":true,"symbol":"USDT/EUR","bid_qty":3e-8,"bid":1.0e2} ] ,' +
      ' "sequence":7, "type":"update", "channel":"ticker" }\n';
    assert.equal(scan(sc, reordered), 4);
    assert.deepEqual(Array.from(sc.out.subarray(0, 5)), [100, 101.5, 1709251200, 3e-8, 2]);
    assert.equal(sc.lastType, TICKER_TYPE_UPDATE);
  });

  test('a missing timestamp is accepted with QUOTE_EXCH_TS = NaN and counted', () => {
    const sc = new TickerScanner(PAIRS);
    const { timestamp: _omit, ...noTs } = GOOD;
    assert.equal(scan(sc, frame(noTs)), 1);
    assert.ok(Number.isNaN(sc.out[QUOTE_EXCH_TS]));
    assert.equal(sc.missingTimestamps, 1);
  });

  test('reject codes 0–16 share v1 names', () => {
    assert.deepEqual(TICKER_REJECT_NAMES.slice(0, QUOTE_REJECT_NAMES.length), QUOTE_REJECT_NAMES);
    assert.equal(new Set(Object.values(TickerReject)).size, TICKER_REJECT_NAMES.length);
  });
});

describe('ticker scanner: hostile frames are counted rejections, never throws', () => {
  const { bid: _b, ...noBid } = GOOD;
  const cases: Array<[string, string, TickerRejectCode]> = [
    ['empty', '   ', TickerReject.EMPTY],
    ['v1 array', '[0,["1","2","3"],"spread","XBT/USD"]', TickerReject.NOT_OBJECT],
    ['oversized', frame({ ...GOOD, pad: '"' + 'x'.repeat(9000) + '"' }), TickerReject.OVERSIZED],
    ['truncated', frame().slice(0, 60), TickerReject.TRUNCATED],
    ['negative bid', frame({ ...GOOD, bid: '-1.5' }), TickerReject.NEGATIVE],
    ['NaN token', frame({ ...GOOD, ask: 'NaN' }), TickerReject.NAN_INFINITY],
    ['Infinity token', frame({ ...GOOD, ask: 'Infinity' }), TickerReject.NAN_INFINITY],
    ['overflowing exponent', frame({ ...GOOD, ask: '1e400' }), TickerReject.NAN_INFINITY],
    ['string price', frame({ ...GOOD, bid: '"64000.1"' }), TickerReject.WRONG_TYPE],
    ['null price', frame({ ...GOOD, bid: 'null' }), TickerReject.WRONG_TYPE],
    ['leading zero', frame({ ...GOOD, bid: '01.5' }), TickerReject.NON_NUMERIC],
    ['two dots', frame({ ...GOOD, bid: '1.2.3' }), TickerReject.NON_NUMERIC],
    ['dot without digits', frame({ ...GOOD, bid: '1.' }), TickerReject.NON_NUMERIC],
    ['bare exponent', frame({ ...GOOD, bid: '1e' }), TickerReject.NON_NUMERIC],
    ['unknown pair', frame({ ...GOOD, symbol: '"XBT/USD"' }), TickerReject.UNKNOWN_PAIR],
    ['escaped pair', frame({ ...GOOD, symbol: '"BTC\\/USD"' }), TickerReject.UNKNOWN_PAIR],
    ['missing bid', frame(noBid), TickerReject.MISSING_FIELD],
    ['empty data', '{"channel":"ticker","type":"update","data":[]}', TickerReject.TOO_FEW_ELEMENTS],
    ['no data', '{"channel":"ticker","type":"update"}', TickerReject.MISSING_FIELD],
    [
      'two entries',
      `{"channel":"ticker","data":[${entry(GOOD)},${entry(GOOD)}]}`,
      TickerReject.TOO_MANY_ELEMENTS,
    ],
    [
      'duplicate bid',
      frame(GOOD).replace('"bid":64000.1', '"bid":64000.1,"bid":1'),
      TickerReject.DUPLICATE_KEY,
    ],
    [
      'duplicate channel',
      frame().replace('{"channel":"ticker"', '{"channel":"ticker","channel":"book"'),
      TickerReject.DUPLICATE_KEY,
    ],
    ['bad month', frame({ ...GOOD, timestamp: '"2024-13-01T00:00:00Z"' }), TickerReject.BAD_TIMESTAMP],
    ['Feb 30', frame({ ...GOOD, timestamp: '"2024-02-30T00:00:00Z"' }), TickerReject.BAD_TIMESTAMP],
    ['no zone', frame({ ...GOOD, timestamp: '"2024-03-01T00:00:00"' }), TickerReject.BAD_TIMESTAMP],
    ['epoch number ts', frame({ ...GOOD, timestamp: '1709251200' }), TickerReject.BAD_TIMESTAMP],
    ['trailing data', frame() + 'x', TickerReject.TRAILING_DATA],
    ['bad type', frame(GOOD, 'delta'), TickerReject.BAD_FRAME_TYPE],
    ['garbage between members', frame().replace(',"data"', ' x "data"'), TickerReject.BAD_SYNTAX],
    ['deep nesting', frame({ ...GOOD, x: '['.repeat(40) + ']'.repeat(40) }), TickerReject.TOO_DEEP],
    ['control char in string', frame({ ...GOOD, x: '"a\u0001b"' }), TickerReject.BAD_SYNTAX],
    ['data not array', '{"channel":"ticker","data":{"symbol":"BTC/USD"}}', TickerReject.WRONG_TYPE],
  ];
  for (const [name, text, code] of cases) {
    test(name, () => {
      const sc = new TickerScanner(PAIRS);
      assert.equal(scan(sc, frame()), 1);
      const before = Array.from(sc.out);
      assert.equal(scan(sc, text), SCAN_REJECTED, name);
      assert.equal(TICKER_REJECT_NAMES[sc.lastReject], TICKER_REJECT_NAMES[code]);
      assert.equal(sc.rejectCounts[code], 1);
      assert.equal(sc.rejected, 1);
      assert.deepEqual(Array.from(sc.out), before, 'out keeps the last good values');
    });
  }

  test('the pair of a rejected frame is found when named', () => {
    const sc = new TickerScanner(PAIRS);
    assert.equal(scan(sc, frame({ ...GOOD, bid: '-1' })), SCAN_REJECTED);
    assert.equal(sc.pairOfRejected(Buffer.from(frame({ ...GOOD, bid: '-1' }))), 1);
    assert.equal(sc.pairOfRejected(Buffer.from('{"channel":"ticker","data":[{"bid":-1}]}')), -1);
  });

  test('random bytes and mutated frames never throw (property)', () => {
    const sc = new TickerScanner(PAIRS);
    const base = Buffer.from(DOC_TICKER);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = sc.scan(bytes);
        assert.ok(r === SCAN_EVENT || r === SCAN_REJECTED || (r >= 0 && r < PAIRS.length));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const b = Buffer.from(base);
        b[at] = byte;
        const r = sc.scan(b);
        assert.ok(r === SCAN_EVENT || r === SCAN_REJECTED || r === 0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('ticker scanner vs JSON.parse / parseFloat / Date.parse (property)', () => {
  const digits = (max: number): fc.Arbitrary<string> =>
    fc.stringOf(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), {
      minLength: 1,
      maxLength: max,
    });
  /** JSON number text: no leading zeros, optional fraction (trailing zeros kept), optional exponent. */
  const numberText = fc
    .tuple(
      digits(12).map((d) => d.replace(/^0+(?=\d)/, '')),
      fc.option(digits(18), { nil: undefined }),
      fc.option(
        fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 30 })),
        {
          nil: undefined,
        },
      ),
    )
    .map(
      ([i, f, e]) =>
        i + (f === undefined ? '' : '.' + f) + (e === undefined ? '' : e[0] + e[1] + String(e[2])),
    );
  const fromDouble = fc.double({ min: 0, max: 1e12, noNaN: true }).map((d) => JSON.stringify(d));

  test('numbers are bit-identical to JSON.parse (= parseFloat)', () => {
    const sc = new TickerScanner(PAIRS);
    fc.assert(
      fc.property(fc.oneof(numberText, fromDouble), fc.oneof(numberText, fromDouble), (a, b) => {
        const text = frame({ ...GOOD, bid: a, ask_qty: b });
        const expected = JSON.parse(text) as { data: Array<{ bid: number; ask_qty: number }> };
        const r = scan(sc, text);
        const e0 = expected.data[0] as { bid: number; ask_qty: number };
        if (!Number.isFinite(e0.bid) || !Number.isFinite(e0.ask_qty)) {
          assert.equal(r, SCAN_REJECTED);
          return;
        }
        assert.equal(r, 1, text);
        assert.ok(Object.is(sc.out[QUOTE_BID], e0.bid), `${a} → ${sc.out[QUOTE_BID]} vs ${e0.bid}`);
        assert.ok(Object.is(sc.out[QUOTE_ASK_VOL], e0.ask_qty), `${b}`);
        assert.equal(sc.out[QUOTE_BID], parseFloat(a));
      }),
      { numRuns: 3000 },
    );
  });

  test('timestamps: ms agree with Date.parse, µs with parseFloat of epoch text', () => {
    const sc = new TickerScanner(PAIRS);
    const pad = (v: number, w: number): string => String(v).padStart(w, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 2), max: Date.UTC(2200, 11, 30, 23, 59, 59) }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom('Z', '+00:00', '+05:30', '-08:00'),
        (ms, extraUs, zone) => {
          const d = new Date(ms);
          const micros = (ms % 1000) * 1000 + extraUs;
          const secs = Math.floor(ms / 1000);
          let local = secs;
          if (zone !== 'Z' && zone !== '+00:00') {
            const sign = zone[0] === '-' ? -1 : 1;
            local += sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
          }
          const l = new Date(local * 1000);
          const text =
            `${pad(l.getUTCFullYear(), 4)}-${pad(l.getUTCMonth() + 1, 2)}-${pad(l.getUTCDate(), 2)}T` +
            `${pad(l.getUTCHours(), 2)}:${pad(l.getUTCMinutes(), 2)}:${pad(l.getUTCSeconds(), 2)}.${pad(micros, 6)}${zone}`;
          assert.equal(scan(sc, frame({ ...GOOD, timestamp: JSON.stringify(text) })), 1, text);
          const ts = sc.out[QUOTE_EXCH_TS] as number;
          assert.equal(ts, parseFloat(`${secs}.${pad(micros, 6)}`), text);
          assert.equal(Math.round(ts * 1000 - extraUs / 1000), Date.parse(text), text);
          assert.equal(d.getTime(), ms);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('Kraken-shaped values take the allocation-free path', () => {
    const sc = new TickerScanner(PAIRS);
    for (let i = 0; i < 200; i++) {
      const px = (1000 + i * 0.37).toFixed(5);
      assert.equal(
        scan(sc, frame({ ...GOOD, bid: px, ask: (Number(px) + 0.1).toFixed(5), bid_qty: '1361.44813783' })),
        1,
      );
    }
    assert.equal(sc.slowConversions, 0);
  });
});
