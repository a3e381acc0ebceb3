/**
 * The REST parsers over every REST answer of the corpus, as captured and with keys reordered,
 * unknown fields added and optional fields null; and every error text through the error table.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAssetPairs } from '../../src/kraken/asset-pairs.js';
import {
  parseBalanceEx,
  parseSystemStatus,
  parseTicker,
  parseTime,
  parseTradeVolume,
  parseWebSocketsToken,
} from '../../src/kraken/rest-parse.js';
import {
  parseAddOrder,
  parseClosedOrders,
  parseOpenOrders,
  parseQueryOrders,
  type OrderInfo,
} from '../../src/kraken/order-parse.js';
import { parseKrakenError } from '../../src/kraken/errors.js';
import { corpus, value } from '../helpers/corpus.js';
import { variants } from '../helpers/mutate.js';

const ORDER_OPTIONAL = [
  'refid',
  'userref',
  'cl_ord_id',
  'link_id',
  'reason',
  'closetm',
  'starttm',
  'expiretm',
  'misc',
  'oflags',
  'stopprice',
  'limitprice',
  'trigger',
  'margin',
  'trades',
  'price2',
  'leverage',
  'close',
  'aclass',
];

/** What reconciliation reads from an order. */
function orderEssentials(orders: Record<string, OrderInfo>) {
  const sorted = Object.values(orders).sort((a, b) => (a.txid < b.txid ? -1 : 1));
  return sorted.map((o) => ({
    txid: o.txid,
    status: o.status,
    pair: o.pair,
    type: o.type,
    volume: o.volume,
    volumeExecuted: o.volumeExecuted,
    cost: o.cost,
    fee: o.fee,
    opentm: o.opentm,
  }));
}

interface Rule {
  optional: readonly string[];
  /** The parsed values that must not change between variants. */
  parse: (result: unknown) => unknown;
}

const RULES: Record<string, Rule> = {
  'rest.Time': { optional: [], parse: (r) => parseTime(r).unixtime },
  'rest.SystemStatus': { optional: ['timestamp'], parse: (r) => parseSystemStatus(r).status },
  'rest.GetWebSocketsToken': { optional: [], parse: (r) => parseWebSocketsToken(r) },
  'rest.Ticker': { optional: [], parse: (r) => parseTicker(r) },
  'rest.BalanceEx': {
    optional: ['hold_trade', 'credit', 'credit_used'],
    parse: (r) => Object.fromEntries(Object.entries(parseBalanceEx(r)).map(([k, v]) => [k, v.balance])),
  },
  'rest.TradeVolume': {
    optional: ['nextfee', 'nextvolume', 'minfee', 'maxfee', 'tiervolume'],
    parse: (r) => {
      const t = parseTradeVolume(r);
      return { volume: t.volume, fees: Object.keys(t.fees), taker: Object.values(t.fees).map((f) => f.fee) };
    },
  },
  'rest.AssetPairs': {
    optional: [
      'costmin',
      'tick_size',
      'status',
      'fees_maker',
      'leverage_buy',
      'leverage_sell',
      'margin_call',
      'margin_stop',
      'fee_volume_currency',
      'lot',
      'lot_multiplier',
      'aclass_base',
      'aclass_quote',
      'long_position_limit',
      'short_position_limit',
      'execution_venue',
    ],
    parse: (r) => {
      const p = parseAssetPairs(r);
      assert.deepEqual(p.rejected, []);
      const rows = p.pairs.map((x) => [
        x.id,
        x.wsname,
        x.pairDecimals,
        x.lotDecimals,
        x.ordermin,
        x.takerFees,
      ]);
      return rows.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
    },
  },
  'rest.QueryOrders': { optional: ORDER_OPTIONAL, parse: (r) => orderEssentials(parseQueryOrders(r)) },
  'rest.OpenOrders': { optional: ORDER_OPTIONAL, parse: (r) => orderEssentials(parseOpenOrders(r)) },
  'rest.ClosedOrders': {
    optional: ORDER_OPTIONAL,
    parse: (r) => orderEssentials(parseClosedOrders(r).orders),
  },
  'rest.AddOrder': { optional: ['close'], parse: (r) => parseAddOrder(r, false).txids },
};

describe('REST parsers over the corpus', () => {
  for (const [kind, rule] of Object.entries(RULES)) {
    const entries = corpus(kind);
    test(`${kind}: the corpus has it`, () => assert.ok(entries.length > 0));
    for (const e of entries) {
      const envelope = value(e) as { error: unknown[]; result: unknown };
      test(`${e.name}: a success envelope`, () => assert.deepEqual(envelope.error, []));
      const base = rule.parse(envelope.result);
      for (const v of variants(envelope.result, new Set(rule.optional))) {
        test(`${e.name} — ${v.name}`, () => assert.deepEqual(rule.parse(v.value), base));
      }
    }
  }

  test('order times and userref arrive as numbers in some answers and as strings in others: both read', () => {
    const asStrings = corpus('rest.QueryOrders').find((e) => e.text.includes('"userref": "0"'));
    const asNumbers = corpus('rest.QueryOrders').find((e) => e.text.includes('"userref":0'));
    assert.ok(asStrings && asNumbers);
    const s = Object.values(parseQueryOrders((value(asStrings) as { result: unknown }).result))[0];
    assert.equal(s?.userref, 0);
    assert.equal(s?.opentm, 1705259439.563);
    const n = Object.values(parseQueryOrders((value(asNumbers) as { result: unknown }).result))[0];
    assert.equal(n?.userref, 0);
    assert.equal(n?.opentm, 1699792641.5845017);
  });
});

describe('error texts over the corpus', () => {
  const NOW_MS = 1_700_000_000_000;
  for (const e of corpus('error-text')) {
    test(e.name, () => {
      const k = parseKrakenError(value(e) as string, 'AddOrder', NOW_MS);
      assert.ok(k.known || k.category === 'Service', `${k.code} should be in the table`);
    });
  }

  test('the session error is known and retryable (the WebSocket clients refresh their token)', () => {
    const k = parseKrakenError('ESession:Invalid session');
    assert.equal(k.code, 'ESession:Invalid session');
    assert.equal(k.category, 'Session');
    assert.equal(k.retry, 'retryable');
  });

  test('the price-decimals error keeps its detail', () => {
    const e = corpus('error-text').find((x) => x.text.includes('Invalid price'));
    assert.ok(e);
    const k = parseKrakenError(value(e) as string);
    assert.equal(k.code, 'EOrder:Invalid price');
    assert.equal(k.detail, 'XXBTZEUR price can only be specified up to 1 decimals.');
  });

  test('the throttle as documented, with spaces, gives the time to retry at', () => {
    const t = corpus('error-template').find((x) => x.text.includes('Throttled'));
    assert.ok(t);
    const text = (value(t) as string).replace('[UNIX timestamp]', '1700000003');
    const k = parseKrakenError(text, 'Balance', NOW_MS);
    assert.equal(k.code, 'EService:Throttled');
    assert.equal(k.retry, 'retryable');
    assert.equal(k.retryAfterMs, 3_000);
    assert.equal(k.raw, text);
  });
});
