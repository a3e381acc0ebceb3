/**
 * The trade-path warmer runs the real runTrade in memory: whole trades at start-up, and rehearsals
 * that stop at the buy's frame (built by the real builder, never sent) between opportunities.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TradePathWarmer } from '../../../src/engine/trade/trade-warmup.js';
import type { OrderRequest } from '../../../src/engine/trade/order-entry.js';
import { testPair } from '../../helpers/test-pair.js';

const PAIRS = [testPair('USDT/USD'), testPair('USDT/EUR'), testPair('ABC/USD'), testPair('ABC/EUR')];
let clock = 1_000_000;
const nowUs = (): number => (clock += 10);

describe('TradePathWarmer', () => {
  test('warmUp runs whole trades: every buy and sell frame goes through the builder', async () => {
    const built: OrderRequest[] = [];
    const warmer = new TradePathWarmer(PAIRS, nowUs, (o) => built.push(o));
    assert.equal(await warmer.warmUp(5), 5, 'all five sold');
    assert.deepEqual(
      built.map((o) => `${o.side} ${o.ordertype} ${o.pair.wsname}`),
      Array.from({ length: 5 }, () => ['buy limit ABC/USD', 'sell market ABC/EUR']).flat(),
    );
  });

  test('rehearse builds one IOC buy frame and ends there: no sell', () => {
    const built: OrderRequest[] = [];
    const warmer = new TradePathWarmer(PAIRS, nowUs, (o) => built.push(o));
    warmer.rehearse();
    warmer.rehearse();
    assert.deepEqual(
      built.map((o) => `${o.side} ${o.ordertype} ${o.timeinforce} ${o.pair.wsname}`),
      ['buy limit IOC ABC/USD', 'buy limit IOC ABC/USD'],
    );
  });

  test('a builder that throws fails the rehearsal (the trader logs it) and the next one still runs', () => {
    let calls = 0;
    const warmer = new TradePathWarmer(PAIRS, nowUs, () => {
      calls++;
      if (calls === 1) throw new Error('E_BAD_ORDER: volume');
    });
    assert.throws(() => warmer.rehearse(), /E_BAD_ORDER/);
    warmer.rehearse();
    assert.equal(calls, 2);
  });

  test('without the pairs it needs, nothing runs', async () => {
    const warmer = new TradePathWarmer(PAIRS.slice(0, 2), nowUs, () => assert.fail('no frame'));
    assert.equal(await warmer.warmUp(3), 0);
    warmer.rehearse();
  });
});
