/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
/**
 * The v1 servers inside the real simulator (real market model and venue): book checksums hold over
 * a live feed, and an IOC order produces the documented frame order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../../../src/sim/simulator.js';
import { TestClient, isChannel, isEvent } from './harness.js';

const crc = (s: string): number => {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) {
    c ^= s.charCodeAt(i);
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
};
const strip = (x: string): string => x.replace('.', '').replace(/^0+(?=.)/, '');

test('real simulator: live book-10 checksums verify; IOC order frames in order', async (t) => {
  const sim = await startSimulator({ seed: 7, coins: 3, updatesPerSecond: 400 });
  t.after(() => sim.stop());
  const pair = sim.market.pairs[0];
  assert.ok(pair !== undefined);
  const c = await TestClient.open(sim.urls.wsPublic);
  t.after(() => c.close());
  c.send({ event: 'subscribe', pair: [pair.wsname], subscription: { name: 'book', depth: 10 } });
  const asks = new Map<string, string>();
  const bids = new Map<string, string>();
  const sorted = (m: Map<string, string>, asc: boolean): Array<[string, string]> =>
    [...m.entries()].sort((x, y) => (asc ? Number(x[0]) - Number(y[0]) : Number(y[0]) - Number(x[0])));
  let verified = 0;
  const UPDATES = 40;
  await c.until(
    () => {
      for (const m of c.msgs.splice(0) as any[]) {
        if (!isChannel('book-10')(m, '')) continue;
        let cs: string | undefined;
        for (const o of m.slice(1, -2)) {
          for (const k of ['as', 'bs', 'a', 'b']) {
            for (const [p, q] of o[k] ?? []) {
              const side = k.startsWith('a') ? asks : bids;
              if (Number(q) === 0) side.delete(p);
              else side.set(p, q);
            }
          }
          cs = o.c ?? cs;
        }
        for (const [side, asc] of [
          [asks, true],
          [bids, false],
        ] as const)
          for (const [p] of sorted(side, asc).slice(10)) side.delete(p);
        if (cs !== undefined) {
          let s = '';
          for (const [p, q] of sorted(asks, true).slice(0, 10)) s += strip(p) + strip(q);
          for (const [p, q] of sorted(bids, false).slice(0, 10)) s += strip(p) + strip(q);
          assert.equal(cs, String(crc(s)), `checksum mismatch on ${JSON.stringify(m)}`);
          verified++;
        }
      }
      c.raw.splice(0);
      return verified >= UPDATES;
    },
    `${UPDATES} verified book updates`,
    15_000,
  );

  const p = await TestClient.open(sim.urls.wsPrivate);
  t.after(() => p.close());
  const { token } = sim.venue.issueToken(sim.apiKey);
  p.send({ event: 'subscribe', subscription: { name: 'openOrders', token } });
  await p.next((m) => Array.isArray(m) && m[1] === 'openOrders', 'snapshot');
  const best = sim.market.levels(0, 'ask')[0];
  assert.ok(best !== undefined);
  const volume = Math.max(pair.ordermin, 10 / best.price).toFixed(pair.lotDecimals);
  const price = (best.price * 1.01).toFixed(pair.pairDecimals);
  p.send({
    event: 'addOrder',
    reqid: 9,
    token,
    pair: pair.wsname,
    type: 'buy',
    ordertype: 'limit',
    timeinforce: 'IOC',
    price,
    volume,
  });
  const ack = await p.next(isEvent('addOrderStatus'), 'ack', 5000);
  assert.equal(ack.status, 'ok', JSON.stringify(ack));
  await p.until(
    () => p.msgs.some((m: any) => Array.isArray(m) && /"(closed|canceled)"/.test(JSON.stringify(m))),
    'order end',
  );
  const ackAt = p.msgs.indexOf(ack);
  const pendingAt = p.msgs.findIndex((m: any) => Array.isArray(m) && JSON.stringify(m).includes('"pending"'));
  const endAt = p.msgs.findIndex(
    (m: any) => Array.isArray(m) && /"(closed|canceled)"/.test(JSON.stringify(m)),
  );
  assert.ok(
    pendingAt >= 0 && pendingAt < ackAt && ackAt < endAt,
    `pending ${pendingAt} < ack ${ackAt} < end ${endAt}`,
  );
});
