/**
 * Rounding to a decimal grid (lot_decimals, pair_decimals) that is robust to binary floating point.
 *
 * The naive `Math.floor(x * 10^d) / 10^d` is wrong both ways: 0.29 * 100 = 28.999999999999996
 * (floors a value already on the grid one step down), and a value a hair below a grid point can
 * multiply to exactly that integer (floors UP, past the balance: docs/design-decisions.md, defect 2).
 * So we take the naive candidate n and correct it with exact comparisons: `n / 10^d` is the correctly
 * rounded double of the decimal n·10^-d (n and 10^d are exact for n < 2^53, d ≤ 22), i.e. the same
 * double you get by parsing the decimal string. The result is the largest (floor) or smallest
 * (ceil) grid value whose double is ≤ x (≥ x). Grid integers are capped below 2^52 so the spacing of
 * doubles is finer than the grid and `formatDecimal` prints exactly the intended digits.
 */

/** Largest lot/price decimals we accept (Kraken uses ≤ 10). */
export const MAX_DECIMALS = 15;
/**
 * Grid integers stay below this so every grid value prints back exactly (see file comment). The
 * functions below read this module-private copy: an exported binding is read by TurboFan as a
 * boxed number, and `n = MAX_GRID_INT` then made the grid integer a boxed number too: every
 * floorToDecimals with a grid integer past the int32 range (25.123 at 8 decimals, 2.5e9) allocated
 * one, and 12.5 (1.25e9) did not (measured, Node 20: 31 scavenges in 2 M calls; none with this copy).
 */
const GRID_INT_CAP = 2 ** 50 - 1;
export const MAX_GRID_INT = GRID_INT_CAP;

/**
 * NaN as a module constant. Returning the global `NaN` from a function TurboFan inlines made the
 * double result path box a HeapNumber on every call (measured: ~30 scavenges per 2 M calls of
 * floorToDecimals vs 0 with this constant, Node 20).
 */
const NAN = 0 / 0;

const POW10 = new Float64Array(MAX_DECIMALS + 1);
for (let d = 0; d <= MAX_DECIMALS; d++) POW10[d] = 10 ** d;

function scaleOf(decimals: number): number {
  // Out-of-range decimals make the result NaN rather than silently using some other grid.
  return decimals >= 0 && decimals <= MAX_DECIMALS && (decimals | 0) === decimals
    ? (POW10[decimals] as number)
    : NAN;
}

/**
 * Largest value on the 10^-decimals grid that is ≤ x (compared as doubles). x ≤ 0 → 0;
 * NaN or bad decimals → NaN; +Infinity → the largest grid value we represent. No allocation.
 */
export function floorToDecimals(x: number, decimals: number): number {
  const s = scaleOf(decimals);
  if (!(s > 0) || x !== x) return NAN;
  if (!(x > 0)) return 0;
  let n = Math.floor(x * s);
  if (n > GRID_INT_CAP) n = GRID_INT_CAP;
  // At most one step off in each direction; each correction uses an exact comparison.
  if (n < GRID_INT_CAP && (n + 1) / s <= x) n += 1;
  if (n > 0 && n / s > x) n -= 1;
  return n / s;
}

/** Smallest value on the grid that is ≥ x (compared as doubles); NaN if it is beyond the grid cap. */
export function ceilToDecimals(x: number, decimals: number): number {
  const s = scaleOf(decimals);
  if (!(s > 0) || x !== x) return NAN;
  if (!(x > 0)) return 0;
  let n = Math.ceil(x * s);
  if (n > 0 && (n - 1) / s >= x) n -= 1;
  if (n / s < x) n += 1;
  return n > GRID_INT_CAP ? NAN : n / s;
}

/** Nearest grid value (ties away from zero in the scaled integer). For values that should already be on the grid. */
export function roundToDecimals(x: number, decimals: number): number {
  const s = scaleOf(decimals);
  if (!(s > 0) || !Number.isFinite(x)) return NAN;
  const n = Math.round(Math.abs(x) * s);
  return n > GRID_INT_CAP ? NAN : (x < 0 ? -n : n) / s;
}

/** Thrown by formatDecimal on a value it cannot print exactly. */
export class DecimalFormatError extends RangeError {
  readonly code = 'E_DECIMAL_FORMAT';
  constructor(message: string) {
    super(`E_DECIMAL_FORMAT: ${message}`);
    this.name = 'DecimalFormatError';
  }
}

/**
 * Decimal string for an order field: exactly `decimals` digits after the point, never exponent
 * notation, "-0" normalised to "0". The value is rounded to the nearest grid point, so pass values
 * already floored/ceiled with the functions above. Throws DecimalFormatError on NaN, ±Infinity,
 * bad decimals or magnitudes beyond the exact grid (|x| · 10^decimals ≥ 2^50).
 */
export function formatDecimal(value: number, decimals: number): string {
  const s = scaleOf(decimals);
  if (!(s > 0))
    throw new DecimalFormatError(
      `decimals must be an integer in 0..${MAX_DECIMALS}, got ${String(decimals)}`,
    );
  if (!Number.isFinite(value)) throw new DecimalFormatError(`not a finite number: ${String(value)}`);
  const n = Math.round(Math.abs(value) * s);
  if (n > GRID_INT_CAP)
    throw new DecimalFormatError(`magnitude too large to format exactly at ${decimals} decimals`);
  // Build from the integer: exact digits, no toFixed/exponent surprises.
  let digits = String(n);
  if (decimals > 0) {
    if (digits.length <= decimals) digits = '0'.repeat(decimals - digits.length + 1) + digits;
    digits = `${digits.slice(0, digits.length - decimals)}.${digits.slice(digits.length - decimals)}`;
  }
  return value < 0 && n !== 0 ? `-${digits}` : digits;
}
