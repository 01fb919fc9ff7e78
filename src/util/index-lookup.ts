// Secondary indexes over a shared informer's cache, kept by the informer's own event handlers, so they work
// whichever component started the shared informer first (Informer.addIndex only works before start).
import { objectKey, type KObject } from '../api/object.js';
import type { Informer } from '../client/informer.js';

const indexes = new WeakMap<object, Map<string, Map<string, Set<string>>>>();

/** A lookup "objects whose fn(obj) includes value", maintained incrementally; one index per (informer, name). */
export function indexLookup<T extends KObject>(inf: Informer<T>, name: string, fn: (o: T) => string[]): (value: string) => T[] {
  let byName = indexes.get(inf);
  if (!byName) indexes.set(inf, (byName = new Map()));
  let idx = byName.get(name);
  if (!idx) {
    const m = new Map<string, Set<string>>();
    idx = m;
    byName.set(name, m);
    const put = (o: T, on: boolean) => {
      const k = objectKey(o);
      for (const v of fn(o)) {
        let s = m.get(v);
        if (on) { if (!s) m.set(v, (s = new Set())); s.add(k); }
        else if (s) { s.delete(k); if (!s.size) m.delete(v); }
      }
    };
    inf.addEventHandler({ onAdd: (o) => put(o, true), onUpdate: (a, b) => { put(a, false); put(b, true); }, onDelete: (o) => put(o, false) });
  }
  const m = idx;
  return (v) => {
    const out: T[] = [];
    for (const k of m.get(v) ?? []) { const o = inf.get(k); if (o) out.push(o); }
    return out;
  };
}
