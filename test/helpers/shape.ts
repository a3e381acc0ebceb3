/**
 * Structural comparison of a JSON value the simulator produced with the corpus's value of the
 * same kind: the same keys, the same value types, null where Kraken sends null. Values themselves
 * are not compared (ids, prices and times differ by nature).
 */

export interface ShapeDiff {
  path: string;
  problem: string;
}

export interface ShapeRules {
  /** Keys (by name, at any depth) the simulator may leave out, each with its reason in the test. */
  mayMiss?: readonly string[];
  /** Keys the simulator may add. */
  mayAdd?: readonly string[];
  /** Keys Kraken sends as null when there is no value and as the corpus's type when there is one. */
  nullable?: readonly string[];
}

type Obj = Record<string, unknown>;

/** Ids are upper case (txids, pair and asset ids); Kraken's field names are lower case. */
const ID_KEY_RE = /^[A-Z0-9][A-Z0-9.-]*$/;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function isIdMap(o: Obj): boolean {
  const keys = Object.keys(o);
  return keys.length > 0 && keys.every((k) => ID_KEY_RE.test(k));
}

/** Differences of `actual` (simulator) from `expected` (corpus). Empty = same shape. */
export function shapeDiff(
  actual: unknown,
  expected: unknown,
  rules: ShapeRules = {},
  path = '$',
): ShapeDiff[] {
  const ka = kind(actual);
  const ke = kind(expected);
  if (ka !== ke) return [{ path, problem: `${ka} where Kraken sends ${ke}` }];
  if (ke === 'array') {
    const a = actual as unknown[];
    const e = expected as unknown[];
    if (e.length === 0 || a.length === 0) return [];
    // Elements of different kinds make a tuple (a v1 frame: id, data, channel, pair): position by position.
    if (new Set(e.map(kind)).size > 1) {
      if (a.length !== e.length)
        return [{ path, problem: `${a.length} elements where Kraken sends ${e.length}` }];
      return a.flatMap((x, i) => shapeDiff(x, e[i], rules, `${path}[${i}]`));
    }
    // A list: every element the simulator sent against Kraken's first.
    return a.flatMap((x, i) => shapeDiff(x, e[0], rules, `${path}[${i}]`));
  }
  if (ke !== 'object') return [];
  const a = actual as Obj;
  const e = expected as Obj;
  if (isIdMap(e)) {
    // Keyed by ids: compare every entry against Kraken's first.
    const first = Object.values(e)[0];
    return Object.entries(a).flatMap(([k, v]) => shapeDiff(v, first, rules, `${path}.${k}`));
  }
  const out: ShapeDiff[] = [];
  for (const k of Object.keys(e))
    if (!(k in a) && !(rules.mayMiss ?? []).includes(k))
      out.push({ path: `${path}.${k}`, problem: 'missing' });
  for (const k of Object.keys(a)) {
    if (!(k in e)) {
      if (!(rules.mayAdd ?? []).includes(k)) out.push({ path: `${path}.${k}`, problem: 'not in Kraken’s' });
      continue;
    }
    if ((a[k] === null || e[k] === null) && (rules.nullable ?? []).includes(k)) continue;
    out.push(...shapeDiff(a[k], e[k], rules, `${path}.${k}`));
  }
  return out;
}

/** A readable list for an assertion message. */
export function describeDiff(d: readonly ShapeDiff[]): string {
  return d.map((x) => `${x.path}: ${x.problem}`).join('\n');
}
