/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
/**
 * Property: whatever the sequence of book changes (inserts, updates, deletes, unreported takes,
 * stalls), a client that applies the book frames in order and truncates to depth holds exactly the
 * market's top-N, and every checksum it recomputes matches. Drives the feed directly (no sockets).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { WebSocket } from 'ws';
import { crc32 } from '../../../../src/kraken/book-checksum.js';
import { WsConn, WsOutput } from '../../../../src/sim/ws/shared/ws-output.js';
import { V1PublicFeed } from '../../../../src/sim/ws/v1/public-feed.js';
import { FakeMarket } from '../shared/fakes.js';

const strip = (x: string): string => x.replace('.', '').replace(/^0+(?=.)/, '');

type Op =
  | { kind: 'set'; side: 'bid' | 'ask'; tick: number; qty: number }
  | { kind: 'take'; qty: number }
  | { kind: 'stall'; on: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      side: fc.constantFrom('bid' as const, 'ask' as const),
      tick: fc.integer({ min: 0, max: 30 }),
      qty: fc.integer({ min: 0, max: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('take' as const), qty: fc.integer({ min: 1, max: 6 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stall' as const), on: fc.boolean() }) },
);

test('book frames always rebuild the market top-N with matching checksums', () => {
  fc.assert(
    fc.property(fc.constantFrom(10, 25), fc.array(opArb, { minLength: 1, maxLength: 80 }), (depth, ops) => {
      const market = new FakeMarket();
      // XDG/USD: 7 price decimals, prices around 0.1 (leading zeros in the checksum strings).
      const pi = 2;
      for (let i = 0; i < 12; i++) {
        market.set(pi, 'bid', 0.1 - (i + 1) * 1e-5, 100 + i);
        market.set(pi, 'ask', 0.1 + i * 1e-5, 100 + i);
      }
      const frames: string[] = [];
      const ws = {
        readyState: 1,
        bufferedAmount: 0,
        send: (s: string) => frames.push(s),
      } as unknown as WebSocket;
      const conn = new WsConn(ws, 1);
      let stalled = false;
      const feed = new V1PublicFeed(market, new WsOutput(), () => stalled);
      market.onChange((c) => feed.onChange(c));
      feed.subscribe(conn, pi, 'book', depth, () => undefined);
      const asks = new Map<string, string>();
      const bids = new Map<string, string>();
      const sorted = (m: Map<string, string>, asc: boolean): Array<[string, string]> =>
        [...m.entries()].sort((x, y) => (asc ? Number(x[0]) - Number(y[0]) : Number(y[0]) - Number(x[0])));
      const apply = (): void => {
        for (const s of frames.splice(0)) {
          const m = JSON.parse(s) as any[];
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
          for (const [p] of sorted(asks, true).slice(depth)) asks.delete(p);
          for (const [p] of sorted(bids, false).slice(depth)) bids.delete(p);
          if (cs !== undefined) {
            let str = '';
            for (const [p, q] of sorted(asks, true).slice(0, 10)) str += strip(p) + strip(q);
            for (const [p, q] of sorted(bids, false).slice(0, 10)) str += strip(p) + strip(q);
            assert.equal(cs, String(crc32(str)));
          }
        }
      };
      apply();
      for (const op of ops) {
        if (op.kind === 'stall') stalled = op.on;
        else if (op.kind === 'take') market.take(pi, 'ask', op.qty * 50, Infinity);
        else {
          const price = op.side === 'bid' ? 0.1 - (op.tick + 1) * 1e-5 : 0.1 + op.tick * 1e-5;
          market.apply(
            pi,
            op.side === 'bid' ? [[price, op.qty * 10]] : [],
            op.side === 'ask' ? [[price, op.qty * 10]] : [],
          );
        }
        apply();
      }
      // One final reported change with the stall off: the client must now equal the market.
      stalled = false;
      market.apply(pi, [[0.05, 1]], []);
      apply();
      const want = (side: 'bid' | 'ask'): string[] =>
        market
          .levels(pi, side)
          .slice(0, depth)
          .map((l) => l.price.toFixed(7));
      assert.deepEqual(
        sorted(asks, true).map(([p]) => p),
        want('ask'),
      );
      assert.deepEqual(
        sorted(bids, false).map(([p]) => p),
        want('bid'),
      );
    }),
    { numRuns: 150, seed: 42 },
  );
});
