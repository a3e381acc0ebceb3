/**
 * v1 public payloads of the corpus: every event object through the event parser (as captured and
 * mutated), the live spread frames through the byte scanner, and the live book sessions through
 * the v1 checksum — each update's checksum recomputed from the book the session built.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEventObject } from '../../src/kraken/ws/v1/events.js';
import { SpreadScanner } from '../../src/kraken/ws/v1/spread-scanner.js';
import { bookChecksumV1, type V1LevelStrings } from '../../src/kraken/book-checksum.js';
import { corpus, value, type LabelledEntry } from '../helpers/corpus.js';
import { variants } from '../helpers/mutate.js';
import { QUOTE_ASK, QUOTE_BID, QUOTE_EXCH_TS } from '../../src/core/quote-layout.js';

const EVENT_KINDS: Record<string, string> = {
  'v1.systemStatus': 'systemStatus',
  'v1.subscriptionStatus': 'subscriptionStatus',
  'v1.heartbeat': 'heartbeat',
  'v1.pong': 'pong',
  'v1.addOrderStatus': 'addOrderStatus',
  'v1.cancelOrderStatus': 'cancelOrderStatus',
};
const EVENT_OPTIONAL = new Set([
  'reqid',
  'version',
  'connectionID',
  'channelID',
  'pair',
  'channelName',
  'descr',
]);

describe('v1 events over the corpus', () => {
  for (const [kind, expected] of Object.entries(EVENT_KINDS)) {
    for (const e of corpus(kind)) {
      const base = parseEventObject(value(e));
      for (const v of variants(value(e), EVENT_OPTIONAL)) {
        test(`${e.name} — ${v.name}`, () => {
          const r = parseEventObject(v.value);
          assert.equal(r.kind, expected, JSON.stringify(r));
          if (v.name !== 'optional fields null') assert.deepEqual(r, base);
          if (r.kind === 'addOrderStatus' && base.kind === 'addOrderStatus') {
            assert.equal(r.status, base.status);
            assert.equal(r.txid, base.txid);
            assert.equal(r.errorMessage, base.errorMessage);
          }
        });
      }
    }
  }
});

describe('v1 spread frames over the corpus', () => {
  const frames = corpus('v1.spread');
  test('there are live spread frames', () => assert.ok(frames.some((e) => e.provenance === 'live')));
  for (const e of frames) {
    test(e.name, () => {
      const inner = (value(e) as [number, string[], string, string])[1];
      const pair = (value(e) as unknown[])[3] as string;
      const s = new SpreadScanner([pair]);
      assert.equal(s.scan(Buffer.from(e.text)), 0);
      assert.equal(s.out[QUOTE_BID], Number(inner[0]));
      assert.equal(s.out[QUOTE_ASK], Number(inner[1]));
      assert.equal(s.out[QUOTE_EXCH_TS], Number(inner[2]));
    });
  }
});

type Level = [string, string, ...unknown[]];

/** A v1 book as a client keeps it: apply levels in order, delete on zero volume, keep `depth`. */
class V1Book {
  asks: Level[] = [];
  bids: Level[] = [];
  constructor(private readonly depth: number) {}
  apply(side: 'asks' | 'bids', levels: Level[]): void {
    const list = this[side];
    for (const l of levels) {
      const i = list.findIndex((x) => Number(x[0]) === Number(l[0]));
      if (i >= 0) list.splice(i, 1);
      if (Number(l[1]) > 0) list.push(l);
    }
    list.sort((a, b) => (side === 'asks' ? Number(a[0]) - Number(b[0]) : Number(b[0]) - Number(a[0])));
    list.length = Math.min(list.length, this.depth);
  }
  checksum(): number {
    return bookChecksumV1(this.asks as V1LevelStrings[], this.bids as V1LevelStrings[]);
  }
}

function replay(frames: LabelledEntry[]): number {
  let book: V1Book | null = null;
  let checked = 0;
  for (const e of frames) {
    const f = value(e) as unknown[];
    const channel = f[f.length - 2] as string;
    const depth = Number(channel.split('-')[1]);
    for (const part of f.slice(1, -2) as Array<Record<string, unknown>>) {
      if ('as' in part || 'bs' in part) {
        book = new V1Book(depth);
        book.apply('asks', part['as'] as Level[]);
        book.apply('bids', part['bs'] as Level[]);
        continue;
      }
      assert.ok(book, 'update before snapshot');
      if (part['a'] !== undefined) book.apply('asks', part['a'] as Level[]);
      if (part['b'] !== undefined) book.apply('bids', part['b'] as Level[]);
      if (part['c'] !== undefined) {
        assert.equal(book.checksum(), Number(part['c']), e.name);
        checked++;
      }
    }
  }
  return checked;
}

describe('v1 book checksum over a live session', () => {
  test('every update of the recorded XBT/USD book-10 session checks', () => {
    const session = corpus('v1.book').filter((e) => e.file === 'python-kraken-sdk-book-sessions.json');
    assert.ok(session.length > 20);
    assert.equal(replay(session), session.length - 1);
  });
});
