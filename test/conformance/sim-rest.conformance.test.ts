/* eslint-disable @typescript-eslint/no-explicit-any -- answers are arbitrary JSON */
/**
 * The simulator's REST answers have the corpus's shapes: public (Time, SystemStatus, AssetPairs)
 * and private (BalanceEx, TradeVolume, GetWebSocketsToken, AddOrder, QueryOrders, OpenOrders,
 * ClosedOrders), each against the corpus answer of the same kind. Allowed differences carry
 * their reason.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.js';
import { privateCall, publicCall } from '../sim/rest/helpers.js';
import { ref, same } from './conformance-helpers.js';

/** Order fields a Kraken answer has only for some orders (margin, links, triggers, client ids, trades). */
const ORDER_SOMETIMES = [
  'link_id',
  'cl_ord_id',
  'trigger',
  'margin',
  'aclass',
  'trades',
  'closetm',
  'reason',
];

describe('simulator REST answers have the corpus shapes', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ port: 0, seed: 5, coins: 14, updatesPerSecond: 50 });
  });
  after(async () => sim.stop());

  test('Time, SystemStatus', async () => {
    same(await publicCall(sim, 'Time'), ref('rest.Time', 'Time'));
    same(await publicCall(sim, 'SystemStatus'), ref('rest.SystemStatus', 'online'));
  });

  test('AssetPairs: a coin pair and a stablecoin pair', async () => {
    const all = (await publicCall(sim, 'AssetPairs', 'pair=XBTUSD,USDTUSD')) as any;
    const live = ref('rest.AssetPairs', 'XXBTZUSD');
    same(all.result['XXBTZUSD'], live.result['XXBTZUSD'], {
      // The capture predates execution_venue; Kraken's current answers carry it.
      mayAdd: ['execution_venue'],
    });
    same(all.result['USDTZUSD'], live.result['USDCUSD'], { mayAdd: ['execution_venue'] });
  });

  test('BalanceEx, TradeVolume (with pairs), GetWebSocketsToken', async () => {
    same(await privateCall(sim, 'BalanceEx'), ref('rest.BalanceEx', 'retail account'));
    same(await privateCall(sim, 'TradeVolume', { pair: 'XXBTZUSD' }), ref('rest.TradeVolume', 'per pair'));
    same(await privateCall(sim, 'GetWebSocketsToken'), ref('rest.GetWebSocketsToken', 'token'));
  });

  test('AddOrder, then the order in QueryOrders, OpenOrders and ClosedOrders', async () => {
    const bid = sim.market.levels(sim.market.pairIndex('XBT/USD'), 'bid')[0];
    const ask = sim.market.levels(sim.market.pairIndex('XBT/USD'), 'ask')[0];
    assert.ok(bid && ask);
    const resting = await privateCall(sim, 'AddOrder', {
      pair: 'XBTUSD',
      type: 'buy',
      ordertype: 'limit',
      price: (bid.price * 0.5).toFixed(1),
      volume: '0.001',
      oflags: 'fciq',
    });
    same(resting, ref('rest.AddOrder', 'market buy LTC/USDT'));
    const txid = (resting as any).result.txid[0] as string;
    // Order times and userref: numbers in one capture, strings in ccxt's recordings; the simulator
    // sends numbers, so its orders are checked against the capture with numbers, in the same wrapper.
    const order = Object.values(ref('rest.QueryOrders', 'canceled order').result)[0];
    same(
      await privateCall(sim, 'OpenOrders'),
      { error: [], result: { open: { OAAAAA: order } } },
      // reason: null while the order has none (ccxt's recorded open order), text once it has one.
      { mayMiss: ORDER_SOMETIMES, nullable: ['reason'] },
    );
    const filled = (await privateCall(sim, 'AddOrder', {
      pair: 'XBTUSD',
      type: 'buy',
      ordertype: 'limit',
      price: ask.price.toFixed(1),
      volume: '0.001',
      timeinforce: 'IOC',
      oflags: 'fciq',
    })) as any;
    const closedId = filled.result.txid[0] as string;
    const q = await privateCall(sim, 'QueryOrders', { txid: `${txid},${closedId}`, trades: 'true' });
    same(q, ref('rest.QueryOrders', 'canceled order'), { mayMiss: ORDER_SOMETIMES, nullable: ['reason'] });
    same(await privateCall(sim, 'ClosedOrders'), ref('rest.ClosedOrders', 'closed and canceled'), {
      mayMiss: ORDER_SOMETIMES,
      nullable: ['reason'],
    });
  });

  test('an error answer is the envelope with the error list', async () => {
    const r = await privateCall(sim, 'AddOrder', {
      pair: 'XBTUSD',
      type: 'buy',
      ordertype: 'limit',
      price: '1.05',
      volume: '1',
    });
    assert.deepEqual(Object.keys(r).sort(), ['error']);
    assert.equal(r.error[0], 'EOrder:Invalid price:XBTUSD price can only be specified up to 1 decimals.');
  });
});
