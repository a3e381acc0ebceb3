/**
 * One variable's value against its spec. Numbers are plain decimals only (no 0x, 0b, 1e3,
 * Infinity): `Number()` reads `LISTENERS=0x2` as 2, which no operator means. Every number has a
 * range; an InfluxQL duration must be at least InfluxDB's minimum retention (1h), or INF.
 */
import type { VariableSpec } from './variables.js';

const DECIMAL = /^-?\d+(\.\d+)?$/;
const WHOLE = /^-?\d+$/;
const DURATION_PART = /(\d+)(ns|u|µ|ms|s|m|h|d|w)/g;
const DURATION_PATTERN = /^(INF|(\d+(ns|u|µ|ms|s|m|h|d|w))+)$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
const HOUR_MS = 3_600_000;
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  u: 1e-3,
  µ: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: HOUR_MS,
  d: 24 * HOUR_MS,
  w: 7 * 24 * HOUR_MS,
};

/** A decimal number as text (digits, at most one '.'), or null. */
export function parseDecimal(text: string, wholeOnly = false): number | null {
  if (!(wholeOnly ? WHOLE : DECIMAL).test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Milliseconds of an InfluxQL duration such as `30d` or `1h30m`; Infinity for INF. */
export function influxDurationMs(text: string): number {
  if (text === 'INF') return Number.POSITIVE_INFINITY;
  let ms = 0;
  for (const m of text.matchAll(DURATION_PART)) ms += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
  return ms;
}

function checkNumber(spec: VariableSpec, value: string): string | null {
  const whole = spec.kind === 'integer';
  const n = parseDecimal(value, whole);
  if (n === null) {
    return whole
      ? `${spec.name} must be a whole decimal number (digits only), got "${value}"`
      : `${spec.name} must be a decimal number (digits, at most one '.'), got "${value}"`;
  }
  if (spec.min !== undefined && n < spec.min)
    return `${spec.name} must be at least ${spec.min}, got ${value}`;
  if (spec.max !== undefined && n > spec.max) return `${spec.name} must be at most ${spec.max}, got ${value}`;
  return null;
}

function checkUrl(spec: VariableSpec, value: string): string | null {
  try {
    const u = new URL(value);
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol))
      return `${spec.name} must be an http(s) or ws(s) URL`;
  } catch {
    return `${spec.name} is not a valid URL`;
  }
  return null;
}

/** The problem with `value` (already trimmed, not empty), or null. A secret's value is never quoted. */
export function checkValue(spec: VariableSpec, value: string): string | null {
  switch (spec.kind) {
    case 'number':
    case 'integer':
      return checkNumber(spec, value);
    case 'url':
      return checkUrl(spec, value);
    case 'choice':
      return spec.choices?.includes(value) === true
        ? null
        : `${spec.name} must be one of ${(spec.choices ?? []).join(', ')}, got "${value}"`;
    case 'boolean':
      return value === 'true' || value === 'false'
        ? null
        : `${spec.name} must be true or false, got "${value}"`;
    case 'duration':
      if (!DURATION_PATTERN.test(value))
        return `${spec.name} must be an InfluxQL duration such as 30d or INF, got "${value}"`;
      return influxDurationMs(value) >= HOUR_MS
        ? null
        : `${spec.name} must be at least 1h (InfluxDB's shortest retention) or INF, got "${value}"`;
    case 'secret':
      if (spec.name === 'KRAKEN_SECRET' && !BASE64_PATTERN.test(value))
        return 'KRAKEN_SECRET is not base64 (value not shown)';
      return null;
    case 'string':
      return null;
  }
}
