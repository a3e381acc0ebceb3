/** Exact percentiles over a sample (sorted copy; nearest-rank). */

export interface Distribution {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function distribution(values: readonly number[]): Distribution {
  const v = Float64Array.from(values).sort();
  const n = v.length;
  const at = (q: number): number =>
    n === 0 ? NaN : (v[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] as number);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[i] as number;
  return {
    n,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max: n === 0 ? NaN : (v[n - 1] as number),
    mean: n === 0 ? NaN : sum / n,
  };
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const d = n * sxx - sx * sx;
  return d === 0 ? 0 : (n * sxy - sx * sy) / d;
}
