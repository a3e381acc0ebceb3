/**
 * Checked reads from untrusted Kraken JSON. Every failure is a KrakenResponseError naming the REST
 * method and the path of the bad field, so a malformed answer is a clear error, never a crash or a NaN.
 */
import { KrakenResponseError } from './errors.js';

export type WireRecord = Record<string, unknown>;

/** Kraken decimal strings: plain decimals, optionally signed; exponents tolerated for numbers we produce. */
const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MAX_SHOWN = 40;

function show(v: unknown): string {
  const s =
    typeof v === 'string'
      ? JSON.stringify(v)
      : v === undefined
        ? 'undefined'
        : (JSON.stringify(v) ?? String(v));
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

export class WireReader {
  constructor(readonly method: string) {}

  fail(path: string, problem: string): never {
    throw new KrakenResponseError(this.method, path, problem);
  }

  record(v: unknown, path: string): WireRecord {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(path, `expected an object, got ${show(v)}`);
    return v as WireRecord;
  }

  array(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${show(v)}`);
    return v;
  }

  string(o: WireRecord, key: string, path: string): string {
    const v = o[key];
    if (typeof v !== 'string') this.fail(`${path}.${key}`, `expected a string, got ${show(v)}`);
    return v;
  }

  optString(o: WireRecord, key: string, path: string): string | undefined {
    const v = o[key];
    return v === undefined || v === null ? undefined : this.string(o, key, path);
  }

  /** A JSON number (integers and timestamps Kraken sends unquoted). */
  number(o: WireRecord, key: string, path: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(`${path}.${key}`, `expected a finite number, got ${show(v)}`);
    return v;
  }

  optNumber(o: WireRecord, key: string, path: string): number | undefined {
    const v = o[key];
    return v === undefined || v === null ? undefined : this.number(o, key, path);
  }

  /** A decimal sent as a string (or, tolerated, a number) → finite number; `nonNegative` rejects < 0. */
  decimal(o: WireRecord, key: string, path: string, nonNegative = false): number {
    return this.decimalValue(o[key], `${path}.${key}`, nonNegative);
  }

  optDecimal(o: WireRecord, key: string, path: string, nonNegative = false): number | undefined {
    const v = o[key];
    return v === undefined || v === null ? undefined : this.decimalValue(v, `${path}.${key}`, nonNegative);
  }

  decimalValue(v: unknown, path: string, nonNegative = false): number {
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && DECIMAL_RE.test(v)) n = Number(v);
    else this.fail(path, `expected a decimal string, got ${show(v)}`);
    if (!Number.isFinite(n)) this.fail(path, `not finite: ${show(v)}`);
    if (nonNegative && n < 0) this.fail(path, `must not be negative: ${show(v)}`);
    return n;
  }
}
