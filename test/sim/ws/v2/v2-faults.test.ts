/* eslint-disable @typescript-eslint/no-explicit-any -- test frames are arbitrary JSON */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { WsAttachDeps } from '../../../../src/sim/ws/shared/attach-ws.js';
import { BTC, startHarness, waitFor, type Harness } from './harness.js';
import { LocalBook, V2Client, isAck, isChannel } from './v2-client.js';

async function setup(
  t: TestContext,
  extra: Partial<WsAttachDeps> = {},
): Promise<{ h: Harness; open(url: string): Promise<V2Client> }> {
  const h = await startHarness(extra);
  const clients: V2Client[] = [];
  t.after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await h.close();
  });
  return {
    h,
    async open(url) {
      const c = await V2Client.open(url);
      clients.push(c);
      return c;
    },
  };
}

const isExec = (execType: string) => (m: any) =>
  m?.channel === 'executions' && m.type === 'update' && m.data[0]?.exec_type === execType;
const btcBook = async (c: V2Client): Promise<LocalBook> => {
  c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'] } });
  const book = new LocalBook(10, 1, 8);
  book.snapshot((await c.next(isChannel('book', 'snapshot'), 'snapshot')).data[0]);
  return book;
};

describe('WS v2 faults', () => {
  test('drop public: public sockets close, private ones stay', async (t) => {
    const { h, open } = await setup(t);
    const pub = await open(h.publicUrl);
    const priv = await open(h.privateUrl);
    await pub.next(isChannel('status'), 'status');
    h.faults.dropConnections('public');
    await pub.until(() => pub.closed, 'public closed');
    priv.send({ method: 'ping', req_id: 1 });
    assert.equal((await priv.next(isAck('pong'), 'private pong')).req_id, 1);
    h.faults.dropConnections('private');
    await priv.until(() => priv.closed, 'private closed');
  });

  test('stall: nothing is published while stalled; afterwards one update brings the book back in sync', async (t) => {
    let now = 0;
    const { h, open } = await setup(t, { nowMs: () => now });
    const c = await open(h.publicUrl);
    const book = await btcBook(c);
    h.faults.stallUntilMs = 1000;
    h.market.apply(BTC, [[49995, 1]], []);
    h.market.apply(BTC, [], [[50010, 0]]);
    assert.equal(h.ws.stats().public.stalledChanges, 2);
    now = 2000;
    h.market.apply(BTC, [[49000, 7]], []);
    const u = await c.next(isChannel('book', 'update'), 'update after the stall');
    book.update(u.data[0]);
    assert.equal(u.data[0].checksum, book.checksum());
    assert.deepEqual(
      book.asks.map((l) => l.price),
      [50020, 50050],
    );
    assert.ok(book.bids.some((l) => l.price === 49995) && book.bids.some((l) => l.price === 49000));
    assert.equal(c.all(isChannel('book', 'update')).length, 1, 'no frame was written during the stall');
  });

  test('garbage frames reach every public connection and are counted; each write is a new batch', async (t) => {
    const { h, open } = await setup(t);
    const a = await open(h.publicUrl);
    const b = await open(h.publicUrl);
    await a.next(isChannel('status'), 'status a');
    await b.next(isChannel('status'), 'status b');
    const garbage = (c: V2Client): number => c.msgs.filter((m) => m?.unparsable !== undefined).length;
    h.faults.garbageFrames = 3;
    await a.until(() => garbage(a) >= 3, 'garbage on a');
    await b.until(() => garbage(b) >= 3, 'garbage on b');
    h.faults.garbageFrames = 2;
    await a.until(() => garbage(a) >= 5, 'second batch');
    await waitFor(() => h.ws.stats().public.garbageSent === 10, 'counted');
    a.send({ method: 'ping', req_id: 1 });
    assert.equal((await a.next(isAck('pong'), 'still alive')).req_id, 1);
  });

  test('maintenance: status update on both endpoints, orders refused, back online', async (t) => {
    const { h, open } = await setup(t);
    const pub = await open(h.publicUrl);
    const priv = await open(h.privateUrl);
    await pub.next(isChannel('status'), 'status');
    await priv.next(isChannel('status'), 'status');
    h.venue.setSystemStatus('maintenance');
    assert.equal((await pub.next(isChannel('status'), 'public maintenance')).data[0].system, 'maintenance');
    assert.equal((await priv.next(isChannel('status'), 'private maintenance')).data[0].system, 'maintenance');
    priv.send({
      method: 'add_order',
      params: {
        order_type: 'limit',
        side: 'buy',
        order_qty: 0.01,
        limit_price: 40000,
        symbol: 'BTC/USD',
        token: h.token(),
      },
      req_id: 1,
    });
    const ack = await priv.next(isAck('add_order'), 'refused');
    assert.deepEqual([ack.success, ack.error], [false, 'EService:Unavailable']);
    h.venue.setSystemStatus('online');
    assert.equal((await pub.next(isChannel('status'), 'public online')).data[0].system, 'online');
  });

  test('rejectNextOrder, delayNextOrderMs and ackDelayMs keep one ack per order and the frame order', async (t) => {
    const { h, open } = await setup(t);
    const c = await open(h.privateUrl);
    const token = h.token();
    c.send({ method: 'subscribe', params: { channel: 'executions', token }, req_id: 1 });
    await c.next(isChannel('executions', 'snapshot'), 'snapshot');
    const ioc = (reqId: number, qty: number): void =>
      c.send({
        method: 'add_order',
        params: {
          order_type: 'limit',
          side: 'buy',
          order_qty: qty,
          limit_price: 50050,
          time_in_force: 'ioc',
          symbol: 'BTC/USD',
          token,
        },
        req_id: reqId,
      });
    h.faults.rejectNextOrder = 'EOrder:Rate limit exceeded';
    ioc(2, 0.1);
    const rej = await c.next(isAck('add_order'), 'forced reject');
    assert.deepEqual([rej.success, rej.error, rej.req_id], [false, 'EOrder:Rate limit exceeded', 2]);
    h.faults.delayNextOrderMs = 20;
    h.faults.ackDelayMs = 30;
    ioc(3, 0.2);
    const ack = await c.next(isAck('add_order'), 'delayed ack');
    assert.equal(ack.success, true);
    await c.next(isExec('filled'), 'filled');
    const seqOf = (p: (m: any) => boolean): number => c.msgs.findIndex(p);
    const iNew = seqOf(isExec('new'));
    const iAck = c.msgs.indexOf(ack);
    const iTrade = seqOf(isExec('trade'));
    assert.ok(iNew < iAck && iAck < iTrade, 'held ack keeps its place: new, ack, trade');
    const seqs = c.msgs.filter((m) => m?.channel === 'executions').map((m) => m.sequence);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
      'no gap, no reorder',
    );
    assert.equal(h.faults.delayNextOrderMs, 0, 'one-shot delay consumed');
  });

  test('dislocation: the first v2 frame carrying it is stamped once', async (t) => {
    const { h, open } = await setup(t);
    const a = await open(h.publicUrl);
    const b = await open(h.publicUrl);
    await btcBook(a);
    await btcBook(b);
    h.timing.registerDislocation(41, BTC, 'ask', 50001);
    h.market.apply(BTC, [], [[50001, 0.2]], 41);
    await a.next(isChannel('book', 'update'), 'a update');
    await b.next(isChannel('book', 'update'), 'b update');
    const rec = h.timing.records().find((r) => r.id === 41);
    assert.ok(rec?.firstFrameWrittenNs !== null && rec?.firstFrameWrittenNs !== undefined);
    const first = rec.firstFrameWrittenNs;
    assert.ok(first >= rec.openedAtNs);
    h.market.apply(BTC, [], [[50001, 0.3]]);
    await a.next(isChannel('book', 'update'), 'later update');
    assert.equal(rec.firstFrameWrittenNs, first, 'not stamped again');
  });

  test('a socket whose buffer is over the limit gets frames skipped and counted', async (t) => {
    const { h, open } = await setup(t, { maxBufferedBytes: -1 });
    const c = await open(h.publicUrl);
    await waitFor(() => h.ws.stats().public.framesDropped >= 1, 'status frame dropped');
    c.send({ method: 'ping', req_id: 1 });
    await waitFor(() => h.ws.stats().public.framesDropped >= 2, 'pong dropped');
    assert.equal(h.ws.stats().public.framesSent, 0);
    assert.equal(c.msgs.length, 0);
  });
});
