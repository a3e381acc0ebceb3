/**
 * Settings that are not settings: a misspelled name (`MAX_DAILY_LOS`) would otherwise be ignored
 * and the default used without a word. A name is reported when it is close to a known one, or
 * starts like one (`MAX_`, `KRAKEN_`, `DB_`...); other names (PATH, HOME...) belong to others.
 */
export interface NamedSetting {
  readonly name: string;
  /** Where it was set, e.g. `.env:7` or `environment`. */
  readonly where: string;
}

/** Edit distance (insert, delete, substitute), with an early exit above `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}

/** `MAX_` of `MAX_DAILY_LOSS`; none for a name without '_'. */
function prefixOf(name: string): string | null {
  const i = name.indexOf('_');
  return i > 0 ? name.slice(0, i + 1) : null;
}

/** How far a name may be from a known one to count as its misspelling. */
function closeLimit(name: string): number {
  return name.length >= 8 ? 2 : 1;
}

function nearest(name: string, known: readonly string[]): { name: string; distance: number } | null {
  let best: { name: string; distance: number } | null = null;
  for (const k of known) {
    const d = editDistance(name, k, 6);
    if (best === null || d < best.distance) best = { name: k, distance: d };
  }
  return best;
}

/** One problem per unknown name that looks meant for this program, with the name it probably meant. */
export function unknownNameProblems(settings: readonly NamedSetting[], known: readonly string[]): string[] {
  const knownSet = new Set(known);
  const prefixes = new Set(known.map(prefixOf).filter((p): p is string => p !== null));
  const problems: string[] = [];
  for (const { name, where } of settings) {
    if (knownSet.has(name)) continue;
    const upper = name.toUpperCase();
    if (upper !== name && knownSet.has(upper)) {
      problems.push(`${where}: ${name} is not a setting; names are upper case: ${upper}`);
      continue;
    }
    const near = nearest(upper, known);
    const prefix = prefixOf(upper);
    const looksOurs = prefix !== null && prefixes.has(prefix) && name === upper;
    const isClose = near !== null && near.distance <= closeLimit(upper) && upper.length >= 4;
    if (!looksOurs && !isClose) continue;
    const similar = known.filter((k) => prefix !== null && k.startsWith(prefix));
    let hint: string;
    if (near !== null && near.distance <= Math.max(2, Math.floor(upper.length / 3)))
      hint = `did you mean ${near.name}?`;
    else hint = `settings starting with ${prefix}: ${similar.join(', ')}`;
    problems.push(`${where}: ${name} is not a setting of kraken-arb; ${hint}`);
  }
  return problems;
}
