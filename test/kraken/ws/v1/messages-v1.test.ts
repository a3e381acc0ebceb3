import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildAddOrder,
  buildCancelOrder,
  buildPing,
  buildPrivateSubscribe,
  buildPrivateUnsubscribe,
  buildPublicSubscribe,
  buildPublicUnsubscribe,
} from '../../../../src/kraken/ws/v1/messages.js';
import { KrakenWsBuildError } from '../../../../src/kraken/ws/shared/request-check.js';

test('public subscribe for spread', () => {
  assert.deepEqual(JSON.parse(buildPublicSubscribe(3, ['XBT/USD', 'XBT/EUR'], 'spread')), {
    event: 'subscribe',
    reqid: 3,
    pair: ['XBT/USD', 'XBT/EUR'],
    subscription: { name: 'spread' },
  });
  assert.throws(() => buildPublicSubscribe(1, [], 'spread'), KrakenWsBuildError);
  assert.deepEqual(JSON.parse(buildPublicUnsubscribe(4, ['XBT/USD'], 'spread')), {
    event: 'unsubscribe',
    reqid: 4,
    pair: ['XBT/USD'],
    subscription: { name: 'spread' },
  });
  assert.deepEqual(JSON.parse(buildPing(42)), { event: 'ping', reqid: 42 });
  assert.throws(() => buildPublicSubscribe(1, ['XBT"USD'], 'spread'), KrakenWsBuildError);
});

test('addOrder leaves out fields that are unset, absent or undefined alike, in one field order', () => {
  // The order entry's toParams sets every field, undefined when unused (a market sell's price).
  const sell = buildAddOrder(3, 'T', {
    ordertype: 'market',
    type: 'sell',
    pair: 'ETH/EUR',
    volume: '0.5',
    price: undefined,
    timeinforce: undefined,
    oflags: 'fciq',
    userref: -7,
    deadline: '2026-12-06T14:00:00.000Z',
  });
  assert.equal(
    sell,
    '{"event":"addOrder","token":"T","reqid":3,"ordertype":"market","type":"sell","pair":"ETH/EUR",' +
      '"volume":"0.5","oflags":"fciq","userref":"-7","deadline":"2026-12-06T14:00:00.000Z"}',
  );
  const all = buildAddOrder(4, 'T', {
    ordertype: 'stop-loss-limit',
    type: 'buy',
    pair: 'XBT/USD',
    volume: '1',
    price: '2',
    price2: '3',
    timeinforce: 'GTD',
    oflags: 'post',
    cl_ord_id: 'c-1',
    deadline: 'D',
    starttm: '+5',
    expiretm: '+10',
    validate: true,
  });
  assert.equal(
    all,
    '{"event":"addOrder","token":"T","reqid":4,"ordertype":"stop-loss-limit","type":"buy","pair":"XBT/USD",' +
      '"volume":"1","price":"2","price2":"3","timeinforce":"GTD","oflags":"post","cl_ord_id":"c-1",' +
      '"deadline":"D","starttm":"+5","expiretm":"+10","validate":"true"}',
  );
  const notValidate = JSON.parse(
    buildAddOrder(5, 'T', {
      ordertype: 'market',
      type: 'sell',
      pair: 'ETH/EUR',
      volume: '1',
      validate: false,
    }),
  ) as Record<string, unknown>;
  assert.equal('validate' in notValidate, false);
});

test('addOrder carries the caller-formatted strings and documented field names', () => {
  const msg = JSON.parse(
    buildAddOrder(9, 'TOKEN123', {
      ordertype: 'limit',
      type: 'buy',
      pair: 'XBT/USD',
      price: '9000.1',
      volume: '10.123',
      timeinforce: 'IOC',
      userref: 42,
      oflags: 'fciq',
    }),
  ) as Record<string, unknown>;
  assert.deepEqual(msg, {
    event: 'addOrder',
    token: 'TOKEN123',
    reqid: 9,
    ordertype: 'limit',
    type: 'buy',
    pair: 'XBT/USD',
    volume: '10.123',
    price: '9000.1',
    timeinforce: 'IOC',
    oflags: 'fciq',
    userref: '42',
  });
  const market = JSON.parse(
    buildAddOrder(1, 't', { ordertype: 'market', type: 'sell', pair: 'ETH/EUR', volume: '0.5' }),
  ) as Record<string, unknown>;
  assert.equal(market.price, undefined);
});

test('addOrder refuses malformed numbers and fields, without echoing the token', () => {
  const base = {
    ordertype: 'limit' as const,
    type: 'buy' as const,
    pair: 'XBT/USD',
    price: '1.0',
    volume: '1.0',
  };
  const bad = [
    { ...base, price: 'NaN' },
    { ...base, price: '1e5' },
    { ...base, volume: '-1' },
    { ...base, volume: '0' },
    { ...base, volume: '' },
    { ...base, price: undefined },
    { ...base, pair: 'XBTUSD' },
    { ...base, userref: 1.5 },
    { ...base, userref: 1, cl_ord_id: 'abc' },
  ];
  for (const p of bad) {
    assert.throws(
      () => buildAddOrder(1, 'SECRET-TOKEN', p),
      (e: Error) => e instanceof KrakenWsBuildError && !e.message.includes('SECRET'),
    );
  }
  assert.throws(() => buildAddOrder(1, '', base), KrakenWsBuildError);
});

test('cancelOrder and private subscribe', () => {
  assert.deepEqual(JSON.parse(buildCancelOrder(7, 'tok', ['OGTT3Y-C6I3P-XRI6HX', 'OGTT3Y-C6I3P-X2I6HX'])), {
    event: 'cancelOrder',
    token: 'tok',
    reqid: 7,
    txid: ['OGTT3Y-C6I3P-XRI6HX', 'OGTT3Y-C6I3P-X2I6HX'],
  });
  assert.throws(() => buildCancelOrder(7, 'tok', []), KrakenWsBuildError);
  assert.deepEqual(JSON.parse(buildPrivateSubscribe(2, 'openOrders', 'tok')), {
    event: 'subscribe',
    reqid: 2,
    subscription: { name: 'openOrders', token: 'tok', snapshot: true, ratecounter: true },
  });
  assert.deepEqual(JSON.parse(buildPrivateUnsubscribe(3, 'ownTrades', 'tok')), {
    event: 'unsubscribe',
    reqid: 3,
    subscription: { name: 'ownTrades', token: 'tok' },
  });
});
