/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, BTC, DOGE, PAIRS, startHarness, type Harness } from './harness.js';
import { LocalBook, RFC3339_US, V2Client, decimalsOf, isAck, isChannel, numberTexts } from './v2-client.js';

describe('WS v2 public', () => {
  let h: Harness;
  const clients: V2Client[] = [];
  const open = async (): Promise<V2Client> => {
    const c = await V2Client.open(h.publicUrl);
    clients.push(c);
    return c;
  };
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await h.close();
  });

  test('status on connect (connection_id above 2^53 as a bare number), ping → pong', async () => {
    const c = await open();
    const st = await c.next(isChannel('status', 'update'), 'status');
    assert.equal(st.data[0].api_version, 'v2');
    assert.equal(st.data[0].system, 'online');
    assert.match(st.data[0].version, /^2\.0\.\d+$/);
    assert.match(c.raw[0] as string, /"connection_id":\d{16,20},/);
    assert.ok(st.data[0].connection_id > 2 ** 53);
    c.send({ method: 'ping', req_id: 101 });
    const pong = await c.next(isAck('pong'), 'pong');
    assert.equal(pong.req_id, 101);
    assert.equal(pong.success, true);
    assert.match(pong.time_in, RFC3339_US);
    assert.match(pong.time_out, RFC3339_US);
  });

  test('one ack per symbol; a v1 name is "Currency pair not supported"', async () => {
    const c = await open();
    c.send({
      method: 'subscribe',
      params: { channel: 'ticker', symbol: ['BTC/USD', 'XBT/USD', 'DOGE/USD'] },
      req_id: 7,
    });
    const a1 = await c.next(isAck('subscribe'), 'ack 1');
    const a2 = await c.next(isAck('subscribe'), 'ack 2');
    const a3 = await c.next(isAck('subscribe'), 'ack 3');
    assert.deepEqual(
      { ...a1, time_in: 0, time_out: 0 },
      {
        method: 'subscribe',
        req_id: 7,
        result: { channel: 'ticker', event_trigger: 'trades', snapshot: true, symbol: 'BTC/USD' },
        success: true,
        time_in: 0,
        time_out: 0,
      },
    );
    assert.equal(a2.success, false);
    assert.equal(a2.error, 'Currency pair not supported XBT/USD');
    assert.equal(a2.symbol, 'XBT/USD');
    assert.equal(a2.req_id, 7);
    assert.match(a2.time_in, RFC3339_US);
    assert.equal(a3.result.symbol, 'DOGE/USD');
    c.send({ method: 'subscribe', params: { channel: 'ticker', symbol: ['BTC/USD'] }, req_id: 8 });
    const dup = await c.next(isAck('subscribe'), 'duplicate ack');
    assert.equal(dup.error, 'Already subscribed');
    c.send({ method: 'unsubscribe', params: { channel: 'ticker', symbol: ['BTC/USD'] }, req_id: 9 });
    const un = await c.next(isAck('unsubscribe'), 'unsubscribe ack');
    assert.deepEqual(un.result, { channel: 'ticker', event_trigger: 'trades', symbol: 'BTC/USD' });
    c.send({ method: 'unsubscribe', params: { channel: 'ticker', symbol: ['BTC/USD'] }, req_id: 10 });
    assert.equal((await c.next(isAck('unsubscribe'), 'second unsubscribe')).error, 'Subscription Not Found');
  });

  test('bad requests get a clear error ack and the connection lives on', async () => {
    const c = await open();
    const cases: Array<[unknown, string]> = [
      ['{"method":"subscribe",', 'Malformed request'],
      [{ method: 'subscribe', req_id: 1 }, 'EGeneral:Invalid arguments:params'],
      [
        { method: 'subscribe', params: { channel: 'nope', symbol: ['BTC/USD'] }, req_id: 2 },
        'EGeneral:Invalid arguments:channel',
      ],
      [
        { method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 7 }, req_id: 3 },
        'EGeneral:Invalid arguments:depth',
      ],
      [
        { method: 'subscribe', params: { channel: 'ticker', symbol: 'BTC/USD' }, req_id: 4 },
        'EGeneral:Invalid arguments:symbol',
      ],
      [
        {
          method: 'subscribe',
          params: { channel: 'ticker', symbol: ['BTC/USD'], event_trigger: 'x' },
          req_id: 5,
        },
        'EGeneral:Invalid arguments:event_trigger',
      ],
      [
        { method: 'subscribe', params: { channel: 'executions', token: 'x' }, req_id: 6 },
        'Private data and trading are unavailable on this endpoint. Try ws-auth.kraken.com/v2',
      ],
      [
        { method: 'add_order', params: {}, req_id: 7 },
        'Private data and trading are unavailable on this endpoint. Try ws-auth.kraken.com/v2',
      ],
      [{ method: 'dance', req_id: 8 }, 'Method not found'],
    ];
    for (const [req, error] of cases) {
      c.send(req);
      const m = await c.next((x) => x?.success === false, `error for ${JSON.stringify(req)}`);
      assert.equal(m.error, error, JSON.stringify(req));
    }
    c.send({ method: 'ping', req_id: 99 });
    assert.equal((await c.next(isAck('pong'), 'pong')).req_id, 99);
    assert.ok(h.ws.stats().public.badInput >= cases.length);
  });

  test('instrument snapshot: v2 symbols and precisions from the pair data', async () => {
    const c = await open();
    c.send({ method: 'subscribe', params: { channel: 'instrument' }, req_id: 79 });
    const ack = await c.next(isAck('subscribe'), 'ack');
    assert.deepEqual(ack.result, { channel: 'instrument', snapshot: true });
    const snap = await c.next(isChannel('instrument', 'snapshot'), 'instrument snapshot');
    assert.ok(!Array.isArray(snap.data), 'data is an object');
    assert.equal(snap.data.pairs.length, PAIRS.length);
    const btc = snap.data.pairs.find((p: any) => p.symbol === 'BTC/USD');
    assert.equal(btc.base, 'BTC');
    assert.equal(btc.quote, 'USD');
    assert.equal(btc.status, 'online');
    assert.equal(btc.qty_precision, 8);
    assert.equal(btc.price_precision, 1);
    assert.equal(btc.price_increment, 0.1);
    assert.equal(btc.tick_size, 0.1);
    assert.equal(btc.qty_increment, 1e-8);
    assert.equal(btc.qty_min, 0.0001);
    assert.equal(btc.cost_min, 0.5);
    assert.equal(btc.marginable, false);
    const doge = snap.data.pairs.find((p: any) => p.symbol === 'DOGE/USD');
    assert.equal(doge.base, 'DOGE');
    assert.equal(doge.price_precision, 7);
    assert.ok(snap.data.assets.some((a: any) => a.id === 'BTC' && a.status === 'enabled'));
    assert.ok(!snap.data.assets.some((a: any) => a.id === 'XBT'), 'v2 asset names');
  });

  test('ticker bbo: snapshot, then an update exactly when best bid/ask or their qty change', async () => {
    const c = await open();
    c.send({
      method: 'subscribe',
      params: { channel: 'ticker', symbol: ['BTC/USD'], event_trigger: 'bbo' },
      req_id: 1,
    });
    assert.equal((await c.next(isAck('subscribe'), 'ack')).result.event_trigger, 'bbo');
    const snap = await c.next(isChannel('ticker', 'snapshot', 'BTC/USD'), 'snapshot');
    const d = snap.data[0];
    assert.equal(snap.data.length, 1);
    assert.deepEqual([d.bid, d.bid_qty, d.ask, d.ask_qty], [50000, 1, 50010, 0.5]);
    for (const k of ['last', 'volume', 'vwap', 'low', 'high', 'change', 'change_pct'])
      assert.equal(typeof d[k], 'number', k);
    assert.match(d.timestamp, RFC3339_US);
    // A change below the top does not move the bbo; the next ticker frame is the one that does.
    h.market.apply(BTC, [[49970, 4]], []);
    h.market.apply(BTC, [[50000, 1.25]], []);
    const up = await c.next(isChannel('ticker', 'update', 'BTC/USD'), 'bbo update');
    assert.deepEqual([up.data[0].bid, up.data[0].bid_qty, up.data[0].ask], [50000, 1.25, 50010]);
    h.market.apply(BTC, [], [[50005, 0.3]]);
    const up2 = await c.next(isChannel('ticker', 'update', 'BTC/USD'), 'ask update');
    assert.deepEqual([up2.data[0].ask, up2.data[0].ask_qty], [50005, 0.3]);
    h.market.apply(BTC, [], [[50005, 0]]);
    await c.next(isChannel('ticker', 'update', 'BTC/USD'), 'restore');
  });

  test('book: snapshot + updates with checksums a client recomputes from padded levels', async () => {
    const c = await open();
    const c25 = await open();
    c.send({ method: 'subscribe', params: { channel: 'instrument' } });
    const inst = await c.next(isChannel('instrument', 'snapshot'), 'instrument');
    const prec = (sym: string): any => inst.data.pairs.find((p: any) => p.symbol === sym);
    const btc = prec('BTC/USD');
    const doge = prec('DOGE/USD');
    c.send({
      method: 'subscribe',
      params: { channel: 'book', symbol: ['BTC/USD', 'DOGE/USD'], depth: 10 },
      req_id: 5,
    });
    c25.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 25 }, req_id: 6 });
    assert.deepEqual((await c.next(isAck('subscribe'), 'ack')).result, {
      channel: 'book',
      depth: 10,
      snapshot: true,
      symbol: 'BTC/USD',
    });
    const books = new Map<string, LocalBook>([
      ['BTC/USD', new LocalBook(10, btc.price_precision, btc.qty_precision)],
      ['DOGE/USD', new LocalBook(10, doge.price_precision, doge.qty_precision)],
    ]);
    const b25 = new LocalBook(25, btc.price_precision, btc.qty_precision);
    for (const sym of ['BTC/USD', 'DOGE/USD']) {
      const snap = await c.next(isChannel('book', 'snapshot', sym), `${sym} snapshot`);
      const book = books.get(sym) as LocalBook;
      book.snapshot(snap.data[0]);
      assert.equal(snap.data[0].checksum, book.checksum(), `${sym} snapshot checksum`);
      assert.match(snap.data[0].timestamp, RFC3339_US);
    }
    const s25 = await c25.next(isChannel('book', 'snapshot', 'BTC/USD'), '25 snapshot');
    b25.snapshot(s25.data[0]);
    assert.equal(s25.data[0].checksum, b25.checksum());

    // Fill BTC/USD past 10 levels per side, then change, delete and push levels out of the top 10.
    const bids: Array<[number, number]> = [];
    const asks: Array<[number, number]> = [];
    for (let i = 1; i <= 14; i++) {
      bids.push([49900 - i * 10, i / 10]);
      asks.push([50100 + i * 10, i / 20]);
    }
    h.market.apply(BTC, bids, asks);
    h.market.apply(
      BTC,
      [
        [50000, 0],
        [49995.5, 0.12345678],
      ],
      [[50010, 2.5]],
    );
    h.market.apply(
      BTC,
      [],
      [
        [50011.1, 0.001],
        [50020, 0],
      ],
    );
    h.market.apply(
      DOGE,
      [
        [0.1234567, 123.45678901],
        [0.12345, 0],
      ],
      [[0.1235, 9999.5]],
    );
    const expectUpdates = async (
      client: V2Client,
      book: LocalBook,
      sym: string,
      n: number,
    ): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const u = await client.next(isChannel('book', 'update', sym), `${sym} update ${i}`);
        book.update(u.data[0]);
        assert.equal(u.data[0].checksum, book.checksum(), `${sym} update ${i} checksum`);
        assert.match(u.data[0].timestamp, RFC3339_US);
      }
    };
    await expectUpdates(c, books.get('BTC/USD') as LocalBook, 'BTC/USD', 3);
    await expectUpdates(c, books.get('DOGE/USD') as LocalBook, 'DOGE/USD', 1);
    await expectUpdates(c25, b25, 'BTC/USD', 3);
    // The client's books are exactly the market's top N.
    const top = (pi: number, side: 'bid' | 'ask', n: number): Array<{ price: number; qty: number }> =>
      h.market
        .levels(pi, side)
        .slice(0, n)
        .map((l) => ({ price: l.price, qty: l.qty }));
    assert.deepEqual((books.get('BTC/USD') as LocalBook).bids, top(BTC, 'bid', 10));
    assert.deepEqual((books.get('BTC/USD') as LocalBook).asks, top(BTC, 'ask', 10));
    assert.deepEqual(b25.bids, top(BTC, 'bid', 25));
    assert.deepEqual((books.get('DOGE/USD') as LocalBook).bids, top(DOGE, 'bid', 10));
    // Numbers are JSON numbers with at most the pair's decimals.
    const bookRaw = c.raw.filter((r) => r.startsWith('{"channel":"book"'));
    for (const r of bookRaw) {
      const pd = r.includes('"DOGE/USD"') ? 7 : 1;
      for (const t of numberTexts(r, 'price')) assert.ok(decimalsOf(t) <= pd && !/e/i.test(t), `price ${t}`);
      for (const t of numberTexts(r, 'qty')) assert.ok(decimalsOf(t) <= 8 && !/e/i.test(t), `qty ${t}`);
    }
    assert.ok(
      bookRaw.some((r) => r.includes('"price":0.1234567')),
      'DOGE price at 7 decimals',
    );
    assert.ok(
      bookRaw.some((r) => r.includes('"price":50000,')),
      'trailing zeros dropped',
    );
  });

  test('ticker trades (default): an update on each fill, with last and volume from the fills', async () => {
    const c = await open();
    c.send({ method: 'subscribe', params: { channel: 'ticker', symbol: ['DOGE/USD'] }, req_id: 3 });
    assert.equal((await c.next(isAck('subscribe'), 'ack')).result.event_trigger, 'trades');
    const snap = await c.next(isChannel('ticker', 'snapshot', 'DOGE/USD'), 'snapshot');
    assert.equal(snap.data[0].volume, 0);
    const r = h.venue.addOrder(API_KEY, {
      pair: 'DOGE/USD',
      type: 'buy',
      ordertype: 'limit',
      price: '0.1235',
      volume: '100',
      timeinforce: 'IOC',
    });
    assert.ok(r.ok, JSON.stringify(r));
    // The 1 s tick may refresh the channel first (an earlier test moved DOGE's best bid/ask; that
    // refresh carries no trade): the fill's update is the first one with volume.
    const isUpdate = isChannel('ticker', 'update', 'DOGE/USD');
    const up = await c.next((m, raw) => isUpdate(m, raw) && m.data[0].volume > 0, 'trade update');
    assert.deepEqual([up.data[0].last, up.data[0].volume, up.data[0].vwap], [0.1235, 100, 0.1235]);
  });

  test('heartbeat about every tick once subscribed, none before', async () => {
    const c = await open();
    await c.next(isChannel('status'), 'status');
    c.send({
      method: 'subscribe',
      params: { channel: 'ticker', symbol: ['DOGE/USD'], event_trigger: 'bbo' },
    });
    await c.next(isChannel('heartbeat'), 'heartbeat');
    const firstHb = c.indexOf(isChannel('heartbeat'));
    const firstAck = c.indexOf(isAck('subscribe'));
    assert.ok(firstAck < firstHb, 'heartbeats only after a subscription');
  });
});

describe('WS v2 public: one frame per change for all subscribers', () => {
  test('two subscribers get byte-identical update frames', async (t) => {
    const h = await startHarness();
    const a = await V2Client.open(h.publicUrl);
    const b = await V2Client.open(h.publicUrl);
    t.after(async () => {
      await Promise.all([a.close(), b.close()]);
      await h.close();
    });
    for (const c of [a, b]) c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'] } });
    await a.next(isChannel('book', 'snapshot'), 'a snapshot');
    await b.next(isChannel('book', 'snapshot'), 'b snapshot');
    h.market.apply(BTC, [[49999.9, 3]], []);
    const ua = await a.next(isChannel('book', 'update'), 'a update');
    const ub = await b.next(isChannel('book', 'update'), 'b update');
    assert.deepEqual(ua, ub);
    const rawA = a.raw.filter((r) => r.startsWith('{"channel":"book","type":"update"'));
    const rawB = b.raw.filter((r) => r.startsWith('{"channel":"book","type":"update"'));
    assert.deepEqual(rawA, rawB);
  });
});
