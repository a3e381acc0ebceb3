/**
 * Reads a recording written by the main program's `--record FILE`: one JSON object per line,
 * `{"t": <local receive time, epoch µs>, "l": <listener>, "f": "<the frame as received>"}`.
 * Only v1 spread frames are kept (events are the feed's control traffic, not market data).
 * Bad lines are counted and skipped, never fatal.
 */
import { readFileSync } from 'node:fs';

export interface RecordedSpread {
  /** Receive time of the original frame, epoch µs. */
  t: number;
  pair: string;
  bid: string;
  ask: string;
  /** Kraken's timestamp as sent (epoch seconds with µs). */
  ts: string;
  bidVol: string;
  askVol: string;
}

export interface Recording {
  spreads: RecordedSpread[];
  badLines: number;
  skippedFrames: number;
}

const DECIMAL = /^\d+(\.\d+)?$/;

function isDecimal(v: unknown): v is string {
  return typeof v === 'string' && DECIMAL.test(v);
}

export function parseRecording(text: string): Recording {
  const spreads: RecordedSpread[] = [];
  let badLines = 0;
  let skippedFrames = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      badLines++;
      continue;
    }
    const r = rec as { t?: unknown; f?: unknown };
    if (typeof r.t !== 'number' || !Number.isFinite(r.t) || typeof r.f !== 'string') {
      badLines++;
      continue;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(r.f);
    } catch {
      skippedFrames++;
      continue;
    }
    if (
      !Array.isArray(frame) ||
      frame.length !== 4 ||
      frame[2] !== 'spread' ||
      typeof frame[3] !== 'string'
    ) {
      skippedFrames++;
      continue;
    }
    const inner = frame[1] as unknown[];
    if (!Array.isArray(inner) || inner.length < 3) {
      skippedFrames++;
      continue;
    }
    const [bid, ask, ts, bidVol = '0', askVol = '0'] = inner;
    if (!isDecimal(bid) || !isDecimal(ask) || !isDecimal(ts) || !isDecimal(bidVol) || !isDecimal(askVol)) {
      skippedFrames++;
      continue;
    }
    spreads.push({ t: r.t, pair: frame[3], bid, ask, ts, bidVol, askVol });
  }
  spreads.sort((a, b) => a.t - b.t);
  return { spreads, badLines, skippedFrames };
}

export function readRecording(path: string): Recording {
  return parseRecording(readFileSync(path, 'utf8'));
}
