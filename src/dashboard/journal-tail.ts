/**
 * Trades as they happen, for the dashboard: follows the trade journal the trader writes (JSONL,
 * one file per UTC day) from where it ended when the dashboard started, and keeps the last trades
 * with every leg and fill. It reads the files the trader appends to (the trader is never asked for
 * anything), a bounded amount per poll, from the main thread's timer.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { asJournalRecord, JOURNAL_FILE_PATTERN, type JournalRecord } from '../journal/journal-record.js';
import type { FillView, LegView, TradeView } from './snapshot-types.js';

const MAX_TRADES = 30;
const MAX_READ_BYTES = 1 << 20;
const MAX_FILLS_PER_LEG = 50;

interface MutableLeg {
  side: 'buy' | 'sell';
  pair: string;
  orders: number;
  fills: FillView[];
}

interface MutableTrade {
  tradeId: string;
  startedMs: number;
  buyPair: string;
  sellPair: string;
  direction: string;
  status: string;
  pnlUsd: number | null;
  reason: string | null;
  buy: MutableLeg;
  sell: MutableLeg;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Applies one record to the trade it belongs to; returns whether anything changed. */
function applyRecord(trades: Map<string, MutableTrade>, r: JournalRecord): boolean {
  if (r.kind === 'intent') {
    const buyPair = str(r.buyPair, '?');
    const sellPair = str(r.sellPair, '?');
    trades.set(r.tradeId, {
      tradeId: r.tradeId,
      startedMs: r.ts / 1000,
      buyPair,
      sellPair,
      direction: str(r.direction),
      status: 'in progress',
      pnlUsd: null,
      reason: null,
      buy: { side: 'buy', pair: buyPair, orders: 0, fills: [] },
      sell: { side: 'sell', pair: sellPair, orders: 0, fills: [] },
    });
    while (trades.size > MAX_TRADES) trades.delete(trades.keys().next().value as string);
    return true;
  }
  const t = trades.get(r.tradeId);
  if (t === undefined) return false;
  const fill = (leg: MutableLeg): void => {
    if (leg.fills.length < MAX_FILLS_PER_LEG)
      leg.fills.push({ atMs: r.ts / 1000, price: num(r.price), volume: num(r.volume), fee: num(r.fee) });
  };
  switch (r.kind) {
    case 'order-sent':
      t.buy.orders++;
      break;
    case 'sell-sent':
      t.sell.orders++;
      break;
    case 'fill':
      fill(t.buy);
      break;
    case 'sell-fill':
      fill(t.sell);
      break;
    case 'reject':
    case 'sell-failed':
    case 'unknown':
      t.reason = str(r.reason) || t.reason;
      break;
    case 'stranded':
      t.status = 'stranded';
      break;
    case 'outcome':
      t.status = str(r.status, 'finished');
      t.pnlUsd = typeof r.pnlUsd === 'number' && Number.isFinite(r.pnlUsd) ? r.pnlUsd : null;
      t.reason = str(r.reason) || t.reason;
      break;
    default:
      return false;
  }
  return true;
}

export class JournalTail {
  private readonly offsets = new Map<string, number>();
  private readonly trades = new Map<string, MutableTrade>();
  private firstFile = '';
  private started = false;
  private polling = false;

  constructor(
    private readonly dir: string,
    private readonly onChange: () => void,
  ) {}

  /** Newest first. */
  view(): TradeView[] {
    const leg = (l: MutableLeg): LegView => ({
      side: l.side,
      pair: l.pair,
      orders: l.orders,
      fills: [...l.fills],
    });
    return [...this.trades.values()].reverse().map((t) => ({
      tradeId: t.tradeId,
      startedMs: t.startedMs,
      buyPair: t.buyPair,
      sellPair: t.sellPair,
      direction: t.direction,
      status: t.status,
      pnlUsd: t.pnlUsd,
      reason: t.reason,
      legs: [leg(t.buy), leg(t.sell)],
    }));
  }

  /** One poll: new lines of the journal files since the last one. Never throws. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const files = (await readdir(this.dir).catch(() => [] as string[]))
        .filter((n) => JOURNAL_FILE_PATTERN.test(n))
        .sort();
      if (!this.started) {
        // What was journaled before the dashboard started is history (npm run report), not live.
        this.started = true;
        for (const f of files)
          this.offsets.set(f, (await stat(join(this.dir, f)).catch(() => null))?.size ?? 0);
        this.firstFile = files[files.length - 1] ?? '';
        return;
      }
      let changed = false;
      for (const f of files.filter((n) => n >= this.firstFile)) changed = (await this.readNew(f)) || changed;
      if (changed) this.onChange();
    } finally {
      this.polling = false;
    }
  }

  private async readNew(file: string): Promise<boolean> {
    const from = this.offsets.get(file) ?? 0;
    let text: string;
    try {
      const fh = await open(join(this.dir, file), 'r');
      try {
        const buf = Buffer.alloc(MAX_READ_BYTES);
        const { bytesRead } = await fh.read(buf, 0, MAX_READ_BYTES, from);
        if (bytesRead === 0) return false;
        // Whole lines only: a line still being written is read again next time.
        const end = buf.lastIndexOf(0x0a, bytesRead - 1);
        if (end < 0) return false;
        text = buf.toString('utf8', 0, end);
        this.offsets.set(file, from + end + 1);
      } finally {
        await fh.close();
      }
    } catch {
      return false; // the file rotated away or is unreadable: the next poll tries again
    }
    let changed = false;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue; // a torn or foreign line: the journal's own reader reports those
      }
      const r = asJournalRecord(parsed);
      if (r !== undefined) changed = applyRecord(this.trades, r) || changed;
    }
    return changed;
  }
}
