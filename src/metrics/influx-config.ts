/**
 * Where and how the InfluxWriter writes. A plain object: the config module maps INFLUXDB_HOST,
 * INFLUXDB_PORT, DB_NAME, DB_USER, DB_PASSWORD, RP_NAME (and the precision) onto it.
 */
import type { Precision } from './line-protocol.js';

export interface InfluxConfig {
  readonly host: string;
  /** Default 8086. */
  readonly port?: number;
  /** Default 'http'. */
  readonly protocol?: 'http' | 'https';
  readonly db: string;
  readonly user?: string;
  readonly password?: string;
  /**
   * Retention policy to write into. Leave it unset to write into the database's DEFAULT policy,
   * which scripts/setup_influxdb.sh makes RP_NAME; the continuous queries read from RP_NAME, so
   * either way the writer and the aggregates agree (docs/design-decisions.md, defect 11).
   */
  readonly rp?: string;
  /** Timestamp precision on the wire; default 'u' (the project's clock is epoch µs). */
  readonly precision?: Precision;
}

export const defaultInfluxPort = 8086;
export const defaultPrecision: Precision = 'u';

/** The /write URL, credentials URL-encoded into the query string. Never log it: see redact(). */
export function buildWriteUrl(c: InfluxConfig): string {
  const params = new URLSearchParams({ db: c.db, precision: c.precision ?? defaultPrecision });
  if (c.rp !== undefined && c.rp !== '') params.set('rp', c.rp);
  if (c.user !== undefined && c.user !== '') params.set('u', c.user);
  if (c.password !== undefined && c.password !== '') params.set('p', c.password);
  const host = c.host.includes(':') && !c.host.startsWith('[') ? `[${c.host}]` : c.host; // IPv6 literal
  return `${c.protocol ?? 'http'}://${host}:${c.port ?? defaultInfluxPort}/write?${params.toString()}`;
}

/** The same URL with the password replaced, for messages. */
export function describeTarget(c: InfluxConfig): string {
  return `${c.protocol ?? 'http'}://${c.host}:${c.port ?? defaultInfluxPort} db=${c.db}${c.rp ? ` rp=${c.rp}` : ''}`;
}
