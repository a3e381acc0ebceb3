/**
 * The v1 private parsers over every openOrders / ownTrades payload of the corpus, as captured and
 * with keys reordered, unknown fields added and optional fields null: each is accepted, and the
 * values that matter to the trader read the same whatever the variant.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parsePrivateData,
  type OpenOrderDelta,
  type OwnTrade,
} from '../../src/kraken/ws/v1/private-parse.js';
import { OpenOrdersState } from '../../src/kraken/ws/v1/open-orders-state.js';
import { corpus, value } from '../helpers/corpus.js';
import { variants } from '../helpers/mutate.js';

/** Fields live Kraken sends as null or leaves out; null must read as "not given". */
const ORDER_OPTIONAL = new Set([
  'refid',
  'userref',
  'cl_ord_id',
  'expiretm',
  'starttm',
  'close',
  'leverage',
  'price2',
  'misc',
  'oflags',
  'timeinforce',
  'limitprice',
  'stopprice',
  'ratecount',
  'cancel_reason',
]);
const TRADE_OPTIONAL = new Set(['postxid', 'margin', 'userref', 'cl_ord_id']);

/** What the order tracker reads from an order delta. */
function essentials(o: OpenOrderDelta) {
  return { id: o.orderId, status: o.status, vol: o.vol, volExec: o.vol_exec, cost: o.cost, fee: o.fee };
}
function tradeEssentials(t: OwnTrade) {
  const { tradeId, ordertxid, pair, time, type, ordertype, price, cost, fee, vol } = t;
  return { tradeId, ordertxid, pair, time, type, ordertype, price, cost, fee, vol };
}

function asFrame(kind: string, v: unknown): unknown[] {
  return kind === 'v1.openOrders.item' ? [[v], 'openOrders', { sequence: 1 }] : (v as unknown[]);
}

const entries = [...corpus('v1.openOrders'), ...corpus('v1.openOrders.item'), ...corpus('v1.ownTrades')];

describe('v1 private parsers over the corpus', () => {
  test('the corpus has live openOrders (with null fields) and ownTrades payloads', () => {
    assert.ok(
      corpus('v1.openOrders').some((e) => e.provenance === 'live' && e.text.includes('"close":null')),
    );
    assert.ok(corpus('v1.ownTrades').filter((e) => e.provenance === 'live').length >= 2);
  });

  for (const e of entries) {
    const base = parsePrivateData(asFrame(e.kind, value(e)));
    for (const v of variants(value(e), e.kind === 'v1.ownTrades' ? TRADE_OPTIONAL : ORDER_OPTIONAL)) {
      test(`${e.name} — ${v.name}`, () => {
        const r = parsePrivateData(asFrame(e.kind, v.value));
        assert.ok(r.ok, r.ok ? '' : r.error);
        assert.ok(base.ok);
        if (r.frame.channel === 'ownTrades' && base.frame.channel === 'ownTrades') {
          assert.deepEqual(r.frame.trades.map(tradeEssentials), base.frame.trades.map(tradeEssentials));
        } else if (r.frame.channel === 'openOrders' && base.frame.channel === 'openOrders') {
          assert.deepEqual(r.frame.orders.map(essentials), base.frame.orders.map(essentials));
        } else assert.fail('channel changed');
      });
    }
  }

  test("a new order's live pending message (null descr.close/leverage, refid, expiretm, starttm) reads fully", () => {
    const e = corpus('v1.openOrders').find((x) => x.label.startsWith('pending'));
    assert.ok(e);
    const r = parsePrivateData(value(e) as unknown[]);
    assert.ok(r.ok && r.frame.channel === 'openOrders', r.ok ? '' : r.error);
    const o = r.frame.orders[0];
    assert.equal(o?.status, 'pending');
    assert.equal(o?.vol, 1);
    assert.equal(o?.vol_exec, 0);
    assert.equal(o?.refid, undefined);
    assert.deepEqual(o?.descr, {
      order: 'buy 1.00000000 SOL/USD @ limit 25.00000',
      ordertype: 'limit',
      pair: 'SOL/USD',
      price: '25.00000',
      price2: '0.00000',
      type: 'buy',
    });
  });

  test('the recorded life of a market buy merges to its final totals', () => {
    const state = new OpenOrdersState();
    const item = corpus('v1.openOrders.item')[0];
    assert.ok(item);
    const frames = [
      asFrame(item.kind, value(item)),
      ...corpus('v1.openOrders')
        .filter((e) => e.file === 'gocryptotrader-open-orders.json')
        .map((e) => value(e) as unknown[]),
    ];
    let last;
    for (const f of frames) {
      const r = parsePrivateData(f);
      assert.ok(r.ok && r.frame.channel === 'openOrders', r.ok ? '' : r.error);
      for (const d of r.frame.orders) last = state.apply(d);
    }
    assert.equal(last?.status, 'closed');
    assert.equal(last?.vol_exec, 0.0001);
    assert.equal(last?.cost, 2.64252);
    assert.equal(last?.fee, 0.00687);
    assert.equal(last?.avg_price, 26425.2);
    assert.equal(last?.oflags, 'fciq');
  });

  test("a canceled or expired update carries the order's final totals", () => {
    for (const label of ['canceled', 'expired']) {
      const e = corpus('v1.openOrders').find((x) => x.label.startsWith(label));
      assert.ok(e, label);
      const r = parsePrivateData(value(e) as unknown[]);
      assert.ok(r.ok && r.frame.channel === 'openOrders');
      const o = r.frame.orders[0];
      assert.equal(o?.status, label);
      assert.equal(o?.vol_exec, 0);
      assert.equal(o?.fee, 0);
      assert.equal(typeof o?.lastupdated, 'number');
    }
  });

  test('what cannot be traded on is still refused, with the reason', () => {
    const e = corpus('v1.ownTrades').find((x) => x.label === 'live trade update');
    assert.ok(e);
    const frame = value(e) as [Array<Record<string, Record<string, unknown>>>, string, unknown];
    const body = Object.values(frame[0][0] as Record<string, Record<string, unknown>>)[0] as Record<
      string,
      unknown
    >;
    for (const [key, bad, why] of [
      ['vol', null, /vol is not a decimal/],
      ['price', '-1', /price is not a decimal/],
      ['ordertxid', null, /ordertxid is not a string/],
      ['type', 'short', /type is not buy\/sell/],
    ] as const) {
      const copy = structuredClone(frame);
      const b = Object.values(copy[0][0] as Record<string, Record<string, unknown>>)[0] as Record<
        string,
        unknown
      >;
      b[key] = bad;
      const r = parsePrivateData(copy as unknown[]);
      assert.ok(!r.ok, key);
      assert.match(r.error, why);
    }
    assert.ok(body);
  });
});
