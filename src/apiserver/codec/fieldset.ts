// Field sets as structured-merge-diff keeps them in managedFields (FieldsV1): a trie whose edges are path
// elements `f:<field>` (struct field or map key), `k:{"name":"x"}` (associative list item by its keys),
// `v:<json>` (set item) and `i:<n>`, and whose nodes may themselves be members (`.`).
// Upstream: sigs.k8s.io/structured-merge-diff/v4/fieldpath (set.go, serialize.go, element.go),
// typed/helpers.go (which values are leaves), k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager (stripMeta).
import { listMetaOf } from './patch-meta.js';
import { typeSchema, type FieldType } from './schema.js';

export interface FSet { member: boolean; children: Map<string, FSet> }
export type FPath = string[];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const emptySet = (): FSet => ({ member: false, children: new Map() });

export function insert(s: FSet, path: FPath): void {
  let n = s;
  for (const e of path) {
    let c = n.children.get(e);
    if (!c) { c = emptySet(); n.children.set(e, c); }
    n = c;
  }
  n.member = true;
}

export function has(s: FSet, path: FPath): boolean {
  let n: FSet | undefined = s;
  for (const e of path) { n = n.children.get(e); if (!n) return false; }
  return n.member;
}

/** Whether any member lies at or below `path`. */
export function hasPrefix(s: FSet, path: FPath): boolean {
  let n: FSet | undefined = s;
  for (const e of path) { n = n.children.get(e); if (!n) return false; }
  const any = (x: FSet): boolean => x.member || [...x.children.values()].some(any);
  return any(n);
}

export function members(s: FSet, prefix: FPath = []): FPath[] {
  const out: FPath[] = [];
  if (s.member) out.push(prefix);
  for (const [e, c] of s.children) out.push(...members(c, [...prefix, e]));
  return out;
}

export function fromPaths(paths: FPath[]): FSet {
  const s = emptySet();
  for (const p of paths) insert(s, p);
  return s;
}
export const union = (a: FSet, b: FSet) => fromPaths([...members(a), ...members(b)]);
export const difference = (a: FSet, b: FSet) => fromPaths(members(a).filter((p) => !has(b, p)));
export const isEmpty = (s: FSet) => members(s).length === 0;

// ---------- FieldsV1 encoding ----------

export function toFieldsV1(s: FSet): Obj {
  const enc = (n: FSet): Obj => {
    const o: Obj = {};
    if (n.member && n.children.size) o['.'] = {};
    for (const [e, c] of [...n.children.entries()].sort(([a], [b]) => a.localeCompare(b))) o[e] = enc(c);
    return o;
  };
  return enc(s);
}

export function fromFieldsV1(o: unknown): FSet {
  const dec = (v: unknown, n: FSet): void => {
    if (!isObj(v)) return;
    const keys = Object.keys(v);
    if (keys.length === 0) { n.member = true; return; }
    for (const k of keys) {
      if (k === '.') { n.member = true; continue; }
      const c = emptySet();
      n.children.set(k, c);
      dec(v[k], c);
    }
  };
  const s = emptySet();
  if (isObj(o)) for (const [k, v] of Object.entries(o)) { const c = emptySet(); s.children.set(k, c); dec(v, c); }
  return s;
}

// ---------- values → sets ----------

export const childType = (t: FieldType, key: string): FieldType =>
  t.t === 'ref' ? typeSchema(t.ref)?.props[key] ?? { t: 'any' } : t.t === 'map' ? t.values : { t: 'any' };

/** Whether values of this type are walked field by field (structs with a schema and granular maps). */
export const isGranular = (t: FieldType): boolean =>
  (t.t === 'ref' && !!typeSchema(t.ref) && !typeSchema(t.ref)!.free) || t.t === 'map';

/** JSON with sorted keys: how structured-merge-diff writes `k:` and `v:` element values. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** List-map key fields that have upstream defaults (so `ports: [{containerPort: 80}]` keys as protocol TCP). */
const keyDefaults: Record<string, unknown> = { protocol: 'TCP' };

export function itemElement(item: unknown, mapKeys: string[] | undefined): string {
  if (!mapKeys) return `v:${canonicalJson(item)}`;
  const k: Obj = {};
  for (const key of mapKeys) {
    const v = isObj(item) ? item[key] ?? keyDefaults[key] : undefined;
    if (v !== undefined) k[key] = v;
  }
  return `k:${canonicalJson(k)}`;
}

/** The list meta of field `key` inside a value of type `t`. */
export const listMetaIn = (t: FieldType, key: string) => listMetaOf(t.t === 'ref' ? t.ref : undefined, key);

/** The set of leaf fields a value sets, as structured-merge-diff's ToFieldSet does. */
export function setOf(value: unknown, t: FieldType): FSet {
  const s = emptySet();
  const walk = (v: unknown, ty: FieldType, path: FPath, parent: FieldType | undefined, field: string | undefined): void => {
    if (Array.isArray(v)) {
      const meta = parent && field !== undefined ? listMetaIn(parent, field) : { listType: 'atomic' as const };
      if (meta.listType === 'atomic') { insert(s, path); return; }
      const items = ty.t === 'array' ? ty.items : { t: 'any' as const };
      for (const item of v) {
        const p = [...path, itemElement(item, meta.listType === 'map' ? meta.mapKeys : undefined)];
        insert(s, p);
        if (meta.listType === 'map' && isObj(item)) for (const [k, iv] of Object.entries(item)) walk(iv, childType(items, k), [...p, `f:${k}`], items, k);
      }
      return;
    }
    if (isObj(v) && isGranular(ty) && Object.keys(v).length > 0) {
      for (const [k, cv] of Object.entries(v)) walk(cv, childType(ty, k), [...path, `f:${k}`], ty, k);
      return;
    }
    insert(s, path);
  };
  if (isObj(value)) for (const [k, v] of Object.entries(value)) walk(v, childType(t, k), [`f:${k}`], t, k);
  return s;
}

/** Fields no manager owns: type meta and server-set metadata. Upstream: fieldmanager/internal/stripmeta.go */
export function stripMeta(s: FSet, opts: { keepStatus: boolean; onlyStatus: boolean }): FSet {
  s.children.delete('f:apiVersion');
  s.children.delete('f:kind');
  const meta = s.children.get('f:metadata');
  if (meta) {
    for (const f of ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'resourceVersion', 'generation', 'managedFields', 'deletionTimestamp', 'deletionGracePeriodSeconds']) meta.children.delete(`f:${f}`);
    if (!meta.children.size && !meta.member) s.children.delete('f:metadata');
  }
  // Upstream: the registry's ResetFieldsStrategy — the main resource never owns status, status/ owns only status.
  if (!opts.keepStatus) s.children.delete('f:status');
  if (opts.onlyStatus) for (const k of [...s.children.keys()]) if (k !== 'f:status') s.children.delete(k);
  return s;
}

// ---------- navigating values by path ----------

/** The value at a path (undefined when absent). */
export function valueAt(obj: unknown, path: FPath): unknown {
  let cur: unknown = obj;
  for (const e of path) {
    if (cur === undefined || cur === null) return undefined;
    if (e.startsWith('f:')) cur = isObj(cur) ? cur[e.slice(2)] : undefined;
    else if (Array.isArray(cur)) cur = cur[findItem(cur, e)];
    else return undefined;
  }
  return cur;
}

export function findItem(list: unknown[], element: string): number {
  if (element.startsWith('i:')) return Number(element.slice(2));
  if (element.startsWith('v:')) return list.findIndex((x) => `v:${canonicalJson(x)}` === element);
  if (element.startsWith('k:')) {
    const keys = JSON.parse(element.slice(2)) as Obj;
    return list.findIndex((x) => isObj(x) && Object.entries(keys).every(([k, v]) => canonicalJson(x[k] ?? keyDefaults[k]) === canonicalJson(v)));
  }
  return -1;
}

/** Removes the value at a path; returns whether something was removed. */
export function removeAt(obj: unknown, path: FPath): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(obj, path.slice(0, -1));
  const last = path.at(-1)!;
  if (last.startsWith('f:') && isObj(parent) && last.slice(2) in parent) { delete parent[last.slice(2)]; return true; }
  if (Array.isArray(parent)) {
    const i = findItem(parent, last);
    if (i >= 0) { parent.splice(i, 1); return true; }
  }
  return false;
}

/** fieldpath.Path.String(): `.spec.containers[name="nginx"].image`, `.metadata.finalizers[="x"]`. */
export function pathString(path: FPath): string {
  return path.map((e) => {
    if (e.startsWith('f:')) return `.${e.slice(2)}`;
    if (e.startsWith('v:')) return `[=${e.slice(2)}]`;
    if (e.startsWith('i:')) return `[${e.slice(2)}]`;
    if (e.startsWith('k:')) {
      const keys = JSON.parse(e.slice(2)) as Obj;
      return `[${Object.keys(keys).sort().map((k) => `${k}=${canonicalJson(keys[k])}`).join(',')}]`;
    }
    return e;
  }).join('');
}
