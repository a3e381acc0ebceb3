import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrivateData } from '../../../../src/kraken/ws/v1/private-parse.js';
import { OpenOrdersState } from '../../../../src/kraken/ws/v1/open-orders-state.js';

const OWN_TRADES_EXAMPLE = `[[{"TT5UC3-GOIRW-6AZZ6R":{"cost":"1493.90107","fee":"3.88415","margin":"0.00000","ordertxid":"OTLAS3-RRHUF-NDWH5A",
   "ordertype":"market","pair":"XBT/USDT","postxid":"TKH2SE-M7IF5-CFI7LT","price":"6851.50005",
   "time":"1586822919.335498","type":"sell","vol":"0.21804000"}}], "ownTrades", {"sequence":1}]`;
const OPEN_ORDER_EXAMPLE = `[[{"OGTT3Y-C6I3P-XRI6HX":{"avg_price":"34.50000","cost":"0.00000","descr":{"close":"","leverage":"0:1",
 "order":"sell 10.00345345 XBT/EUR @ limit 34.50000 with 0:1 leverage","ordertype":"limit","pair":"XBT/EUR",
 "price":"34.50000","price2":"0.00000","type":"sell"},"expiretm":"0.000000","fee":"0.00000","limitprice":"34.50000",
 "misc":"","oflags":"fcib","opentm":"0.000000","refid":"OKIVMP-5GVZN-Z2D2UA","starttm":"0.000000","status":"open",
 "stopprice":"0.000000","userref":0,"vol":"10.00345345","vol_exec":"0.00000000"}}], "openOrders", {"sequence":1}]`;

test('documented ownTrades example (docs/kraken-protocol.md §2.4)', () => {
  const r = parsePrivateData(JSON.parse(OWN_TRADES_EXAMPLE) as unknown[]);
  assert.ok(r.ok);
  assert.equal(r.frame.channel, 'ownTrades');
  assert.equal(r.frame.sequence, 1);
  assert.ok(r.frame.channel === 'ownTrades');
  assert.deepEqual(r.frame.trades[0], {
    tradeId: 'TT5UC3-GOIRW-6AZZ6R',
    ordertxid: 'OTLAS3-RRHUF-NDWH5A',
    postxid: 'TKH2SE-M7IF5-CFI7LT',
    pair: 'XBT/USDT',
    time: 1586822919.335498,
    type: 'sell',
    ordertype: 'market',
    price: 6851.50005,
    cost: 1493.90107,
    fee: 3.88415,
    vol: 0.21804,
    margin: 0,
    userref: undefined,
    cl_ord_id: undefined,
  });
});

test('documented openOrders snapshot item and status-only update (docs/kraken-protocol.md §2.5), merged', () => {
  const snap = parsePrivateData(JSON.parse(OPEN_ORDER_EXAMPLE) as unknown[]);
  assert.ok(snap.ok && snap.frame.channel === 'openOrders');
  const order = snap.frame.orders[0];
  assert.equal(order?.status, 'open');
  assert.equal(order?.vol, 10.00345345);
  assert.equal(order?.userref, 0);
  assert.equal(order?.descr?.pair, 'XBT/EUR');
  const upd = parsePrivateData(
    JSON.parse(
      '[[{"OGTT3Y-C6I3P-XRI6HX":{"status":"closed"}}], "openOrders", {"sequence":59342}]',
    ) as unknown[],
  );
  assert.ok(upd.ok && upd.frame.channel === 'openOrders');
  assert.equal(upd.frame.sequence, 59342);
  const state = new OpenOrdersState();
  state.apply(order as NonNullable<typeof order>);
  const fill = parsePrivateData(
    JSON.parse(
      '[[{"OGTT3Y-C6I3P-XRI6HX":{"vol_exec":"1.5","cost":"51.75","fee":"0.1","avg_price":"34.5"}}],"openOrders",{"sequence":2}]',
    ) as unknown[],
  );
  assert.ok(fill.ok && fill.frame.channel === 'openOrders');
  const merged = state.apply(fill.frame.orders[0] as NonNullable<(typeof fill.frame.orders)[0]>);
  assert.equal(merged.status, 'open');
  assert.equal(merged.vol, 10.00345345);
  assert.equal(merged.vol_exec, 1.5);
  assert.equal(state.size, 1);
  const closed = state.apply(upd.frame.orders[0] as NonNullable<(typeof upd.frame.orders)[0]>);
  assert.equal(closed.status, 'closed');
  assert.equal(closed.vol_exec, 1.5);
  assert.equal(state.size, 0, 'final orders leave the live map');
});

test('malformed private frames are rejected with a reason', () => {
  const trade = (body: string): unknown[] =>
    JSON.parse(`[[{"TT5UC3-GOIRW-6AZZ6R":${body}}],"ownTrades",{"sequence":3}]`) as unknown[];
  const good =
    '{"cost":"1","fee":"0","ordertxid":"O1","ordertype":"limit","pair":"XBT/USD","price":"1","time":"1.5","type":"buy","vol":"1"}';
  assert.ok(parsePrivateData(trade(good)).ok);
  const bad: unknown[][] = [
    trade(good.replace('"price":"1"', '"price":"-1"')),
    trade(good.replace('"price":"1"', '"price":"NaN"')),
    trade(good.replace('"price":"1"', '"price":1')),
    trade(good.replace('"type":"buy"', '"type":"hold"')),
    trade(good.replace('"vol":"1"', '"vol":"1e400"')),
    trade(good.replace(',"vol":"1"', '')),
    trade('"x"'),
    JSON.parse('[[{"A":{},"B":{}}],"ownTrades",{"sequence":1}]') as unknown[],
    JSON.parse('[[],"ownTrades",{"sequence":-1}]') as unknown[],
    JSON.parse('[[],"ownTrades",{"sequence":"1"}]') as unknown[],
    JSON.parse('[[],"ownTrades"]') as unknown[],
    JSON.parse('[{},"ownTrades",{"sequence":1}]') as unknown[],
    JSON.parse('[[],"spread",{"sequence":1}]') as unknown[],
    JSON.parse('[[{"O1":{"status":"exploded"}}],"openOrders",{"sequence":1}]') as unknown[],
    JSON.parse('[[{"O1":{"vol":"abc"}}],"openOrders",{"sequence":1}]') as unknown[],
    JSON.parse('[[{"O1":{"userref":"12x"}}],"openOrders",{"sequence":1}]') as unknown[],
  ];
  for (const f of bad) {
    const r = parsePrivateData(f);
    assert.equal(r.ok, false, JSON.stringify(f));
    assert.ok(!r.ok && r.error.length > 0);
  }
  // An empty snapshot is fine.
  assert.ok(parsePrivateData(JSON.parse('[[],"ownTrades",{"sequence":1}]') as unknown[]).ok);
});
