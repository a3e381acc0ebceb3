/**
 * Decimal strings as clients send them. Kraken validates the *text* (decimal places against
 * pair_decimals / lot_decimals), so the checks work on the string, not on a float.
 */

const DECIMAL_RE = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/;

export interface ParsedDecimal {
  value: number;
  /** Significant decimal places (trailing zeros do not count). */
  decimals: number;
}

/** Parses a plain non-negative decimal (`12`, `12.50`, `.5`); undefined for anything else. */
export function parseDecimal(text: unknown): ParsedDecimal | undefined {
  if (typeof text === 'number') text = Number.isFinite(text) ? String(text) : '';
  if (typeof text !== 'string' || text.length === 0 || text.length > 40) return undefined;
  const m = DECIMAL_RE.exec(text);
  if (m === null) return undefined;
  const frac = (m[2] ?? m[3] ?? '').replace(/0+$/, '');
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  return { value, decimals: frac.length };
}

/** Rounds to `decimals` places, removing binary noise (1.1 + 2.2 → 3.3). */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round((x + Number.EPSILON * Math.abs(x)) * f) / f;
}

/** Rounds down to `decimals` places (never more than the funds allow). */
export function floorTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.floor(roundTo(x * f, 6)) / f;
}

/** Kraken-style fixed decimal string. */
export function fixed(x: number, decimals: number): string {
  const r = roundTo(x, decimals);
  return (Object.is(r, -0) ? 0 : r).toFixed(decimals);
}

/** True when `price` lies on the tick grid, checked in integer units of 10^-decimals. */
export function onTick(price: number, tickSize: number, decimals: number): boolean {
  const f = 10 ** decimals;
  const p = Math.round(price * f);
  const t = Math.round(tickSize * f);
  if (t <= 0) return true;
  return p % t === 0;
}
