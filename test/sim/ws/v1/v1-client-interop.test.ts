/**
 * The project's own v1 clients (src/kraken/ws) against these servers inside the real simulator:
 * spreads reach KrakenPublicV1's scanner without rejects, and KrakenPrivateV1 gets an ack, fills
 * and the order's end with no sequence gap or malformed frame.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../../../src/sim/simulator.js';
import { KrakenPublicV1 } from '../../../../src/kraken/ws/v1/public.js';
import { KrakenPrivateV1 } from '../../../../src/kraken/ws/v1/private.js';
import { waitFor } from './harness.js';

test('KrakenPublicV1 and KrakenPrivateV1 work against the v1 servers', async (t) => {
  const sim = await startSimulator({ seed: 11, coins: 3, updatesPerSecond: 300 });
  t.after(() => sim.stop());
  const pairs = sim.market.pairs.slice(0, 4).map((p) => p.wsname);
  let spreads = 0;
  let rejected = 0;
  const errors: string[] = [];
  const pub = new KrakenPublicV1(
    { url: sim.urls.wsPublic, pairs },
    {
      onSpread: () => {
        spreads++;
      },
      onRejectedFrame: () => {
        rejected++;
      },
      onProtocolError: (code, message) => {
        errors.push(`${code}: ${message}`);
      },
    },
  );
  t.after(() => pub.close());
  pub.start();
  await waitFor(() => spreads >= 20, '20 spreads', 10_000);
  assert.equal(rejected, 0);
  assert.deepEqual(errors, []);

  const privErrors: string[] = [];
  const statuses: string[] = [];
  let gaps = 0;
  let snapshots = 0;
  const priv = new KrakenPrivateV1(
    { url: sim.urls.wsPrivate, getToken: async () => sim.venue.issueToken(sim.apiKey).token },
    {
      onError: (code, message) => {
        privErrors.push(`${code}: ${message}`);
      },
      onGap: () => {
        gaps++;
      },
      onOrder: (order) => {
        statuses.push(String(order.status));
      },
      onSnapshot: () => {
        snapshots++;
      },
      onChannelStatus: () => undefined,
    },
  );
  t.after(() => priv.close());
  priv.start();
  await waitFor(() => snapshots >= 2, 'ownTrades and openOrders snapshots', 10_000);
  const pair = sim.market.pairs[0];
  const best = sim.market.levels(0, 'ask')[0];
  assert.ok(pair !== undefined && best !== undefined);
  const res = await priv.addOrder({
    ordertype: 'limit',
    type: 'buy',
    pair: pair.wsname,
    volume: Math.max(pair.ordermin, 20 / best.price).toFixed(pair.lotDecimals),
    price: (best.price * 1.02).toFixed(pair.pairDecimals),
    timeinforce: 'IOC',
  });
  assert.equal(res.status, 'ok', JSON.stringify(res));
  await waitFor(() => statuses.includes('closed') || statuses.includes('canceled'), 'order end', 5000);
  assert.equal(gaps, 0);
  assert.equal(priv.stats.malformedFrames, 0);
  assert.equal(priv.stats.sequenceGaps, 0);
  assert.deepEqual(privErrors, []);
});
