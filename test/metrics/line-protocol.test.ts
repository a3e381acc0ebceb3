import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  encodePoint,
  escapeKey,
  escapeMeasurement,
  formatFloat,
  formatInteger,
  formatTimestamp,
  int,
  LineProtocolError,
  quoteStringField,
} from '../../src/metrics/line-protocol.js';

describe('line protocol escaping', () => {
  const measurementCases: [string, string][] = [
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a b', 'a\\ b'],
    ['a=b', 'a=b'], // '=' is not special in a measurement
    ['a"b', 'a"b'],
    ['line\nbreak', 'line\\ break'],
    ['cr\r', 'cr\\ '],
    ['trail\\', 'trail'],
    ['back\\,slash', 'back\\,slash'],
    ['mid\\dle', 'mid\\dle'],
    ['ünï€', 'ünï€'],
  ];
  for (const [input, want] of measurementCases) {
    test(`measurement ${JSON.stringify(input)}`, () => assert.equal(escapeMeasurement(input), want));
  }

  const keyCases: [string, string][] = [
    ['XBT/USD', 'XBT/USD'],
    ['a,b', 'a\\,b'],
    ['a b', 'a\\ b'],
    ['a=b', 'a\\=b'],
    ['a"b', 'a"b'],
    ["a'b", "a'b"],
    ['x\ny', 'x\\ y'],
    ['end\\', 'end'],
    ['end\\\\\\', 'end'],
    ['a\\=b', 'a\\=b'],
    ['a\\ b', 'a\\ b'],
    ['a\\b', 'a\\b'],
    [' , = ', '\\ \\,\\ \\=\\ '],
  ];
  for (const [input, want] of keyCases) {
    test(`tag/field key ${JSON.stringify(input)}`, () => assert.equal(escapeKey(input), want));
  }

  const stringCases: [string, string][] = [
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['end\\', '"end\\\\"'],
    ['a,b c=d', '"a,b c=d"'],
    ['', '""'],
  ];
  for (const [input, want] of stringCases) {
    test(`string field ${JSON.stringify(input)}`, () => assert.equal(quoteStringField(input), want));
  }

  test('escaped keys never contain an unescaped separator or a newline', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const e = escapeKey(s);
        assert.ok(!/[\r\n]/.test(e));
        // Walk as InfluxDB does: a backslash consumes the next character.
        for (let i = 0; i < e.length; i++) {
          if (e[i] === '\\') {
            i++;
            continue;
          }
          assert.ok(
            e[i] !== ',' && e[i] !== ' ' && e[i] !== '=',
            `unescaped separator in ${JSON.stringify(e)}`,
          );
        }
        assert.ok(!e.endsWith('\\') || e.endsWith('\\ ') || e.endsWith('\\,') || e.endsWith('\\='));
      }),
    );
  });

  test('quoted strings end at their closing quote only', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const q = quoteStringField(s);
        let i = 1;
        for (; i < q.length; i++) {
          if (q[i] === '\\') i++;
          else if (q[i] === '"') break;
        }
        assert.equal(i, q.length - 1);
        // Unescaping gives back the input.
        assert.equal(q.slice(1, -1).replace(/\\(["\\])/g, '$1'), s);
      }),
    );
  });
});

describe('line protocol values', () => {
  test('floats', () => {
    assert.equal(formatFloat(1), '1');
    assert.equal(formatFloat(-0.5), '-0.5');
    assert.equal(formatFloat(1e-7), '1e-7');
    assert.equal(formatFloat(1.0000001), '1.0000001');
    assert.equal(formatFloat(Number.NaN), null);
    assert.equal(formatFloat(Number.POSITIVE_INFINITY), null);
  });
  test('integers carry the i suffix', () => {
    assert.equal(formatInteger(0), '0i');
    assert.equal(formatInteger(-42), '-42i');
    assert.equal(formatInteger(1.5), null);
    assert.equal(formatInteger(2 ** 60), null);
  });
  test('timestamps in every precision', () => {
    const us = 1_700_000_000_123_456;
    assert.equal(formatTimestamp(us, 'ns'), '1700000000123456000');
    assert.equal(formatTimestamp(us, 'u'), '1700000000123456');
    assert.equal(formatTimestamp(us, 'ms'), '1700000000123');
    assert.equal(formatTimestamp(us, 's'), '1700000000');
    assert.equal(formatTimestamp(us + 0.6, 'u'), '1700000000123457');
    assert.equal(formatTimestamp(0, 'ns'), '0');
    assert.throws(() => formatTimestamp(Number.NaN, 'u'), LineProtocolError);
    assert.throws(() => formatTimestamp(-1, 'u'), LineProtocolError);
  });
});

describe('encodePoint', () => {
  test('full point: sorted tags, typed fields, timestamp', () => {
    const line = encodePoint(
      {
        measurement: 'arbitrage_opportunity',
        tags: { pair2: 'SOL/EUR', pair1: 'SOL/USD', skipped: undefined },
        fields: { roi: 1.0012, count: int(3), ok: true, note: 'a "b"', nan: Number.NaN, none: undefined },
        timestampUs: 1_700_000_000_000_001,
      },
      'ns',
    );
    assert.equal(
      line,
      'arbitrage_opportunity,pair1=SOL/USD,pair2=SOL/EUR roi=1.0012,count=3i,ok=t,note="a \\"b\\"" 1700000000000001000',
    );
  });
  test('no tags, no timestamp', () => {
    assert.equal(
      encodePoint({ measurement: 'm', fields: { duration: 0.000012 } }, 'u'),
      'm duration=0.000012',
    );
  });
  test('empty tag values are left out', () => {
    assert.equal(
      encodePoint({ measurement: 'm', tags: { a: '', b: 'x' }, fields: { f: false } }, 'u'),
      'm,b=x f=f',
    );
  });
  test('a point with no writable field throws a coded error', () => {
    assert.throws(
      () => encodePoint({ measurement: 'm', fields: { f: Number.NaN } }, 'u'),
      (e: unknown) => e instanceof LineProtocolError && e.code === 'E_LINE_PROTOCOL',
    );
    assert.throws(() => encodePoint({ measurement: '', fields: { f: 1 } }, 'u'), LineProtocolError);
    assert.throws(() => encodePoint({ measurement: '#x', fields: { f: 1 } }, 'u'), LineProtocolError);
  });
});
