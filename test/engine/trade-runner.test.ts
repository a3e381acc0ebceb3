/**
 * One trade at a time against a scripted gateway: what the trader does with each of Kraken's
 * answers (ack, reject, partial fill, late fills, failed sells, lost acks) and what it journals.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runTrade, type TradeDeps } from '../../src/engine/trade-runner.js';
import { OrderTracker } from '../../src/engine/order-tracker.js';
import type { GatewayAck, GatewayOrder, OrderGateway } from '../../src/engine/order-gateway.js';
import { OrderOutcomeUnknownError } from '../../src/kraken/ws/order-errors.js';
import {
  OPPORTUNITY_FIELDS,
  readOpportunity,
  writeOpportunity,
  type Opportunity,
} from '../../src/core/opportunity.js';
import { testPair as pair } from '../helpers/test-pair.js';
import type { KrakenRestClient } from '../../src/kraken/rest.js';
import type { Logger } from '../../src/log/logger.js';

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

type Step = (order: GatewayOrder, txid: string, tracker: OrderTracker) => Promise<GatewayAck>;

/** Each order gets the next scripted behaviour. */
class ScriptedGateway implements OrderGateway {
  readonly orders: GatewayOrder[] = [];
  constructor(
    private readonly tracker: OrderTracker,
    private readonly steps: Step[],
  ) {}
  isReady(): boolean {
    return true;
  }
  start(): void {}
  close(): void {}
  addOrder(order: GatewayOrder): Promise<GatewayAck> {
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
  Promise.reject(new OrderOutcomeUnknownError('DISCONNECTED', 1, 'socket closed before the ack'));

const silent: Logger = { level: 'error', debug() {}, info() {}, warn() {}, error() {} };

function harness(steps: Step[], rest: Partial<KrakenRestClient> | null = null) {
  const tracker = new OrderTracker();
  const gateway = new ScriptedGateway(tracker, steps);
  const records: Array<{ kind: string; fields: Record<string, unknown> }> = [];
  const deps: TradeDeps = {
    gateway,
    tracker,
    rest: rest as KrakenRestClient | null,
    log: silent,
    journal: {
      append: (kind, tradeId, fields = {}) => {
        records.push({ kind, fields: { ...fields } });
        return { ts: 0, seq: records.length, kind, tradeId };
      },
    },
    nowUs: () => 1_000_100,
    sleep: () => Promise.resolve(),
  };
  const settings = { fillTimeoutMs: 200, maxLocalAgeUs: 1_500, sellRetries: 2, stableFee: 0.002 };
  return {
    gateway,
    records,
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
    const [buy, sell] = h.gateway.orders;
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
    assert.equal(h.gateway.orders.length, 1);
    assert.equal(h.records.find((x) => x.kind === 'reject')?.fields.reason, 'EOrder:Insufficient funds');
  });

  test('every fill of the IOC counts: two partial fills are summed and exactly that is sold', async () => {
    const h = harness([fills([0.5, 100], [0.7, 100.5]), fills([1.2, 93])]);
    const r = await h.run();
    assert.equal(r.status, 'sold');
    assert.equal(h.gateway.orders[1]?.volume, '1.2000');
    assert.equal(r.state.buy.volume, 1.2);
  });

  test('no fill: nothing is sold', async () => {
    const h = harness([fills()]);
    const r = await h.run();
    assert.equal(r.status, 'not-filled');
    assert.equal(h.gateway.orders.length, 1);
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
    assert.equal(h.gateway.orders.length, 4);
    assert.equal(h.records.filter((x) => x.kind === 'sell-failed').length, 3);
    assert.equal(h.records.find((x) => x.kind === 'stranded')?.fields.volume, 2);
  });

  test('a sell that fails once then works sells everything', async () => {
    const h = harness([fills([2, 100]), reject('EService:Unavailable'), fills([2, 93])]);
    const r = await h.run();
    assert.equal(r.status, 'sold');
  });

  test('a buy whose ack is lost is unknown until REST says what happened, then traded on', async () => {
    let asked = 0;
    const rest = {
      openOrders: async () => ({}),
      closedOrders: async () => {
        asked++;
        return {
          count: 1,
          orders: {
            OX: {
              txid: 'OX',
              userref: null,
              clOrdId: undefined,
              status: 'closed',
              reason: undefined,
              pair: 'ABCUSD',
              type: 'buy',
              ordertype: 'limit',
              limitPrice: 100,
              volume: 2,
              volumeExecuted: 2,
              cost: 200,
              fee: 0.8,
              avgPrice: 100,
              opentm: Date.now() / 1000,
              closetm: undefined,
              oflags: '',
              misc: '',
              description: '',
              tradeIds: [],
            },
          },
        };
      },
    } as unknown as Partial<KrakenRestClient>;
    const h = harness([lostAck, fills([2, 93])], rest);
    const r = await h.run();
    assert.ok(asked >= 1);
    assert.equal(r.status, 'sold');
    const k = kinds(h.records);
    assert.ok(k.indexOf('unknown') < k.indexOf('reconciled'));
    // REST's fill is journaled once, from its totals.
    assert.equal(h.records.filter((x) => x.kind === 'fill').length, 1);
  });

  test('an unknown outcome with REST unreachable is never assumed: recorded as unknown', async () => {
    const rest = {
      openOrders: async () => {
        throw new Error('ECONNREFUSED');
      },
      closedOrders: async () => {
        throw new Error('ECONNREFUSED');
      },
    } as unknown as Partial<KrakenRestClient>;
    const h = harness([lostAck], rest);
    const r = await h.run();
    assert.equal(r.status, 'unknown');
    assert.equal(h.gateway.orders.length, 1);
  });

  test('a stale opportunity is never sent', async () => {
    const h = harness([]);
    const o = opportunity();
    const r = await runTrade(
      { ...o, triggerRecvUs: 0 },
      BUY,
      SELL,
      { fillTimeoutMs: 200, maxLocalAgeUs: 1_500, sellRetries: 0, stableFee: 0 },
      {
        gateway: h.gateway,
        tracker: new OrderTracker(),
        rest: null,
        log: silent,
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
    assert.equal(h.gateway.orders.length, 0);
  });
});
