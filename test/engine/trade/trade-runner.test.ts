/**
 * One trade at a time against a scripted order entry: what the trader does with each of Kraken's
 * answers (ack, reject, partial fill, late fills, failed sells, lost acks) and what it journals.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runTrade, sendBuy, type TradeDeps } from '../../../src/engine/trade/trade-runner.js';
import { OrderTracker } from '../../../src/engine/trade/order-tracker.js';
import type { OrderAck, OrderEntry, OrderRequest } from '../../../src/engine/trade/order-entry.js';
import { RestOrderLookup } from '../../../src/kraken/exec/rest-order-lookup.js';
import {
  OPPORTUNITY_FIELDS,
  readOpportunity,
  writeOpportunity,
  type Opportunity,
} from '../../../src/core/opportunity.js';
import { testPair as pair } from '../../helpers/test-pair.js';
import type { KrakenRestClient } from '../../../src/kraken/rest.js';
import type { OrderInfo } from '../../../src/kraken/order-parse.js';
import { silent } from './trader-fixture.js';

const BUY = pair('ABC/USD');
const SELL = pair('ABC/EUR');

function opportunity(volume = 2): Opportunity {
  const buf = new Float64Array(OPPORTUNITY_FIELDS);
  const o = readOpportunity(buf);
  writeOpportunity(buf, 0, {
    ...o,
    buyPair: 2,
    sellPair: 3,
    buyPrice: 100,
    sellPrice: 93,
    volume,
    roi: 1.01,
    fee: 0.004,
    triggerRecvUs: 1_000_000,
    usdtUsd: { bid: 1, ask: 1, bidVol: 1, askVol: 1 },
    usdtEur: { bid: 0.92, ask: 0.92, bidVol: 1, askVol: 1 },
  });
  return readOpportunity(buf);
}

type Step = (order: OrderRequest, txid: string, tracker: OrderTracker) => Promise<OrderAck>;

/** Each order gets the next scripted behaviour. */
class ScriptedOrderEntry implements OrderEntry {
  readonly orders: OrderRequest[] = [];
  constructor(
    private readonly tracker: OrderTracker,
    private readonly steps: Step[],
  ) {}
  isReady(): boolean {
    return true;
  }
  start(): void {}
  close(): void {}
  addOrder(order: OrderRequest): Promise<OrderAck> {
    this.orders.push(order);
    const step = this.steps.shift();
    if (!step) return Promise.reject(new Error('no scripted step left'));
    return step(order, `O${this.orders.length}`, this.tracker);
  }
}

/** Ack, then the fills given (volume at price), then closed (or canceled if less than asked). */
const fills =
  (...parts: Array<[number, number]>): Step =>
  async (order, txid, tracker) => {
    queueMicrotask(() => {
      let vol = 0,
        cost = 0;
      parts.forEach(([v, p], i) => {
        vol += v;
        cost += v * p;
        tracker.addFill(txid, {
          tradeId: `${txid}-T${i}`,
          volume: v,
          price: p,
          cost: v * p,
          fee: v * p * 0.004,
        });
      });
      tracker.updateOrder(txid, {
        status: vol >= Number(order.volume) ? 'closed' : 'canceled',
        volExec: vol,
        cost,
        fee: cost * 0.004,
      });
    });
    return { status: 'ok', txid };
  };
const reject =
  (msg: string): Step =>
  () =>
    Promise.resolve({ status: 'error', errorMessage: msg });
const lostAck: Step = () =>
  Promise.resolve({ status: 'unknown', reason: 'OrderOutcomeUnknownError: socket closed before the ack' });

function closedOrder(
  txid: string,
  type: 'buy' | 'sell',
  userref: number,
  volume: number,
  cost: number,
  fee: number,
): OrderInfo {
  return {
    txid,
    userref,
    clOrdId: undefined,
    status: 'closed',
    reason: undefined,
    pair: type === 'buy' ? 'ABCUSD' : 'ABCEUR',
    type,
    ordertype: type === 'buy' ? 'limit' : 'market',
    limitPrice: cost / volume,
    volume,
    volumeExecuted: volume,
    cost,
    fee,
    avgPrice: cost / volume,
    opentm: Date.now() / 1000,
    closetm: undefined,
    oflags: '',
    misc: '',
    description: '',
    tradeIds: [],
  };
}

/** REST whose OpenOrders is empty and whose ClosedOrders lists what `closed()` returns then. */
function fakeRest(closed: () => OrderInfo[]): Partial<KrakenRestClient> {
  const byTxid = (l: OrderInfo[]): Record<string, OrderInfo> => Object.fromEntries(l.map((o) => [o.txid, o]));
  return {
    queryOrders: async () => ({}),
    openOrders: async () => ({}),
    closedOrders: async () => {
      const l = closed();
      return { count: l.length, orders: byTxid(l) };
    },
  } as unknown as Partial<KrakenRestClient>;
}

/**
 * `wall`: the fake wall clock deadlines are judged by; it moves 1 s per reading so a settle loop
 * reaches deadlines within a few real waits (each at most a 250 ms slice).
 */
function harness(steps: Step[], rest: Partial<KrakenRestClient> | null = null, stopping = () => false) {
  const tracker = new OrderTracker();
  const orderEntry = new ScriptedOrderEntry(tracker, steps);
  const records: Array<{ kind: string; fields: Record<string, unknown> }> = [];
  const alerts: string[] = [];
  const wall = { ms: 1_700_000_000_000 };
  const deps: TradeDeps = {
    orderEntry,
    tracker,
    orderLookup: rest === null ? null : new RestOrderLookup(rest as KrakenRestClient),
    log: silent,
    alert: (a) => alerts.push(a.text),
    journal: {
      append: (kind, tradeId, fields = {}) => {
        records.push({ kind, fields: { ...fields } });
        return { ts: 0, seq: records.length, kind, tradeId };
      },
    },
    nowUs: () => 1_000_100,
    wallMs: () => (wall.ms += 1000),
    sleep: () => Promise.resolve(),
    stopping,
  };
  const settings = {
    fillTimeoutMs: 200,
    maxLocalAgeUs: 1_500,
    sellRetries: 2,
    stableFee: 0.002,
    orderDeadlineMs: 3_000,
    deadlineMarginMs: 2_000,
  };
  return {
    orderEntry,
    tracker,
    records,
    alerts,
    wall,
    settings,
    deps,
    run: (o = opportunity()) => runTrade(o, BUY, SELL, settings, deps),
  };
}

const kinds = (r: Array<{ kind: string }>) => r.map((x) => x.kind);

describe('trade runner', () => {
  test('full fill: buys IOC at the ask, sells the whole volume at market, journals each step', async () => {
    const h = harness([fills([2, 100]), fills([2, 93])]);
    const r = await h.run();
    assert.equal(r.status, 'sold');
    const [buy, sell] = h.orderEntry.orders;
    assert.deepEqual(
      [buy?.side, buy?.ordertype, buy?.timeinforce, buy?.price, buy?.volume],
      ['buy', 'limit', 'IOC', '100.00', '2.0000'],
    );
    assert.deepEqual(
      [sell?.side, sell?.ordertype, sell?.pair.wsname, sell?.volume],
      ['sell', 'market', 'ABC/EUR', '2.0000'],
    );
    assert.deepEqual(kinds(h.records), [
      'intent',
      'order-sent',
      'ack',
      'fill',
      'order-closed',
      'sell-sent',
      'sell-ack',
      'sell-fill',
      'order-closed',
      'outcome',
    ]);
  });

  test('the intent and the buy carry the latency stamps the bench splits wire-to-wire with', async () => {
    const h = harness([fills([2, 100]), fills([2, 93])]);
    const opp = { ...opportunity(), evalDoneUs: 1_000_020 };
    await runTrade(opp, BUY, SELL, { ...h.settings, takenUs: 1_000_050 }, h.deps);
    const intent = h.records.find((r) => r.kind === 'intent');
    const sent = h.records.find((r) => r.kind === 'order-sent');
    assert.equal(intent?.fields.triggerRecvUs, opp.triggerRecvUs);
    assert.equal(intent?.fields.evalDoneUs, 1_000_020);
    assert.equal(intent?.fields.takenUs, 1_000_050);
    assert.equal(sent?.fields.side, 'buy');
    assert.equal(sent?.fields.sentUs, 1_000_100, 'the clock read when the socket write returned');
  });

  test('a rejected buy ends at once: no sell, no wait for the fill timeout', async () => {
    const h = harness([reject('EOrder:Insufficient funds')]);
    const r = await h.run();
    assert.equal(r.status, 'rejected');
    assert.equal(h.orderEntry.orders.length, 1);
    assert.equal(h.records.find((x) => x.kind === 'reject')?.fields.reason, 'EOrder:Insufficient funds');
  });

  test('every fill of the IOC counts: two partial fills are summed and exactly that is sold', async () => {
    const h = harness([fills([0.5, 100], [0.7, 100.5]), fills([1.2, 93])]);
    const r = await h.run();
    assert.equal(r.status, 'sold');
    assert.equal(h.orderEntry.orders[1]?.volume, '1.2000');
    assert.equal(r.state.buy.volume, 1.2);
  });

  test('no fill: nothing is sold', async () => {
    const h = harness([fills()]);
    const r = await h.run();
    assert.equal(r.status, 'not-filled');
    assert.equal(h.orderEntry.orders.length, 1);
  });

  test('a failed sell is retried, and when retries run out the inventory is stranded and journaled', async () => {
    const h = harness([
      fills([2, 100]),
      reject('EService:Unavailable'),
      reject('EService:Unavailable'),
      reject('EService:Unavailable'),
    ]);
    const r = await h.run();
    assert.equal(r.status, 'stranded');
    assert.equal(h.orderEntry.orders.length, 4);
    assert.equal(h.records.filter((x) => x.kind === 'sell-failed').length, 3);
    assert.equal(h.records.find((x) => x.kind === 'stranded')?.fields.volume, 2);
  });

  test('a sell that fails once then works sells everything', async () => {
    const h = harness([fills([2, 100]), reject('EService:Unavailable'), fills([2, 93])]);
    const r = await h.run();
    assert.equal(r.status, 'sold');
  });

  test('a buy whose ack is lost is in doubt until REST says what happened, then traded on', async () => {
    let asked = 0;
    const box: { h?: ReturnType<typeof harness> } = {};
    const rest = fakeRest(() => {
      asked++;
      const buy = box.h?.orderEntry.orders[0];
      return buy === undefined ? [] : [closedOrder('OX', 'buy', buy.userref, 2, 200, 0.8)];
    });
    const h = (box.h = harness([lostAck, fills([2, 93])], rest));
    const r = await h.run();
    assert.ok(asked >= 1);
    assert.equal(r.status, 'sold');
    const k = kinds(h.records);
    assert.ok(k.indexOf('unknown') < k.indexOf('reconciled'));
    // REST's fill is journaled once, from its totals.
    assert.equal(h.records.filter((x) => x.kind === 'fill').length, 1);
  });

  test('each order attempt carries its own userref and a deadline', async () => {
    const h = harness([fills([2, 100]), reject('EService:Unavailable'), fills([2, 93])]);
    const before = h.wall.ms;
    await h.run();
    const refs = h.orderEntry.orders.map((o) => o.userref);
    assert.equal(new Set(refs).size, 3, 'three attempts, three userrefs');
    for (const o of h.orderEntry.orders) {
      assert.ok(o.deadlineMs > before + 3_000 && o.deadlineMs <= h.wall.ms + 3_000, 'deadline = send + 3 s');
    }
    const sent = h.records.filter((x) => x.kind === 'order-sent' || x.kind === 'sell-sent');
    assert.deepEqual(
      sent.map((x) => x.fields.userref),
      refs,
      'the journal names each attempt by its userref',
    );
  });

  test('"not found" before the deadline is not "no": a buy found after it is followed and sold', async () => {
    const box: { h?: ReturnType<typeof harness> } = {};
    let calls = 0;
    // REST does not show the order on the first look-up (Kraken slow to list it), only on the next.
    const rest = fakeRest(() => {
      calls++;
      const buy = box.h?.orderEntry.orders[0];
      return calls < 2 || buy === undefined ? [] : [closedOrder('OLATE', 'buy', buy.userref, 2, 200, 0.8)];
    });
    const h = (box.h = harness([lostAck, fills([2, 93])], rest));
    const r = await h.run();
    assert.equal(r.status, 'sold');
    assert.equal(r.state.buy.volume, 2);
    assert.equal(h.orderEntry.orders.length, 2);
  });

  test('a late ack and the fills the stream then brings settle a buy in doubt (no REST needed)', async () => {
    const box: { h?: ReturnType<typeof harness> } = {};
    const rest = fakeRest(() => {
      // The first look-up finds nothing; meanwhile the late ack and the fills arrive on the stream.
      const buy = box.h?.orderEntry.orders[0];
      if (buy !== undefined && box.h !== undefined && box.h.tracker.newsFor(buy.userref) === undefined) {
        box.h.tracker.notePlaced(buy.userref, 'OLATE');
        box.h.tracker.addFill('OLATE', { tradeId: 'TL1', volume: 1.5, price: 100, cost: 150, fee: 0.6 });
        box.h.tracker.updateOrder('OLATE', { status: 'canceled', volExec: 1.5, cost: 150, fee: 0.6 });
      }
      return [];
    });
    const h = (box.h = harness([lostAck, fills([1.5, 93])], rest));
    const r = await h.run();
    assert.equal(r.status, 'sold');
    assert.equal(r.state.buy.volume, 1.5, 'the late fills count: nothing bought is counted as zero');
    assert.equal(h.orderEntry.orders[1]?.volume, '1.5000');
    assert.ok(h.records.some((x) => x.kind === 'ack' && x.fields.late === true));
  });

  test('a buy Kraken never shows is final only after its deadline: not filled', async () => {
    const lookedUpAt: number[] = [];
    const box: { h?: ReturnType<typeof harness> } = {};
    const rest = fakeRest(() => {
      if (box.h !== undefined) lookedUpAt.push(box.h.wall.ms);
      return [];
    });
    const h = (box.h = harness([lostAck], rest));
    const r = await h.run();
    assert.equal(r.status, 'not-filled');
    const deadline = h.orderEntry.orders[0]?.deadlineMs ?? 0;
    assert.ok(lookedUpAt.length >= 2, 'asked once at once, and again after the deadline');
    assert.ok(
      (lookedUpAt.at(-1) ?? 0) >= deadline + 2_000,
      'the final "not found" came after deadline + margin',
    );
    assert.equal(h.records.find((x) => x.kind === 'reconciled')?.fields.status, 'never-executed');
  });

  test('a sell whose ack is lost is never re-sent while it might still execute: one sell, settled by REST', async () => {
    const box: { h?: ReturnType<typeof harness> } = {};
    let calls = 0;
    const rest = fakeRest(() => {
      calls++;
      const sell = box.h?.orderEntry.orders[1];
      // Kraken shows the held sell only on the second look-up (after its deadline), filled.
      return calls < 2 || sell === undefined ? [] : [closedOrder('OS', 'sell', sell.userref, 2, 186, 0.74)];
    });
    const h = (box.h = harness([fills([2, 100]), lostAck, fills([2, 93])], rest));
    const r = await h.run();
    assert.equal(r.status, 'sold');
    assert.equal(h.orderEntry.orders.length, 2, 'no second sell');
    assert.equal(r.state.sellDone.volume, 2);
  });

  test('a sell that never executed (not found after its deadline) is retried with a new userref', async () => {
    const h = harness(
      [fills([2, 100]), lostAck, fills([2, 93])],
      fakeRest(() => []),
    );
    const r = await h.run();
    assert.equal(r.status, 'sold');
    assert.equal(h.orderEntry.orders.length, 3);
    assert.notEqual(h.orderEntry.orders[1]?.userref, h.orderEntry.orders[2]?.userref);
    const settled = h.records.findIndex((x) => x.kind === 'reconciled');
    const resent = h.records.findLastIndex((x) => x.kind === 'sell-sent');
    assert.ok(settled >= 0 && settled < resent, 'the retry comes after the first sell was settled');
  });

  test('REST unreachable: the order stays in doubt (alerted) until shutdown, then the trade is unknown', async () => {
    const stopAt = { calls: 0 };
    const rest = {
      queryOrders: async () => {
        throw new Error('ECONNREFUSED');
      },
      openOrders: async () => {
        stopAt.calls++;
        throw new Error('ECONNREFUSED');
      },
      closedOrders: async () => {
        throw new Error('ECONNREFUSED');
      },
    } as unknown as Partial<KrakenRestClient>;
    const h = harness([lostAck], rest, () => stopAt.calls >= 6);
    const r = await h.run();
    assert.equal(r.status, 'unknown');
    assert.equal(h.orderEntry.orders.length, 1);
    assert.ok(
      h.alerts.some((a) => /in doubt/.test(a)),
      'an order in doubt is alerted',
    );
    const stranded = h.records.find((x) => x.kind === 'stranded');
    assert.equal(stranded?.fields.possible, true, 'the whole order is journaled as possibly bought');
    assert.equal(stranded?.fields.volume, 2);
  });

  test('a partial buy below the sell pair costmin is dust: no doomed sell is sent', async () => {
    // 0.01 ABC at ~93 EUR = 0.93 EUR; the sell pair's costmin is raised to 5 EUR.
    const h = harness([fills([0.01, 100])]);
    const r = await runTrade(opportunity(), BUY, { ...SELL, costmin: 5 }, h.settings, h.deps);
    assert.equal(r.status, 'dust');
    assert.equal(h.orderEntry.orders.length, 1);
    const dust = h.records.find((x) => x.kind === 'stranded');
    assert.equal(dust?.fields.dust, true);
    assert.equal(dust?.fields.volume, 0.01);
  });

  test('a buy fee Kraken takes in the coin is not sold and not counted as money spent', async () => {
    // 2 ABC bought at 100; Kraken keeps 0.008 ABC as the fee (it ignored fee-in-quote).
    const coinFee: Step = async (order, txid, tracker) => {
      queueMicrotask(() => {
        tracker.addFill(txid, {
          tradeId: `${txid}-T0`,
          volume: 2,
          price: 100,
          cost: 200,
          fee: 0.8,
          fees: [{ asset: 'ABC', qty: 0.008 }],
        });
        tracker.updateOrder(txid, { status: 'closed', volExec: 2, cost: 200, fee: 0.8 });
      });
      return { status: 'ok', txid };
    };
    const h = harness([coinFee, fills([1.992, 93])]);
    const r = await h.run();
    assert.equal(r.status, 'sold');
    assert.equal(h.orderEntry.orders[1]?.volume, '1.9920', 'the coins kept as fee are not sold');
    assert.equal(r.state.buy.fee, 0, 'no money was paid as the buy fee');
    assert.equal(r.state.buyFeeInBase, 0.008);
    const fill = h.records.find((x) => x.kind === 'fill');
    assert.deepEqual(fill?.fields.fees, [{ asset: 'ABC', qty: 0.008 }], 'journaled with its asset');
  });

  test('a stale opportunity is never sent', async () => {
    const h = harness([]);
    const o = opportunity();
    const r = await runTrade(
      { ...o, triggerRecvUs: 0 },
      BUY,
      SELL,
      { fillTimeoutMs: 200, maxLocalAgeUs: 1_500, sellRetries: 0, stableFee: 0, orderDeadlineMs: 3000 },
      {
        orderEntry: h.orderEntry,
        tracker: new OrderTracker(),
        orderLookup: null,
        log: silent,
        alert: () => undefined,
        journal: {
          append: () => {
            throw new Error('must not journal');
          },
        },
        nowUs: () => 1_000_000_000,
        sleep: () => Promise.resolve(),
      },
    );
    assert.equal(r.status, 'stale');
    assert.equal(h.orderEntry.orders.length, 0);
  });

  test('sendBuy runs the trade up to the buy on the socket and stops: the same order, nothing journaled', async () => {
    const rehearsal = harness([() => Promise.resolve({ status: 'error', errorMessage: 'EWarmup:unused' })]);
    assert.notEqual(sendBuy(opportunity(), BUY, rehearsal.settings, rehearsal.deps), null);
    assert.deepEqual(rehearsal.records, [], 'no record: the rehearsal ends at the send');
    const real = harness([fills([2, 100]), fills([2, 93])]);
    await real.run();
    const [rehearsed] = rehearsal.orderEntry.orders;
    const [bought] = real.orderEntry.orders;
    assert.equal(rehearsal.orderEntry.orders.length, 1, 'one order: the buy, no sell');
    // The userref is drawn per attempt and the deadline is wall time: the rest is the real buy's.
    const shape = (o: OrderRequest | undefined) => ({ ...o, userref: 0, deadlineMs: 0 });
    assert.deepEqual(shape(rehearsed), shape(bought));
    const stale = harness([]);
    assert.equal(sendBuy({ ...opportunity(), triggerRecvUs: 0 }, BUY, stale.settings, stale.deps), null);
    assert.equal(stale.orderEntry.orders.length, 0, 'stale: nothing built');
  });
});
