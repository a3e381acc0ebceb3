import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseAssetPairs, pickFeeFractions, v2Symbol } from '../../src/kraken/asset-pairs.js';
import { KrakenResponseError } from '../../src/kraken/errors.js';
import { parseTradeVolume } from '../../src/kraken/rest-parse.js';

// The documented example, docs/kraken-protocol.md §4.5.
const XXBTZUSD = {
  altname: 'XBTUSD',
  wsname: 'XBT/USD',
  aclass_base: 'currency',
  base: 'XXBT',
  aclass_quote: 'currency',
  quote: 'ZUSD',
  lot: 'unit',
  cost_decimals: 5,
  pair_decimals: 1,
  lot_decimals: 8,
  lot_multiplier: 1,
  leverage_buy: [2, 3, 4, 5],
  leverage_sell: [2, 3, 4, 5],
  fees: [
    [0, 0.4],
    [10000, 0.35],
    [50000, 0.24],
    [100000, 0.22],
    [250000, 0.2],
    [500000, 0.18],
    [1000000, 0.16],
    [2500000, 0.14],
    [5000000, 0.12],
    [10000000, 0.1],
    [100000000, 0.08],
    [500000000, 0.05],
  ],
  fees_maker: [
    [0, 0.25],
    [10000, 0.2],
    [50000, 0.14],
    [100000, 0.12],
    [250000, 0.1],
    [500000, 0.08],
    [1000000, 0.06],
    [2500000, 0.04],
    [5000000, 0.02],
    [10000000, 0.0],
    [100000000, 0.0],
    [500000000, 0.0],
  ],
  fee_volume_currency: 'ZUSD',
  margin_call: 80,
  margin_stop: 40,
  ordermin: '0.00005',
  costmin: '0.5',
  tick_size: '0.1',
  status: 'online',
  execution_venue: 'international',
  long_position_limit: 350,
  short_position_limit: 250,
};

function variant(patch: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...XXBTZUSD, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete copy[k];
  return copy;
}

describe('parseAssetPairs', () => {
  test('the documented XXBTZUSD example', () => {
    const { pairs, rejected, darkPoolSkipped } = parseAssetPairs({ XXBTZUSD });
    assert.deepEqual(rejected, []);
    assert.equal(darkPoolSkipped, 0);
    assert.equal(pairs.length, 1);
    const p = pairs[0];
    assert.ok(p);
    assert.equal(p.id, 'XXBTZUSD');
    assert.equal(p.altname, 'XBTUSD');
    assert.equal(p.wsname, 'XBT/USD');
    assert.equal(p.symbol, 'BTC/USD');
    assert.equal(p.base, 'XBT');
    assert.equal(p.quote, 'USD');
    assert.equal(p.baseId, 'XXBT');
    assert.equal(p.quoteId, 'ZUSD');
    assert.equal(p.pairDecimals, 1);
    assert.equal(p.lotDecimals, 8);
    assert.equal(p.costDecimals, 5);
    assert.equal(p.ordermin, 0.00005);
    assert.equal(p.costmin, 0.5);
    assert.equal(p.tickSize, 0.1);
    assert.equal(p.status, 'online');
    assert.equal(p.takerFees.length, 12);
    assert.deepEqual(p.takerFees[0], [0, 0.4]);
    assert.deepEqual(p.makerFees[9], [10000000, 0]);
  });

  test('v2 symbols: XBT→BTC, XDG→DOGE, others unchanged', () => {
    assert.equal(v2Symbol('XDG/EUR'), 'DOGE/EUR');
    assert.equal(v2Symbol('USDT/USD'), 'USDT/USD');
    assert.equal(v2Symbol('ETH/XBT'), 'ETH/BTC');
    const { pairs } = parseAssetPairs({
      XDGUSD: variant({ altname: 'XDGUSD', wsname: 'XDG/USD', base: 'XXDG' }),
      USDTZUSD: variant({ altname: 'USDTUSD', wsname: 'USDT/USD', base: 'USDT', fees_maker: undefined }),
    });
    assert.deepEqual(
      pairs.map((p) => p.symbol),
      ['DOGE/USD', 'USDT/USD'],
    );
    assert.deepEqual(pairs[1]?.makerFees, []);
  });

  test('optional fields default: no costmin → 0, no tick_size → 10^-pair_decimals, no status → online', () => {
    const { pairs } = parseAssetPairs({
      XXBTZUSD: variant({ costmin: undefined, tick_size: undefined, status: undefined }),
    });
    assert.equal(pairs[0]?.costmin, 0);
    assert.equal(pairs[0]?.tickSize, 0.1);
    assert.equal(pairs[0]?.status, 'online');
    assert.equal(parseAssetPairs({ XXBTZUSD: variant({ status: 'weird' }) }).pairs[0]?.status, 'unknown');
  });

  test('dark pool pairs are skipped and counted', () => {
    const r = parseAssetPairs({
      XXBTZUSD,
      'XXBTZUSD.d': variant({ altname: 'XBTUSD.d', wsname: 'XBT/USD' }),
    });
    assert.equal(r.pairs.length, 1);
    assert.equal(r.darkPoolSkipped, 1);
    assert.deepEqual(r.rejected, []);
  });

  const hostile: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['not an object', 'XXBTZUSD', /expected an object/],
    ['null', null, /expected an object/],
    ['wsname missing', variant({ wsname: undefined }), /wsname/],
    ['wsname without slash', variant({ wsname: 'XBTUSD' }), /wsname.*BASE\/QUOTE/],
    ['wsname with two slashes', variant({ wsname: 'XBT/USD/X' }), /wsname/],
    ['wsname empty base', variant({ wsname: '/USD' }), /wsname/],
    ['altname empty', variant({ altname: '' }), /altname/],
    ['base id with space', variant({ base: 'X XBT' }), /base/],
    ['pair_decimals negative', variant({ pair_decimals: -1 }), /pair_decimals/],
    ['lot_decimals fractional', variant({ lot_decimals: 2.5 }), /lot_decimals/],
    ['cost_decimals as string', variant({ cost_decimals: '5' }), /cost_decimals/],
    ['ordermin missing', variant({ ordermin: undefined }), /ordermin/],
    ['ordermin not a number', variant({ ordermin: 'abc' }), /ordermin/],
    ['ordermin negative', variant({ ordermin: '-1' }), /ordermin.*negative/],
    ['ordermin NaN', variant({ ordermin: 'NaN' }), /ordermin/],
    ['costmin Infinity', variant({ costmin: 'Infinity' }), /costmin/],
    ['tick_size zero', variant({ tick_size: '0' }), /tick_size/],
    ['fees missing', variant({ fees: undefined }), /fees/],
    ['fees empty', variant({ fees: [] }), /fees/],
    ['fees row malformed', variant({ fees: [[0]] }), /fees\[0\]/],
    ['fees percent as string', variant({ fees: [[0, '0.4']] }), /fees\[0\]/],
    [
      'fees not ascending',
      variant({
        fees: [
          [0, 0.4],
          [0, 0.3],
        ],
      }),
      /ascending/,
    ],
    ['fees percent absurd', variant({ fees: [[0, 250]] }), /percent/],
    ['fees_maker negative', variant({ fees_maker: [[0, -0.1]] }), /fees_maker/],
  ];
  for (const [name, raw, reason] of hostile) {
    test(`rejects and reports, keeps the good ones: ${name}`, () => {
      const r = parseAssetPairs({ XXBTZUSD, BAD: raw });
      assert.equal(r.pairs.length, 1);
      assert.equal(r.pairs[0]?.id, 'XXBTZUSD');
      assert.equal(r.rejected.length, 1);
      assert.equal(r.rejected[0]?.id, 'BAD');
      assert.match(r.rejected[0]?.reason ?? '', reason);
    });
  }

  test('duplicate wsname is rejected', () => {
    const r = parseAssetPairs({ XXBTZUSD, XBTUSD: XXBTZUSD });
    assert.equal(r.pairs.length, 1);
    assert.match(r.rejected[0]?.reason ?? '', /duplicate wsname/);
  });

  test('a result that is not an object is a typed error', () => {
    assert.throws(() => parseAssetPairs([]), KrakenResponseError);
    assert.throws(() => parseAssetPairs('x'), KrakenResponseError);
  });
});

describe('pickFeeFractions', () => {
  test('percent → fraction; flat pairs use taker as maker; missing listed', () => {
    const tv = parseTradeVolume({
      currency: 'ZUSD',
      volume: '200709587.4223',
      fees: {
        XXBTZUSD: {
          fee: '0.1000',
          minfee: '0.1000',
          maxfee: '0.2600',
          nextfee: null,
          nextvolume: null,
          tiervolume: '10000000.0000',
        },
        USDTZUSD: {
          fee: '0.2000',
          min_fee: '0.0000',
          max_fee: '0.2000',
          next_fee: '0.1600',
          next_volume: '50000.0000',
          tier_volume: '0.0000',
        },
      },
      fees_maker: {
        XXBTZUSD: {
          fee: '0.0000',
          minfee: '0.0000',
          maxfee: '0.1600',
          nextfee: null,
          nextvolume: null,
          tiervolume: '10000000.0000',
        },
      },
    });
    assert.equal(tv.volume, 200709587.4223);
    assert.equal(tv.fees['XXBTZUSD']?.maxFee, 0.0026);
    assert.equal(tv.fees['USDTZUSD']?.nextFee, 0.0016);
    assert.equal(tv.fees['USDTZUSD']?.nextVolume, 50000);
    assert.equal(tv.fees['XXBTZUSD']?.nextFee, null);
    const { fees, missing } = pickFeeFractions(tv, ['XXBTZUSD', 'USDTZUSD', 'XETHZEUR']);
    assert.deepEqual(fees.get('XXBTZUSD'), { taker: 0.001, maker: 0 });
    assert.deepEqual(fees.get('USDTZUSD'), { taker: 0.002, maker: 0.002 });
    assert.deepEqual(missing, ['XETHZEUR']);
  });
});
