import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEventFrame } from '../../../../src/kraken/ws/v1/events.js';

const b = (s: string): Buffer => Buffer.from(s);

test('documented public events (docs/kraken-protocol.md §1.2, §1.4, §1.5)', () => {
  const sys = parseEventFrame(
    b(
      '{"connectionID": 8628615390848610000, "event": "systemStatus", "status": "online", "version": "1.9.1"}',
    ),
  );
  assert.deepEqual(sys, { kind: 'systemStatus', status: 'online', version: '1.9.1' });
  const subs = [
    '{"channelID":10001,"channelName":"ticker","event":"subscriptionStatus","pair":"XBT/EUR","status":"subscribed","subscription":{"name":"ticker"}}',
    '{"channelID":10001,"channelName":"ohlc-5","event":"subscriptionStatus","pair":"XBT/EUR","reqid":42,"status":"unsubscribed","subscription":{"interval":5,"name":"ohlc"}}',
    '{"channelName":"ownTrades","event":"subscriptionStatus","status":"subscribed","subscription":{"name":"ownTrades"}}',
    '{"errorMessage":"Subscription depth not supported","event":"subscriptionStatus","pair":"XBT/USD","status":"error","subscription":{"depth":42,"name":"book"}}',
  ].map((s) => parseEventFrame(b(s)));
  assert.deepEqual(subs[0], {
    kind: 'subscriptionStatus',
    status: 'subscribed',
    name: 'ticker',
    channelName: 'ticker',
    pair: 'XBT/EUR',
    reqid: undefined,
    errorMessage: undefined,
  });
  assert.deepEqual(subs[1], {
    kind: 'subscriptionStatus',
    status: 'unsubscribed',
    name: 'ohlc',
    channelName: 'ohlc-5',
    pair: 'XBT/EUR',
    reqid: 42,
    errorMessage: undefined,
  });
  assert.equal(subs[2]?.kind === 'subscriptionStatus' && subs[2].name, 'ownTrades');
  assert.equal(
    subs[3]?.kind === 'subscriptionStatus' && subs[3].errorMessage,
    'Subscription depth not supported',
  );
  assert.deepEqual(parseEventFrame(b('{"event":"heartbeat"}')), { kind: 'heartbeat' });
  assert.deepEqual(parseEventFrame(b('{"event":"pong","reqid":42}')), { kind: 'pong', reqid: 42 });
  assert.deepEqual(parseEventFrame(b('{"Error":"Exceeded msg rate"}')), {
    kind: 'rateLimited',
    message: 'Exceeded msg rate',
  });
});

test('documented private acks (docs/kraken-protocol.md §2.2, §2.3)', () => {
  assert.deepEqual(
    parseEventFrame(
      b(
        '{"descr":"buy 0.01770000 XBTUSD @ limit 4000","event":"addOrderStatus","status":"ok","txid":"ONPNXH-KMKMU-F4MR5V","reqid":1}',
      ),
    ),
    {
      kind: 'addOrderStatus',
      status: 'ok',
      reqid: 1,
      txid: 'ONPNXH-KMKMU-F4MR5V',
      descr: 'buy 0.01770000 XBTUSD @ limit 4000',
      errorMessage: undefined,
    },
  );
  assert.deepEqual(
    parseEventFrame(
      b(
        '{"errorMessage":"EOrder:Order minimum not met","event":"addOrderStatus","status":"error","reqid":1}',
      ),
    ),
    {
      kind: 'addOrderStatus',
      status: 'error',
      reqid: 1,
      txid: undefined,
      descr: undefined,
      errorMessage: 'EOrder:Order minimum not met',
    },
  );
  assert.deepEqual(parseEventFrame(b('{"event":"cancelOrderStatus","status":"ok","reqid":7}')), {
    kind: 'cancelOrderStatus',
    status: 'ok',
    reqid: 7,
    errorMessage: undefined,
  });
  assert.deepEqual(
    parseEventFrame(
      b('{"errorMessage":"EOrder:Unknown order","event":"cancelOrderStatus","status":"error"}'),
    ),
    {
      kind: 'cancelOrderStatus',
      status: 'error',
      reqid: undefined,
      errorMessage: 'EOrder:Unknown order',
    },
  );
});

test('hostile or malformed events are classified, never thrown', () => {
  const cases: Array<[string, string]> = [
    ['{"event":', 'bad-json'],
    ['not json', 'bad-json'],
    ['[1,2]', 'not-object'],
    ['"str"', 'not-object'],
    ['null', 'not-object'],
    ['{}', 'bad-field'],
    ['{"event":42}', 'bad-field'],
    ['{"event":"pong","reqid":"x"}', 'bad-field'],
    ['{"event":"systemStatus"}', 'bad-field'],
    ['{"event":"subscriptionStatus","status":"weird"}', 'bad-field'],
    ['{"event":"subscriptionStatus","status":"error"}', 'bad-field'],
    ['{"event":"subscriptionStatus","status":"subscribed","pair":5}', 'bad-field'],
    ['{"event":"addOrderStatus","status":"ok","reqid":1}', 'bad-field'],
    ['{"event":"addOrderStatus","status":"ok","txid":7,"reqid":1}', 'bad-field'],
    ['{"event":"addOrderStatus","status":"maybe","reqid":1}', 'bad-field'],
    ['{"event":"error","errorMessage":{"x":1}}', 'bad-field'],
  ];
  for (const [frame, reason] of cases) {
    const r = parseEventFrame(b(frame));
    assert.equal(r.kind, 'invalid', frame);
    assert.equal(r.kind === 'invalid' && r.reason, reason, frame);
  }
  assert.equal(parseEventFrame(b('{"event":"' + 'x'.repeat(100) + '"}'), 50).kind, 'invalid');
  assert.deepEqual(parseEventFrame(b('{"event":"somethingNew"}')), {
    kind: 'unknownEvent',
    event: 'somethingNew',
  });
});
