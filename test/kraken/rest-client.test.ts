import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { KrakenRestClient } from '../../src/kraken/rest.js';
import { KrakenResponseError } from '../../src/kraken/errors.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { startRestServer, type SeenRequest, type TestServer } from './fixtures/rest-test-server.js';

const SECRET = 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==';

// Documented example answers, docs/kraken-protocol.md §4.5–4.6.
const EXAMPLES: Record<string, unknown> = {
  Time: { unixtime: 1688669448, rfc1123: 'Thu, 06 Jul 23 18:50:48 +0000' },
  SystemStatus: { status: 'online', timestamp: '2023-07-06T18:52:00Z' },
  Ticker: {
    XXBTZUSD: {
      a: ['30300.10000', '1', '1.000'],
      b: ['30300.00000', '1', '1.000'],
      c: ['30303.20000', '0.00067643'],
      v: ['4083.67001100', '4412.73601799'],
      p: ['30706.77771', '30689.13205'],
      t: [34619, 38907],
      l: ['29868.30000', '29868.30000'],
      h: ['31631.00000', '31631.00000'],
      o: '30502.80000',
    },
  },
  Balance: {
    ZUSD: '171288.6158',
    ZEUR: '504861.8946',
    XXBT: '1011.1908877900',
    'ETH2.S': '198.3970800000',
    'USD.M': '1213029.2780',
  },
  BalanceEx: {
    ZUSD: { balance: '100000.0000', hold_trade: '250.0000' },
    XXBT: { balance: 1.5, hold_trade: '0.0000000000', credit: '1', credit_used: '0.5' },
  },
  TradeVolume: {
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
  },
  GetWebSocketsToken: { token: '1Dwc4lzSwNWOAwkMdqhssNNFhs1ed606d1WcF3XfEMw', expires: 900 },
  AddOrder: { descr: { order: 'buy 1.45 XBTUSD @ limit 27500.0' }, txid: ['OU22CG-KLAF2-FWUDD7'] },
  CancelOrder: { count: 1 },
  AssetPairs: {
    XXBTZUSD: {
      altname: 'XBTUSD',
      wsname: 'XBT/USD',
      base: 'XXBT',
      quote: 'ZUSD',
      pair_decimals: 1,
      lot_decimals: 8,
      cost_decimals: 5,
      fees: [[0, 0.4]],
      fees_maker: [[0, 0.25]],
      ordermin: '0.00005',
      costmin: '0.5',
      tick_size: '0.1',
      status: 'online',
    },
  },
};

const ORDER = {
  refid: null,
  userref: 7,
  status: 'closed',
  reason: null,
  opentm: 1688666559.8974,
  closetm: 1688666559.9,
  starttm: 0,
  expiretm: 0,
  descr: {
    pair: 'XBTUSD',
    type: 'buy',
    ordertype: 'limit',
    price: '30010.0',
    price2: '0',
    leverage: 'none',
    order: 'buy 1.25 XBTUSD @ limit 30010.0',
    close: '',
  },
  vol: '1.25000000',
  vol_exec: '0.37500000',
  cost: '11253.7',
  fee: '0.00000',
  price: '30010.0',
  stopprice: '0.00000',
  limitprice: '0.00000',
  misc: '',
  oflags: 'fciq',
  trades: ['TZX2WP-XSEOP-FP7WYR'],
};
const TRADE = {
  ordertxid: 'OQCLML-BW3P3-BUCMWZ',
  postxid: 'TKH2SE-M7IF5-CFI7LT',
  pair: 'XXBTZUSD',
  time: 1688667796.8802,
  type: 'buy',
  ordertype: 'limit',
  price: '30010.00000',
  cost: '600.20000',
  fee: '0.00000',
  vol: '0.02000000',
  margin: '0.00000',
  misc: '',
  trade_id: 39482674,
  maker: true,
};
EXAMPLES['OpenOrders'] = { open: { 'OQCLML-BW3P3-BUCMWZ': { ...ORDER, status: 'open' } } };
EXAMPLES['ClosedOrders'] = { closed: { 'OQCLML-BW3P3-BUCMWZ': ORDER }, count: 1 };
EXAMPLES['QueryOrders'] = { 'OQCLML-BW3P3-BUCMWZ': ORDER };
EXAMPLES['TradesHistory'] = { trades: { 'THVRQM-33VKH-UCI7BS': TRADE }, count: 1 };

let server: TestServer;
let override: ((req: SeenRequest) => unknown) | undefined;
before(async () => {
  server = await startRestServer(SECRET, (req) => {
    const result = override?.(req) ?? EXAMPLES[req.method];
    return result === undefined
      ? { json: { error: ['EGeneral:Unknown method'] } }
      : { json: { error: [], result } };
  });
});
after(async () => {
  await server.close();
});

function client(): KrakenRestClient {
  server.requests.length = 0;
  override = undefined;
  return new KrakenRestClient({
    baseUrl: server.url,
    apiKey: 'k',
    apiSecret: SECRET,
    clock: new FakeClock(true),
    rateLimiter: null,
  });
}

describe('typed methods on documented answers', () => {
  test('time, systemStatus', async () => {
    const c = client();
    assert.deepEqual(await c.time(), { unixtime: 1688669448, rfc1123: 'Thu, 06 Jul 23 18:50:48 +0000' });
    assert.deepEqual(await c.systemStatus(), { status: 'online', timestamp: '2023-07-06T18:52:00Z' });
  });

  test('assetPairs sends the pair list and parses', async () => {
    const c = client();
    const r = await c.assetPairs(['XBTUSD', 'ETHUSD']);
    assert.equal(server.requests[0]?.query.get('pair'), 'XBTUSD,ETHUSD');
    assert.equal(r.pairs[0]?.symbol, 'BTC/USD');
    await c.assetPairs();
    assert.equal(server.requests[1]?.query.has('pair'), false);
  });

  test('ticker → numbers', async () => {
    const t = (await client().ticker(['XBTUSD']))['XXBTZUSD'];
    assert.ok(t);
    assert.equal(t.ask, 30300.1);
    assert.equal(t.bid, 30300);
    assert.equal(t.last, 30303.2);
    assert.equal(t.trades24h, 38907);
    assert.equal(t.open, 30502.8);
  });

  test('balance keyed by asset id, numbers', async () => {
    const b = await client().balance();
    assert.equal(b['ZUSD'], 171288.6158);
    assert.equal(b['XXBT'], 1011.19088779);
    assert.equal(b['ETH2.S'], 198.39708);
  });

  test('balanceEx: available = balance + credit − credit_used − hold_trade', async () => {
    const b = await client().balanceEx();
    assert.equal(b['ZUSD']?.available, 99750);
    assert.equal(b['XXBT']?.available, 2);
  });

  test('tradeVolume sends pairs; fees as fractions', async () => {
    const c = client();
    const tv = await c.tradeVolume(['XXBTZUSD']);
    assert.equal(server.requests[0]?.form.get('pair'), 'XXBTZUSD');
    assert.equal(tv.fees['XXBTZUSD']?.fee, 0.001);
    assert.equal(tv.feesMaker['XXBTZUSD']?.fee, 0);
  });

  test('getWebSocketsToken', async () => {
    assert.deepEqual(await client().getWebSocketsToken(), {
      token: '1Dwc4lzSwNWOAwkMdqhssNNFhs1ed606d1WcF3XfEMw',
      expiresSec: 900,
    });
  });

  test('addOrder sends the documented fields and parses txids', async () => {
    const c = client();
    const r = await c.addOrder({
      pair: 'XBTUSD',
      type: 'buy',
      ordertype: 'limit',
      volume: '1.45',
      price: '27500',
      timeinforce: 'IOC',
      oflags: ['fciq'],
      userref: 7,
    });
    assert.deepEqual(r.txids, ['OU22CG-KLAF2-FWUDD7']);
    const f = server.requests[0]?.form;
    assert.ok(f);
    assert.equal(server.requests[0]?.signatureValid, true);
    assert.deepEqual(
      [
        f.get('pair'),
        f.get('type'),
        f.get('ordertype'),
        f.get('volume'),
        f.get('price'),
        f.get('timeinforce'),
        f.get('oflags'),
        f.get('userref'),
      ],
      ['XBTUSD', 'buy', 'limit', '1.45', '27500', 'IOC', 'fciq', '7'],
    );
    assert.ok(server.requests[0]?.body.startsWith('nonce='));
  });

  test('addOrder with validate has no txid', async () => {
    const c = client();
    override = (req) =>
      req.method === 'AddOrder' ? { descr: { order: 'buy 1 XBTUSD @ market' } } : undefined;
    const r = await c.addOrder({
      pair: 'XBTUSD',
      type: 'buy',
      ordertype: 'market',
      volume: '1',
      validate: true,
    });
    assert.deepEqual(r.txids, []);
    assert.equal(server.requests[0]?.form.get('validate'), 'true');
  });

  test('cancelOrder by txid, userref and client id', async () => {
    const c = client();
    assert.deepEqual(await c.cancelOrder('OU22CG-KLAF2-FWUDD7'), { count: 1, pending: false });
    await c.cancelOrder(7);
    await c.cancelOrder({ clOrdId: 'abc' });
    assert.deepEqual(
      server.requests.map((r) => r.form.get('txid') ?? `cl:${r.form.get('cl_ord_id')}`),
      ['OU22CG-KLAF2-FWUDD7', '7', 'cl:abc'],
    );
  });

  test('order info parsed: openOrders, closedOrders, queryOrders', async () => {
    const c = client();
    const open = await c.openOrders({ trades: true });
    assert.equal(open['OQCLML-BW3P3-BUCMWZ']?.status, 'open');
    assert.equal(server.requests[0]?.form.get('trades'), 'true');
    const closed = await c.closedOrders();
    assert.equal(closed.count, 1);
    const o = closed.orders['OQCLML-BW3P3-BUCMWZ'];
    assert.ok(o);
    assert.equal(o.volume, 1.25);
    assert.equal(o.volumeExecuted, 0.375);
    assert.equal(o.avgPrice, 30010);
    assert.equal(o.limitPrice, 30010);
    assert.equal(o.type, 'buy');
    assert.equal(o.userref, 7);
    assert.deepEqual(o.tradeIds, ['TZX2WP-XSEOP-FP7WYR']);
    const q = await c.queryOrders(['OQCLML-BW3P3-BUCMWZ']);
    assert.equal(q['OQCLML-BW3P3-BUCMWZ']?.cost, 11253.7);
  });

  test('queryOrders splits more than 50 txids', async () => {
    const c = client();
    const ids = Array.from({ length: 120 }, (_, i) => `O${i}`);
    await c.queryOrders(ids);
    assert.deepEqual(
      server.requests.map((r) => r.form.get('txid')?.split(',').length),
      [50, 50, 20],
    );
  });

  test('tradesHistory', async () => {
    const h = await client().tradesHistory({ start: 1688600000 });
    const t = h.trades['THVRQM-33VKH-UCI7BS'];
    assert.ok(t);
    assert.equal(t.price, 30010);
    assert.equal(t.volume, 0.02);
    assert.equal(t.maker, true);
    assert.equal(t.tradeId, 39482674);
    assert.equal(server.requests[0]?.form.get('start'), '1688600000');
  });
});

describe('hostile answers are typed errors', () => {
  const cases: ReadonlyArray<readonly [string, unknown, (c: KrakenRestClient) => Promise<unknown>, RegExp]> =
    [
      ['Time', { unixtime: '1688669448', rfc1123: 'x' }, (c) => c.time(), /result\.unixtime/],
      ['SystemStatus', { status: 'partying', timestamp: 'x' }, (c) => c.systemStatus(), /result\.status/],
      ['Ticker', { XXBTZUSD: { a: ['1'] } }, (c) => c.ticker(), /result\.XXBTZUSD\.a/],
      ['Balance', ['1'], (c) => c.balance(), /expected an object/],
      ['Balance', { ZUSD: null }, (c) => c.balance(), /result\.ZUSD/],
      ['BalanceEx', { ZUSD: { hold_trade: '1' } }, (c) => c.balanceEx(), /result\.ZUSD\.balance/],
      [
        'TradeVolume',
        { currency: 'ZUSD', volume: '1', fees: { X: { fee: '-1' } } },
        (c) => c.tradeVolume(['X']),
        /result\.fees\.X\.fee/,
      ],
      ['GetWebSocketsToken', { token: '', expires: 900 }, (c) => c.getWebSocketsToken(), /result\.token/],
      [
        'OpenOrders',
        { open: { O1: { ...ORDER, status: 'weird' } } },
        (c) => c.openOrders(),
        /result\.open\.O1\.status/,
      ],
      [
        'ClosedOrders',
        { closed: { O1: { ...ORDER, vol: 'many' } }, count: 1 },
        (c) => c.closedOrders(),
        /result\.closed\.O1\.vol/,
      ],
      [
        'TradesHistory',
        { trades: { T1: { ...TRADE, type: 'hold' } }, count: 1 },
        (c) => c.tradesHistory(),
        /result\.trades\.T1\.type/,
      ],
    ];
  for (const [method, result, call, where] of cases) {
    test(`${method}: ${JSON.stringify(result).slice(0, 50)}`, async () => {
      const c = client();
      override = (req) => (req.method === method ? result : undefined);
      await assert.rejects(
        call(c),
        (e: unknown) => e instanceof KrakenResponseError && where.test(e.message),
      );
    });
  }
});
