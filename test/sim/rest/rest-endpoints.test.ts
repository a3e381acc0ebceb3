import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/sim/simulator.js';
import { privateCall, publicCall, resultOf, startFakeSim } from './helpers.js';

const STR = (x: unknown) => typeof x === 'string';
const DEC = /^-?\d+(\.\d+)?$/;

describe('REST endpoint shapes (docs/kraken-protocol.md §4)', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startFakeSim();
  });
  after(() => sim.stop());

  test('Time and SystemStatus', async () => {
    const t = resultOf<{ unixtime: number; rfc1123: string }>(await publicCall(sim, 'Time'));
    assert.ok(Number.isInteger(t.unixtime) && Math.abs(t.unixtime - Date.now() / 1000) < 60);
    assert.match(t.rfc1123, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0000$/);
    const s = resultOf<{ status: string; timestamp: string }>(await publicCall(sim, 'SystemStatus'));
    assert.equal(s.status, 'online');
    assert.match(s.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  test('AssetPairs: keyed by pair id, Kraken field set, pair= filter by altname/id, info=', async () => {
    const all = resultOf<Record<string, Record<string, unknown>>>(await publicCall(sim, 'AssetPairs'));
    assert.deepEqual(Object.keys(all), ['XXBTZUSD', 'XXBTZEUR', 'USDTZUSD', 'USDTEUR']);
    const x = all['XXBTZUSD'];
    assert.ok(x);
    for (const f of [
      'altname',
      'wsname',
      'aclass_base',
      'base',
      'aclass_quote',
      'quote',
      'lot',
      'cost_decimals',
      'pair_decimals',
      'lot_decimals',
      'lot_multiplier',
      'leverage_buy',
      'leverage_sell',
      'fees',
      'fees_maker',
      'fee_volume_currency',
      'margin_call',
      'margin_stop',
      'ordermin',
      'costmin',
      'tick_size',
      'status',
    ]) {
      assert.ok(f in x, `field ${f}`);
    }
    assert.equal(x['altname'], 'XBTUSD');
    assert.equal(x['wsname'], 'XBT/USD');
    assert.equal(x['base'], 'XXBT');
    assert.equal(x['quote'], 'ZUSD');
    assert.equal(x['ordermin'], '0.0001');
    assert.equal(x['costmin'], '0.5');
    assert.equal(x['tick_size'], '0.1');
    assert.deepEqual((x['fees'] as number[][])[0], [0, 0.4]);
    const usdt = all['USDTZUSD'];
    assert.deepEqual(usdt?.['fees_maker'], usdt?.['fees'], 'flat schedule sent twice');
    const some = resultOf<Record<string, unknown>>(
      await publicCall(sim, 'AssetPairs', 'pair=XBTUSD,USDTEUR'),
    );
    assert.deepEqual(Object.keys(some), ['XXBTZUSD', 'USDTEUR']);
    const fees = resultOf<Record<string, Record<string, unknown>>>(
      await publicCall(sim, 'AssetPairs', 'pair=XXBTZUSD&info=fees'),
    );
    assert.deepEqual(Object.keys(fees['XXBTZUSD'] ?? {}).sort(), [
      'fee_volume_currency',
      'fees',
      'fees_maker',
    ]);
    assert.deepEqual((await publicCall(sim, 'AssetPairs', 'pair=NOPE')).error, ['EQuery:Unknown asset pair']);
    assert.deepEqual((await publicCall(sim, 'AssetPairs', 'info=bogus')).error, [
      'EGeneral:Invalid arguments:info',
    ]);
  });

  test('Assets', async () => {
    const a = resultOf<Record<string, { altname: string; decimals: number }>>(
      await publicCall(sim, 'Assets'),
    );
    assert.equal(a['XXBT']?.altname, 'XBT');
    assert.equal(a['ZUSD']?.altname, 'USD');
    assert.equal(a['ZUSD']?.decimals, 4);
    assert.deepEqual(Object.keys(resultOf<object>(await publicCall(sim, 'Assets', 'asset=XBT'))), ['XXBT']);
  });

  test('Ticker keyed by pair id even when asked by altname or wsname; strings', async () => {
    const t = resultOf<Record<string, Record<string, unknown>>>(
      await publicCall(sim, 'Ticker', 'pair=XBTUSD'),
    );
    const x = t['XXBTZUSD'];
    assert.ok(x);
    assert.deepEqual(x['a'], ['50010.0', '0', '0.500']);
    assert.deepEqual(x['b'], ['50000.0', '1', '1.000']);
    assert.ok(STR(x['o']));
    for (const k of ['c', 'v', 'p', 't', 'l', 'h'])
      assert.ok(Array.isArray(x[k]) && (x[k] as unknown[]).length === 2 - (k === 'c' ? 0 : 0));
    assert.deepEqual(Object.keys(resultOf<object>(await publicCall(sim, 'Ticker', 'pair=XBT/EUR'))), [
      'XXBTZEUR',
    ]);
    assert.equal(Object.keys(resultOf<object>(await publicCall(sim, 'Ticker'))).length, 4);
  });

  test('Depth with count', async () => {
    const d = resultOf<Record<string, { asks: unknown[][]; bids: unknown[][] }>>(
      await publicCall(sim, 'Depth', 'pair=XBTUSD&count=2'),
    );
    const x = d['XXBTZUSD'];
    assert.ok(x);
    assert.deepEqual(
      x.asks.map((l) => l.slice(0, 2)),
      [
        ['50010.0', '0.50000000'],
        ['50020.0', '1.00000000'],
      ],
    );
    assert.deepEqual(
      x.bids.map((l) => l.slice(0, 2)),
      [
        ['50000.0', '1.00000000'],
        ['49990.0', '2.00000000'],
      ],
    );
    assert.equal(typeof x.asks[0]?.[2], 'number');
    assert.deepEqual((await publicCall(sim, 'Depth', 'pair=XBTUSD&count=0')).error, [
      'EGeneral:Invalid arguments:count',
    ]);
    assert.deepEqual((await publicCall(sim, 'Depth')).error, ['EGeneral:Invalid arguments:pair']);
  });

  test('Balance and BalanceEx: strings with asset decimals', async () => {
    const b = resultOf<Record<string, string>>(await privateCall(sim, 'Balance'));
    assert.equal(b['ZUSD'], '250000.0000');
    assert.equal(b['ZEUR'], '250000.0000');
    assert.equal(b['USDT'], '50000.00000000');
    const bx = resultOf<Record<string, { balance: string; hold_trade: string }>>(
      await privateCall(sim, 'BalanceEx'),
    );
    assert.deepEqual(bx['ZUSD'], { balance: '250000.0000', hold_trade: '0.0000' });
  });

  test('TradeBalance and TradeVolume', async () => {
    const tb = resultOf<Record<string, string>>(await privateCall(sim, 'TradeBalance'));
    for (const k of ['eb', 'tb', 'm', 'n', 'c', 'v', 'e', 'mf', 'uv']) assert.match(tb[k] ?? '', DEC, k);
    assert.ok(Number(tb['eb']) > 500_000, 'USD + EUR + USDT valued in USD');
    const tv = resultOf<{
      currency: string;
      volume: string;
      fees: Record<string, Record<string, unknown>>;
      fees_maker: Record<string, Record<string, unknown>>;
    }>(await privateCall(sim, 'TradeVolume', { pair: 'XBTUSD,USDTUSD' }));
    assert.equal(tv.currency, 'ZUSD');
    assert.equal(tv.volume, '0.0000');
    assert.deepEqual(tv.fees['XXBTZUSD'], {
      fee: '0.4000',
      minfee: '0.1000',
      maxfee: '0.4000',
      nextfee: '0.3500',
      nextvolume: '10000.0000',
      tiervolume: '0.0000',
    });
    assert.equal(tv.fees_maker['XXBTZUSD']?.['fee'], '0.2500');
    assert.equal(tv.fees['USDTZUSD']?.['fee'], '0.2000');
    assert.deepEqual((await privateCall(sim, 'TradeVolume', { pair: 'NOPE' })).error, [
      'EQuery:Unknown asset pair',
    ]);
  });

  test('GetWebSocketsToken', async () => {
    const t = resultOf<{ token: string; expires: number }>(await privateCall(sim, 'GetWebSocketsToken'));
    assert.equal(t.expires, 900);
    assert.equal(sim.venue.apiKeyForToken(t.token), sim.apiKey);
  });

  test('AddOrder, OpenOrders, QueryOrders, CancelOrder, ClosedOrders, TradesHistory', async () => {
    const add = resultOf<{ txid: string[]; descr: { order: string } }>(
      await privateCall(sim, 'AddOrder', {
        pair: 'XBTUSD',
        type: 'buy',
        ordertype: 'limit',
        price: '40000.0',
        volume: '0.5',
        userref: '77',
      }),
    );
    const txid = add.txid[0] ?? '';
    const open = resultOf<{ open: Record<string, Record<string, unknown>> }>(
      await privateCall(sim, 'OpenOrders'),
    );
    const o = open.open[txid];
    assert.ok(o);
    assert.equal(o['status'], 'open');
    assert.equal(o['userref'], 77);
    assert.equal(o['vol'], '0.50000000');
    assert.equal(o['vol_exec'], '0.00000000');
    assert.equal(typeof o['opentm'], 'number');
    assert.deepEqual(o['descr'], {
      pair: 'XBTUSD',
      type: 'buy',
      ordertype: 'limit',
      price: '40000.0',
      price2: '0',
      leverage: 'none',
      order: 'buy 0.50000000 XBTUSD @ limit 40000.0',
      close: '',
    });
    assert.deepEqual(
      Object.keys(resultOf<{ open: object }>(await privateCall(sim, 'OpenOrders', { userref: '78' })).open),
      [],
    );
    assert.deepEqual(
      Object.keys(resultOf<{ open: object }>(await privateCall(sim, 'OpenOrders', { userref: '77' })).open),
      [txid],
    );
    const bx = resultOf<Record<string, { hold_trade: string }>>(await privateCall(sim, 'BalanceEx'));
    assert.equal(bx['ZUSD']?.hold_trade, '20080.0000');
    assert.deepEqual(resultOf(await privateCall(sim, 'CancelOrder', { txid })), { count: 1 });
    assert.deepEqual((await privateCall(sim, 'CancelOrder', { txid })).error, ['EOrder:Unknown order']);
    const q = resultOf<Record<string, Record<string, unknown>>>(
      await privateCall(sim, 'QueryOrders', { txid }),
    );
    assert.equal(q[txid]?.['status'], 'canceled');
    assert.equal(q[txid]?.['reason'], 'User requested');
    assert.equal(typeof q[txid]?.['closetm'], 'number');
    assert.deepEqual((await privateCall(sim, 'QueryOrders', { txid: 'OAAAAA-BBBBB-CCCCCC' })).error, [
      'EOrder:Invalid order',
    ]);

    const ioc = resultOf<{ txid: string[] }>(
      await privateCall(sim, 'AddOrder', {
        pair: 'XBTUSD',
        type: 'buy',
        ordertype: 'limit',
        price: '50010.0',
        volume: '0.2',
        timeinforce: 'IOC',
      }),
    );
    const closed = resultOf<{ closed: Record<string, Record<string, unknown>>; count: number }>(
      await privateCall(sim, 'ClosedOrders'),
    );
    assert.equal(closed.count, 2);
    assert.deepEqual(Object.keys(closed.closed), [ioc.txid[0], txid], 'newest first');
    const c = closed.closed[ioc.txid[0] ?? ''];
    assert.equal(c?.['status'], 'closed');
    assert.equal(c?.['cost'], '10002.00000');
    assert.equal(c?.['fee'], '40.00800');
    assert.equal(c?.['price'], '50010.0');
    const th = resultOf<{ trades: Record<string, Record<string, unknown>>; count: number }>(
      await privateCall(sim, 'TradesHistory'),
    );
    assert.equal(th.count, 1);
    const [tid, t] = Object.entries(th.trades)[0] ?? [];
    assert.match(tid ?? '', /^T[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{6}$/);
    assert.deepEqual(
      { ...t, time: 0 },
      {
        ordertxid: ioc.txid[0],
        postxid: 'TKH2SE-M7IF5-CFI7LT',
        pair: 'XXBTZUSD',
        time: 0,
        type: 'buy',
        ordertype: 'limit',
        price: '50010.0',
        cost: '10002.00000',
        fee: '40.00800',
        vol: '0.20000000',
        margin: '0.00000',
        leverage: '0',
        misc: '',
        trade_id: 1,
        maker: false,
      },
    );
  });
});
