import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVenue, type VenueImpl } from '../../../src/sim/venue/venue.js';
import { KRAKEN_ID_RE } from '../../../src/sim/venue/ids.js';
import { createFaults } from '../../../src/sim/faults.js';
import type { OrderRequest, VenueEvent } from '../../../src/sim/contracts.js';
import { createFakeMarket, type FakeMarket } from './fake-market.js';
import { CANCEL_REASON } from '../../../src/sim/venue/order-rules.js';

const KEY = 'test-key';

function setup(opts: { balances?: Record<string, number>; volumeUsd?: number; clock?: () => number } = {}) {
  const market = createFakeMarket();
  const faults = createFaults();
  let t = 1_700_000_000_000;
  const nowMs = opts.clock ?? (() => t);
  const venue = createVenue({
    market,
    faults,
    seed: 7,
    nowMs,
    accounts: [
      {
        apiKey: KEY,
        balances: opts.balances ?? { ZUSD: 250000, ZEUR: 250000, USDT: 10000, XXBT: 2 },
        volumeUsd: opts.volumeUsd ?? 0,
      },
    ],
  });
  const events: VenueEvent[] = [];
  venue.onEvent((e) => events.push(e));
  return { market, venue, faults, events, advance: (ms: number) => (t += ms) };
}

const buy = (extra: Partial<OrderRequest> = {}): OrderRequest => ({
  pair: 'XBTUSD',
  type: 'buy',
  ordertype: 'limit',
  price: '50010.0',
  volume: '0.1',
  timeinforce: 'IOC',
  ...extra,
});
const bal = (v: VenueImpl, id: string) => v.balances(KEY).get(id) ?? { balance: 0, hold: 0 };
const errorOf = (v: VenueImpl, req: OrderRequest): string => {
  const r = v.addOrder(KEY, req);
  assert.equal(r.ok, false, `expected an error for ${JSON.stringify(req)}`);
  return r.ok ? '' : r.error;
};

describe('venue order validation: Kraken error strings', () => {
  const cases: Array<[string, Partial<OrderRequest>, string]> = [
    ['unknown pair', { pair: 'FOOBAR' }, 'EQuery:Unknown asset pair'],
    [
      'price decimals beyond pair_decimals (live wording)',
      { price: '50010.05' },
      'EOrder:Invalid price:XBTUSD price can only be specified up to 1 decimals.',
    ],
    ['volume decimals beyond lot_decimals', { volume: '0.123456789' }, 'EGeneral:Invalid arguments:volume'],
    ['garbage volume', { volume: 'abc' }, 'EGeneral:Invalid arguments:volume'],
    ['negative price', { price: '-1' }, 'EGeneral:Invalid arguments:price'],
    ['missing price on limit', { price: undefined }, 'EGeneral:Invalid arguments:price'],
    ['bad type', { type: 'hold' as never }, 'EGeneral:Invalid arguments:type'],
    ['bad ordertype', { ordertype: 'stop-loss' as never }, 'EGeneral:Invalid arguments:ordertype'],
    ['bad timeinforce', { timeinforce: 'FOK' as never }, 'EGeneral:Invalid arguments:timeinforce'],
    ['bad oflags', { oflags: 'zzz' }, 'EGeneral:Invalid arguments:oflags'],
    ['below ordermin', { volume: '0.00005' }, 'EOrder:Order minimum not met'],
    ['below costmin', { price: '1.0', volume: '0.1' }, 'EOrder:Cost minimum not met'],
    ['insufficient quote for a buy', { volume: '5' }, 'EOrder:Insufficient funds'],
    [
      'insufficient base for a sell',
      { type: 'sell', price: '50000.0', volume: '3' },
      'EOrder:Insufficient funds',
    ],
  ];
  for (const [name, extra, expected] of cases) {
    test(name, () => {
      const { venue } = setup();
      const before = JSON.stringify([...venue.balances(KEY)]);
      assert.equal(errorOf(venue, buy(extra)), expected);
      assert.equal(JSON.stringify([...venue.balances(KEY)]), before, 'a rejected order changes no balance');
    });
  }

  test('tick size', () => {
    const { venue, market } = setup();
    // A pair whose tick is coarser than its decimals.
    (market.pairs as unknown as Array<{ tickSize: number }>)[0]!.tickSize = 0.5;
    assert.equal(errorOf(venue, buy({ price: '50010.2' })), 'EOrder:Tick size check failed');
    assert.equal(venue.addOrder(KEY, buy({ price: '50010.5' })).ok, true);
    (market.pairs as unknown as Array<{ tickSize: number }>)[0]!.tickSize = 0.1;
  });

  test('unknown key', () => {
    const { venue } = setup();
    const r = venue.addOrder('nobody', buy());
    assert.deepEqual(r, { ok: false, error: 'EAPI:Invalid key' });
  });

  test('system status modes', () => {
    const { venue } = setup();
    venue.setSystemStatus('maintenance');
    assert.equal(errorOf(venue, buy()), 'EService:Unavailable');
    venue.setSystemStatus('cancel_only');
    assert.equal(errorOf(venue, buy()), 'EService:Market in cancel_only mode');
    venue.setSystemStatus('post_only');
    assert.equal(errorOf(venue, buy()), 'EService:Market in post_only mode');
    assert.equal(venue.addOrder(KEY, buy({ price: '40000.0', timeinforce: 'GTC', oflags: 'post' })).ok, true);
    venue.setSystemStatus('online');
    assert.equal(venue.addOrder(KEY, buy()).ok, true);
  });

  test('fees included in the funds check for buys', () => {
    // 0.1 @ 50010 = 5001 + 0.40 % fee = 5021.004: 5010 is not enough, 5022 is.
    assert.equal(errorOf(setup({ balances: { ZUSD: 5010 } }).venue, buy()), 'EOrder:Insufficient funds');
    assert.equal(setup({ balances: { ZUSD: 5022 } }).venue.addOrder(KEY, buy()).ok, true);
  });

  test('trading rate counter per pair, starter threshold 60, decays 1/s', () => {
    const { venue, advance } = setup();
    // Orders that fail validation still count (the fixed +1 of docs/kraken-protocol.md §5.2).
    for (let i = 0; i < 60; i++)
      assert.equal(errorOf(venue, buy({ volume: 'x' })), 'EGeneral:Invalid arguments:volume');
    assert.equal(errorOf(venue, buy()), 'EOrder:Rate limit exceeded');
    assert.equal(
      venue.addOrder(KEY, buy({ pair: 'XBTEUR', price: '46010.0' })).ok,
      true,
      'another pair has its own counter',
    );
    advance(1500);
    assert.equal(venue.addOrder(KEY, buy()).ok, true);
  });

  test('open orders cap per pair', () => {
    let t = 0;
    const { venue } = setup({ clock: () => (t += 10_000) }); // decay keeps the rate counter low
    for (let i = 0; i < 60; i++)
      assert.equal(
        venue.addOrder(KEY, buy({ price: '40000.0', volume: '0.001', timeinforce: 'GTC' })).ok,
        true,
      );
    assert.equal(
      errorOf(venue, buy({ price: '40000.0', volume: '0.001', timeinforce: 'GTC' })),
      'EOrder:Orders limit exceeded',
    );
  });

  test('reject-next-order fault is consumed once', () => {
    const { venue, faults } = setup();
    faults.rejectNextOrder = 'EOrder:Insufficient funds';
    assert.equal(errorOf(venue, buy()), 'EOrder:Insufficient funds');
    assert.equal(faults.rejectNextOrder, null);
    assert.equal(venue.addOrder(KEY, buy()).ok, true);
  });

  test('validate=true checks but does not place', () => {
    const { venue, events } = setup();
    const r = venue.addOrder(KEY, buy({ validate: true }));
    assert.deepEqual(r, { ok: true, value: { txid: '', descr: 'buy 0.10000000 XBTUSD @ limit 50010.0' } });
    assert.equal(events.length, 0);
    assert.equal(venue.trades(KEY).length, 0);
  });
});

describe('venue matching and settlement', () => {
  test('IOC partial fill, then the rest is canceled; events in lifecycle order', () => {
    const { venue, events } = setup();
    const r = venue.addOrder(KEY, buy({ volume: '0.8', userref: 42 }));
    assert.ok(r.ok);
    assert.match(r.value.txid, KRAKEN_ID_RE);
    const o = venue.order(KEY, r.value.txid);
    assert.ok(o);
    assert.equal(o.status, 'canceled');
    assert.equal(o.reason, CANCEL_REASON.iocRemainder);
    assert.equal(o.volExec, 0.5, 'only the 0.5 at 50010.0 is within the limit');
    const kinds = events.map((e) => (e.kind === 'order' ? `order:${e.order.status}` : 'trade'));
    assert.deepEqual(kinds, ['order:pending', 'order:open', 'trade', 'order:open', 'order:canceled']);
    const trade = venue.trades(KEY)[0];
    assert.ok(trade);
    assert.match(trade.tradeId, KRAKEN_ID_RE);
    assert.equal(trade.tradeId[0], 'T');
    assert.equal(trade.userref, 42);
    assert.equal(venue.openOrders(KEY).length, 0);
    assert.equal(venue.closedOrders(KEY).length, 1);
  });

  test('market buy walks the levels; balances change by exactly the trades', () => {
    const { venue, market } = setup();
    const usd0 = bal(venue, 'ZUSD').balance;
    const xbt0 = bal(venue, 'XXBT').balance;
    const r = venue.addOrder(KEY, { pair: 'XBT/USD', type: 'buy', ordertype: 'market', volume: '1.2' });
    assert.ok(r.ok);
    const trades = venue.trades(KEY);
    assert.deepEqual(
      trades.map((t) => [t.price, t.vol]),
      [
        [50010, 0.5],
        [50020, 0.7],
      ],
    );
    assert.equal(market.takes.at(-1)?.limit, 50020, 'take is bounded by the planned worst price');
    const spent = trades.reduce((s, t) => s + t.cost + t.fee, 0);
    const got = trades.reduce((s, t) => s + t.vol, 0);
    assert.equal(Math.round((usd0 - bal(venue, 'ZUSD').balance) * 1e8), Math.round(spent * 1e8));
    assert.equal(Math.round((bal(venue, 'XXBT').balance - xbt0) * 1e8), Math.round(got * 1e8));
    const o = venue.order(KEY, r.value.txid);
    assert.equal(o?.status, 'closed');
    assert.equal(o?.timeinforce, 'IOC');
    assert.equal(o?.cost, 25005 + 35014);
    assert.equal(o?.fee, Math.round(trades.reduce((s, t) => s + t.fee, 0) * 1e5) / 1e5);
  });

  test('market buy is bounded by available funds', () => {
    const { venue } = setup({ balances: { ZUSD: 30200 } });
    // Estimate for 0.6 (0.5@50010 + 0.1@50020 = 30007) plus fee 0.4 % = 30127 ≤ 30200: accepted.
    const r = venue.addOrder(KEY, { pair: 'XBTUSD', type: 'buy', ordertype: 'market', volume: '0.6' });
    assert.ok(r.ok);
    assert.ok(bal(venue, 'ZUSD').balance >= 0);
  });

  test('market sell walks bids; fee in quote (fciq) deducted from proceeds', () => {
    const { venue } = setup();
    const usd0 = bal(venue, 'ZUSD').balance;
    const r = venue.addOrder(KEY, {
      pair: 'XXBTZUSD',
      type: 'sell',
      ordertype: 'market',
      volume: '1.5',
      oflags: 'fciq',
    });
    assert.ok(r.ok);
    const trades = venue.trades(KEY);
    assert.deepEqual(
      trades.map((t) => [t.price, t.vol]),
      [
        [50000, 1],
        [49990, 0.5],
      ],
    );
    const net = trades.reduce((s, t) => s + t.cost - t.fee, 0);
    assert.equal(Math.round((bal(venue, 'ZUSD').balance - usd0) * 1e8), Math.round(net * 1e8));
    assert.equal(bal(venue, 'XXBT').balance, 0.5);
    assert.equal(trades[0]?.fee, 200, '50000 × 0.40 %');
  });

  test('fees come from the tier of the 30-day volume', () => {
    const low = setup({ volumeUsd: 0 }).venue;
    const high = setup({ volumeUsd: 1_000_000 }).venue;
    assert.deepEqual(low.feeFor(KEY, 0), { volumeUsd: 0, takerPct: 0.4, makerPct: 0.25 });
    assert.deepEqual(high.feeFor(KEY, 0), { volumeUsd: 1_000_000, takerPct: 0.16, makerPct: 0.06 });
    assert.ok(high.addOrder(KEY, buy()).ok);
    assert.equal(high.trades(KEY)[0]?.fee, 8.0016, '0.1 × 50010 = 5001 × 0.16 %');
    // Volume grows with trading: 60,019 USD moves the account from 0.40 % to 0.24 %.
    const v = setup({ volumeUsd: 0 }).venue;
    assert.ok(v.addOrder(KEY, { pair: 'XBTUSD', type: 'buy', ordertype: 'market', volume: '1.2' }).ok);
    assert.equal(v.feeFor(KEY, 0).takerPct, 0.24);
    // Stablecoin pairs do not add volume.
    const s = setup({ volumeUsd: 0 }).venue;
    assert.ok(s.addOrder(KEY, { pair: 'USDTUSD', type: 'buy', ordertype: 'market', volume: '20000' }).ok);
    assert.equal(s.feeFor(KEY, 0).volumeUsd, 0);
  });

  test('GTC that does not cross rests with a hold; cancel releases it', () => {
    const { venue, events } = setup();
    const r = venue.addOrder(KEY, buy({ price: '40000.0', volume: '1', timeinforce: 'GTC', userref: 9 }));
    assert.ok(r.ok);
    assert.equal(venue.openOrders(KEY).length, 1);
    assert.equal(bal(venue, 'ZUSD').hold, 40160, '40000 + 0.40 % taker fee');
    // The hold counts against funds.
    assert.equal(
      errorOf(venue, buy({ price: '40000.0', volume: '5.3', timeinforce: 'GTC' })),
      'EOrder:Insufficient funds',
    );
    assert.deepEqual(venue.cancelOrder(KEY, '9'), { ok: true, value: { count: 1 } });
    assert.equal(bal(venue, 'ZUSD').hold, 0);
    assert.equal(venue.order(KEY, r.value.txid)?.reason, CANCEL_REASON.user);
    assert.equal(events.at(-1)?.kind === 'order' && events.at(-1)?.kind, 'order');
    assert.deepEqual(venue.cancelOrder(KEY, r.value.txid), { ok: false, error: 'EOrder:Unknown order' });
  });

  test('sell GTC holds base; post-only that would cross is canceled', () => {
    const { venue } = setup();
    assert.ok(
      venue.addOrder(KEY, {
        pair: 'XBTUSD',
        type: 'sell',
        ordertype: 'limit',
        price: '60000.0',
        volume: '1.5',
      }).ok,
    );
    // No fee flag on a sell: Kraken's documented default, fee in base — the hold covers it.
    assert.equal(bal(venue, 'XXBT').hold, 1.506);
    assert.equal(
      errorOf(venue, { pair: 'XBTUSD', type: 'sell', ordertype: 'market', volume: '1' }),
      'EOrder:Insufficient funds',
    );
    const p = venue.addOrder(KEY, buy({ price: '50010.0', timeinforce: 'GTC', oflags: 'post' }));
    assert.ok(p.ok);
    const o = venue.order(KEY, p.value.txid);
    assert.equal(o?.status, 'canceled');
    assert.equal(o?.reason, CANCEL_REASON.postOnly);
    assert.equal(o?.volExec, 0);
  });

  test('events are emitted only after settlement (atomic)', () => {
    const { venue } = setup();
    const seen: number[] = [];
    venue.onEvent(() => seen.push(bal(venue, 'ZUSD').balance));
    assert.ok(venue.addOrder(KEY, buy({ volume: '0.5' })).ok);
    assert.ok(seen.length >= 4);
    assert.ok(
      seen.every((b) => b === seen[0]),
      'every listener sees the final balance',
    );
  });

  test('a throwing event listener neither fails the order nor starves other listeners', () => {
    const { venue, events } = setup();
    venue.onEvent(() => {
      throw new Error('listener bug');
    });
    const r = venue.addOrder(KEY, buy());
    assert.ok(r.ok);
    assert.ok(events.length >= 4, 'the first listener still got every event');
    assert.ok(venue.stats().listenerErrors >= 4);
  });

  test('ids are deterministic from the seed', () => {
    const a = setup().venue.addOrder(KEY, buy());
    const b = setup().venue.addOrder(KEY, buy());
    assert.ok(a.ok && b.ok);
    assert.equal(a.value.txid, b.value.txid);
  });

  test('tokens: issue, resolve, expire', () => {
    const { venue, advance } = setup();
    const t = venue.issueToken(KEY);
    assert.equal(t.expires, 900);
    assert.equal(t.token.length, 43);
    assert.equal(venue.apiKeyForToken(t.token), KEY);
    venue.expireTokens();
    assert.equal(venue.apiKeyForToken(t.token), undefined);
    const t2 = venue.issueToken(KEY);
    advance(901_000);
    assert.equal(venue.apiKeyForToken(t2.token), undefined);
  });
});

describe('venue with a fake market that misbehaves', () => {
  test('fills beyond the order volume or with bad prices are ignored', () => {
    const { venue, market } = setup();
    (market as FakeMarket).take = () => [
      { price: 50010, qty: 0.05 },
      { price: NaN, qty: 1 },
      { price: 50010, qty: 5 },
    ];
    const r = venue.addOrder(KEY, buy());
    assert.ok(r.ok);
    assert.equal(venue.order(KEY, r.value.txid)?.volExec, 0.1);
    assert.equal(bal(venue, 'XXBT').balance, 2.1);
  });
});

describe("deadline (Kraken's matching engine rejects an order that reaches it too late)", () => {
  test('before its deadline an order executes; after it, it is rejected and nothing executes', () => {
    const s = setup();
    const at = (ms: number): string => new Date(1_700_000_000_000 + ms).toISOString();
    const ok = s.venue.addOrder(KEY, buy({ deadline: at(3_000) }));
    assert.equal(ok.ok, true);
    s.advance(5_000);
    const late = s.venue.addOrder(KEY, buy({ deadline: at(3_000) }));
    assert.deepEqual(late, { ok: false, error: 'EService:Deadline elapsed' });
    assert.equal(s.venue.stats().rejectsByError['EService:Deadline elapsed'], 1);
  });

  test('a malformed deadline, or one more than 60 s ahead, is an invalid argument', () => {
    const s = setup();
    for (const deadline of ['soon', '2026-13-45', new Date(1_700_000_000_000 + 61_000).toISOString()]) {
      assert.deepEqual(s.venue.addOrder(KEY, buy({ deadline })), {
        ok: false,
        error: 'EGeneral:Invalid arguments:deadline',
      });
    }
  });
});
