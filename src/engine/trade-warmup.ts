/**
 * Warms the trade path before the first real opportunity: runs whole trades against an in-memory
 * gateway and journal so V8 has compiled runTrade, the state machine, formatting and journaling
 * before money depends on them. Measured on the demo: the first real trade's decision-to-send was
 * ~10 ms cold against ~1 ms for the next ones. Nothing here touches a socket or a file.
 */
import { OPPORTUNITY_FIELDS, readOpportunity, writeOpportunity } from '../core/opportunity.js';
import type { PairInfo } from '../core/pair.js';
import type { JournalRecord } from '../journal/journal-record.js';
import type { Logger } from '../log/logger.js';
import type { GatewayAck, GatewayOrder, OrderGateway } from './order-gateway.js';
import { OrderTracker } from './order-tracker.js';
import { runTrade } from './trade-runner.js';

const WARMUP_TRADES = 200;

class LoopbackGateway implements OrderGateway {
  private n = 0;
  constructor(private readonly tracker: OrderTracker) {}
  isReady(): boolean {
    return true;
  }
  start(): void {}
  close(): void {}
  addOrder(order: GatewayOrder): Promise<GatewayAck> {
    const txid = `WARMUP-${++this.n}`;
    const volume = Number(order.volume);
    const price = order.price !== undefined ? Number(order.price) : 1;
    // Fill and close on the next microtask, as a real ack would come later than the send.
    queueMicrotask(() => {
      this.tracker.addFill(txid, {
        tradeId: `${txid}-T`,
        volume,
        price,
        cost: volume * price,
        fee: volume * price * 0.004,
      });
      this.tracker.updateOrder(txid, {
        status: 'closed',
        volExec: volume,
        cost: volume * price,
        fee: volume * price * 0.004,
      });
    });
    return Promise.resolve({ status: 'ok', txid });
  }
}

const silent: Logger = { level: 'error', debug() {}, info() {}, warn() {}, error() {} };

export async function warmUpTrades(pairs: readonly PairInfo[], nowUs: () => number): Promise<number> {
  const buy = pairs[2];
  const sell = pairs[3];
  if (buy === undefined || sell === undefined) return 0;
  const tracker = new OrderTracker();
  const gateway = new LoopbackGateway(tracker);
  let seq = 0;
  const journal = {
    append: (
      kind: JournalRecord['kind'],
      tradeId: string,
      fields: Readonly<Record<string, unknown>> = {},
    ): JournalRecord => {
      // Serialise as the real writer does, so JSON.stringify of these shapes is warm too.
      JSON.stringify({ ts: nowUs(), seq: ++seq, kind, tradeId, ...fields });
      return { ts: 0, seq, kind, tradeId };
    },
  };
  const buf = new Float64Array(OPPORTUNITY_FIELDS);
  const template = readOpportunity(buf);
  let done = 0;
  for (let i = 0; i < WARMUP_TRADES; i++) {
    const volume = Math.max(buy.ordermin, sell.ordermin) * 2;
    writeOpportunity(buf, 0, {
      ...template,
      seq: i,
      buyPair: 2,
      sellPair: 3,
      buyPrice: 100,
      sellPrice: 101,
      volume,
      roi: 1.01,
      fee: 0.004,
      triggerRecvUs: nowUs(),
      usdtUsd: { bid: 1, ask: 1.0001, bidVol: 1, askVol: 1 },
      usdtEur: { bid: 0.92, ask: 0.9201, bidVol: 1, askVol: 1 },
    });
    const r = await runTrade(
      readOpportunity(buf),
      buy,
      sell,
      { fillTimeoutMs: 1000, maxLocalAgeUs: 1e9, sellRetries: 1, stableFee: 0.002 },
      {
        gateway,
        tracker,
        rest: null,
        journal,
        log: silent,
        nowUs,
        sleep: () => Promise.resolve(),
      },
    );
    if (r.status === 'sold') done++;
  }
  return done;
}
