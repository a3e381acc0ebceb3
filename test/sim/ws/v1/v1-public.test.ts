/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClient, isChannel, isEvent, startHarness, type Harness } from './harness.js';

/** The client side of the v1 book checksum, written independently of the server (bitwise CRC32). */
function clientCrc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) {
    c ^= s.charCodeAt(i);
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
const strip = (x: string): string => x.replace('.', '').replace(/^0+(?=.)/, '');

/** A v1 book client: applies snapshot/updates, truncates to depth, verifies every checksum. */
class ClientBook {
  asks = new Map<string, string>();
  bids = new Map<string, string>();
  checked = 0;
  constructor(readonly depth: number) {}
  private sorted(side: 'a' | 'b'): Array<[string, string]> {
    const m = side === 'a' ? this.asks : this.bids;
    return [...m.entries()].sort((x, y) =>
      side === 'a' ? Number(x[0]) - Number(y[0]) : Number(y[0]) - Number(x[0]),
    );
  }
  private truncate(side: 'a' | 'b'): void {
    const m = side === 'a' ? this.asks : this.bids;
    for (const [p] of this.sorted(side).slice(this.depth)) m.delete(p);
  }
  apply(frame: any[]): void {
    const objs = frame.slice(1, frame.length - 2);
    let checksum: string | undefined;
    for (const o of objs) {
      for (const key of ['as', 'bs', 'a', 'b']) {
        const levels = o[key];
        if (levels === undefined) continue;
        const m = key.startsWith('a') ? this.asks : this.bids;
        for (const [p, q] of levels) {
          if (Number(q) === 0) m.delete(p);
          else m.set(p, q);
        }
      }
      if (o.c !== undefined) checksum = o.c;
    }
    this.truncate('a');
    this.truncate('b');
    if (checksum !== undefined) {
      let s = '';
      for (const [p, q] of this.sorted('a').slice(0, 10)) s += strip(p) + strip(q);
      for (const [p, q] of this.sorted('b').slice(0, 10)) s += strip(p) + strip(q);
      assert.equal(checksum, String(clientCrc32(s)), `checksum mismatch on ${JSON.stringify(frame)}`);
      this.checked++;
    }
  }
}

describe('ws v1 public', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ heartbeatMs: 100 });
    // XBT/USD book: 15 levels a side.
    for (let i = 0; i < 15; i++) {
      h.market.set(0, 'bid', 50000 - i * 0.5, 1 + i / 10);
      h.market.set(0, 'ask', 50000.5 + i * 0.5, 2 + i / 10);
    }
    h.market.set(1, 'bid', 3000.12, 1.5);
    h.market.set(1, 'ask', 3000.55, 0.25);
  });
  after(() => h.close());

  async function client(t: { after(fn: () => Promise<void>): void }): Promise<TestClient> {
    const c = await TestClient.open(h.url('/ws/v1/public'));
    t.after(() => c.close());
    return c;
  }

  test('connect: systemStatus with a 64-bit connectionID', async (t) => {
    const c = await client(t);
    const m = await c.next(isEvent('systemStatus'), 'systemStatus');
    assert.equal(m.status, 'online');
    assert.match(m.version, /^1\.9\./);
    assert.match(c.raw[0] as string, /^\{"connectionID":\d{18,20},"event":"systemStatus"/);
  });

  test('ping → pong with reqid', async (t) => {
    const c = await client(t);
    c.send({ event: 'ping', reqid: 42 });
    const m = await c.next(isEvent('pong'), 'pong');
    assert.equal(m.reqid, 42);
  });

  test('subscription errors carry Kraken strings', async (t) => {
    const c = await client(t);
    const cases: Array<[unknown, string, string | undefined]> = [
      [
        { event: 'subscribe', reqid: 1, pair: ['XBT/USD'], subscription: { name: 'book', depth: 42 } },
        'Subscription depth not supported',
        'XBT/USD',
      ],
      [
        { event: 'subscribe', reqid: 2, pair: ['XBT-USDT'], subscription: { name: 'spread' } },
        'Currency pair not in ISO 4217-A3 format XBT-USDT',
        'XBT-USDT',
      ],
      [
        { event: 'subscribe', reqid: 3, pair: ['FOO/BAR'], subscription: { name: 'spread' } },
        'Pair(s) not found',
        'FOO/BAR',
      ],
      [
        { event: 'subscribe', reqid: 4, pair: ['XBT/USD'], subscription: { name: 'bogus' } },
        'Subscription name invalid',
        undefined,
      ],
      [
        { event: 'subscribe', reqid: 5, pair: 'XBT/USD', subscription: { name: 'spread' } },
        'Pair field must be an array',
        undefined,
      ],
      [{ event: 'subscribe', reqid: 6, pair: ['XBT/USD'] }, 'Malformed request', undefined],
      [
        { event: 'subscribe', reqid: 7, subscription: { name: 'ownTrades', token: 'x' } },
        'Private data and trading are unavailable on this endpoint. Try ws-auth.kraken.com',
        undefined,
      ],
      [
        { event: 'unsubscribe', reqid: 8, pair: ['ETH/EUR'], subscription: { name: 'ticker' } },
        'Subscription Not Found',
        'ETH/EUR',
      ],
    ];
    for (const [req, message, pair] of cases) {
      c.send(req);
      const reqid = (req as any).reqid;
      const m = await c.next(
        isEvent('subscriptionStatus', (x) => x.reqid === reqid),
        message,
      );
      assert.equal(m.status, 'error');
      assert.equal(m.errorMessage, message);
      assert.equal(m.pair, pair);
    }
    c.send({ event: 'subscribe', reqid: 9, pair: ['XBT/USD'], subscription: { name: 'spread' } });
    await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 9 && x.status === 'subscribed'),
      'subscribed',
    );
    c.send({ event: 'subscribe', reqid: 10, pair: ['XBT/USD'], subscription: { name: 'spread' } });
    const dup = await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 10),
      'already',
    );
    assert.equal(dup.errorMessage, 'Already subscribed');
    c.send({ event: 'nonsense', reqid: 11 });
    const ev = await c.next(
      isEvent('error', (x) => x.reqid === 11),
      'event not found',
    );
    assert.equal(ev.errorMessage, 'Event(s) not found');
    c.send('{"event":');
    const bad = await c.next(
      isEvent('error', (x) => x.errorMessage === 'Malformed request'),
      'malformed',
    );
    assert.equal(bad.event, 'error');
    c.send({ event: 'addOrder', reqid: 12, token: 'x' });
    const priv = await c.next(
      isEvent('error', (x) => x.reqid === 12),
      'private on public',
    );
    assert.match(priv.errorMessage, /Try ws-auth/);
    // Still alive after all that.
    c.send({ event: 'ping', reqid: 13 });
    await c.next(
      isEvent('pong', (x) => x.reqid === 13),
      'pong after errors',
    );
  });

  test('spread: one status per pair, frames at pair/lot decimals, only on best-level changes', async (t) => {
    const c = await client(t);
    c.send({ event: 'subscribe', reqid: 5, pair: ['XBT/USD', 'ETH/EUR'], subscription: { name: 'spread' } });
    // Each pair: its subscriptionStatus, then its first frame.
    const s1 = await c.next(
      isEvent('subscriptionStatus', (x) => x.pair === 'XBT/USD'),
      'status XBT',
    );
    const first = await c.next(isChannel('spread', 'XBT/USD'), 'initial spread');
    const s2 = await c.next(
      isEvent('subscriptionStatus', (x) => x.pair === 'ETH/EUR'),
      'status ETH',
    );
    for (const s of [s1, s2]) {
      assert.equal(s.status, 'subscribed');
      assert.equal(s.channelName, 'spread');
      assert.equal(s.reqid, 5);
      assert.equal(typeof s.channelID, 'number');
      assert.deepEqual(s.subscription, { name: 'spread' });
    }
    assert.equal(first.length, 4);
    assert.equal(first[0], s1.channelID);
    assert.deepEqual(first[1].slice(0, 2), ['50000.0', '50000.5']);
    assert.match(first[1][2], /^\d{10}\.\d{6}$/);
    assert.deepEqual(first[1].slice(3), ['1.00000000', '2.00000000']);
    const eth = await c.next(isChannel('spread', 'ETH/EUR'), 'initial ETH spread');
    assert.deepEqual(
      [eth[1][0], eth[1][1], eth[1][3], eth[1][4]],
      ['3000.12', '3000.55', '1.50000000', '0.25000000'],
    );
    const before = c.raw.length;
    // A change below the best levels: no spread frame. Then a best-bid change: one frame.
    h.market.apply(0, [[49990, 3]], []);
    h.market.apply(0, [[50000.2, 0.75]], []);
    const upd = await c.next(isChannel('spread', 'XBT/USD'), 'spread update');
    assert.deepEqual(upd[1].slice(0, 2), ['50000.2', '50000.5']);
    assert.equal(upd[1][3], '0.75000000');
    const spreadsSince = c.msgs.slice(before).filter((m) => isChannel('spread')(m, '')).length;
    assert.equal(spreadsSince, 1);
    h.market.apply(0, [[50000.2, 0]], []);
    await c.next(isChannel('spread', 'XBT/USD'), 'spread back');
  });

  test('ticker: docs/kraken-protocol.md §1.7 shape', async (t) => {
    const c = await client(t);
    c.send({ event: 'subscribe', pair: ['ETH/EUR'], subscription: { name: 'ticker' } });
    const st = await c.next(isEvent('subscriptionStatus'), 'status');
    assert.equal(st.channelName, 'ticker');
    assert.equal(st.reqid, undefined);
    const f = await c.next(isChannel('ticker', 'ETH/EUR'), 'ticker');
    const o = f[1];
    assert.deepEqual(o.a, ['3000.55', 0, '0.25000000']);
    assert.deepEqual(o.b, ['3000.12', 1, '1.50000000']);
    for (const k of ['c', 'v', 'p', 'l', 'h', 'o']) {
      assert.equal(o[k].length, 2, k);
      for (const v of o[k]) assert.equal(typeof v, 'string', k);
    }
    assert.deepEqual(
      o.t.map((x: unknown) => typeof x),
      ['number', 'number'],
    );
    h.market.apply(1, [], [[3000.5, 1]]);
    const g = await c.next(isChannel('ticker', 'ETH/EUR'), 'ticker update');
    assert.equal(g[1].a[0], '3000.50');
    h.market.apply(1, [], [[3000.5, 0]]);
  });

  test('book: statuses, snapshot depth, updates with valid checksums (client recomputes)', async (t) => {
    const c = await client(t);
    const book10 = new ClientBook(10);
    const book25 = new ClientBook(25);
    c.send({ event: 'subscribe', reqid: 77, pair: ['XBT/USD'], subscription: { name: 'book' } });
    c.send({ event: 'subscribe', reqid: 78, pair: ['XBT/USD'], subscription: { name: 'book', depth: 25 } });
    const s10 = await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 77),
      'book-10 status',
    );
    assert.equal(s10.channelName, 'book-10');
    assert.deepEqual(s10.subscription, { depth: 10, name: 'book' });
    const snap10 = await c.next(isChannel('book-10', 'XBT/USD'), 'snapshot 10');
    const s25 = await c.next(
      isEvent('subscriptionStatus', (x) => x.reqid === 78),
      'book-25 status',
    );
    assert.equal(s25.channelName, 'book-25');
    const snap25 = await c.next(isChannel('book-25', 'XBT/USD'), 'snapshot 25');
    assert.equal(snap10[1].as.length, 10);
    assert.equal(snap10[1].bs.length, 10);
    assert.equal(snap25[1].as.length, 15);
    assert.equal(snap10[1].c, undefined);
    assert.deepEqual(snap10[1].as[0].slice(0, 2), ['50000.5', '2.00000000']);
    assert.match(snap10[1].as[0][2], /^\d{10}\.\d{6}$/);
    assert.deepEqual(snap10[1].bs[0].slice(0, 2), ['50000.0', '1.00000000']);
    book10.apply(snap10);
    book25.apply(snap25);

    // A scripted sequence: inserts, deletes inside the window (a level must move in), both sides at
    // once, a change outside depth 10, and a take() the market never reported.
    const steps: Array<() => void> = [
      () => h.market.apply(0, [], [[50000.5, 1.25]]),
      () => h.market.apply(0, [[50000.0, 0]], []),
      () => h.market.apply(0, [[49999.9, 0.3]], [[50000.3, 0.9]]),
      () => h.market.apply(0, [[49990.0, 0.5]], []),
      () => {
        h.market.take(0, 'ask', 1.5, Infinity);
        h.market.apply(0, [[49999.8, 0.1]], []);
      },
      () =>
        h.market.apply(
          0,
          [],
          [
            [50001.5, 0],
            [50002.0, 0],
            [50003.0, 7],
          ],
        ),
    ];
    let updates10 = 0;
    let sawTwoSides = false;
    for (const step of steps) {
      const from = c.msgs.length;
      step();
      await c.until(
        () =>
          c.msgs.slice(from).some((m) => isChannel('book-10')(m, '')) ||
          c.msgs.slice(from).some((m) => isChannel('book-25')(m, '')),
        'book update',
      );
      // Give the second channel's frame (written in the same tick) a chance: both are sent synchronously.
      for (const m of c.msgs.slice(from) as any[]) {
        if (isChannel('book-10')(m, '')) {
          updates10++;
          assert.ok(m.length === 4 || m.length === 5);
          if (m.length === 5) sawTwoSides = true;
          assert.equal(m[0], s10.channelID);
          book10.apply(m);
        } else if (isChannel('book-25')(m, '')) {
          book25.apply(m);
        }
      }
    }
    assert.ok(updates10 >= 5, `updates on book-10: ${updates10}`);
    assert.ok(sawTwoSides, 'a two-sided update (length 5)');
    assert.ok(book10.checked >= 5);
    assert.ok(book25.checked >= 5);
    // The client's book equals the market's top 10.
    const top = h.market
      .levels(0, 'ask')
      .slice(0, 10)
      .map((l) => l.price.toFixed(1));
    assert.deepEqual(
      [...book10.asks.keys()].sort((a, b) => Number(a) - Number(b)),
      top,
    );
  });

  test('heartbeat only on a subscribed idle connection', async (t) => {
    const idle = await client(t);
    const c = await client(t);
    c.send({ event: 'subscribe', pair: ['XDG/USD'], subscription: { name: 'spread' } });
    await c.next(isEvent('heartbeat'), 'heartbeat');
    await c.next(isEvent('heartbeat'), 'second heartbeat');
    assert.equal(idle.indexOf(isEvent('heartbeat')), -1);
  });

  test('dislocation: the first frame carrying it is stamped once', async () => {
    const stamps: Array<[number, bigint]> = [];
    const h2 = await startHarness({ onDislocationFrameWritten: (id, ns) => stamps.push([id, ns]) });
    try {
      h2.market.set(0, 'bid', 100, 1);
      h2.market.set(0, 'ask', 101, 1);
      const a = await TestClient.open(h2.url('/ws/v1/public'));
      const b = await TestClient.open(h2.url('/ws/v1/public'));
      try {
        for (const c of [a, b]) {
          c.send({ event: 'subscribe', pair: ['XBT/USD'], subscription: { name: 'spread' } });
          await c.next(isChannel('spread'), 'initial');
        }
        h2.market.apply(0, [], [[99.5, 1]], 7);
        await a.next(isChannel('spread'), 'a');
        await b.next(isChannel('spread'), 'b');
        assert.equal(stamps.length, 1);
        assert.equal(stamps[0]?.[0], 7);
        assert.equal(typeof stamps[0]?.[1], 'bigint');
        assert.equal(h2.ws.stats().public.subscriptions, 2);
      } finally {
        await a.close();
        await b.close();
      }
    } finally {
      await h2.close();
    }
  });
});
