// Strategic merge patch: JSON merge patch plus per-list strategies from the Go struct tags (patch-meta.ts),
// walking the object with the generated field schemas to know each list's parent type. Supports the
// directives kubectl sends: `$patch: replace|delete|merge`, `$setElementOrder/<list>`, `$retainKeys`,
// `$deleteFromPrimitiveList/<list>`, and null to delete a field.
// Upstream: k8s.io/apimachinery/pkg/util/strategicpatch/patch.go (mergeMap, mergeSlice, mergeSliceWithSpecialElements,
// normalizeElementOrder, applyRetainKeysDirective, deleteFromSlice).
import { listMetaOf } from './patch-meta.js';
import { typeSchema, type FieldType } from './schema.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class SmpError extends Error {}

const DIRECTIVE = '$patch';
const ORDER = '$setElementOrder/';
const RETAIN = '$retainKeys';
const DEL_PRIMITIVE = '$deleteFromPrimitiveList/';

/** The element type to use for a field of an object of schema `schema`. */
function fieldType(schema: string | undefined, key: string): FieldType {
  return typeSchema(schema)?.props[key] ?? { t: 'any' };
}
const refOf = (t: FieldType): string | undefined => (t.t === 'ref' ? t.ref : undefined);

/** Removes directive keys from a patch fragment that lands where there was nothing (mergeMap with an empty original). */
function materialize(patch: unknown, t: FieldType): unknown {
  if (Array.isArray(patch)) {
    const items = t.t === 'array' ? t.items : { t: 'any' as const };
    return patch.filter((p) => !(isObj(p) && (p[DIRECTIVE] === 'delete' || p[DIRECTIVE] === 'replace' && Object.keys(p).length === 1))).map((p) => materialize(p, items));
  }
  if (isObj(patch)) return mergeObject(undefined, patch, t);
  return patch;
}

export function mergeObject(original: Obj | undefined, patch: Obj, t: FieldType): Obj | undefined {
  const schema = refOf(t);
  const values: FieldType | undefined = t.t === 'map' ? t.values : undefined;
  const typeOfKey = (k: string) => values ?? fieldType(schema, k);
  const directive = patch[DIRECTIVE];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const rest: Obj = {};
    for (const [k, v] of Object.entries(patch)) if (k !== DIRECTIVE) rest[k] = materialize(v, typeOfKey(k));
    return rest;
  }
  if (directive !== undefined && directive !== 'merge') throw new SmpError(`Unknown patch type: ${String(directive)}`);
  const out: Obj = isObj(original) ? { ...original } : {};
  const orders: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k === RETAIN) continue;
    if (k.startsWith(ORDER)) { if (Array.isArray(v)) orders[k.slice(ORDER.length)] = v; continue; }
    if (k.startsWith(DEL_PRIMITIVE)) {
      const field = k.slice(DEL_PRIMITIVE.length);
      if (!Array.isArray(v)) throw new SmpError(`invalid type for ${k}: expected a list`);
      const cur = out[field];
      if (Array.isArray(cur)) {
        const del = new Set(v.map((x) => JSON.stringify(x)));
        const kept = cur.filter((x) => !del.has(JSON.stringify(x)));
        if (kept.length) out[field] = kept; else delete out[field];
      }
      continue;
    }
    if (v === null) { delete out[k]; continue; }
    const ft = typeOfKey(k);
    const cur = out[k];
    if (Array.isArray(v)) {
      out[k] = mergeList(Array.isArray(cur) ? cur : undefined, v, ft, values ? undefined : schema, k);
    } else if (isObj(v)) {
      const merged = mergeObject(isObj(cur) ? cur : undefined, v, ft);
      if (merged === undefined) delete out[k]; else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of Object.entries(orders)) {
    const list = out[field];
    if (Array.isArray(list)) out[field] = applyOrder(list, order, listMetaOf(schema, field).mergeKey);
  }
  const retain = patch[RETAIN];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new SmpError('$retainKeys must be a list');
    const keep = new Set(retain.map(String));
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function mergeList(original: unknown[] | undefined, patch: unknown[], t: FieldType, parentSchema: string | undefined, field: string): unknown[] {
  const items: FieldType = t.t === 'array' ? t.items : { t: 'any' };
  const meta = listMetaOf(parentSchema, field);
  // A `{"$patch": "replace"}` element replaces the whole list with the other elements.
  if (patch.some((p) => isObj(p) && p[DIRECTIVE] === 'replace')) {
    return patch.filter((p) => !(isObj(p) && p[DIRECTIVE] === 'replace')).map((p) => materialize(p, items));
  }
  if (!meta.strategy?.startsWith('merge')) return materialize(patch, t) as unknown[];
  const base = original ? [...original] : [];
  if (!meta.mergeKey) {
    // A set of primitives: union, keeping the original order first.
    const seen = new Set(base.map((x) => JSON.stringify(x)));
    for (const p of patch) {
      if (isObj(p) && p[DIRECTIVE] === 'delete') continue;
      if (!seen.has(JSON.stringify(p))) { base.push(p); seen.add(JSON.stringify(p)); }
    }
    return base;
  }
  const key = meta.mergeKey;
  for (const p of patch) {
    if (!isObj(p)) throw new SmpError(`invalid list element for ${field}: expected an object with merge key "${key}"`);
    if (!(key in p)) throw new SmpError(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const idx = base.findIndex((o) => isObj(o) && JSON.stringify(o[key]) === JSON.stringify(p[key]));
    if (p[DIRECTIVE] === 'delete') {
      for (let i = base.length - 1; i >= 0; i--) { const o = base[i]; if (isObj(o) && JSON.stringify(o[key]) === JSON.stringify(p[key])) base.splice(i, 1); }
      continue;
    }
    if (idx >= 0) {
      const merged = mergeObject(base[idx] as Obj, p, items);
      if (merged === undefined) base.splice(idx, 1); else base[idx] = merged;
    } else {
      const fresh = mergeObject(undefined, p, items);
      if (fresh !== undefined) base.push(fresh);
    }
  }
  return base;
}

/** $setElementOrder: items named in `order` come first in that order; the rest keep their relative order after. */
function applyOrder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (x: unknown) => JSON.stringify(key && isObj(x) ? x[key] : x);
  const rank = new Map(order.map((o, i) => [id(o), i]));
  const named = list.filter((x) => rank.has(id(x))).sort((a, b) => rank.get(id(a))! - rank.get(id(b))!);
  const rest = list.filter((x) => !rank.has(id(x)));
  return [...named, ...rest];
}

/** Applies a strategic merge patch to `original`, whose type is the upstream schema `schema`. */
export function strategicMerge(original: Obj, patch: Obj, schema: string): Obj {
  return mergeObject(original, patch, { t: 'ref', ref: schema }) ?? {};
}
