/**
 * A small Kraken v2 private server for tests (docs/kraken-protocol.md §3.8–3.9): acks executions
 * subscriptions (then a snapshot with a sequence), unsubscribes, and lets the test answer
 * add_order / cancel_order itself. Not the project's simulator: only documented frames.
 */
import type { WebSocket } from 'ws';
import { startServer, type TestServer } from '../helpers.js';

export const T_IN = '2023-09-21T14:15:07.197274Z';
export const T_OUT = '2023-09-21T14:15:07.205301Z';

export interface ClientMsg {
  method: string;
  req_id?: number;
  params?: Record<string, unknown>;
}

export interface FakeOptions {
  /** Reports in the snapshot after each subscribe. */
  snapshot?: () => unknown[];
  /** Subscribe acks fail with this error while it returns a string (e.g. for an old token). */
  subscribeError?: (token: string) => string | undefined;
  /** Answer requests other than subscribe/unsubscribe/ping; return nothing to stay silent. */
  onRequest?: (m: ClientMsg, ws: WebSocket) => void;
}

export interface FakePrivate {
  server: TestServer;
  url: string;
  /** Every parsed client message, per connection. */
  messages(conn?: number): ClientMsg[];
  /** Send an executions update with the next sequence (or a given one) on the newest connection. */
  sendExecutions(data: unknown[], sequence?: number): void;
  send(text: string): void;
  nextSeq: number;
  subscribes: number;
  close(): Promise<void>;
}

export async function startFakePrivate(opts: FakeOptions = {}): Promise<FakePrivate> {
  const fake: FakePrivate = {
    server: undefined as unknown as TestServer,
    url: '',
    nextSeq: 1,
    subscribes: 0,
    messages: (conn) =>
      (fake.server.received[conn ?? fake.server.received.length - 1] ?? []).map(
        (s) => JSON.parse(s) as ClientMsg,
      ),
    sendExecutions: (data, sequence) => {
      const seq = sequence ?? fake.nextSeq;
      fake.nextSeq = seq + 1;
      fake.send(JSON.stringify({ channel: 'executions', type: 'update', data, sequence: seq }));
    },
    send: (text) => fake.server.sockets[fake.server.sockets.length - 1]?.send(text),
    close: () => fake.server.close(),
  };
  fake.server = await startServer((ws) => {
    ws.send(
      '{"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":1,"system":"online","version":"2.0.0"}]}',
    );
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as ClientMsg;
      const base = { req_id: m.req_id, time_in: T_IN, time_out: T_OUT };
      if (m.method === 'ping') {
        ws.send(JSON.stringify({ method: 'pong', ...base }));
      } else if (m.method === 'subscribe') {
        const err = opts.subscribeError?.(String(m.params?.token));
        if (err !== undefined) {
          ws.send(JSON.stringify({ error: err, method: 'subscribe', success: false, ...base }));
          return;
        }
        fake.subscribes++;
        ws.send(
          JSON.stringify({
            method: 'subscribe',
            result: { channel: 'executions', maxratecount: 125, snapshot: true, warnings: [] },
            success: true,
            ...base,
          }),
        );
        fake.nextSeq = 1;
        const seq = fake.nextSeq++;
        ws.send(
          JSON.stringify({
            channel: 'executions',
            type: 'snapshot',
            data: opts.snapshot?.() ?? [],
            sequence: seq,
          }),
        );
      } else if (m.method === 'unsubscribe') {
        ws.send(
          JSON.stringify({
            method: 'unsubscribe',
            result: { channel: 'executions' },
            success: true,
            ...base,
          }),
        );
      } else {
        opts.onRequest?.(m, ws);
      }
    });
  });
  fake.url = fake.server.url;
  return fake;
}

/** docs/kraken-protocol.md §3.9 documented sequence for one order, as report objects. */
export function pendingNew(orderId: string, userref = 0): Record<string, unknown> {
  return {
    order_id: orderId,
    symbol: 'BTC/USD',
    order_qty: 0.005,
    cum_cost: 0,
    time_in_force: 'GTC',
    exec_type: 'pending_new',
    side: 'buy',
    order_type: 'limit',
    order_userref: userref,
    limit_price_type: 'static',
    limit_price: 69160.4,
    stop_price: 0,
    order_status: 'pending_new',
    fee_usd_equiv: 0,
    fee_ccy_pref: 'fciq',
    timestamp: '2024-05-18T11:00:09.198719Z',
  };
}

export function newReport(orderId: string): Record<string, unknown> {
  return {
    order_id: orderId,
    exec_type: 'new',
    order_status: 'new',
    timestamp: '2024-05-18T11:00:09.198719Z',
  };
}

export function tradeReport(
  orderId: string,
  tradeId: number,
  qty: number,
  price: number,
  cumQty: number,
): Record<string, unknown> {
  return {
    order_id: orderId,
    order_userref: 0,
    exec_id: 'TN3SMH-' + tradeId,
    exec_type: 'trade',
    trade_id: tradeId,
    symbol: 'BTC/USD',
    side: 'buy',
    last_qty: qty,
    last_price: price,
    liquidity_ind: 't',
    cost: Math.round(qty * price * 1e5) / 1e5,
    order_status: 'partially_filled',
    order_type: 'limit',
    timestamp: '2024-05-18T11:00:09.199062Z',
    fee_usd_equiv: 0.3458,
    fees: [{ asset: 'USD', qty: 0.3458 }],
    cum_qty: cumQty,
    cum_cost: Math.round(cumQty * price * 1e5) / 1e5,
    avg_price: price,
  };
}

export function filledReport(orderId: string, cumQty: number, cumCost: number): Record<string, unknown> {
  return {
    order_id: orderId,
    exec_type: 'filled',
    order_status: 'filled',
    cum_qty: cumQty,
    cum_cost: cumCost,
    timestamp: '2024-05-18T11:00:09.199062Z',
  };
}
