// A compact, go-cmp-like rendering of what changed in an immutable struct, for messages such as
// `spec: Forbidden: spec is immutable after creation except ...\n<diff>`. Upstream prints cmp.Diff of the
// internal Go structs; this approximates its shape (type header, -/+ lines per changed top-level field,
// "... // N identical fields") from the JSON objects. The text after the first line is not byte-exact.
import { deepEqual } from './meta.js';

const goFieldName = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);

function render(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `{${v.map(render).join(', ')}}`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${goFieldName(k)}: ${render(x)}`).join(', ')}}`;
}

export function structDiff(typeName: string, oldObj: Record<string, unknown> | undefined, newObj: Record<string, unknown> | undefined, onlyKeys?: string[]): string {
  const o = oldObj ?? {};
  const n = newObj ?? {};
  const keys = onlyKeys ?? [...new Set([...Object.keys(o), ...Object.keys(n)])].sort();
  const lines = [`  ${typeName}{`];
  let same = 0;
  for (const k of keys) {
    if (deepEqual(o[k], n[k])) { same++; continue; }
    if (o[k] !== undefined) lines.push(`- \t${goFieldName(k)}: ${render(o[k])},`);
    if (n[k] !== undefined) lines.push(`+ \t${goFieldName(k)}: ${render(n[k])},`);
  }
  if (same) lines.push(`  \t... // ${same} identical fields`);
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}
