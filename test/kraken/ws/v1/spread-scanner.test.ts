import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SpreadScanner } from '../../../../src/kraken/ws/v1/spread-scanner.js';
import {
  QUOTE_ASK,
  QUOTE_ASK_VOL,
  QUOTE_BID,
  QUOTE_BID_VOL,
  QUOTE_EXCH_TS,
} from '../../../../src/core/quote-layout.js';
import { QUOTE_REJECT_NAMES, QuoteReject } from '../../../../src/kraken/ws/shared/quote-reject.js';
import { SCAN_EVENT, SCAN_REJECTED } from '../../../../src/kraken/ws/shared/quote-scanner-base.js';

const PAIRS = ['XBT/USD', 'XBT/EUR', 'USDT/USD', 'USDT/EUR', 'ETH/USD', 'XDG/USD'];
const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('spread scanner: documented frames', () => {
  test('docs/kraken-protocol.md §1.6 example (with spaces) parses bit-identically', () => {
    const sc = new SpreadScanner(PAIRS);
    const frame =
      '[0, ["5698.40000","5700.00000","1542057299.545897","1.01234567","0.98765432"], "spread", "XBT/USD"]';
    assert.equal(sc.scan(b(frame)), 0);
    assert.equal(sc.out[QUOTE_BID], parseFloat('5698.40000'));
    assert.equal(sc.out[QUOTE_ASK], parseFloat('5700.00000'));
    assert.equal(sc.out[QUOTE_EXCH_TS], parseFloat('1542057299.545897'));
    assert.equal(sc.out[QUOTE_BID_VOL], parseFloat('1.01234567'));
    assert.equal(sc.out[QUOTE_ASK_VOL], parseFloat('0.98765432'));
    assert.equal(sc.innerCount, 5);
    assert.equal(sc.channelId, 0);
  });

  test('compact live form and 3-element legacy form', () => {
    const sc = new SpreadScanner(PAIRS);
    assert.equal(
      sc.scan(b('[1234,["0.05005","0.05010","1542057299.545897","10.5","3"],"spread","XDG/USD"]')),
      5,
    );
    assert.equal(sc.channelId, 1234);
    assert.equal(sc.out[QUOTE_ASK_VOL], 3);
    assert.equal(sc.scan(b('[0,["5698.40000","5700.00000","1542057299.545897"],"spread","XBT/EUR"]')), 1);
    assert.equal(sc.innerCount, 3);
    assert.ok(Number.isNaN(sc.out[QUOTE_BID_VOL]));
    assert.equal(sc.accepted, 2);
  });

  test('documented frames of channels we do not subscribe (docs/kraken-protocol.md §1.7–1.9) are cleanly refused', () => {
    const sc = new SpreadScanner(PAIRS);
    const ticker =
      '[0, {"a":["5525.40000",1,"1.000"], "b":["5525.10000",1,"1.000"], "c":["5525.10000","0.00398963"], "v":["2634.11501494","3591.17907851"], "p":["5631.44067","5653.78939"], "t":[11493,16267], "l":["5505.00000","5505.00000"], "h":["5783.00000","5783.00000"], "o":["5760.70000","5763.40000"]}, "ticker", "XBT/USD"]';
    const trade =
      '[0, [["5541.20000","0.15850568","1534614057.321597","s","l",""], ["6060.00000","0.02455000","1534614057.324998","b","l",""]], "trade", "XBT/USD"]';
    const book =
      '[1234, {"a":[["5541.30000","2.50700000","1534614248.456738"],["5542.50000","0.40100000","1534614248.456738"]], "c":"974942666"}, "book-10", "XBT/USD"]';
    assert.equal(sc.scan(b(ticker)), SCAN_REJECTED);
    assert.equal(sc.lastReject, QuoteReject.NOT_INNER_ARRAY);
    assert.equal(sc.scan(b(trade)), SCAN_REJECTED);
    assert.equal(sc.lastReject, QuoteReject.WRONG_TYPE);
    assert.equal(sc.scan(b(book)), SCAN_REJECTED);
    assert.equal(sc.lastReject, QuoteReject.NOT_INNER_ARRAY);
    assert.equal(sc.accepted, 0);
  });

  test('event objects go to the slow path', () => {
    const sc = new SpreadScanner(PAIRS);
    for (const e of [
      '{"connectionID": 8628615390848610000, "event": "systemStatus", "status": "online", "version": "1.9.1"}',
      '{"event":"heartbeat"}',
      '  {"event":"pong","reqid":42}',
      '{"Error":"Exceeded msg rate"}',
    ])
      assert.equal(sc.scan(b(e)), SCAN_EVENT);
    assert.equal(sc.events, 4);
    assert.equal(sc.rejected, 0);
  });
});

describe('spread scanner: hostile frames are counted rejections', () => {
  const good = '[0,["5698.4","5700.0","1542057299.545897","1.0","0.9"],"spread","XBT/USD"]';
  const cases: Array<[string, string, number]> = [
    ['empty', '', QuoteReject.EMPTY],
    ['whitespace only', '  \n', QuoteReject.EMPTY],
    ['not JSON', 'hello', QuoteReject.NOT_ARRAY],
    ['bare number', '42', QuoteReject.NOT_ARRAY],
    ['truncated after bid', '[0,["5698.4","57', QuoteReject.TRUNCATED],
    ['truncated before pair end', good.slice(0, good.length - 4), QuoteReject.TRUNCATED],
    ['truncated one byte short', good.slice(0, good.length - 1), QuoteReject.TRUNCATED],
    ['channel id negative', good.replace('[0,', '[-1,'), QuoteReject.BAD_CHANNEL_ID],
    ['channel id string', good.replace('[0,', '["0",'), QuoteReject.BAD_CHANNEL_ID],
    ['channel id huge', good.replace('[0,', '[12345678901234567890,'), QuoteReject.BAD_CHANNEL_ID],
    [
      'ticker object payload',
      '[0,{"a":["5525.4",1,"1.000"]},"ticker","XBT/USD"]',
      QuoteReject.NOT_INNER_ARRAY,
    ],
    [
      'number instead of string',
      '[0,[5698.4,"5700.0","1542057299.5"],"spread","XBT/USD"]',
      QuoteReject.WRONG_TYPE,
    ],
    ['null element', '[0,[null,"5700.0","1542057299.5"],"spread","XBT/USD"]', QuoteReject.WRONG_TYPE],
    [
      'nested array element',
      '[0,[["1"],"5700.0","1542057299.5"],"spread","XBT/USD"]',
      QuoteReject.WRONG_TYPE,
    ],
    ['letters', good.replace('"5698.4"', '"abc"'), QuoteReject.NON_NUMERIC],
    ['two dots', good.replace('"5698.4"', '"5.69.8"'), QuoteReject.NON_NUMERIC],
    ['exponent', good.replace('"5698.4"', '"5.6e3"'), QuoteReject.NON_NUMERIC],
    ['empty string', good.replace('"5698.4"', '""'), QuoteReject.NON_NUMERIC],
    ['just a dot', good.replace('"5698.4"', '"."'), QuoteReject.NON_NUMERIC],
    ['escape', good.replace('"5698.4"', '"56\\u0039"'), QuoteReject.NON_NUMERIC],
    ['plus sign', good.replace('"5698.4"', '"+5"'), QuoteReject.NON_NUMERIC],
    ['NaN text', good.replace('"5698.4"', '"NaN"'), QuoteReject.NAN_INFINITY],
    ['Infinity text', good.replace('"5700.0"', '"Infinity"'), QuoteReject.NAN_INFINITY],
    ['-Infinity text', good.replace('"5700.0"', '"-Infinity"'), QuoteReject.NAN_INFINITY],
    ['bare NaN token', '[0,[NaN,"5700.0","1542057299.5"],"spread","XBT/USD"]', QuoteReject.NAN_INFINITY],
    ['negative price', good.replace('"5698.4"', '"-5698.4"'), QuoteReject.NEGATIVE],
    ['negative volume', good.replace('"0.9"', '"-0.9"'), QuoteReject.NEGATIVE],
    ['six inner elements', good.replace('"0.9"]', '"0.9","1"]'), QuoteReject.TOO_MANY_ELEMENTS],
    [
      'huge inner array',
      '[0,[' + Array(120).fill('"1.0"').join(',') + '],"spread","XBT/USD"]',
      QuoteReject.TOO_MANY_ELEMENTS,
    ],
    ['four inner elements', '[0,["1","2","3","4"],"spread","XBT/USD"]', QuoteReject.TOO_FEW_ELEMENTS],
    ['two inner elements', '[0,["1","2"],"spread","XBT/USD"]', QuoteReject.TOO_FEW_ELEMENTS],
    ['empty inner', '[0,[],"spread","XBT/USD"]', QuoteReject.TOO_FEW_ELEMENTS],
    ['only channel id', '[0]', QuoteReject.TOO_FEW_ELEMENTS],
    ['missing pair', '[0,["1","2","3"],"spread"]', QuoteReject.TOO_FEW_ELEMENTS],
    ['extra outer element', good.replace('"XBT/USD"]', '"XBT/USD","x"]'), QuoteReject.TOO_MANY_ELEMENTS],
    ['wrong channel name', good.replace('"spread"', '"spreads"'), QuoteReject.NOT_SPREAD],
    ['book channel name', good.replace('"spread"', '"book-10"'), QuoteReject.NOT_SPREAD],
    ['unknown pair', good.replace('XBT/USD', 'XBT/GBP'), QuoteReject.UNKNOWN_PAIR],
    ['pair prefix', good.replace('XBT/USD', 'XBT/US'), QuoteReject.UNKNOWN_PAIR],
    ['escaped pair', good.replace('XBT/USD', 'XBT\\/USD'), QuoteReject.UNKNOWN_PAIR],
    ['very long pair', good.replace('XBT/USD', 'X'.repeat(100)), QuoteReject.UNKNOWN_PAIR],
    ['pair not a string', good.replace('"XBT/USD"', '7'), QuoteReject.WRONG_TYPE],
    ['trailing garbage', good + 'x', QuoteReject.TRAILING_DATA],
    ['two frames', good + good, QuoteReject.TRAILING_DATA],
    ['missing comma', good.replace('"5698.4",', '"5698.4" '), QuoteReject.BAD_SYNTAX],
    ['oversized', '[0,["1","2","3"],"spread","XBT/USD"' + ' '.repeat(5000) + ']', QuoteReject.OVERSIZED],
  ];
  for (const [name, frame, code] of cases) {
    test(name, () => {
      const sc = new SpreadScanner(PAIRS);
      assert.equal(sc.scan(b(good)), 0);
      const before = Array.from(sc.out);
      assert.equal(sc.scan(b(frame)), SCAN_REJECTED, 'must reject');
      assert.equal(QUOTE_REJECT_NAMES[sc.lastReject], QUOTE_REJECT_NAMES[code]);
      assert.equal(sc.rejectCounts[code], 1);
      assert.equal(sc.rejected, 1);
      assert.deepEqual(Array.from(sc.out), before, 'a rejected frame must not touch out');
    });
  }

  test('random bytes never throw and are always counted', () => {
    const sc = new SpreadScanner(PAIRS);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const before = sc.accepted + sc.events + sc.rejected;
        const r = sc.scan(bytes);
        assert.ok(r >= SCAN_REJECTED && r < PAIRS.length);
        assert.equal(sc.accepted + sc.events + sc.rejected, before + 1);
      }),
      { numRuns: 2000 },
    );
  });

  test('every prefix of a good frame is rejected as truncated', () => {
    const sc = new SpreadScanner(PAIRS);
    for (let len = 1; len < good.length; len++) {
      assert.equal(sc.scan(b(good.slice(0, len))), SCAN_REJECTED);
      assert.ok(
        sc.lastReject === QuoteReject.TRUNCATED ||
          sc.lastReject === QuoteReject.UNKNOWN_PAIR ||
          sc.lastReject === QuoteReject.NOT_SPREAD,
        `len ${len}: ${QUOTE_REJECT_NAMES[sc.lastReject]}`,
      );
    }
  });
});

describe('spread scanner vs JSON.parse + parseFloat (property)', () => {
  const decimalText = fc
    .tuple(
      fc.stringOf(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), {
        minLength: 1,
        maxLength: 20,
      }),
      fc.option(
        fc.stringOf(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), { maxLength: 26 }),
      ),
    )
    .map(([i, f]) => (f === null ? i : i + '.' + f));
  const fromDouble = fc
    .tuple(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 12 }))
    .map(([v, d]) => v.toFixed(d));
  const num = fc.oneof(decimalText, fromDouble);

  test('decimals are bit-identical to parseFloat', () => {
    const sc = new SpreadScanner(PAIRS);
    fc.assert(
      fc.property(
        fc.constantFrom(...PAIRS),
        fc.nat(),
        num,
        num,
        num,
        num,
        num,
        fc.boolean(),
        (pair, chan, bid, ask, ts, bv, av, five) => {
          const inner = five ? [bid, ask, ts, bv, av] : [bid, ask, ts];
          const frame = JSON.stringify([chan, inner, 'spread', pair]);
          const r = sc.scan(b(frame));
          const ref = JSON.parse(frame) as [number, string[], string, string];
          assert.equal(r, PAIRS.indexOf(ref[3]));
          assert.ok(Object.is(sc.out[QUOTE_BID], parseFloat(ref[1][0] as string)), `bid ${bid}`);
          assert.ok(Object.is(sc.out[QUOTE_ASK], parseFloat(ref[1][1] as string)), `ask ${ask}`);
          assert.ok(Object.is(sc.out[QUOTE_EXCH_TS], parseFloat(ref[1][2] as string)), `ts ${ts}`);
          if (five) {
            assert.ok(Object.is(sc.out[QUOTE_BID_VOL], parseFloat(bv)), `bv ${bv}`);
            assert.ok(Object.is(sc.out[QUOTE_ASK_VOL], parseFloat(av)), `av ${av}`);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('Kraken-shaped decimals take the allocation-free path', () => {
    const sc = new SpreadScanner(PAIRS);
    sc.scan(
      b('[0,["98765.43210","0.00000001","1764000000.123456","123456.78901234","0.0"],"spread","ETH/USD"]'),
    );
    assert.equal(sc.slowConversions, 0);
    assert.equal(sc.out[QUOTE_BID_VOL], 123456.78901234);
    sc.scan(b('[0,["12345678901234567.8","1","2"],"spread","ETH/USD"]'));
    assert.equal(sc.slowConversions, 1);
    assert.equal(sc.out[QUOTE_BID], 12345678901234567.8);
  });
});

describe('pair table', () => {
  test('600 generated pair names all resolve to their own index; near misses do not', () => {
    const names: string[] = [];
    for (let i = 0; i < 300; i++) {
      const coin = 'C' + i.toString(36).toUpperCase();
      names.push(coin + '/USD', coin + '/EUR');
    }
    const sc = new SpreadScanner(names);
    for (let i = 0; i < names.length; i++) {
      assert.equal(sc.scan(b(`[0,["1.0","2.0","3.0","4.0","5.0"],"spread","${names[i]}"]`)), i);
      assert.equal(sc.pairs.indexOf(names[i] as string), i);
    }
    assert.equal(sc.pairs.indexOf('C0/GBP'), -1);
    assert.equal(sc.pairs.indexOf('C0/USDX'), -1);
  });

  // The table keys a name by its length and its first and last four bytes, comparing the bytes
  // between them only for longer names: names that share those keys, short names and the
  // boundaries (3, 4, 8, 9 bytes) must still resolve exactly as a string lookup would.
  test('any name set over a tiny alphabet resolves exactly as indexOf, by lookup and in a frame', () => {
    const name = fc.stringOf(fc.constantFrom('A', 'B', '/'), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 1, maxLength: 40 }),
        fc.array(name, { maxLength: 40 }),
        (names, others) => {
          const sc = new SpreadScanner(names);
          for (const q of [...names, ...others]) {
            const want = names.indexOf(q);
            assert.equal(sc.pairs.indexOf(q), want, q);
            const frame = `[0,["1.0","2.0","3.0"],"spread","${q}"]`;
            // The frame's end names the pair (the fast path); a trailing space sends it the long way.
            for (const f of [frame, frame + ' ']) {
              assert.equal(sc.scan(b(f)), want >= 0 ? want : SCAN_REJECTED, f);
              if (want < 0) assert.equal(sc.lastReject, QuoteReject.UNKNOWN_PAIR);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  test('names alike in length and both ends but not in the middle stay apart', () => {
    const names = ['ABCDxEFGH', 'ABCDyEFGH', 'ABCDxyEFGH', 'ABCDyxEFGH', 'ABCDEFGH', 'ABCD', 'ABC', 'A'];
    const sc = new SpreadScanner(names);
    names.forEach((n, i) => assert.equal(sc.scan(b(`[0,["1","2","3"],"spread","${n}"]`)), i, n));
    for (const miss of ['ABCDzEFGH', 'ABCDxxEFGH', 'ABCDEFG', 'ABCDEFGHI', 'AB', 'ABCDE', 'B'])
      assert.equal(sc.pairs.indexOf(miss), -1, miss);
  });

  test('invalid pair lists are refused at construction', () => {
    assert.throws(() => new SpreadScanner(['XBT/USD', 'XBT/USD']), RangeError);
    assert.throws(() => new SpreadScanner(['']), RangeError);
    assert.throws(() => new SpreadScanner(['A"B']), RangeError);
  });
});

test('pairOfRejected names the pair of a value-level rejection, -1 when it cannot', () => {
  const sc = new SpreadScanner(PAIRS);
  const f = (s: string): number => sc.pairOfRejected(b(s));
  assert.equal(f('[0,["NaN","1","2"],"spread","XBT/EUR"]'), 1);
  assert.equal(f('[0,["-1","1","2"],"spread","XDG/USD"]  \n'), 5);
  assert.equal(f('[0,["1","1","2"],"spread","XBT\\"EUR"]'), -1);
  assert.equal(f('[0,["1","1","2"],"spread","GBP/USD"]'), -1);
  assert.equal(f('[0,["1","1","2"],"spread",7]'), -1);
  assert.equal(f('"]'), -1);
  assert.equal(f(']'), -1);
  assert.equal(f(''), -1);
  assert.equal(f('"' + 'X'.repeat(100) + '"]'), -1);
});
