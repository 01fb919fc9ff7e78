// Stored values ↔ API objects. Values are the object's JSON without metadata.resourceVersion, which is
// always the key's modRevision and is filled in on the way out.
import type { KeyValue } from '../../datastore/types.js';
import type { KObject } from '../../api/object.js';
export { deepCopy } from '../../api/copy.js';

export function decodeKV(kv: KeyValue, revision = kv.modRevision): KObject {
  const obj = JSON.parse(kv.value) as KObject;
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

export function encodeObject(obj: KObject): string {
  // apiVersion, kind, metadata first (as upstream serializes), which also lets rawWithRV splice the text.
  const ordered = Object.assign({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata }, obj);
  const rv = obj.metadata.resourceVersion;
  if (rv === undefined) return JSON.stringify(ordered);
  delete obj.metadata.resourceVersion;
  try { return JSON.stringify(ordered); } finally { obj.metadata.resourceVersion = rv; }
}


/**
 * Whether two JSON values are equal as data (member order ignored, undefined members absent), as upstream's
 * apiequality.Semantic.DeepEqual compares specs; cheaper than printing both.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    n++;
    if (!jsonEqual(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) n--;
  return n === 0;
}

/** An object kept as its JSON text (with resourceVersion spliced in), for answers that need no parsing. */
export class RawJSON {
  constructor(readonly json: string) {}
}

const META_PREFIX = /^\{"apiVersion":"[^"\\]*","kind":"[^"\\]*","metadata":\{/;

/**
 * The stored JSON with metadata.resourceVersion added, without parsing it: values written by
 * encodeObject start with apiVersion, kind, metadata. Undefined when the value has another shape.
 */
export function rawWithRV(kv: KeyValue): RawJSON | undefined {
  const m = META_PREFIX.exec(kv.value);
  if (!m) return undefined;
  const at = m[0].length;
  const rv = `"resourceVersion":"${kv.modRevision}"`;
  return new RawJSON(kv.value.slice(0, at) + rv + (kv.value[at] === '}' ? '' : ',') + kv.value.slice(at));
}

/** JSON text of a list whose items may be RawJSON. */
export function listJSON(list: { apiVersion: string; kind: string; metadata: object; items: unknown[] }): string {
  const items = list.items.map((i) => (i instanceof RawJSON ? i.json : JSON.stringify(i)));
  return `{"kind":${JSON.stringify(list.kind)},"apiVersion":${JSON.stringify(list.apiVersion)},"metadata":${JSON.stringify(list.metadata)},"items":[${items.join(',')}]}`;
}
