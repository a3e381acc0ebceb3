import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ceilToDecimals,
  DecimalFormatError,
  floorToDecimals,
  formatDecimal,
  roundToDecimals,
} from '../../src/core/decimals.js';

/** Exact decimal string of n·10^-d from a bigint, the reference for formatDecimal. */
function exact(n: bigint, d: number): string {
  const neg = n < 0n;
  let s = (neg ? -n : n).toString();
  if (d > 0) {
    s = s.padStart(d + 1, '0');
    s = `${s.slice(0, s.length - d)}.${s.slice(s.length - d)}`;
  }
  return neg && n !== 0n ? `-${s}` : s;
}

describe('floorToDecimals', () => {
  const cases: Array<[number, number, number]> = [
    [1.23, 2, 1.23],
    [0.29, 2, 0.29], // naive floor(0.29*100) = 28
    [1.005, 2, 1.0], // 1.005 is 1.00499999... in binary
    [0.1 + 0.2, 1, 0.3],
    [0.1 + 0.2, 17, 0.30000000000000004 > 0 ? floorToDecimals(0.1 + 0.2, 15) : 0],
    [4.35, 2, 4.35], // 4.35*100 = 434.99999999999994
    [123.456789, 0, 123],
    [0.999999999, 8, 0.99999999],
    [5, 8, 5],
    [0, 4, 0],
    [-1, 4, 0],
  ];
  for (const [x, d, want] of cases) {
    if (d > 15) continue;
    test(`floor(${x}, ${d}) = ${want}`, () => assert.equal(floorToDecimals(x, d), want));
  }
  test('NaN and bad decimals give NaN', () => {
    assert.ok(Number.isNaN(floorToDecimals(NaN, 2)));
    assert.ok(Number.isNaN(floorToDecimals(1, -1)));
    assert.ok(Number.isNaN(floorToDecimals(1, 1.5)));
    assert.ok(Number.isNaN(floorToDecimals(1, 16)));
  });
  test('beyond the exact grid (x·10^d ≥ 2^50) floor stays ≤ x and ceil refuses', () => {
    const x = 1e9;
    const r = floorToDecimals(x, 8);
    assert.ok(r <= x && r > 0);
    assert.ok(Number.isNaN(ceilToDecimals(x, 8)));
    assert.equal(floorToDecimals(Infinity, 2), (2 ** 50 - 1) / 100);
  });
  test('a value just below a grid point floors to the point below', () => {
    const justBelow = 0.3 - Number.EPSILON / 4; // nextDown-ish of 0.3
    assert.ok(justBelow < 0.3);
    assert.equal(floorToDecimals(justBelow, 1), 0.2);
  });

  test('property: result ≤ x, on the grid, and the next grid step is > x', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 10 }), (x, d) => {
        fc.pre(x * 10 ** d < 2 ** 50); // beyond the grid cap: see the cap test
        const r = floorToDecimals(x, d);
        assert.ok(r <= x, `floor ${r} > ${x}`);
        const n = Math.round(r * 10 ** d);
        assert.equal(r, n / 10 ** d, 'on the grid');
        assert.ok((n + 1) / 10 ** d > x, 'largest such grid value');
        assert.equal(Number(formatDecimal(r, d)), r, 'prints back to itself');
      }),
      { numRuns: 3000 },
    );
  });

  test('property: a grid value parsed from its decimal string floors to itself (never one step down)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 10 }), (n, d) => {
        const x = Number(exact(BigInt(n), d));
        assert.equal(floorToDecimals(x, d), x);
        assert.equal(ceilToDecimals(x, d), x);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('ceilToDecimals', () => {
  test('table', () => {
    assert.equal(ceilToDecimals(1.231, 2), 1.24);
    assert.equal(ceilToDecimals(0.29, 2), 0.29);
    assert.equal(ceilToDecimals(100.0, 3), 100);
    assert.equal(ceilToDecimals(0, 3), 0);
  });
  test('property: result ≥ x and the previous grid step is < x', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e7, noNaN: true }),
        fc.integer({ min: 0, max: 10 }),
        (x, d) => {
          fc.pre(x * 10 ** d < 2 ** 50 - 2);
          const r = ceilToDecimals(x, d);
          assert.ok(r >= x, 'property violated: r >= x');
          const n = Math.round(r * 10 ** d);
          assert.ok((n - 1) / 10 ** d < x, 'property violated: (n - 1) / 10 ** d < x');
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('roundToDecimals', () => {
  test('table', () => {
    assert.equal(roundToDecimals(1.2345, 2), 1.23);
    assert.equal(roundToDecimals(-1.236, 2), -1.24);
    assert.ok(Number.isNaN(roundToDecimals(Infinity, 2)));
  });
});

describe('formatDecimal', () => {
  const cases: Array<[number, number, string]> = [
    [1.23, 2, '1.23'],
    [0.00005, 8, '0.00005000'],
    [1e-7, 8, '0.00000010'], // String(1e-7) would be "1e-7"
    [123456789.12, 2, '123456789.12'],
    [5, 0, '5'],
    [0, 3, '0.000'],
    [-0, 2, '0.00'],
    [-1.5, 1, '-1.5'],
    [0.1 + 0.2, 8, '0.30000000'],
    [1e15, 0, '1000000000000000'],
    [4096.1, 11, '4096.10000000000'], // 2^52-sized grids misprint this (see decimals.ts)
  ];
  for (const [v, d, want] of cases)
    test(`format(${v}, ${d}) = ${want}`, () => assert.equal(formatDecimal(v, d), want));

  test('hostile input throws a coded error', () => {
    for (const [v, d] of [
      [NaN, 2],
      [Infinity, 2],
      [-Infinity, 0],
      [1, -1],
      [1, 2.5],
      [1e21, 2],
      [4096.1, 12],
    ] as Array<[number, number]>) {
      assert.throws(
        () => formatDecimal(v, d),
        (e: unknown) => e instanceof DecimalFormatError && e.code === 'E_DECIMAL_FORMAT',
      );
    }
  });

  test('property: exact digits for every grid value, never exponent notation', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 50n - 1n), max: 2n ** 50n - 1n }),
        fc.integer({ min: 0, max: 12 }),
        (n, d) => {
          const x = Number(exact(n, d));
          const s = formatDecimal(x, d);
          assert.equal(s, exact(n, d));
          assert.ok(!/e/i.test(s), 'property violated: !/e/i.test(s)');
        },
      ),
      { numRuns: 3000 },
    );
  });
});
