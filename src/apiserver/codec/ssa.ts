// Server-side apply and managedFields bookkeeping: each manager owns a field set; an Apply merges the
// applier's configuration into the live object (structs and granular maps field by field, associative lists
// by key, sets by value, atomic lists whole), fails with a 409 when it would change a field another manager
// owns (unless forced, which takes ownership), and removes fields the applier stopped applying that no one
// else owns. Non-apply writes (create/update/patch) record what they changed as operation Update.
// Upstream: sigs.k8s.io/structured-merge-diff/v4/merge/update.go (Updater.Apply/Update, prune),
// k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager/internal (managedfields.go encoding and sorting,
// conflict.go NewConflictError/getConflictMessage/printManager, structuredmerge.go).
import { StatusError } from '../../api/errors.js';
import type { GVK } from '../../api/gvr.js';
import type { KObject, ManagedFieldsEntry } from '../../api/object.js';
import { schemaNameOf } from './decode.js';
import {
  canonicalJson, childType, difference, emptySet, findItem, fromFieldsV1, has, hasPrefix, isEmpty, isGranular,
  itemElement, listMetaIn, members, pathString, removeAt, setOf, stripMeta, toFieldsV1, union, valueAt,
  type FPath, type FSet,
} from './fieldset.js';
import type { FieldType } from './schema.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Managed { entry: ManagedFieldsEntry; set: FSet }

/** BuildManagerIdentifier: manager, operation, subresource, and apiVersion for Update (not for Apply). */
function managerKey(e: ManagedFieldsEntry): string {
  // The JSON of {manager, operation, apiVersion (Update only), subresource (if any)}, written out directly
  // (members that are undefined are left out, as JSON.stringify does); conflict messages sort by it.
  let s = '';
  if (e.manager !== undefined) s += `,"manager":${JSON.stringify(e.manager)}`;
  if (e.operation !== undefined) s += `,"operation":${JSON.stringify(e.operation)}`;
  if (e.operation === 'Update' && e.apiVersion !== undefined) s += `,"apiVersion":${JSON.stringify(e.apiVersion)}`;
  if (e.subresource) s += `,"subresource":${JSON.stringify(e.subresource)}`;
  return `{${s.slice(1)}}`;
}

/** printManager: `"mgr"`, `"mgr" with subresource "status"`, and ` using <apiVersion>` for Update managers. */
function printManager(e: ManagedFieldsEntry): string {
  let s = JSON.stringify(e.manager ?? '');
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

function decodeManaged(list: ManagedFieldsEntry[] | undefined): Map<string, Managed> {
  const out = new Map<string, Managed>();
  for (const e of list ?? []) {
    const k = managerKey(e);
    const prev = out.get(k);
    const set = fromFieldsV1(e.fieldsV1);
    out.set(k, { entry: e, set: prev ? union(prev.set, set) : set });
  }
  return out;
}

let lastTime = NaN, lastStamp = '';
/** RFC 3339 in seconds (metav1.Time); a request's writes share one clock reading, so remember the last. */
const rfc3339 = (d: Date): string => {
  const t = d.getTime();
  if (t !== lastTime) { lastStamp = d.toISOString().replace(/\.\d{3}Z$/, 'Z'); lastTime = t; }
  return lastStamp;
};

/** Encodes and sorts as sortEncodedManagedFields: by operation (Apply first), then time, then manager. */
function encodeManaged(managers: Map<string, Managed>): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const { entry, set } of managers.values()) {
    if (isEmpty(set)) continue;
    const e: ManagedFieldsEntry = { manager: entry.manager, operation: entry.operation, apiVersion: entry.apiVersion, time: entry.time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(set) };
    if (entry.subresource) e.subresource = entry.subresource;
    out.push(e);
  }
  return out.sort((a, b) =>
    a.operation !== b.operation ? (a.operation! < b.operation! ? -1 : 1)
      : a.time !== b.time ? ((a.time ?? '') < (b.time ?? '') ? -1 : 1)
        : (a.manager ?? '') < (b.manager ?? '') ? -1 : (a.manager ?? '') > (b.manager ?? '') ? 1 : 0);
}

const apiVersionOf = (gvk: GVK) => (gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version);
const typeOf = (gvk: GVK): FieldType => {
  const s = schemaNameOf(gvk);
  return s ? { t: 'ref', ref: s } : { t: 'any' };
};

/** The fields an object sets that a manager can own, for the main resource or a subresource. */
function ownedSetOf(obj: unknown, t: FieldType, subresource: string | undefined): FSet {
  const status = subresource === 'status';
  // Skip walking what stripMeta would drop whole anyway (status of a main resource, everything else of status).
  return stripMeta(setOf(obj, t, status ? onlyStatusField : mainFields), { keepStatus: status, onlyStatus: status });
}
const onlyStatusField = (k: string) => k === 'status';
const mainFields = (k: string) => k !== 'status' && k !== 'apiVersion' && k !== 'kind';

/** Whether `path` holds a different value in `a` and `b`. A list item's own member (`k:`/`v:`) compares presence only. */
function differs(a: unknown, b: unknown, path: FPath): boolean {
  const last = path.at(-1) ?? '';
  const va = valueAt(a, path);
  const vb = valueAt(b, path);
  if (last.startsWith('k:') || last.startsWith('v:')) return (va === undefined) !== (vb === undefined);
  return canonicalJson(va ?? null) !== canonicalJson(vb ?? null) || (va === undefined) !== (vb === undefined);
}

// ---------- merging an applied configuration into the live object ----------

function mergeValue(live: unknown, cfg: unknown, t: FieldType, parent: FieldType | undefined, field: string | undefined): unknown {
  if (Array.isArray(cfg)) {
    const meta = parent && field !== undefined ? listMetaIn(parent, field) : { listType: 'atomic' as const, mapKeys: undefined };
    if (meta.listType === 'atomic' || !Array.isArray(live)) return structuredClone(cfg);
    const items = t.t === 'array' ? t.items : { t: 'any' as const };
    const out = [...live];
    for (const item of cfg) {
      const el = itemElement(item, meta.listType === 'map' ? meta.mapKeys : undefined);
      const i = findItem(out, el);
      if (i < 0) out.push(structuredClone(item));
      else if (meta.listType === 'map') out[i] = mergeValue(out[i], item, items, undefined, undefined);
    }
    return out;
  }
  if (isObj(cfg) && isGranular(t) && isObj(live)) {
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(cfg)) {
      if (v === null) { delete out[k]; continue; }
      out[k] = mergeValue(live[k], v, childType(t, k), t, k);
    }
    return out;
  }
  return structuredClone(cfg);
}

// ---------- entry points ----------

// Returns the merged object with metadata.managedFields updated; throws StatusError 409 Conflict with
// details.causes[{reason:'FieldManagerConflict', message:'conflict with "<mgr>" using <apiVersion>', field:'.spec.replicas'}]
// and message `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas` unless force.
export function serverSideApply(a: { live?: KObject; applied: KObject; manager: string; force: boolean; gvk: GVK; now: Date; subresource?: string }): KObject {
  const t = typeOf(a.gvk);
  const live: Obj = a.live ? structuredClone(a.live) as Obj : { apiVersion: apiVersionOf(a.gvk), kind: a.gvk.kind, metadata: {} };
  const cfg = structuredClone(a.applied) as Obj;
  if (isObj(cfg.metadata)) delete cfg.metadata.managedFields;
  const managers = decodeManaged(a.live?.metadata.managedFields);
  const configSet = ownedSetOf(cfg, t, a.subresource);
  const merged = mergeValue(live, cfg, t, undefined, undefined) as Obj;

  const me: ManagedFieldsEntry = { manager: a.manager, operation: 'Apply', apiVersion: apiVersionOf(a.gvk), time: rfc3339(a.now), ...(a.subresource ? { subresource: a.subresource } : {}) };
  const myKey = managerKey(me);
  const previous = managers.get(myKey)?.set ?? emptySet();

  // Conflicts: fields this apply changes that another manager owns.
  const conflicts: { key: string; entry: ManagedFieldsEntry; path: FPath }[] = [];
  for (const [key, m] of managers) {
    if (key === myKey) continue;
    for (const p of members(configSet)) if (has(m.set, p) && differs(live, merged, p)) conflicts.push({ key, entry: m.entry, path: p });
  }
  if (conflicts.length && !a.force) throw conflictError(conflicts);
  for (const c of conflicts) managers.get(c.key)!.set = difference(managers.get(c.key)!.set, configSetOf([c.path]));

  // Fields the applier no longer applies are removed unless another manager still owns them (or something below them).
  const others = [...managers.entries()].filter(([k]) => k !== myKey).map(([, m]) => m.set);
  const dropped = members(difference(previous, configSet)).sort((x, y) => y.length - x.length);
  for (const p of dropped) {
    if (others.some((s) => hasPrefix(s, p))) continue;
    if (hasPrefix(configSet, p)) continue;
    removeAt(merged, p);
  }
  managers.set(myKey, { entry: me, set: configSet });
  const meta = (isObj(merged.metadata) ? merged.metadata : (merged.metadata = {})) as Obj;
  meta.managedFields = encodeManaged(managers);
  return merged as KObject;
}

const configSetOf = (paths: FPath[]): FSet => { const s = emptySet(); for (const p of paths) { let n = s; for (const e of p) { let c = n.children.get(e); if (!c) { c = emptySet(); n.children.set(e, c); } n = c; } n.member = true; } return s; };

function conflictError(conflicts: { key: string; entry: ManagedFieldsEntry; path: FPath }[]): StatusError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.entry)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.entry)}: ${pathString(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, { entry: ManagedFieldsEntry; paths: FPath[] }>();
    for (const c of conflicts) {
      const g = byManager.get(c.key) ?? { entry: c.entry, paths: [] };
      g.paths.push(c.path);
      byManager.set(c.key, g);
    }
    const lines: string[] = [];
    for (const k of [...byManager.keys()].sort()) {
      const g = byManager.get(k)!;
      lines.push(`conflicts with ${printManager(g.entry)}:`);
      for (const p of g.paths) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

// Records a non-apply write (create/update/patch) by manager in updated.metadata.managedFields (operation Update).
export function recordUpdate(a: { old?: KObject; updated: KObject; manager: string; gvk: GVK; now: Date; subresource?: string }): void {
  const t = typeOf(a.gvk);
  const sent = a.updated.metadata.managedFields;
  // A request that carries managedFields replaces them; one that omits them keeps the stored ones.
  const managers = decodeManaged(Array.isArray(sent) && sent.length ? sent : a.old?.metadata.managedFields);
  const newSet = ownedSetOf(a.updated, t, a.subresource);
  const oldSet = a.old ? ownedSetOf(a.old, t, a.subresource) : emptySet();
  const changed = a.old ? changedMembers(newSet, oldSet, a.old, a.updated) : difference(newSet, undefined);
  const removed = difference(oldSet, newSet);
  const me: ManagedFieldsEntry = { manager: a.manager, operation: 'Update', apiVersion: apiVersionOf(a.gvk), time: rfc3339(a.now), ...(a.subresource ? { subresource: a.subresource } : {}) };
  const myKey = managerKey(me);
  for (const [k, m] of managers) {
    // Every manager loses the removed fields, the others also what this update changed. difference() also
    // normalises a decoded set (drops nodes that lead to no member), so it runs even when nothing is taken.
    m.set = difference(m.set, removed, k !== myKey ? changed : undefined);
  }
  if (!isEmpty(changed)) {
    const prev = managers.get(myKey)?.set ?? emptySet();
    managers.set(myKey, { entry: me, set: union(prev, changed) });
  }
  const encoded = encodeManaged(managers);
  if (encoded.length) a.updated.metadata.managedFields = encoded;
  else delete a.updated.metadata.managedFields;
}

/**
 * The members of `newSet` an update changed: new to `oldSet`, or holding a different value (a list item's own
 * member compares presence only). One walk over the trie carrying the values at each node, instead of a
 * lookup from the root per member path; the same answers as `differs` for every member.
 */
function changedMembers(newSet: FSet, oldSet: FSet, oldObj: unknown, newObj: unknown): FSet {
  return changedBelow(newSet, oldSet, oldObj, newObj, '') ?? emptySet();
}
function changedBelow(n: FSet, o: FSet | undefined, ov: unknown, nv: unknown, last: string): FSet | undefined {
  let member = false;
  if (n.member) {
    if (!o?.member) member = true;
    else if (last.startsWith('k:') || last.startsWith('v:')) member = (ov === undefined) !== (nv === undefined);
    else member = (ov === undefined) !== (nv === undefined) || !sameJson(ov ?? null, nv ?? null);
  }
  const out: FSet = { member, children: new Map() };
  for (const [e, c] of n.children) {
    const d = changedBelow(c, o?.children.get(e), step(ov, e), step(nv, e), e);
    if (d) out.children.set(e, d);
  }
  return out.member || out.children.size ? out : undefined;
}

/** One step of valueAt. */
function step(cur: unknown, e: string): unknown {
  if (cur === undefined || cur === null) return undefined;
  if (e.startsWith('f:')) return isObj(cur) ? cur[e.slice(2)] : undefined;
  if (Array.isArray(cur)) return cur[findItem(cur, e)];
  return undefined;
}

/** canonicalJson(a) === canonicalJson(b), without serialising scalars (JSON scalars are equal iff ===). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}
