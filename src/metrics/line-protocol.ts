/**
 * InfluxDB 1.x line protocol, pure: `measurement[,tag=value...] field=value[,field=value...] [timestamp]`.
 * https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/
 *
 * Escaping (as InfluxDB 1.x parses it, checked against a real 1.6 server in test/metrics):
 * - measurement: comma and space;
 * - tag keys, tag values, field keys: comma, equals sign and space;
 * - string field values: double quote and backslash, inside double quotes.
 * A newline cannot be escaped outside a string field (it ends the line), so CR/LF in names and tag
 * values are replaced by a space: a mangled tag beats a lost or misparsed batch. InfluxDB 1.x has no
 * escape for a backslash itself outside strings: a backslash at the end of a name or right before a
 * character we escape would swallow the separator, so such backslashes are dropped (others are literal).
 */
import { AppError } from '../core/app-error.js';

export type Precision = 'ns' | 'u' | 'ms' | 's';
export const precisions: readonly Precision[] = ['ns', 'u', 'ms', 's'];

/** Field value kinds: JS numbers are floats unless wrapped as integers. */
export type FieldValue = number | boolean | string | IntegerField;

/** An integer field, written with the `i` suffix (InfluxDB keeps its type as integer). */
export interface IntegerField {
  readonly int: number;
}

export function int(n: number): IntegerField {
  return { int: n };
}

export interface Point {
  readonly measurement: string;
  readonly tags?: Readonly<Record<string, string | undefined>>;
  readonly fields: Readonly<Record<string, FieldValue | undefined>>;
  /** Epoch microseconds (the project's local clock unit); omitted = server time. */
  readonly timestampUs?: number;
}

export class LineProtocolError extends AppError {
  readonly code = 'E_LINE_PROTOCOL';
  readonly kind = 'internal';
  constructor(message: string) {
    super(message);
    this.name = 'LineProtocolError';
  }
}

const crlf = /[\r\n]/g;
const measurementUnsafeBackslashes = /\\+(?=[, ]|$)/g;
const keyUnsafeBackslashes = /\\+(?=[,= ]|$)/g;

export function escapeMeasurement(name: string): string {
  return name.replace(crlf, ' ').replace(measurementUnsafeBackslashes, '').replace(/[, ]/g, '\\$&');
}

/** For tag keys, tag values and field keys. */
export function escapeKey(key: string): string {
  return key.replace(crlf, ' ').replace(keyUnsafeBackslashes, '').replace(/[,= ]/g, '\\$&');
}

export const escapeTagKey = escapeKey;
export const escapeTagValue = escapeKey;
export const escapeFieldKey = escapeKey;

/** A string field value with its surrounding quotes. */
export function quoteStringField(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * A float field. Non-finite numbers have no line-protocol form: the caller gets null and leaves the
 * field out (and counts it), never writes "NaN" that would make InfluxDB reject the whole batch.
 */
export function formatFloat(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  // String(n) is the shortest round-trip form; InfluxDB parses exponents ("1e-7") fine.
  return String(n);
}

export function formatInteger(n: number): string | null {
  if (!Number.isSafeInteger(n)) return null;
  return `${n}i`;
}

export function formatFieldValue(v: FieldValue): string | null {
  if (typeof v === 'number') return formatFloat(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'string') return quoteStringField(v);
  return formatInteger(v.int);
}

/**
 * Epoch microseconds → integer timestamp in the write precision (rounded to nearest).
 * Nanoseconds exceed 2^53, so they are built as text: whole µs followed by "000".
 */
export function formatTimestamp(epochUs: number, precision: Precision): string {
  if (!Number.isFinite(epochUs) || epochUs < 0)
    throw new LineProtocolError(`invalid timestamp ${epochUs} µs`);
  switch (precision) {
    case 'ns': {
      const us = Math.round(epochUs);
      return us === 0 ? '0' : `${us}000`;
    }
    case 'u':
      return String(Math.round(epochUs));
    case 'ms':
      return String(Math.round(epochUs / 1e3));
    case 's':
      return String(Math.round(epochUs / 1e6));
  }
}

/**
 * One point → one line (no trailing newline). Tags are sorted by key (InfluxDB's own order, which
 * makes its series-key work cheaper); undefined tags, empty tag values and unwritable fields are left
 * out. Throws LineProtocolError when nothing writable is left, so a caller can count the point as dropped.
 */
export function encodePoint(p: Point, precision: Precision): string {
  const measurement = escapeMeasurement(p.measurement);
  if (measurement.length === 0) throw new LineProtocolError('empty measurement name');
  // A line starting with '#' is a comment to InfluxDB and has no escape.
  if (measurement.startsWith('#')) throw new LineProtocolError('measurement name starts with #');
  let line = measurement;
  if (p.tags !== undefined) {
    const keys = Object.keys(p.tags).sort();
    for (const k of keys) {
      const v = p.tags[k];
      if (v === undefined) continue;
      const ek = escapeKey(k);
      const ev = escapeKey(v);
      if (ek.length === 0 || ev.length === 0) continue; // InfluxDB rejects empty tag keys/values
      line += `,${ek}=${ev}`;
    }
  }
  let fields = '';
  for (const k of Object.keys(p.fields)) {
    const v = p.fields[k];
    if (v === undefined) continue;
    const ek = escapeKey(k);
    const ev = formatFieldValue(v);
    if (ek.length === 0 || ev === null) continue;
    fields += fields.length === 0 ? `${ek}=${ev}` : `,${ek}=${ev}`;
  }
  if (fields.length === 0) throw new LineProtocolError(`point ${p.measurement} has no writable field`);
  line += ` ${fields}`;
  if (p.timestampUs !== undefined) line += ` ${formatTimestamp(p.timestampUs, precision)}`;
  return line;
}
