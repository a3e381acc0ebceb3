/**
 * Variants of a corpus payload a tolerant parser must read the same way: keys in another order,
 * fields Kraken may add later, optional fields sent as null. Pure functions over JSON values.
 */

type Json = unknown;
type Obj = Record<string, unknown>;

function isObj(v: Json): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Kraken's field names are lower case; ids (txids, pair and asset ids) are upper case. An object
 * whose keys are all ids is a map (a v1 item's `{txid: {...}}`, AssetPairs by pair id, BalanceEx by
 * asset): Kraken adds entries to it, not fields, so no unknown field goes there.
 */
const ID_KEY_RE = /^[A-Z0-9][A-Z0-9.-]*$/;

function isIdMap(o: Obj): boolean {
  const keys = Object.keys(o);
  return keys.length > 0 && keys.every((k) => ID_KEY_RE.test(k));
}

/** Every object's keys in reverse order, recursively. */
export function reorderKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(reorderKeys);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).reverse()) out[k] = reorderKeys(v[k]);
  return out;
}

/** An unknown field of each JSON type added to every object (except id wrappers), recursively. */
export function addUnknownFields(v: Json): Json {
  if (Array.isArray(v)) return v.map(addUnknownFields);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v)) out[k] = addUnknownFields(v[k]);
  if (isIdMap(v)) return out;
  out['x_new_text'] = 'added later';
  out['x_new_number'] = 1.5;
  out['x_new_flag'] = true;
  out['x_new_null'] = null;
  out['x_new_object'] = { nested: [1, 'two', null] };
  return out;
}

/** Every occurrence of the named keys set to null, at any depth. */
export function nullFields(v: Json, keys: ReadonlySet<string>): Json {
  if (Array.isArray(v)) return v.map((x) => nullFields(x, keys));
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v)) out[k] = keys.has(k) ? null : nullFields(v[k], keys);
  return out;
}

export interface Variant {
  name: string;
  value: Json;
}

/** The original and its three mutations. */
export function variants(v: Json, optional: ReadonlySet<string>): Variant[] {
  return [
    { name: 'as captured', value: v },
    { name: 'keys reordered', value: reorderKeys(v) },
    { name: 'unknown fields added', value: addUnknownFields(v) },
    { name: 'optional fields null', value: nullFields(v, optional) },
  ];
}
