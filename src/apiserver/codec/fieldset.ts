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

// The set operations below walk the tries node by node instead of listing every member path and
// re-inserting it (the managedFields bookkeeping runs them on every write). They build exactly what
// fromPaths over the listed members would: only nodes that lead to a member, children in first-seen order.

/** Whether any node of `s` is a member. */
export function isEmpty(s: FSet): boolean {
  if (s.member) return false;
  for (const c of s.children.values()) if (!isEmpty(c)) return false;
  return true;
}

/** Members of `a` that are not members of `b` (nor of `c`: two differences in one pass). */
export function difference(a: FSet, b: FSet | undefined, c?: FSet): FSet {
  return diffNode(a, b, c) ?? emptySet();
}
function diffNode(a: FSet, b: FSet | undefined, c: FSet | undefined): FSet | undefined {
  const out: FSet = { member: a.member && !b?.member && !c?.member, children: new Map() };
  for (const [e, x] of a.children) {
    const d = diffNode(x, b?.children.get(e), c?.children.get(e));
    if (d) out.children.set(e, d);
  }
  return out.member || out.children.size ? out : undefined;
}

/** Members of `a` or `b` (a's order first, then what only b has). */
export function union(a: FSet, b: FSet): FSet {
  const out = difference(a, undefined);
  mergeInto(out, b);
  return out;
}
function mergeInto(out: FSet, b: FSet): void {
  if (b.member) out.member = true;
  for (const [e, c] of b.children) {
    const have = out.children.get(e);
    if (have) { mergeInto(have, c); continue; }
    const d = diffNode(c, undefined, undefined);
    if (d) out.children.set(e, d);
  }
}

// ---------- FieldsV1 encoding ----------

// String.prototype.localeCompare without arguments is defined as this collator's compare (ECMA-402), but
// builds a collator per call: one shared instance keeps the same order at a fraction of the cost.
const collate = new Intl.Collator().compare;

// The same few key sets (f:spec, f:metadata, ...) recur in every object of a kind: remember their sorted order.
const sortedKeySets = new Map<string, string[]>();
function sortedKeys(keys: string[]): string[] {
  if (keys.length < 2) return keys;
  const id = keys.join('\u0000');
  let sorted = sortedKeySets.get(id);
  if (!sorted) {
    sorted = [...keys].sort(collate);
    if (!keys.some((k) => k.includes('\u0000'))) {
      if (sortedKeySets.size >= 20_000) sortedKeySets.clear();
      sortedKeySets.set(id, sorted);
    }
  }
  return sorted;
}

export function toFieldsV1(s: FSet): Obj {
  const enc = (n: FSet): Obj => {
    const o: Obj = {};
    if (n.member && n.children.size) o['.'] = {};
    for (const e of sortedKeys([...n.children.keys()])) o[e] = enc(n.children.get(e)!);
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

/**
 * The set of leaf fields a value sets, as structured-merge-diff's ToFieldSet does. `include` limits the
 * top-level fields walked (the owned set of a main resource never holds status, a status update only status).
 */
export function setOf(value: unknown, t: FieldType, include?: (field: string) => boolean): FSet {
  const s = emptySet();
  if (isObj(value)) for (const k of Object.keys(value)) if (!include || include(k)) walkValue(value[k], childType(t, k), s, `f:${k}`, t, k);
  return s;
}

// Module-level (not closures made per call): setOf runs on every write.
/** The child node of `n` at `e`, made when something is inserted at or below it (an empty set-list inserts nothing). */
function childNode(n: FSet, e: string): FSet {
  let c = n.children.get(e);
  if (!c) { c = emptySet(); n.children.set(e, c); }
  return c;
}

/** Inserts the leaf fields of value `v` (of type `ty`), found at element `e` under node `at`. */
function walkValue(v: unknown, ty: FieldType, at: FSet, e: string, parent: FieldType | undefined, field: string | undefined): void {
  if (Array.isArray(v)) {
    const meta = parent && field !== undefined ? listMetaIn(parent, field) : { listType: 'atomic' as const, mapKeys: undefined };
    if (meta.listType === 'atomic') { childNode(at, e).member = true; return; }
    const items = ty.t === 'array' ? ty.items : { t: 'any' as const };
    const mapKeys = meta.listType === 'map' ? meta.mapKeys : undefined;
    for (const item of v) {
      const node = childNode(childNode(at, e), itemElement(item, mapKeys));
      node.member = true;
      if (meta.listType === 'map' && isObj(item)) for (const k of Object.keys(item)) walkValue(item[k], childType(items, k), node, `f:${k}`, items, k);
    }
    return;
  }
  if (isObj(v) && isGranular(ty)) {
    const keys = Object.keys(v);
    if (keys.length > 0) {
      const node = childNode(at, e);
      for (const k of keys) walkValue(v[k], childType(ty, k), node, `f:${k}`, ty, k);
      // A granular value whose fields all inserted nothing (only empty set-lists) leaves no node.
      if (!node.member && node.children.size === 0) at.children.delete(e);
      return;
    }
  }
  childNode(at, e).member = true;
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
