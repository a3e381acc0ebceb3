import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createTrade,
  nextSellVolume,
  soldTotals,
  tradeConfigFor,
  transition,
} from '../../src/core/trade-state.js';
import {
  isTerminal,
  type TradeConfig,
  type TradeEvent,
  type TradePhase,
  type TradeState,
} from '../../src/core/trade-types.js';

const CFG: TradeConfig = {
  buyLotDecimals: 8,
  sellLotDecimals: 4,
  sellOrdermin: 0.01,
  sellCostmin: 0.5,
  sellPriceEstimate: 94,
  maxSellAttempts: 3,
};

/** Apply events, asserting each is accepted. */
function run(events: TradeEvent[], s: TradeState = createTrade(CFG)): TradeState {
  for (const e of events) {
    const r = transition(s, e);
    assert.ok(r.ok, `rejected ${e.type} in ${s.phase}: ${r.ok ? '' : r.error.message}`);
    s = r.state;
  }
  return s;
}

const BUY: TradeEvent = { type: 'buy-sent', volume: 1.5, price: 100 };

describe('trade-state: buy leg', () => {
  test('every fill of the IOC is summed; the order is over at close, not at the first fill (defect 5)', () => {
    const s = run([
      BUY,
      { type: 'ack', txid: 'O1' },
      { type: 'fill', volume: 1, price: 100, fee: 0.4, tradeId: 'T1' },
    ]);
    assert.equal(s.phase, 'buy-acked');
    const f = run(
      [{ type: 'fill', volume: 0.5, price: 99.9, fee: 0.2, tradeId: 'T2' }, { type: 'order-closed' }],
      s,
    );
    assert.equal(f.phase, 'filled');
    assert.deepEqual(f.buy, { volume: 1.5, cost: 100 + 0.5 * 99.9, fee: 0.6000000000000001 });
    assert.equal(f.sellTarget, 1.5);
    assert.equal(f.buyTxid, 'O1');
  });

  test('partial fill → partially-filled, sell target floored to the sell lot, dust kept apart', () => {
    const s = run([
      BUY,
      { type: 'ack', txid: 'O1' },
      { type: 'fill', volume: 0.12345678, price: 100, fee: 0 },
      { type: 'order-canceled' },
    ]);
    assert.equal(s.phase, 'partially-filled');
    assert.equal(s.sellTarget, 0.1234);
    assert.equal(s.dust, 0.00005678);
    assert.equal(nextSellVolume(s), 0.1234);
  });

  test('no fill → not-filled (terminal)', () => {
    const s = run([BUY, { type: 'ack', txid: 'O1' }, { type: 'order-closed' }]);
    assert.equal(s.phase, 'not-filled');
    assert.ok(isTerminal(s.phase));
  });

  test('fill below the sell pair ordermin → dust (terminal, kept, no doomed sell)', () => {
    const s = run([BUY, { type: 'fill', volume: 0.005, price: 100, fee: 0 }, { type: 'order-closed' }]);
    assert.equal(s.phase, 'dust');
    assert.ok(isTerminal(s.phase));
    assert.equal(s.dust, 0.005);
    assert.equal(nextSellVolume(s), 0);
    assert.match(s.reason ?? '', /minimum/);
  });

  test('fill above ordermin but below the sell pair costmin → dust', () => {
    // 0.005 ≥ ordermin 0.001, but 0.005 × 94 = 0.47 < costmin 0.5.
    const c = { ...CFG, sellOrdermin: 0.001 };
    const s = run(
      [BUY, { type: 'fill', volume: 0.005, price: 100, fee: 0 }, { type: 'order-closed' }],
      createTrade(c),
    );
    assert.equal(s.phase, 'dust');
  });

  test('a fill may arrive before the ack; a replayed trade id is not counted twice', () => {
    const fill: TradeEvent = { type: 'fill', volume: 1.5, price: 100, fee: 0.6, tradeId: 'T1' };
    const s = run([BUY, fill, { type: 'ack', txid: 'O1' }, fill, { type: 'order-closed' }]);
    assert.equal(s.buy.volume, 1.5);
    assert.equal(s.phase, 'filled');
  });

  test('close totals (vol_exec) larger than the summed fills win', () => {
    const s = run([
      BUY,
      { type: 'fill', volume: 1, price: 100, fee: 0.4 },
      { type: 'order-closed', totals: { volume: 1.5, cost: 150, fee: 0.6 } },
    ]);
    assert.deepEqual(s.buy, { volume: 1.5, cost: 150, fee: 0.6 });
  });

  test('reject only on Kraken’s word, before an ack', () => {
    const s = run([BUY, { type: 'reject', error: 'EOrder:Insufficient funds' }]);
    assert.equal(s.phase, 'rejected');
    assert.equal(s.reason, 'EOrder:Insufficient funds');
    const acked = run([BUY, { type: 'ack', txid: 'O1' }]);
    const r = transition(acked, { type: 'reject', error: 'x' });
    assert.equal(r.ok, false);
    assert.equal(r.state, acked);
  });

  test('timeout / lost socket → unknown until REST reconciles it', () => {
    const u = run([BUY, { type: 'timeout' }]);
    assert.equal(u.phase, 'buy-unknown');
    assert.equal(run([{ type: 'socket-lost' }], run([BUY, { type: 'ack', txid: 'O' }])).phase, 'buy-unknown');
    const closed = run(
      [
        {
          type: 'reconciled',
          leg: 'buy',
          status: 'closed',
          totals: { volume: 1.5, cost: 150, fee: 0.6 },
          txid: 'O9',
        },
      ],
      u,
    );
    assert.equal(closed.phase, 'filled');
    assert.equal(closed.buyTxid, 'O9');
    assert.equal(
      run(
        [{ type: 'reconciled', leg: 'buy', status: 'not-found', totals: { volume: 0, cost: 0, fee: 0 } }],
        u,
      ).phase,
      'not-filled',
    );
    assert.equal(
      run([{ type: 'reconciled', leg: 'buy', status: 'open', totals: { volume: 0, cost: 0, fee: 0 } }], u)
        .phase,
      'buy-acked',
    );
    assert.equal(
      run([{ type: 'reconciled', leg: 'buy', status: 'canceled', totals: { volume: 0, cost: 0, fee: 0 } }], u)
        .phase,
      'not-filled',
    );
  });
});

describe('trade-state: sell leg', () => {
  const filled = () =>
    run([
      BUY,
      { type: 'ack', txid: 'O1' },
      { type: 'fill', volume: 1.5, price: 100, fee: 0.6 },
      { type: 'order-closed' },
    ]);

  test('the whole filled volume is sold → sold', () => {
    const s = run(
      [
        { type: 'sell-sent', volume: 1.5 },
        { type: 'sell-ack', txid: 'S1' },
        { type: 'sell-fill', volume: 1.5, price: 94, fee: 0.56 },
        { type: 'sell-closed' },
      ],
      filled(),
    );
    assert.equal(s.phase, 'sold');
    assert.deepEqual(soldTotals(s), { volume: 1.5, cost: 141, fee: 0.56 });
    assert.equal(s.sellAttempts, 1);
  });

  test('partial sell → sell-retry for the rest, then sold', () => {
    const s = run(
      [
        { type: 'sell-sent', volume: 1.5 },
        { type: 'sell-fill', volume: 1, price: 94, fee: 0 },
        { type: 'sell-closed' },
      ],
      filled(),
    );
    assert.equal(s.phase, 'sell-retry');
    assert.equal(nextSellVolume(s), 0.5);
    const done = run(
      [
        { type: 'sell-sent', volume: 0.5 },
        { type: 'sell-fill', volume: 0.5, price: 93.9, fee: 0 },
        { type: 'sell-closed' },
      ],
      s,
    );
    assert.equal(done.phase, 'sold');
    assert.equal(soldTotals(done).volume, 1.5);
  });

  test('sell rejects retry up to maxSellAttempts, then stranded', () => {
    let s = filled();
    for (let i = 1; i <= 3; i++) {
      s = run(
        [
          { type: 'sell-sent', volume: nextSellVolume(s) },
          { type: 'sell-reject', error: 'EService:Unavailable' },
        ],
        s,
      );
      assert.equal(s.phase, i < 3 ? 'sell-retry' : 'stranded');
    }
    assert.match(s.reason ?? '', /exhausted/);
  });

  test('a remainder below ordermin after a partial sell is dust: the trade is sold, not stranded, not retried', () => {
    const s = run(
      [
        { type: 'sell-sent', volume: 1.5 },
        { type: 'sell-fill', volume: 1.495, price: 94, fee: 0 },
        { type: 'sell-closed' },
      ],
      filled(),
    );
    assert.equal(s.phase, 'sold');
    assert.equal(s.dust, 0.005);
    assert.equal(nextSellVolume(s), 0);
  });

  test("Kraken's minimum refusal of a sell makes the remainder dust instead of retrying it", () => {
    const s = run(
      [
        { type: 'sell-sent', volume: 1.5 },
        { type: 'sell-fill', volume: 1.4, price: 94, fee: 0 },
        { type: 'sell-closed' },
        { type: 'sell-sent', volume: 0.1 },
        { type: 'sell-reject', error: 'EOrder:Cost minimum not met' },
      ],
      filled(),
    );
    assert.equal(s.phase, 'sold');
    assert.equal(s.sellAttempts, 2);
    assert.ok(Math.abs(s.dust - 0.1) < 1e-12);
  });

  test('sell timeout → sell-unknown → reconciled', () => {
    const u = run([{ type: 'sell-sent', volume: 1.5 }, { type: 'timeout' }], filled());
    assert.equal(u.phase, 'sell-unknown');
    const s = run(
      [{ type: 'reconciled', leg: 'sell', status: 'closed', totals: { volume: 1.5, cost: 141, fee: 0.5 } }],
      u,
    );
    assert.equal(s.phase, 'sold');
    const nf = run(
      [{ type: 'reconciled', leg: 'sell', status: 'not-found', totals: { volume: 0, cost: 0, fee: 0 } }],
      u,
    );
    assert.equal(nf.phase, 'sell-retry');
  });

  test('cannot sell more than was bought', () => {
    const r = transition(filled(), { type: 'sell-sent', volume: 1.6 });
    assert.ok(!r.ok && r.error.code === 'E_TRADE_BAD_EVENT');
  });

  test('give-up strands a trade holding inventory', () => {
    const s = run([{ type: 'give-up', reason: 'shutdown' }], filled());
    assert.equal(s.phase, 'stranded');
  });
});

describe('tradeConfigFor', () => {
  test('takes lot decimals of both legs, the sell minimums and the sell price estimate', () => {
    assert.deepEqual(tradeConfigFor({ lotDecimals: 8 }, { lotDecimals: 4, ordermin: 0.5, costmin: 5 }, 93), {
      buyLotDecimals: 8,
      sellLotDecimals: 4,
      sellOrdermin: 0.5,
      sellCostmin: 5,
      sellPriceEstimate: 93,
      maxSellAttempts: 3,
    });
  });
});

describe('trade-state: hostile events never throw', () => {
  const s0 = run([BUY]);
  const bad: unknown[] = [
    null,
    undefined,
    42,
    'fill',
    {},
    { type: 'nope' },
    { type: 'fill', volume: NaN, price: 100, fee: 0 },
    { type: 'fill', volume: 1, price: -1, fee: 0 },
    { type: 'fill', volume: 1, price: 100, fee: Infinity },
    { type: 'fill', volume: -1, price: 100, fee: 0 },
    { type: 'order-closed', totals: { volume: NaN, cost: 0, fee: 0 } },
    { type: 'reconciled', leg: 'buy', status: 'closed', totals: null },
    { type: 'buy-sent', volume: 1, price: 1 },
  ];
  for (const e of bad) {
    test(`hostile ${JSON.stringify(e) ?? String(e)}`, () => {
      const r = transition(s0, e as TradeEvent);
      assert.equal(r.ok, false);
      assert.equal(r.state, s0);
    });
  }
  test('after a terminal phase every event is an invalid transition', () => {
    const t = run([{ type: 'reject', error: 'x' }], s0);
    const r = transition(t, { type: 'fill', volume: 1, price: 1, fee: 0 });
    assert.ok(!r.ok && r.error.code === 'E_TRADE_INVALID_TRANSITION');
  });
});

// ---- properties -------------------------------------------------------------------------------

const totals = (v: number, p = 100) => ({ volume: v, cost: v * p, fee: v * p * 0.004 });

/** One allowed event for the phase, chosen by `c`. */
function allowedEvent(s: TradeState, c: number): TradeEvent {
  const pick = <T>(xs: T[]): T => xs[c % xs.length] as T;
  const buyLeft = Math.max(0, Math.round((s.requestedVolume - s.buy.volume) * 1e8) / 1e8);
  const fillV = Math.min(buyLeft, ((c % 97) + 1) / 100);
  const sellLeft = Math.max(0, Math.round((s.sellOrderVolume - s.sellCurrent.volume) * 1e4) / 1e4);
  const sellV = Math.min(sellLeft, ((c % 89) + 1) / 100);
  const phase: TradePhase = s.phase;
  switch (phase) {
    case 'idle':
      return BUY;
    case 'buy-sent':
      return pick<TradeEvent>([
        { type: 'ack', txid: 'O' },
        { type: 'reject', error: 'E' },
        { type: 'fill', volume: fillV, price: 100, fee: 0.1 },
        { type: 'order-closed' },
        { type: 'order-canceled' },
        { type: 'timeout' },
        { type: 'socket-lost' },
      ]);
    case 'buy-acked':
      return pick<TradeEvent>([
        { type: 'fill', volume: fillV, price: 100, fee: 0.1, tradeId: `T${c % 7}` },
        { type: 'order-closed' },
        { type: 'order-canceled', totals: totals(s.buy.volume + fillV) },
        { type: 'timeout' },
        { type: 'socket-lost' },
      ]);
    case 'buy-unknown':
      return pick<TradeEvent>([
        { type: 'ack', txid: 'O' },
        { type: 'reject', error: 'E' },
        { type: 'fill', volume: fillV, price: 100, fee: 0.1 },
        { type: 'reconciled', leg: 'buy', status: 'closed', totals: totals(s.buy.volume + fillV) },
        { type: 'reconciled', leg: 'buy', status: 'open', totals: totals(s.buy.volume) },
        { type: 'reconciled', leg: 'buy', status: 'not-found', totals: totals(0) },
        { type: 'timeout' },
      ]);
    case 'filled':
    case 'partially-filled':
    case 'sell-retry':
      return pick<TradeEvent>([
        { type: 'sell-sent', volume: nextSellVolume(s) },
        { type: 'sell-sent', volume: nextSellVolume(s) },
        { type: 'give-up', reason: 'test' },
      ]);
    case 'sell-sent':
      return pick<TradeEvent>([
        { type: 'sell-ack', txid: 'S' },
        { type: 'sell-reject', error: 'E' },
        { type: 'sell-fill', volume: sellV, price: 94, fee: 0.1 },
        { type: 'sell-closed' },
        { type: 'timeout' },
      ]);
    case 'sell-acked':
      return pick<TradeEvent>([
        { type: 'sell-fill', volume: sellV, price: 94, fee: 0.1 },
        { type: 'sell-fill', volume: sellLeft, price: 94, fee: 0.1 },
        { type: 'sell-closed' },
        { type: 'sell-canceled' },
        { type: 'socket-lost' },
      ]);
    case 'sell-unknown':
      return pick<TradeEvent>([
        { type: 'sell-ack', txid: 'S' },
        { type: 'sell-reject', error: 'E' },
        { type: 'reconciled', leg: 'sell', status: 'closed', totals: totals(s.sellOrderVolume, 94) },
        { type: 'reconciled', leg: 'sell', status: 'not-found', totals: totals(0) },
        { type: 'reconciled', leg: 'sell', status: 'open', totals: totals(s.sellCurrent.volume, 94) },
      ]);
    default:
      return { type: 'timeout' };
  }
}

/** The event that moves a live trade towards its end. */
function closingEvent(s: TradeState): TradeEvent {
  switch (s.phase) {
    case 'idle':
      return BUY;
    case 'buy-sent':
    case 'buy-acked':
      return { type: 'order-closed' };
    case 'buy-unknown':
      return { type: 'reconciled', leg: 'buy', status: 'closed', totals: s.buy };
    case 'filled':
    case 'partially-filled':
    case 'sell-retry':
      return { type: 'sell-sent', volume: nextSellVolume(s) };
    case 'sell-sent':
    case 'sell-acked':
      return { type: 'sell-closed' };
    default:
      return { type: 'reconciled', leg: 'sell', status: 'closed', totals: s.sellCurrent };
  }
}

describe('trade-state properties', () => {
  test('every valid event sequence is accepted and closing it reaches a terminal phase', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000), { maxLength: 40 }), (choices) => {
        let s = createTrade(CFG);
        for (const c of choices) {
          if (isTerminal(s.phase)) break;
          const r = transition(s, allowedEvent(s, c));
          assert.ok(r.ok, r.ok ? '' : `${r.error.event} in ${r.error.phase}: ${r.error.message}`);
          s = r.state;
        }
        for (let i = 0; i < 20 && !isTerminal(s.phase); i++) {
          const r = transition(s, closingEvent(s));
          assert.ok(r.ok, r.ok ? '' : `${r.error.event} in ${r.error.phase}: ${r.error.message}`);
          s = r.state;
        }
        assert.ok(isTerminal(s.phase), `ended in ${s.phase}`);
        assert.ok(s.sellAttempts <= CFG.maxSellAttempts);
        assert.ok(soldTotals(s).volume <= s.buy.volume + 1e-9, 'never sells more than bought');
        if (s.phase === 'sold') assert.ok(Math.abs(soldTotals(s).volume - s.sellTarget) < 1e-9);
      }),
      { numRuns: 2000, endOnFailure: true },
    );
  });

  test('arbitrary events in arbitrary phases never throw; a refused event leaves the state unchanged', () => {
    const anyEvent = fc.oneof(
      fc.constantFrom<unknown>(null, undefined, 0, 'x', {}, { type: 'bogus' }),
      fc.record({
        type: fc.constantFrom(
          'buy-sent',
          'ack',
          'reject',
          'fill',
          'order-closed',
          'order-canceled',
          'timeout',
          'socket-lost',
          'reconciled',
          'sell-sent',
          'sell-ack',
          'sell-reject',
          'sell-fill',
          'sell-closed',
          'sell-canceled',
          'give-up',
        ),
        volume: fc.oneof(fc.double(), fc.constant(1.5)),
        price: fc.oneof(fc.double(), fc.constant(100)),
        fee: fc.double(),
        leg: fc.constantFrom('buy', 'sell', 'x'),
        status: fc.constantFrom('open', 'closed', 'canceled', 'not-found', 'weird'),
        totals: fc.oneof(
          fc.constant(undefined),
          fc.record({ volume: fc.double(), cost: fc.double(), fee: fc.double() }),
        ),
        txid: fc.string(),
        error: fc.string(),
        reason: fc.string(),
      }),
    );
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), (events) => {
        let s = createTrade(CFG);
        for (const e of events) {
          const r = transition(s, e as TradeEvent);
          if (!r.ok) assert.equal(r.state, s);
          s = r.state;
          assert.ok(Number.isFinite(s.buy.volume) && s.buy.volume >= 0, `buy volume ${s.buy.volume}`);
          const sold = soldTotals(s).volume;
          assert.ok(Number.isFinite(sold) && sold >= 0, `sold volume ${sold}`);
        }
      }),
      { numRuns: 2000, endOnFailure: true },
    );
  });
});

test('regression: closing totals larger than the order are refused, never turned into NaN volumes', () => {
  let s = createTrade({ ...CFG, sellLotDecimals: 8, sellOrdermin: 0.0001 });
  s = transition(s, { type: 'buy-sent', volume: 1.5, price: 100 }).state;
  s = transition(s, { type: 'ack', txid: 'OABCDE-FGHIJ-KLMNOP' }).state;
  const r = transition(s, { type: 'order-closed', totals: { volume: 1.549e150, cost: 5e-195, fee: 1e-142 } });
  assert.equal(r.ok, false);
  assert.equal(r.state.phase, 'buy-acked');
  assert.ok(Number.isFinite(r.state.buy.volume));
});
