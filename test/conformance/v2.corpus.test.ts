/**
 * v2 payloads of the corpus: every frame through the v2 classifier, every ticker through the byte
 * scanner the listener uses, every execution report through its parser — as captured and with
 * keys reordered, unknown fields added and optional fields null — and the live book session
 * through the v2 checksum.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseV2Object } from '../../src/kraken/ws/v2/events.js';
import { parseExecutionReport, type ExecutionReport } from '../../src/kraken/ws/v2/executions-parse.js';
import { TickerScanner } from '../../src/kraken/ws/v2/ticker-scanner.js';
import { bookChecksumV2, type NumericLevel } from '../../src/kraken/book-checksum.js';
import { corpus, value } from '../helpers/corpus.js';
import { variants } from '../helpers/mutate.js';
import { QUOTE_ASK, QUOTE_ASK_VOL, QUOTE_BID, QUOTE_BID_VOL } from '../../src/core/quote-layout.js';

const FRAME_KINDS: Record<string, string> = {
  'v2.status': 'status',
  'v2.heartbeat': 'heartbeat',
  'v2.pong': 'pong',
  'v2.ack': 'ack',
  'v2.ticker': 'channel',
  'v2.book': 'channel',
  'v2.executions': 'channel',
};
const FRAME_OPTIONAL = new Set(['req_id', 'time_in', 'time_out', 'warnings', 'version', 'connection_id']);
/** Report fields that are context, never what a fill or a status is read from. */
const REPORT_OPTIONAL = new Set([
  'cl_ord_id',
  'order_userref',
  'exec_id',
  'ext_ord_id',
  'ext_exec_id',
  'fee_usd_equiv',
  'fee_ccy_pref',
  'limit_price_type',
  'stop_price',
  'triggers',
  'trigger',
  'cancel_reason',
  'sender_sub_id',
  'post_only',
  'time_in_force',
  'margin',
  'margin_borrow',
  'liquidated',
]);

describe('v2 frames over the corpus', () => {
  for (const [kind, expected] of Object.entries(FRAME_KINDS)) {
    for (const e of corpus(kind)) {
      for (const v of variants(value(e), FRAME_OPTIONAL)) {
        test(`${e.name} — ${v.name}`, () => {
          const r = parseV2Object(v.value);
          assert.equal(r.kind, expected, JSON.stringify(r));
          const base = parseV2Object(value(e));
          if (r.kind === 'ack' && base.kind === 'ack') {
            assert.equal(r.method, base.method);
            assert.equal(r.success, base.success);
            assert.equal(r.error, base.error);
            assert.equal(r.channel, base.channel);
          }
        });
      }
    }
  }

  test('an expired token reads as a failed subscribe whose error is the session error', () => {
    const e = corpus('v2.ack').find((x) => x.text.includes('ESession:Invalid session'));
    assert.ok(e);
    const r = parseV2Object(value(e));
    assert.ok(r.kind === 'ack' && !r.success);
    assert.equal(r.method, 'subscribe');
    assert.equal(r.error, 'ESession:Invalid session');
  });
});

describe("v2 ticker frames through the listener's byte scanner", () => {
  const tickers = corpus('v2.ticker');
  test('live and documented tickers are in the corpus', () => {
    assert.ok(tickers.some((e) => e.provenance === 'live'));
    assert.ok(tickers.some((e) => e.text.includes('"timestamp"')));
  });
  const OPTIONAL = new Set(['last', 'volume', 'vwap', 'low', 'high', 'change', 'change_pct']);
  for (const e of tickers) {
    for (const v of variants(value(e), OPTIONAL)) {
      test(`${e.name} — ${v.name}`, () => {
        const d = (value(e) as { data: Array<Record<string, number | string>> }).data[0] as Record<
          string,
          number | string
        >;
        const s = new TickerScanner([d['symbol'] as string]);
        // Live frames are compact; the captured ones some authors indented are scanned both ways.
        for (const text of [JSON.stringify(v.value), v.name === 'as captured' ? e.text : null]) {
          if (text === null) continue;
          assert.equal(s.scan(Buffer.from(text)), 0, `reject ${s.lastReject}`);
          assert.equal(s.out[QUOTE_BID], d['bid']);
          assert.equal(s.out[QUOTE_ASK], d['ask']);
          assert.equal(s.out[QUOTE_BID_VOL], d['bid_qty']);
          assert.equal(s.out[QUOTE_ASK_VOL], d['ask_qty']);
        }
      });
    }
  }
});

function reportsOf(kind: string, v: unknown): unknown[] {
  return kind === 'v2.executions.report' ? [v] : ((v as { data: unknown[] }).data ?? []);
}

/** What the v2 order entry reads from a report. */
const ESSENTIALS = [
  'execType',
  'orderId',
  'orderStatus',
  'side',
  'symbol',
  'cumQty',
  'cumCost',
  'lastQty',
  'lastPrice',
  'cost',
  'fees',
  'reason',
] as const;

function essentials(r: ExecutionReport): Partial<ExecutionReport> {
  return Object.fromEntries(ESSENTIALS.map((k) => [k, r[k]]));
}

describe('v2 execution reports over the corpus', () => {
  const entries = [...corpus('v2.executions'), ...corpus('v2.executions.report')];
  test('live pending_new, new, trade (filled) and canceled reports are in the corpus', () => {
    const types = new Set(
      entries.flatMap((e) =>
        reportsOf(e.kind, value(e)).map((r) => (r as Record<string, string>)['exec_type']),
      ),
    );
    for (const t of ['pending_new', 'new', 'trade', 'canceled']) assert.ok(types.has(t), t);
  });
  for (const e of entries) {
    const base = reportsOf(e.kind, value(e)).map(parseExecutionReport);
    for (const v of variants(value(e), REPORT_OPTIONAL)) {
      test(`${e.name} — ${v.name}`, () => {
        const got = reportsOf(e.kind, v.value).map(parseExecutionReport);
        assert.equal(got.length, base.length);
        got.forEach((r, i) => {
          const b = base[i];
          assert.ok(r.ok, r.ok ? '' : r.error);
          assert.ok(b?.ok);
          assert.deepEqual(essentials(r.report), essentials(b.report));
        });
      });
    }
  }

  test('a trade report keeps each fee with its asset', () => {
    const e = corpus('v2.executions.report').find((x) => x.label.startsWith('trade'));
    assert.ok(e);
    const r = parseExecutionReport(value(e));
    assert.ok(r.ok);
    assert.deepEqual(r.report.fees, [{ asset: 'USD', qty: 0.05083 }]);
    assert.equal(r.report.orderStatus, 'filled');
    assert.equal(r.report.lastQty, 105.02014889);
  });
});

describe('v2 book checksum over a live session', () => {
  test('every update of the recorded BTC/USD book-10 session checks (price 1, qty 8 decimals)', () => {
    const frames = corpus('v2.book').filter((e) => e.file === 'python-kraken-sdk-book-sessions.json');
    assert.ok(frames.length > 10);
    const book = { asks: [] as NumericLevel[], bids: [] as NumericLevel[] };
    const apply = (side: 'asks' | 'bids', levels: NumericLevel[]): void => {
      const list = book[side];
      for (const l of levels) {
        const i = list.findIndex((x) => x.price === l.price);
        if (i >= 0) list.splice(i, 1);
        if (l.qty > 0) list.push(l);
      }
      list.sort((a, b) => (side === 'asks' ? a.price - b.price : b.price - a.price));
      list.length = Math.min(list.length, 10);
    };
    let checked = 0;
    for (const e of frames) {
      const f = value(e) as {
        type: string;
        data: Array<{ asks: NumericLevel[]; bids: NumericLevel[]; checksum: number }>;
      };
      const d = f.data[0];
      assert.ok(d);
      if (f.type === 'snapshot') {
        book.asks = [];
        book.bids = [];
      }
      apply('asks', d.asks);
      apply('bids', d.bids);
      assert.equal(bookChecksumV2(book.asks, book.bids, 1, 8), d.checksum, e.name);
      checked++;
    }
    assert.equal(checked, frames.length);
  });
});
